/**
 * Bundle benchmark: export and import of 1,000 runs holding 1,000,000 metric points and 10,000
 * small artifact files, against the raw zip library (fflate) compressing/extracting the same
 * entries in the same process; then the import of that bundle into the IndexedDB worker store in
 * Chromium (on an on-disk profile), against fflate's `unzipSync` plus raw IndexedDB puts of the same
 * runs, columns and files in the same page. Prints one JSON line per figure: {"name","value","unit"}.
 *
 * Run: npx tsx bench/bundle.ts (`BENCH_ONLY=memory` or `idb` runs one part; `BENCH_RUNS=100` a tenth
 * of the bundle, for a quick look).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../test/harness/chromium.js';
import { buildAndServe } from '../test/harness/page-server.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { exportBundle } from '../src/storage/bundle/export-bundle.js';
import { importBundle } from '../src/storage/bundle/import-bundle.js';
import { median, report } from './report.js';
import './pages/idb/protocol.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 1000);
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

/** Rounds of the in-memory figures: each round times edgeflow and fflate back to back (medians reported). */
const ROUNDS = 3;

/**
 * Export and import in this process (memory stores), against fflate on the same entries: each
 * round exports, zips, imports and unzips, so a busy moment of the machine hits both sides.
 */
async function inMemory(store: MemoryStore, zip: Uint8Array): Promise<void> {
  // Baseline: the same entries (names, bytes, per-file level) through fflate directly.
  const entries = unzipSync(zip);
  const zippable: Zippable = {};
  for (const [name, bytes] of Object.entries(entries)) {
    zippable[name] = [bytes, { level: name.includes('/artifacts/bin/') ? 0 : 6 }];
  }
  // Wall time, and this process's CPU time (less hit by other processes on a shared machine).
  const times = { export: [] as number[], zip: [] as number[], import: [] as number[], unzip: [] as number[] };
  const cpu = { export: [] as number[], zip: [] as number[], import: [] as number[], unzip: [] as number[] };
  const timed = async <T>(what: keyof typeof times, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const result = await work();
    const used = process.cpuUsage(startCpu);
    times[what].push(performance.now() - start);
    cpu[what].push((used.user + used.system) / 1000);
    return result;
  };
  let raw = new Uint8Array(0);
  let points = 0;
  let artifacts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await timed('export', () => exportBundle(store, { output: 'bytes' }));
    raw = await timed('zip', () => zipSync(zippable));
    const imported = await timed('import', () => importBundle(new MemoryStore(), zip));
    await timed('unzip', () => unzipSync(raw));
    points = imported.metricPoints;
    artifacts = imported.artifacts;
  }
  const exportMs = median(times.export);
  const importMs = median(times.import);
  report('bundle.export', exportMs, 'ms');
  report('fflate.zipSync (same entries)', median(times.zip), 'ms');
  report('bundle.export / fflate.zipSync', exportMs / median(times.zip), 'ratio');
  report('bundle.import', importMs, 'ms');
  report('fflate.unzipSync (same entries)', median(times.unzip), 'ms');
  report('bundle.import / fflate.unzipSync', importMs / median(times.unzip), 'ratio');
  report('bundle.export / fflate.zipSync (cpu time)', median(cpu.export) / median(cpu.zip), 'ratio');
  report('bundle.import / fflate.unzipSync (cpu time)', median(cpu.import) / median(cpu.unzip), 'ratio');
  report('bundle.size', zip.length / 1e6, 'MB');
  report('fflate.size', raw.length / 1e6, 'MB');
  report('bundle.entries', Object.keys(entries).length, 'entries');
  report('import.metricPoints', points, 'points');
  report('import.artifacts', artifacts, 'files');
  report('export.throughput', 1_000_000 / (exportMs / 1000), 'points/s');
  report('import.throughput', points / (importMs / 1000), 'points/s');
}

/** Import into the worker-backed IndexedDB store in Chromium, against unzipSync + raw puts in the same page. */
async function intoIndexedDb(zip: Uint8Array): Promise<void> {
  const served = await buildAndServe(fileURLToPath(new URL('./pages/idb', import.meta.url)));
  const profile = await mkdtemp(join(tmpdir(), 'edgeflow-bench-bundle-idb-'));
  const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.route('**/bench-bundle.zip', (route) => route.fulfill({ body: Buffer.from(zip), contentType: 'application/zip' }));
    await page.goto(served.url);
    await page.waitForFunction(() => window.bench !== undefined);
    const url = `${served.url}bench-bundle.zip`;
    const raw = await page.evaluate((u) => window.bench.rawImport(u), url);
    const store = await page.evaluate((u) => window.bench.importBundle(u), url);
    if (store.points !== raw.points || store.artifacts !== raw.artifacts) {
      throw new Error(`the store imported ${store.points} points and ${store.artifacts} files, the raw baseline ${raw.points} and ${raw.artifacts}`);
    }
    report('bundle.idb_import', store.ms, 'ms');
    report('bundle.idb_import.raw_unzip_and_puts', raw.ms, 'ms');
    report('bundle.idb_import.ratio_to_raw', store.ms / raw.ms, 'x');
    report('bundle.idb_import.runs', store.runs, 'runs');
    report('bundle.idb_import.points', store.points, 'points');
    report('bundle.idb_import.artifacts', store.artifacts, 'files');
  } finally {
    await context.close();
    await served.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.env['BENCH_ONLY'];
  const store = await seed();
  const zip = await exportBundle(store, { output: 'bytes' });
  if (only !== 'idb') await inMemory(store, zip);
  if (only !== 'memory') await intoIndexedDb(zip);
}

await main();
