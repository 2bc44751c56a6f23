/**
 * `npx tsx bench/viewer.ts`: `<ef-viewer>`'s time to its first charts for a bundle of 100 runs ×
 * 10 metrics × 10,000 points (its five latest runs charted, one chart per metric), against
 * `BundleStore.open` of the same Blob in the same page. Chromium via the test harness, the page
 * served by Vite (production mode) from 127.0.0.1. Prints one JSON line per figure.
 */
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer, type Plugin } from 'vite';
import { TrackingClient } from '../src/core/client.js';
import { exportBundle } from '../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { chromiumLaunchOptions } from '../test/harness/chromium.js';
import { report } from './report.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PAGE = '/__bench-viewer.html';
const ZIP = '/__bench-viewer.zip';
const RUNS = 100;
const METRICS = 10;
const POINTS = 10_000;
const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>viewer bench</title></head>
<body style="margin:0;font:13px system-ui"><script type="module" src="/bench/viewer-page.ts"></script></body></html>`;

/** The bundle: RUNS runs × METRICS metrics × POINTS steps (random walks). */
async function bundle(): Promise<Uint8Array> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'bench' });
  const experimentId = await client.createExperiment('viewer-bench');
  const steps = Float64Array.from({ length: POINTS }, (_, i) => i);
  const timestamps = Float64Array.from({ length: POINTS }, (_, i) => 1_700_000_000_000 + i * 100);
  for (let r = 0; r < RUNS; r++) {
    const run = await client.createRun(experimentId, { runName: `run-${r}`, startTime: 1_700_000_000_000 + r });
    const metrics = Array.from({ length: METRICS }, (_, m) => {
      const values = new Float64Array(POINTS);
      let v = m;
      for (let i = 0; i < POINTS; i++) values[i] = v += Math.random() - 0.5;
      return { key: `metric_${m}`, steps, timestamps, values };
    });
    await store.logBatch(run.info.runId, { metrics, params: [{ key: 'r', value: String(r) }], tags: [] });
  }
  return exportBundle(store, { output: 'bytes' });
}

const zip = await bundle();
const serveBench: Plugin = {
  name: 'edgeflow-bench-viewer-page',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url === ZIP) {
        res.setHeader('content-type', 'application/zip');
        res.end(zip);
        return;
      }
      if (req.url !== PAGE) return next();
      void server.transformIndexHtml(PAGE, HTML).then((html) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(html);
      }, next);
    });
  },
};

const server = await createServer({
  root: ROOT,
  configFile: false,
  mode: 'production',
  logLevel: 'error',
  plugins: [serveBench],
  define: { 'process.env.NODE_ENV': '"production"' },
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
});
await server.listen();
const address = server.httpServer!.address();
if (address === null || typeof address === 'string') throw new Error('bench: no server address');
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${address.port}${PAGE}`);
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 120_000 });
  type Bench = { timeToFirstChart(url: string, rounds: number): Promise<{ open: number; viewer: number; charts: number; runs: number }> };
  const result = await page.evaluate((url) => (window as unknown as { viewerBench: Bench }).viewerBench.timeToFirstChart(url, 3), ZIP);
  if (result.charts !== METRICS || result.runs !== RUNS) throw new Error(`bench: the viewer showed ${result.runs} runs and ${result.charts} charts`);
  report('viewer.bundle_size.100x10x10k', zip.length / 1e6, 'MB');
  report('viewer.bundle_open.100x10x10k', result.open, 'ms');
  report('viewer.first_charts.100x10x10k', result.viewer, 'ms');
  report('viewer.first_charts / bundle_open', result.viewer / result.open, 'x');
} finally {
  await browser.close();
  await server.close();
}
