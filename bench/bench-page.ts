/**
 * One bench page in Chromium: served by Vite in production mode (so Lit's production build) from
 * 127.0.0.1 without an index.html on disk, opened by the test harness's Chromium, and ready once
 * the page sets `data-ready="true"` on its root element.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { createServer, type Plugin } from 'vite';
import { chromiumLaunchOptions } from '../test/harness/chromium.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** What {@link openBenchPage} serves and opens. */
export interface BenchPageOptions {
  /** Module the page runs, from the repository root (e.g. `/bench/components-page.ts`). */
  readonly script: string;
  /** Page title. */
  readonly title: string;
  readonly viewport: { readonly width: number; readonly height: number };
  /** Further files served at fixed paths (e.g. a zip the page fetches). */
  readonly files?: Readonly<Record<string, { readonly type: string; readonly body: Uint8Array }>>;
}

/** A ready bench page; `close()` stops the browser and the server. */
export interface BenchPage {
  readonly page: Page;
  close(): Promise<void>;
}

/** Serves and opens a bench page, resolving once the page says it is ready. */
export async function openBenchPage(options: BenchPageOptions): Promise<BenchPage> {
  const path = `/__bench-${options.title.replace(/\W+/gu, '-')}.html`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${options.title} bench</title></head>
<body style="margin:0;font:13px system-ui"><script type="module" src="${options.script}"></script></body></html>`;
  const files = options.files ?? {};
  const serve: Plugin = {
    name: 'edgeflow-bench-page',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = req.url === undefined ? undefined : files[req.url];
        if (file !== undefined) {
          res.setHeader('content-type', file.type);
          res.end(file.body);
          return;
        }
        if (req.url !== path) return next();
        void server.transformIndexHtml(path, html).then((text) => {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(text);
        }, next);
      });
    },
  };
  const server = await createServer({
    root: ROOT,
    configFile: false,
    mode: 'production',
    logLevel: 'error',
    plugins: [serve],
    define: { 'process.env.NODE_ENV': '"production"' },
    // No watcher or HMR: others editing the tree must not reload the page mid-measurement.
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer!.address();
  if (address === null || typeof address === 'string') throw new Error('bench: no server address');
  const browser = await chromium.launch(chromiumLaunchOptions());
  const close = async (): Promise<void> => {
    await browser.close();
    await server.close();
  };
  try {
    const page = await browser.newPage({ viewport: options.viewport, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`http://127.0.0.1:${address.port}${path}`);
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 120_000 });
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
