/**
 * Bundle benchmark: export and import of 1,000 runs holding 1,000,000 metric points and 10,000
 * small artifact files, against the raw zip library (fflate) compressing/extracting the same
 * entries in the same process. Prints one JSON line per figure: {"name","value","unit"}.
 *
 * Run: npx tsx bench/bundle.ts
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { exportBundle } from '../src/storage/bundle/export-bundle.js';
import { importBundle } from '../src/storage/bundle/import-bundle.js';
import { report } from './report.js';

const RUNS = 1000;
const KEYS = 10;
const POINTS_PER_KEY = 100; // 1000 runs × 10 keys × 100 = 1,000,000 points
const FILES_PER_RUN = 10; // 10,000 files
const T0 = 1_700_000_000_000;


async function seed(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const experimentId = await store.createExperiment({ name: 'bench' });
  let seedValue = 1;
  const random = (): number => ((seedValue = (seedValue * 16807) % 2147483647) / 2147483647);
  for (let r = 0; r < RUNS; r++) {
    const run = await store.createRun({ experimentId, userId: 'bench', runName: `run-${r}`, startTime: T0 + r, tags: [{ key: 'team', value: 'bench' }] });
    const metrics = Array.from({ length: KEYS }, (_, k) => {
      const steps = new Float64Array(POINTS_PER_KEY);
      const timestamps = new Float64Array(POINTS_PER_KEY);
      const values = new Float64Array(POINTS_PER_KEY);
      for (let i = 0; i < POINTS_PER_KEY; i++) {
        steps[i] = i;
        timestamps[i] = T0 + i * 1000;
        values[i] = random();
      }
      return { key: `metric_${k}`, steps, timestamps, values };
    });
    await store.logBatch(run.info.runId, { params: [{ key: 'lr', value: String(random()) }], metrics });
    for (let f = 0; f < FILES_PER_RUN; f++) {
      const text = f % 2 === 0;
      const bytes = text
        ? new TextEncoder().encode(`file ${f} of run ${r}\n`.repeat(20))
        : Uint8Array.from({ length: 512 }, () => Math.floor(random() * 256));
      await store.putArtifact(run.info.runId, text ? `logs/log-${f}.txt` : `bin/blob-${f}.bin`, bytes);
    }
  }
  return store;
}

async function main(): Promise<void> {
  const store = await seed();

  let t = performance.now();
  const zip = await exportBundle(store, { output: 'bytes' });
  const exportMs = performance.now() - t;

  // Baseline: the same entries (names, bytes, per-file level) through fflate directly.
  const entries = unzipSync(zip);
  const zippable: Zippable = {};
  for (const [name, bytes] of Object.entries(entries)) {
    zippable[name] = [bytes, { level: name.includes('/artifacts/bin/') ? 0 : 6 }];
  }
  t = performance.now();
  const raw = zipSync(zippable);
  const rawZipMs = performance.now() - t;

  t = performance.now();
  const target = new MemoryStore();
  const imported = await importBundle(target, zip);
  const importMs = performance.now() - t;

  t = performance.now();
  unzipSync(raw);
  const rawUnzipMs = performance.now() - t;

  report('bundle.export', exportMs, 'ms');
  report('fflate.zipSync (same entries)', rawZipMs, 'ms');
  report('bundle.export / fflate.zipSync', exportMs / rawZipMs, 'ratio');
  report('bundle.import', importMs, 'ms');
  report('fflate.unzipSync (same entries)', rawUnzipMs, 'ms');
  report('bundle.import / fflate.unzipSync', importMs / rawUnzipMs, 'ratio');
  report('bundle.size', zip.length / 1e6, 'MB');
  report('fflate.size', raw.length / 1e6, 'MB');
  report('bundle.entries', Object.keys(entries).length, 'entries');
  report('import.metricPoints', imported.metricPoints, 'points');
  report('import.artifacts', imported.artifacts, 'files');
  report('export.throughput', 1_000_000 / (exportMs / 1000), 'points/s');
  report('import.throughput', imported.metricPoints / (importMs / 1000), 'points/s');
}

await main();
