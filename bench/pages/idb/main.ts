/** The IndexedDB benchmark page: edgeflow's worker store against raw IndexedDB baselines. */
import { unzipSync } from 'fflate';
import { TrackingClient } from '../../../src/core/client.js';
import type { ActiveRun } from '../../../src/core/run.js';
import type { ExperimentId, RunId } from '../../../src/core/ids.js';
import { importBundle } from '../../../src/storage/bundle/import-bundle.js';
import { openIdbStore } from '../../../src/storage/idb/open-idb-store.js';
import type { BenchApi, RawImportRun, RawRequest, RawResponse } from './protocol.js';

let dbCounter = 0;
const freshDb = (): string => `bench-${Date.now()}-${dbCounter++}`;
const raw = new Worker(new URL('./raw.worker.ts', import.meta.url), { type: 'module' });

function askRaw(message: RawRequest, transfer: Transferable[] = []): Promise<RawResponse> {
  return new Promise((resolve) => {
    raw.onmessage = (event: MessageEvent<RawResponse>) => resolve(event.data);
    raw.postMessage(message, transfer);
  });
}

const yieldTask = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

const T0 = 1_700_000_000_000;

/** The heap bench's client, run and next step, between its calls. */
let heap: { client: TrackingClient; run: ActiveRun; step: number } | undefined;

