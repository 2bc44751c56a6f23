/**
 * The HTTP server of `edgeflow ui`: MLflow's REST API and artifact proxy over a store (see
 * `node/mlflow-rest-handler.ts`), the viewer page's static files, and `edgeflow-ui.json` (title,
 * read-only). Every request passes the checks of `node/http-guard.ts` first (Host, Origin, the
 * per-launch token); opening the page with `?token=` sets the token cookie its own requests carry.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, relative, resolve, isAbsolute } from 'node:path';
import { EdgeflowError, isEdgeflowError } from '../core/errors.js';
import type { Store } from '../core/store.js';
import { checkRequest, parseRequestTarget, tokenCookie, type RequestGuardOptions } from '../node/http-guard.js';
import { createMlflowRestHandler, mlflowErrorResponse, sendAnswer } from '../node/mlflow-rest-handler.js';

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
  /** Host header names accepted besides 127.0.0.1, localhost, [::1] and `host` (`name` or `name:port`). */
  readonly allowedHosts?: readonly string[];
  /** The secret every request must carry (see `node/http-guard.ts`); none asked when undefined. */
  readonly token?: string;
  /** Largest artifact upload in bytes (default 256 MiB). */
  readonly maxUploadBytes?: number;
  /** Local folders never shown in error messages (e.g. the served mlruns folder). */
  readonly localPaths?: readonly string[];
  /** Called with the error behind each 500 answer (whose body says only "internal error"). */
  readonly onInternalError?: (error: unknown) => void;
}

/** A running server. */
export interface UiServer {
  /** Base URL, e.g. `http://127.0.0.1:5000/` (what `RestStore` takes). */
  readonly url: string;
  /** The URL to open in a browser: {@link url} with `?token=…` when a token is asked. */
  readonly pageUrl: string;
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

/** Sent with the page and its files: no framing by other sites, no token in a Referer. */
const PAGE_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };

/** Whether `host` is an address that listens on every interface (not a name a Host header carries). */
const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === '';

/** Starts the server; resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const allowedHosts = [...(isWildcard(host) ? [] : [shownHost]), ...(options.allowedHosts ?? [])];
  const corsOrigins = options.corsOrigins ?? [];
  const token = options.token;
  const guard: RequestGuardOptions = { allowedHosts, corsOrigins, ...(token === undefined ? {} : { token }) };
  const rest = createMlflowRestHandler(options.store, {
    readOnly: options.readOnly,
    allowedHosts,
    ...(corsOrigins.length === 0 ? {} : { cors: { origins: corsOrigins } }),
    ...(token === undefined ? {} : { token }),
    ...(options.maxUploadBytes === undefined ? {} : { maxBodyBytes: options.maxUploadBytes }),
    ...(options.localPaths === undefined ? {} : { localPaths: options.localPaths }),
    ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
  });
  const viewerDir = resolve(options.viewerDir);
  const config = JSON.stringify({ title: options.title, readOnly: options.readOnly });

  /** The page's files and `edgeflow-ui.json`, behind the same Host, Origin and token checks as the API. */
  const serveViewer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const { decodedPath, query } = parseRequestTarget(request.url);
    const source = checkRequest(guard, { method, headers: request.headers, query });
    // Opened with ?token=: keep it in a cookie that only this site's own requests carry.
    const headers = { ...PAGE_HEADERS, ...(source === 'query' && token !== undefined ? { 'set-cookie': tokenCookie(request.headers.host, token) } : {}) };
    if (method !== 'GET' && method !== 'HEAD') {
      throw new EdgeflowError('INVALID_PARAMETER_VALUE', `Method ${method} is not allowed here.`, { details: { httpStatus: 405 } });
    }
    if (decodedPath === '/favicon.ico') {
      response.writeHead(204, headers).end();
      return;
    }
    if (decodedPath === '/edgeflow-ui.json') {
      response.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(method === 'HEAD' ? undefined : config);
      return;
    }
    const file = resolve(viewerDir, `.${decodedPath.endsWith('/') ? `${decodedPath}index.html` : decodedPath}`);
    const rel = relative(viewerDir, file);
    let bytes: Buffer | undefined;
    if (!rel.startsWith('..') && !isAbsolute(rel)) bytes = await readFile(join(viewerDir, rel)).catch(() => undefined);
    if (bytes === undefined) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(method === 'HEAD' ? undefined : bytes);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (await rest(request, response)) return;
    try {
      await serveViewer(request, response);
    } catch (error) {
      if (response.headersSent) response.destroy();
      else await sendAnswer(request, response, mlflowErrorResponse(error, options.localPaths));
      if (!isEdgeflowError(error)) options.onInternalError?.(error);
    }
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    pageUrl: token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
    },
  };
}
