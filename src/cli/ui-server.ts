/**
 * The HTTP server of `edgeflow ui`: MLflow's REST API and artifact proxy over a store (see
 * `node/mlflow-rest-handler.ts`), the viewer page's static files, and `edgeflow-ui.json` (title,
 * read-only).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, relative, resolve, isAbsolute } from 'node:path';
import type { Store } from '../core/store.js';
import { createMlflowRestHandler } from '../node/mlflow-rest-handler.js';

/** Options of {@link startUiServer}. */
export interface UiServerOptions {
  readonly store: Store;
  /** Folder of the built viewer page (`dist/viewer/ui`). */
  readonly viewerDir: string;
  readonly title: string;
  readonly readOnly: boolean;
  /** Origins of pages elsewhere that may call the REST API (none by default). */
  readonly corsOrigins?: readonly string[];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = any free port. */
  readonly port: number;
}

/** A running server. */
export interface UiServer {
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** Starts the server; resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const rest = createMlflowRestHandler(options.store, {
    readOnly: options.readOnly,
    ...(options.corsOrigins === undefined || options.corsOrigins.length === 0 ? {} : { cors: { origins: options.corsOrigins } }),
  });
  const viewerDir = resolve(options.viewerDir);
  const config = JSON.stringify({ title: options.title, readOnly: options.readOnly });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (await rest(request, response)) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === '/edgeflow-ui.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(config);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const path = decodeURIComponent(url.pathname);
    const file = resolve(viewerDir, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    const rel = relative(viewerDir, file);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      response.writeHead(404).end('not found');
      return;
    }
    try {
      const bytes = await readFile(join(viewerDir, rel));
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
      response.end(method === 'HEAD' ? undefined : bytes);
    } catch {
      response.writeHead(404).end('not found');
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
    },
  };
}
