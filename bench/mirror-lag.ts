/**
 * `npx tsx bench/mirror-lag.ts`: how long a point takes from `logMetric` to an MLflow server that
 * holds it, through `mirrorTo`. A training-like loop logs 10 keys at about 50 steps/s for about
 * 10 s to a memory store mirrored to the loopback MLflow server (the production REST handler, over
 * HTTP on 127.0.0.1) through `RestStore`; the server's store reports each write, and every point
 * gets its lag: arrival time minus logging time (one clock, one process). Prints p50/p95/max lag
 * and p95 over the mirror's `maxLagMs` (goal ≤ 1), then the same with 20% of the requests refused
 * with 503 before they reach the server (seeded, so runs compare). The baseline, in the same run:
 * one direct `RestStore.logBatch` of one step's points, without a mirror.
 */
import { TrackingClient } from '../src/core/client.js';
import type { ExperimentId, RunId } from '../src/core/ids.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { mirrorTo } from '../src/storage/mirror/mirror.js';
import { RestStore } from '../src/storage/rest/rest-store.js';
import type { FetchLike } from '../src/storage/rest/http.js';
import { startMlflowRestServer, type Tenant } from '../test/support/mlflow-rest-server.js';
import { median, report } from './report.js';

const KEYS = 10;
const STEPS_PER_SECOND = 50;
const SECONDS = 10;
const MAX_LAG_MS = 2000;

/** `fetch` that answers a share `rate` of requests with 503 itself (a refusal before processing), by a seeded draw. */
function refusing(rate: number, seed: number): FetchLike {
  let s = seed >>> 0;
  const draw = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return (input, init) => {
    if (draw() < rate) {
      const body = JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'Injected by the bench.' });
      return Promise.resolve(new Response(body, { status: 503, headers: { 'content-type': 'application/json' } }));
    }
    return fetch(input, init);
  };
}

/** When each point of each key reached the server's store (ms, `performance.now()`), in logging order. */
function watchArrivals(tenant: Tenant): { arrivals: Map<string, number[]>; stop: () => void } {
  const arrivals = new Map<string, number[]>();
  const stop = tenant.store.subscribe((change) => {
    if (change.kind !== 'run-data') return;
    const now = performance.now();
    void (async () => {
      for (const key of change.metricKeys) {
        const length = (await tenant.store.getMetricHistory(change.runId as RunId, key)).values.length;
        const seen = arrivals.get(key) ?? [];
        while (seen.length < length) seen.push(now);
        arrivals.set(key, seen);
      }
    })();
  });
  return { arrivals, stop };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The baseline: the median time of one direct `RestStore.logBatch` of one step's 10 points (no mirror), ms. */
async function directWriteMs(tenant: Tenant): Promise<number> {
  const remote = new RestStore({ baseUrl: tenant.url });
  const runId = (await remote.createRun({ experimentId: '0' as ExperimentId, runName: 'direct', userId: 'bench', startTime: Date.now(), tags: [] })).info.runId;
  const times: number[] = [];
  for (let step = 0; step < 60; step++) {
    const metrics = Array.from({ length: KEYS }, (_, k) => ({ key: `m${k}`, steps: Float64Array.of(step), timestamps: Float64Array.of(Date.now()), values: Float64Array.of(Math.sin(step + k)) }));
    const start = performance.now();
    await remote.logBatch(runId, { metrics });
    times.push(performance.now() - start);
  }
  await remote.close();
  return median(times.slice(10));
}

async function measure(label: string, tenant: Tenant, fetchImpl: FetchLike | undefined, baselineMs: number): Promise<void> {
  const local = new MemoryStore();
  const client = new TrackingClient(local);
  const remote = new RestStore({ baseUrl: tenant.url, ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }) });
  const mirror = mirrorTo(local, remote, { lock: false, maxLagMs: MAX_LAG_MS });
  const { arrivals, stop } = watchArrivals(tenant);
  const run = await client.startRun({ runName: `lag-${label}` });
  const logged: number[] = [];
  const start = performance.now();
  for (let step = 0; step < STEPS_PER_SECOND * SECONDS; step++) {
    // Sleep to the step's slot, as a training loop paced by its compute would.
    const due = start + (step * 1000) / STEPS_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    logged.push(performance.now());
    for (let k = 0; k < KEYS; k++) run.logMetric(`m${k}`, Math.sin(step + k), step);
  }
  await run.end();
  await mirror.flush({ timeoutMs: 120_000 });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last arrival's history read
  stop();
  await mirror.stop();

  const lags: number[] = [];
  for (let k = 0; k < KEYS; k++) {
    const seen = arrivals.get(`m${k}`) ?? [];
    if (seen.length !== logged.length) throw new Error(`bench: the server holds ${seen.length} of ${logged.length} points of m${k}`);
    for (const [i, at] of seen.entries()) lags.push(at - logged[i]!);
  }
  lags.sort((a, b) => a - b);
  const p95 = percentile(lags, 0.95);
  report(`mirror_lag.${label}.points`, lags.length, 'count');
  report(`mirror_lag.${label}.p50`, percentile(lags, 0.5), 'ms');
  report(`mirror_lag.${label}.p95`, p95, 'ms');
  report(`mirror_lag.${label}.max`, lags.at(-1)!, 'ms');
  report(`mirror_lag.${label}.p95 / maxLagMs`, p95 / MAX_LAG_MS, 'ratio');
  report(`mirror_lag.${label}.p50 / direct log-batch`, percentile(lags, 0.5) / baselineMs, 'ratio');
}

const server = await startMlflowRestServer();
try {
  const baselineMs = await directWriteMs(server.tenant());
  report('mirror_lag.baseline.direct_log_batch', baselineMs, 'ms');
  await measure('online', server.tenant(), undefined, baselineMs);
  await measure('503_20pct', server.tenant(), refusing(0.2, 18), baselineMs);
} finally {
  await server.close();
}