const api: BenchApi = {
  async logging(n) {
    const db = freshDb();
    const client = new TrackingClient(await openIdbStore({ name: db }), { userId: 'bench' });
    const run = await client.startRun({ runName: 'logging' });
    await client.flush();
    const start = performance.now();
    for (let step = 0; step < n; step++) run.logMetric('loss', 1 / (step + 1), { step, timestamp: T0 + step });
    const loopMs = performance.now() - start;
    await client.flush();
    const totalMs = performance.now() - start;
    return { loopMs, totalMs, runId: run.runId, db };
  },

  async loggingInSteps(n, perStep) {
    const client = new TrackingClient(await openIdbStore({ name: freshDb() }), { userId: 'bench' });
    const run = await client.startRun({ runName: 'steps' });
    await client.flush();
    let longTasks = 0;
    const observer = new PerformanceObserver((list) => {
      longTasks += list.getEntries().length;
    });
    observer.observe({ type: 'longtask', buffered: false });
    let longestTaskMs = 0;
    const start = performance.now();
    for (let step = 0; step < n; step += perStep) {
      const t0 = performance.now();
      for (let i = step; i < step + perStep; i++) run.logMetric('loss', 1 / (i + 1), { step: i, timestamp: T0 + i });
      await yieldTask();
      longestTaskMs = Math.max(longestTaskMs, performance.now() - t0);
    }
    await client.flush();
    const totalMs = performance.now() - start;
    observer.disconnect();
    await client.close();
    return { longestTaskMs, longTasks, totalMs };
  },

  async heapStart() {
    const client = new TrackingClient(await openIdbStore({ name: freshDb() }), { userId: 'bench' });
    const run = await client.startRun({ runName: 'heap' });
    await client.flush();
    heap = { client, run, step: 0 };
  },

  async heapLog(points, keys, perTask) {
    const state = heap!;
    const names = Array.from({ length: keys }, (_, k) => `m${k}`);
    const stepsPerTask = Math.max(1, Math.floor(perTask / keys));
    const end = state.step + Math.ceil(points / keys);
    while (state.step < end) {
      const last = Math.min(end, state.step + stepsPerTask);
      for (; state.step < last; state.step++) {
        for (let k = 0; k < keys; k++) state.run.logMetric(names[k]!, 1 / (state.step + k + 1), { step: state.step, timestamp: T0 + state.step });
      }
      await yieldTask();
    }
  },

  async heapFlush() {
    await heap!.client.flush();
  },

  async heapClose() {
    await heap?.client.close();
    heap = undefined;
  },

  async storeBatches(n) {
    const store = await openIdbStore({ name: freshDb() });
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'bench', runName: 'batches', startTime: T0, tags: [] });
    const batches = [];
    for (let at = 0; at < n; at += 100_000) {
      const len = Math.min(100_000, n - at);
      batches.push({
        key: 'loss',
        steps: Float64Array.from({ length: len }, (_, i) => at + i),
        timestamps: Float64Array.from({ length: len }, (_, i) => T0 + at + i),
        values: Float64Array.from({ length: len }, (_, i) => 1 / (at + i + 1)),
      });
    }
    const start = performance.now();
    for (const columns of batches) await store.logBatch(run.info.runId, { metrics: [columns] });
    await store.flush();
    const totalMs = performance.now() - start;
    await store.close();
    return { totalMs };
  },

  async rawWrite(n) {
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const timestamps = Float64Array.from({ length: n }, (_, i) => T0 + i);
    const values = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const db = freshDb();
    await askRaw({ kind: 'open', db });
    // Timed from the page, like the store: the transfer to the worker, the puts, the strict flush.
    const start = performance.now();
    await askRaw({ kind: 'write', db, steps, timestamps, values, pointsPerTx: 100_000 }, [steps.buffer, timestamps.buffer, values.buffer]);
    return { totalMs: performance.now() - start };
  },

  async readHistory(db, runId, reps) {
    const store = await openIdbStore({ name: db });
    await askRaw({ kind: 'read', db, runId, key: 'loss' });
    const storeMs: number[] = [];
    const rawMs: number[] = [];
    let points = 0;
    for (let i = 0; i < reps; i++) {
      let t = performance.now();
      const series = await store.getMetricHistory(runId as RunId, 'loss');
      storeMs.push(performance.now() - t);
      points = series.values.length;
      t = performance.now();
      const rawSeries = await askRaw({ kind: 'read', db, runId, key: 'loss' });
      rawMs.push(performance.now() - t);
      if (rawSeries.kind !== 'read' || rawSeries.values.length !== points) throw new Error('raw read disagrees');
    }
    await store.close();
    return { storeMs, rawMs, points };
  },

  async seedRuns(runs) {
    const db = freshDb();
    const store = await openIdbStore({ name: db });
    const start = performance.now();
    const experimentId = await store.createExperiment({ name: 'search' });
    const models = ['cnn', 'rnn', 'mlp', 'vit'];
    const writes: Promise<unknown>[] = [];
    for (let r = 0; r < runs; r++) {
      const runId = `run${String(r).padStart(28, '0')}` as RunId;
      const tags = Array.from({ length: 10 }, (_, t) => ({ key: `t${t}`, value: t === 0 ? (r % 7 === 0 ? 'x' : 'y') : `tag-${r % 13}` }));
      writes.push(store.createRun({ experimentId, userId: 'bench', runName: `run-${r}`, startTime: T0 + r, tags, runId }));
      const params = Array.from({ length: 20 }, (_, p) => ({ key: `p${p}`, value: p === 0 ? models[r % 4]! : String((r * (p + 1)) % 97) }));
      const metrics = Array.from({ length: 20 }, (_, m) => ({
        key: `m${m}`,
        steps: new Float64Array([0]),
        timestamps: new Float64Array([T0 + r]),
        values: new Float64Array([((r * 7919 + m * 104729) % 1000) / 1000]),
      }));
      writes.push(store.logBatch(runId, { params, metrics }));
      if (writes.length >= 400) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    await store.flush();
    const ms = performance.now() - start;
    await store.close();
    return { db, experimentId, ms };
  },

  async rawSeedRuns(runs) {
    const db = freshDb();
    await askRaw({ kind: 'open', db });
    const start = performance.now();
    await askRaw({ kind: 'seedRuns', db, runs });
    return { db, ms: performance.now() - start };
  },

  async rawSearch(db) {
    // Timed in the worker from after its connection opened, as the store's search is timed after opening.
    const answer = await askRaw({ kind: 'searchRuns', db });
    if (answer.kind !== 'searched') throw new Error('raw search failed');
    return { ms: answer.ms, found: answer.found };
  },

  async importBundle(url) {
    const zip = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const store = await openIdbStore({ name: freshDb() });
    const start = performance.now();
    const imported = await importBundle(store, zip);
    await store.flush();
    const ms = performance.now() - start;
    await store.close();
    return { ms, runs: imported.runs, points: imported.metricPoints, artifacts: imported.artifacts };
  },

  async rawImport(url) {
    const zip = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const runs = rawImportRuns(unzipSync(zip));
    let points = 0;
    for (const run of runs) for (const m of run.metrics) points += m.values.length;
    const db = freshDb();
    await askRaw({ kind: 'open', db });
    const start = performance.now();
    const entries = unzipSync(zip);
    // The files' bytes from the timed unzip; the columns found before the clock started.
    const withBytes = runs.map((run) => ({ ...run, artifacts: run.artifacts.map((a) => ({ path: a.path, bytes: entries[`${run.folder}/artifacts/${a.path}`]! })) }));
    const buffers = withBytes.flatMap((run) => [...run.metrics.flatMap((m) => [m.steps.buffer, m.timestamps.buffer, m.values.buffer]), ...run.artifacts.map((a) => a.bytes.buffer)]);
    await askRaw({ kind: 'importRuns', db, runs: withBytes }, buffers as ArrayBuffer[]);
    const ms = performance.now() - start;
    return { ms, points, artifacts: runs.reduce((n, r) => n + r.artifacts.length, 0) };
  },

  async search(db, experimentId, reps, maxResults) {
    const store = await openIdbStore({ name: db });
    const ms: number[] = [];
    let found = 0;
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const page = await store.searchRuns({
        experimentIds: [experimentId as ExperimentId],
        filter: "metrics.m0 > 0.5 and params.p0 = 'cnn' and tags.t0 != 'x'",
        orderBy: ['metrics.m1 DESC', 'start_time'],
        maxResults,
      });
      ms.push(performance.now() - t);
      found = page.items.length;
    }
    await store.close();
    return { ms, found };
  },
};

