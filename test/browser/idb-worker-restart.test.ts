/**
 * A dead IndexedDB worker, in Chromium: calls in flight reject with a clear error instead of
 * hanging, the next call starts a new worker, and the logging queue sends again what was not
 * acknowledged — each point stored exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { wrap } from 'comlink';
import { deleteDB } from 'idb';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { openIdbStore } from '../../src/storage/idb/open-idb-store.js';
import { RemoteStore } from '../../src/storage/idb/remote-store.js';
import type { IdbWorkerApi, WorkerFailure } from '../../src/storage/idb/worker-api.js';

const names: string[] = [];
const stores: RemoteStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const name of names) await deleteDB(name).catch(() => undefined);
});

async function remoteStore(): Promise<RemoteStore> {
  const name = `edgeflow-worker-restart-${Date.now().toString(36)}-${names.length}`;
  names.push(name);
  const store = await openIdbStore({ name });
  expect(store).toBeInstanceOf(RemoteStore);
  stores.push(store as RemoteStore);
  return store as RemoteStore;
}

/** Tells the store's current worker how its next batch fails (through a second comlink proxy). */
async function failNextBatch(store: RemoteStore, mode: WorkerFailure): Promise<void> {
  await wrap<IdbWorkerApi>(store._$worker)._$fail(mode);
}

function points(key: string, from: number, n: number) {
  return {
    key,
    steps: Float64Array.from({ length: n }, (_, i) => from + i),
    timestamps: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + from + i),
    values: Float64Array.from({ length: n }, (_, i) => (from + i) / 2),
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function expectWorkerStopped(result: PromiseSettledResult<unknown>): void {
  expect(result.status).toBe('rejected');
  const error = (result as PromiseRejectedResult).reason as EdgeflowError;
  expect(error).toBeInstanceOf(EdgeflowError);
  expect(error.code).toBe('INTERNAL_ERROR');
  expect(error.message).toMatch(/^The IndexedDB worker stopped \((gone|crashed|unresponsive)/u);
  expect(error.details).toMatchObject({ resendable: true });
}

describe('IndexedDB worker: a dead worker', () => {
  it('terminated in the middle of calls: they reject, the next call starts a new worker, queued points are stored once', async () => {
    const store = await remoteStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 5, maxPendingPoints: 500 } });
    const [a, b] = await Promise.all([client.startRun({ runName: 'a' }), client.startRun({ runName: 'b' })]);
    // Ships batches while the loop runs: three in flight, the rest waiting for them.
    for (let step = 0; step < 3000; step++) {
      a.logMetric('m', step, step);
      b.logMetric('m', -step, step);
    }
    const first = store._$worker;
    const inFlight = [
      store.getRun(a.runId),
      store.searchRuns({ experimentIds: ['0' as ExperimentId] }),
      store.flush(),
      store.getMetricHistory(a.runId, 'm'),
    ];
    first.terminate();
    for (const result of await Promise.allSettled(inFlight)) expectWorkerStopped(result);

    await client.flush();
    expect(store._$worker).not.toBe(first);
    expect([...(await client.getMetricHistory(a.runId, 'm')).steps]).toEqual(range(3000));
    expect([...(await client.getMetricHistory(b.runId, 'm')).values]).toEqual(range(3000).map((i) => -i));
    await Promise.all([a.end(), b.end()]);
    expect((await a.getRun()).info.status).toBe('FINISHED');
  });

  it('ended after committing a batch but before answering: the batch sent again is recognised and skipped', async () => {
    const store = await remoteStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 60_000 } });
    const run = await client.startRun();
    for (let step = 0; step < 100; step++) run.logMetric('m', step, step);
    run.setTag('phase', 'one');
    await failNextBatch(store, 'exit-after-next-batch');
    const first = store._$worker;
    await run.flush();
    expect(store._$worker).not.toBe(first);
    expect([...(await client.getMetricHistory(run.runId, 'm')).steps]).toEqual(range(100));
    // The queue keeps logging through the new worker.
    for (let step = 100; step < 150; step++) run.logMetric('m', step, step);
    await run.end();
    expect([...(await client.getMetricHistory(run.runId, 'm')).steps]).toEqual(range(150));
    expect((await run.getRun()).data.tags['phase']).toBe('one');
  });

  it('crashing (uncaught error) in the middle of a batch: calls in flight reject, the batch is sent again and stored once', async () => {
    const store = await remoteStore();
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: 1, tags: [] });
    const runId = run.info.runId;
    await store.logBatch(runId, { metrics: [points('m', 0, 10)], batchId: 'acknowledged' });
    await failNextBatch(store, 'crash-in-next-batch');
    const batch = { metrics: [points('m', 10, 10)], batchId: 'in-flight' };
    const inFlight = [store.logBatch(runId, batch), store.getRun(runId), store.searchRuns({ experimentIds: ['0' as ExperimentId] }), store.flush()];
    for (const result of await Promise.allSettled(inFlight)) expectWorkerStopped(result);
    expect(((await Promise.allSettled(inFlight))[0] as PromiseRejectedResult).reason.details.reason).toBe('crashed');
    // The caller's columns were copied, not moved: the same batch can be sent again.
    expect(batch.metrics[0]!.values.length).toBe(10);
    await store.logBatch(runId, batch);
    await store.logBatch(runId, batch);
    await store.logBatch(runId, { metrics: [points('m', 0, 10)], batchId: 'acknowledged' });
    expect([...(await store.getMetricHistory(runId, 'm')).steps]).toEqual(range(20));
  });

  it('a store given a Worker, not a factory, cannot start another: later calls fail with INVALID_STATE', async () => {
    const name = `edgeflow-worker-restart-${Date.now().toString(36)}-${names.length}`;
    names.push(name);
    const store = await RemoteStore.open(new Worker(new URL('../../src/storage/idb/idb.worker.ts', import.meta.url), { type: 'module' }), name);
    stores.push(store);
    const pending = store.getRun('0123456789abcdef0123456789abcdef' as RunId);
    store._$worker.terminate();
    expectWorkerStopped((await Promise.allSettled([pending]))[0]!);
    await expect(store.getExperiment('0' as ExperimentId)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/cannot start another/u) });
  });

  it('without Web Locks, a worker that answers nothing while calls wait is taken as gone; a busy one is not', async () => {
    const name = `edgeflow-worker-restart-${Date.now().toString(36)}-${names.length}`;
    names.push(name);
    const spawn = () => new Worker(new URL('../../src/storage/idb/idb.worker.ts', import.meta.url), { type: 'module' });
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    let store: RemoteStore;
    try {
      store = await RemoteStore.open(spawn, name, { unresponsiveMs: 5_000 });
    } finally {
      delete (navigator as { locks?: unknown }).locks;
    }
    stores.push(store);
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: 1, tags: [] });
    const live = store._$worker;
    await store.logBatch(run.info.runId, { metrics: [points('m', 0, 300_000)] });
    expect(store._$worker).toBe(live);
    const inFlight = [store.getRun(run.info.runId), store.flush()];
    live.terminate();
    const results = await Promise.allSettled(inFlight);
    for (const result of results) expectWorkerStopped(result);
    expect((results[0] as PromiseRejectedResult).reason.details.reason).toBe('unresponsive');
    expect((await store.getMetricHistory(run.info.runId, 'm')).values.length).toBe(300_000);
  });
});
