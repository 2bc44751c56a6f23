/**
 * `npx tsx bench/viewer.ts`: `<ef-viewer>`'s time to its first charts for a bundle of 100 runs ×
 * 10 metrics × 10,000 points (its five latest runs charted, one chart per metric), and
 * `BundleStore.open`'s, against the raw baseline: fflate `unzipSync` of the same Blob in the same page. Chromium via the test harness, the page
 * served by Vite (production mode) from 127.0.0.1. Prints one JSON line per figure.
 */
import { TrackingClient } from '../src/core/client.js';
import { exportBundle } from '../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { openBenchPage } from './bench-page.js';
import { report } from './report.js';

const ZIP = '/__bench-viewer.zip';
const RUNS = 100;
const METRICS = 10;
const POINTS = 10_000;

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
const { page, close } = await openBenchPage({
  script: '/bench/viewer-page.ts',
  title: 'viewer',
  viewport: { width: 1440, height: 900 },
  files: { [ZIP]: { type: 'application/zip', body: zip } },
});
try {
  type Bench = { timeToFirstChart(url: string, rounds: number): Promise<{ unzip: number; open: number; viewer: number; charts: number; runs: number }> };
  const result = await page.evaluate((url) => (window as unknown as { viewerBench: Bench }).viewerBench.timeToFirstChart(url, 3), ZIP);
  if (result.charts !== METRICS || result.runs !== RUNS) throw new Error(`bench: the viewer showed ${result.runs} runs and ${result.charts} charts`);
  report('viewer.bundle_size.100x10x10k', zip.length / 1e6, 'MB');
  report('viewer.raw_unzip.100x10x10k', result.unzip, 'ms');
  report('viewer.bundle_open.100x10x10k', result.open, 'ms');
  report('viewer.first_charts.100x10x10k', result.viewer, 'ms');
  report('viewer.bundle_open / raw_unzip', result.open / result.unzip, 'x');
  report('viewer.first_charts / raw_unzip', result.viewer / result.unzip, 'x');
  report('viewer.first_charts / bundle_open', result.viewer / result.open, 'x');
} finally {
  await close();
}
