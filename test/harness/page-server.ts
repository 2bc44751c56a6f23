/**
 * Builds a test or benchmark page with Vite (the same production build users get, so the worker
 * URL is proven to bundle) and serves it from 127.0.0.1 with a tiny static server.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { build } from 'vite';

/** A served page. */
export interface ServedPage {
  /** `http://127.0.0.1:<port>/` */
  readonly origin: string;
  /** The page's URL. */
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.zip': 'application/zip',
};

/** Options of {@link serveFolder}. */
export interface ServeFolderOptions {
  /** Send `Access-Control-Allow-Origin: *` (as CDNs do), so pages of other origins may load module scripts. */
  readonly cors?: boolean;
  /** Remove the folder on `close()`. */
  readonly removeOnClose?: boolean;
}

/** Serves the files of `dir` from 127.0.0.1 on a port chosen by the OS; `close()` stops it. */
export async function serveFolder(dir: string, options: ServeFolderOptions = {}): Promise<ServedPage> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/u, '');
      const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
      const headers: Record<string, string> = options.cors ? { 'access-control-allow-origin': '*' } : {};
      try {
        const body = await readFile(file);
        response.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        response.end(body);
      } catch {
        response.writeHead(404, headers).end('not found');
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: `${origin}/`,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      if (options.removeOnClose) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Builds the Vite app whose `index.html` is in `root` and serves it; `close()` stops and cleans up. */
export async function buildAndServe(root: string): Promise<ServedPage> {
  const outDir = await mkdtemp(join(tmpdir(), 'edgeflow-page-'));
  await build({
    root: resolve(root),
    configFile: false,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, sourcemap: false, reportCompressedSize: false },
    worker: { format: 'es' },
  });
  return serveFolder(outDir, { removeOnClose: true });
}
