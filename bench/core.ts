/**
 * Core benchmarks on the memory store (Node): logging throughput through a run handle and
 * through `logBatch`, and `searchRuns` over 10,000 runs × (20 params, 20 metrics, 10 tags).
 * Each figure comes with a raw baseline measured in the same run.
 */
import { TrackingClient } from '../src/core/client.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { medianMs, report } from './report.js';

const POINTS = 1_000_000;

async function loggingThroughput(): Promise<void> {
  const rawMs = await medianMs(5, () => {
    const steps = new Float64Array(POINTS);
    const timestamps = new Float64Array(POINTS);
    const values = new Float64Array(POINTS);
    const now = Date.now();
    for (let i = 0; i < POINTS; i++) {
      steps[i] = i;
      timestamps[i] = now;
      values[i] = Math.sin(i);
    }
    return values;
  });
  report('raw Float64Array fill, 1M points', (POINTS / rawMs) * 1000, 'points/s');

  const loopTimes: number[] = [];
  const handleMs = await medianMs(5, async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    const start = performance.now();
    for (let i = 0; i < POINTS; i++) run.logMetric('loss', Math.sin(i), i);
    loopTimes.push(performance.now() - start);
    await run.flush();
  });
  loopTimes.sort((a, b) => a - b);
  report('run.logMetric main-thread cost per call (median of 6)', (loopTimes[3]! * 1000) / POINTS, 'µs');
  report('run.logMetric → memory store incl. flush, 1M points', (POINTS / handleMs) * 1000, 'points/s');
  report('run.logMetric throughput / raw fill', rawMs / handleMs, 'ratio');

  const batchMs = await medianMs(3, async () => {
    const client = new TrackingClient(new MemoryStore());
    const { runId } = (await client.createRun('0')).info;
    const now = Date.now();
    for (let b = 0; b < POINTS / 1000; b++) {
      const metrics = Array.from({ length: 1000 }, (_, j) => ({ key: 'loss', value: Math.sin(j), step: b * 1000 + j, timestamp: now }));
      await client.logBatch(runId, { metrics });
    }
  });
  report('client.logBatch (1000 metrics/batch) → memory store, 1M points', (POINTS / batchMs) * 1000, 'points/s');
  report('client.logBatch throughput / raw fill', rawMs / batchMs, 'ratio');
}

async function searchRuns(): Promise<void> {
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const experimentId = await client.createExperiment('search-bench');
  const models = ['cnn', 'mlp', 'rnn', 'transformer'];
  for (let r = 0; r < 10_000; r++) {
    const { runId } = (await client.createRun(experimentId, { runName: `run-${r}`, startTime: 1_700_000_000_000 + r })).info;
    const params = Array.from({ length: 20 }, (_, i) => ({ key: `p${i}`, value: i === 0 ? models[r % 4]! : String((r * 7 + i) % 13) }));
    const tags = Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: i === 0 ? (r % 5 === 0 ? 'x' : 'y') : `v${i}` }));
    const metrics = Array.from({ length: 20 }, (_, i) => ({ key: `m${i}`, value: ((r * 31 + i * 17) % 1000) / 1000, step: 0, timestamp: 1 }));
    await client.logBatch(runId, { params, tags, metrics });
  }
  const filter = "metrics.m0 > 0.5 and params.p0 = 'cnn' and tags.t0 != 'x'";
  const orderBy = ['metrics.m1 DESC', 'params.p2 ASC'];
  let found = 0;
  const searchMs = await medianMs(10, async () => {
    found = (await client.searchRuns(experimentId, { filter, orderBy, maxResults: 50_000 })).items.length;
  });
  report(`searchRuns 10,000 runs, 3-clause filter, 2 order keys (${found} hits)`, searchMs, 'ms');

  const all = (await client.searchRuns(experimentId, { maxResults: 50_000 })).items;
  const rawMs = await medianMs(10, () => {
    const hits = all.filter((run) => {
      const m0 = run.data.metrics['m0'];
      return m0 !== undefined && m0 > 0.5 && run.data.params['p0'] === 'cnn' && run.data.tags['t0'] !== undefined && run.data.tags['t0'] !== 'x';
    });
    hits.sort((a, b) => (b.data.metrics['m1']! - a.data.metrics['m1']!) || (a.data.params['p2']! < b.data.params['p2']! ? -1 : a.data.params['p2']! > b.data.params['p2']! ? 1 : 0));
    return hits;
  });
  report('hand-written filter+sort over the same runs (raw baseline)', rawMs, 'ms');
  report('searchRuns / raw baseline', searchMs / rawMs, 'ratio');
}

await loggingThroughput();
await searchRuns();