window.bench = api;

/** What the raw import baseline writes, found in an unzipped `mlruns/` bundle by plain splitting (no checks). */
function rawImportRuns(entries: Record<string, Uint8Array>): (RawImportRun & { folder: string })[] {
  const runs = new Map<string, RawImportRun & { folder: string; params: Record<string, string>; tags: Record<string, string>; metrics: RawImportRun['metrics'][number][]; artifacts: RawImportRun['artifacts'][number][] }>();
  const text = new TextDecoder();
  for (const [name, bytes] of Object.entries(entries)) {
    const match = /^mlruns\/\d+\/([0-9a-f]{32})\/(metrics|params|tags|artifacts)\/(.+)$/u.exec(name);
    if (match === null) continue;
    const [, runId, kind, key] = match as unknown as [string, string, string, string];
    let run = runs.get(runId);
    if (run === undefined) runs.set(runId, (run = { runId, folder: name.slice(0, name.indexOf(`/${kind}/`)), params: {}, tags: {}, metrics: [], artifacts: [] }));
    if (kind === 'params') run.params[key] = text.decode(bytes);
    else if (kind === 'tags') run.tags[key] = text.decode(bytes);
    else if (kind === 'artifacts') run.artifacts.push({ path: key, bytes });
    else {
      const lines = text.decode(bytes).trimEnd().split('\n');
      const steps = new Float64Array(lines.length);
      const timestamps = new Float64Array(lines.length);
      const values = new Float64Array(lines.length);
      lines.forEach((line, i) => {
        const [t, v, s] = line.split(' ');
        timestamps[i] = Number(t);
        values[i] = Number(v);
        steps[i] = Number(s);
      });
      run.metrics.push({ key, steps, timestamps, values });
    }
  }
  return [...runs.values()];
}
