/**
 * The IndexedDB store's write groups and inline series heads, in real Chromium: run creations,
 * batches and artifact files called together share transactions yet each stays all or nothing, and short series live
 * in the run record until they outgrow it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { IdbStore } from '../../src/storage/idb/idb-store.js';
import { openIdbStore } from '../../src/storage/idb/open-idb-store.js';
import type { RemoteStore } from '../../src/storage/idb/remote-store.js';
import { headOf, packedHeads } from '../../src/storage/idb/records.js';
import { INLINE_POINTS, type EdgeflowDB, type FirstStoredHeads, type StoredHeads } from '../../src/storage/idb/schema.js';

const T0 = 1_700_000_000_000;
const names: string[] = [];
const stores: { close(): Promise<void> }[] = [];

async function freshStore(): Promise<IdbStore> {
  const name = `edgeflow-groups-${Date.now().toString(36)}-${names.length}`;
  names.push(name);
  const store = await new IdbStore({ name }).open();
  stores.push(store);
  return store;
}

afterAll(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const name of names) await deleteDB(name).catch(() => undefined);
});

const runIdOf = (i: number): RunId => `run${String(i).padStart(29, '0')}` as RunId;

function columns(key: string, from: number, count: number) {
  const steps = Float64Array.from({ length: count }, (_, i) => from + i);
  return { key, steps, timestamps: steps.map((s) => T0 + s), values: steps.map((s) => s / 4) };
}

/** Counts the readwrite transactions `action` creates. */
async function countingWriteTransactions(action: () => Promise<void>): Promise<number> {
  let count = 0;
  const original = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
    if (mode === 'readwrite') count++;
    return original.call(this, stores, mode, options);
  } as typeof original;
  try {
    await action();
  } finally {
    IDBDatabase.prototype.transaction = original;
  }
  return count;
}

describe('IndexedDB store: inline series heads', () => {
  it(`keeps a series of up to ${INLINE_POINTS} points in its run's heads record and moves it to chunks when it outgrows that`, async () => {
    const store = await freshStore();
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] });
    const { runId } = run.info;
    await store.logBatch(runId, { metrics: [columns('loss', 0, 1)] });
    await store.logBatch(runId, { metrics: [columns('loss', 1, INLINE_POINTS - 1)] });
    const raw = await openDB<EdgeflowDB>(store.name);
    expect(await raw.count('chunks')).toBe(0);
    expect((await raw.get('runs', runId))?.series['loss']).toEqual({ count: INLINE_POINTS, chunks: 0 });
    expect(headOf(packedHeads(await raw.get('heads', runId)), 'loss')?.length).toBe(3 * INLINE_POINTS);
    expect([...(await store.getMetricHistory(runId, 'loss')).steps]).toEqual(Array.from({ length: INLINE_POINTS }, (_, i) => i));
    const tail = await store.getMetricHistoryFrom(runId, 'loss', INLINE_POINTS - 2);
    expect([[...tail.steps], [...tail.timestamps], [...tail.values]]).toEqual([
      [INLINE_POINTS - 2, INLINE_POINTS - 1],
      [T0 + INLINE_POINTS - 2, T0 + INLINE_POINTS - 1],
      [(INLINE_POINTS - 2) / 4, (INLINE_POINTS - 1) / 4],
    ]);

    await store.logBatch(runId, { metrics: [columns('loss', INLINE_POINTS, 3)] });
    expect(await raw.count('chunks')).toBe(1);
    expect((await raw.get('runs', runId))?.series['loss']).toEqual({ count: INLINE_POINTS + 3, chunks: 1 });
    expect(await raw.get('heads', runId)).toBeUndefined();
    raw.close();
    const history = await store.getMetricHistory(runId, 'loss');
    expect([...history.steps]).toEqual(Array.from({ length: INLINE_POINTS + 3 }, (_, i) => i));
    expect([...history.values]).toEqual(Array.from({ length: INLINE_POINTS + 3 }, (_, i) => i / 4));
    expect((await store.getRun(runId)).data.latestMetrics['loss']).toEqual({ key: 'loss', value: (INLINE_POINTS + 2) / 4, timestamp: T0 + INLINE_POINTS + 2, step: INLINE_POINTS + 2 });
  });

  it("packs the heads of all of a run's short series into one array, each read back exactly as the others change", async () => {
    const store = await freshStore();
    const { runId } = (await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] })).info;
    await store.logBatch(runId, { metrics: [columns('a', 0, 1), columns('b', 0, 3), columns('c', 0, 2)] });
    await store.logBatch(runId, { metrics: [columns('b', 3, 1)] });
    const raw = await openDB<EdgeflowDB>(store.name);
    const stored = (await raw.get('heads', runId)) as StoredHeads | undefined;
    expect(stored?.keys).toEqual(['a', 'b', 'c']);
    expect(stored?.points.length).toBe(3 * (1 + 4 + 2));
    const steps = async (key: string): Promise<number[]> => [...(await store.getMetricHistory(runId, key)).steps];
    expect([await steps('a'), await steps('b'), await steps('c')]).toEqual([[0], [0, 1, 2, 3], [0, 1]]);
    expect([...(await store.getMetricHistory(runId, 'b')).timestamps]).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
    expect([...(await store.getMetricHistory(runId, 'c')).values]).toEqual([0, 1 / 4]);

    // 'b' outgrows its head: the other two stay packed, unchanged.
    await store.logBatch(runId, { metrics: [columns('b', 4, INLINE_POINTS)] });
    expect(((await raw.get('heads', runId)) as StoredHeads | undefined)?.keys).toEqual(['a', 'c']);
    raw.close();
    expect([await steps('a'), await steps('c')]).toEqual([[0], [0, 1]]);
    expect(await steps('b')).toEqual(Array.from({ length: INLINE_POINTS + 4 }, (_, i) => i));
  });
});

describe('IndexedDB store: heads records of the first v5 code', () => {
  it('reads a heads record with one array per key, appends to it, and writes it back packed', async () => {
    const store = await freshStore();
    const { runId } = (await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] })).info;
    await store.logBatch(runId, { metrics: [columns('a', 0, 2), columns('b', 0, 1)] });
    await store.close();
    // Rewrite the record as the first v5 code stored it: per key its steps, timestamps, then values.
    const raw = await openDB<EdgeflowDB>(store.name);
    const head = (from: number, count: number): Float64Array => {
      const c = columns('', from, count);
      return Float64Array.from([...c.steps, ...c.timestamps, ...c.values]);
    };
    const first: FirstStoredHeads = { runId, series: Object.assign(Object.create(null) as Record<string, Float64Array>, { a: head(0, 2), b: head(0, 1) }) };
    await raw.put('heads', first);
    raw.close();

    const reopened = await new IdbStore({ name: store.name }).open();
    stores.push(reopened);
    expect([...(await reopened.getMetricHistory(runId, 'a')).values]).toEqual([0, 1 / 4]);
    expect([...(await reopened.getMetricHistoryFrom(runId, 'b', 0)).timestamps]).toEqual([T0]);
    await reopened.logBatch(runId, { metrics: [columns('b', 1, 2)] });
    expect([...(await reopened.getMetricHistory(runId, 'b')).steps]).toEqual([0, 1, 2]);
    expect([...(await reopened.getMetricHistory(runId, 'a')).steps]).toEqual([0, 1]);
    const rewritten = await openDB<EdgeflowDB>(store.name);
    expect(((await rewritten.get('heads', runId)) as StoredHeads | undefined)?.keys).toEqual(['a', 'b']);
    rewritten.close();
  });
});

describe('IndexedDB store: write groups', () => {
  it('shares transactions among run creations and batches called together, each still all or nothing', async () => {
    const store = await freshStore();
    const experimentId = await store.createExperiment({ name: 'sweep' });
    const runs = 60;
    const outcomes: PromiseSettledResult<unknown>[] = [];
    const transactions = await countingWriteTransactions(async () => {
      const calls: Promise<unknown>[] = [];
      for (let r = 0; r < runs; r++) {
        const runId = runIdOf(r);
        calls.push(store.createRun({ experimentId, userId: 'u', runName: `run-${r}`, startTime: T0 + r, tags: [], runId }));
        calls.push(store.logBatch(runId, { params: [{ key: 'lr', value: String(r) }], metrics: [columns('acc', 0, 1)] }));
      }
      // Three writes that break a rule, in the middle of the others.
      calls.push(store.createRun({ experimentId, userId: 'u', runName: 'again', startTime: T0, tags: [], runId: runIdOf(3) }));
      calls.push(store.logBatch(runIdOf(4), { params: [{ key: 'lr', value: 'changed' }], metrics: [columns('lost', 0, 1)] }));
      calls.push(store.logBatch('f'.repeat(32) as RunId, { metrics: [columns('acc', 0, 1)] }));
      for (let r = 0; r < runs; r++) calls.push(store.logBatch(runIdOf(r), { metrics: [columns('acc', 1, 2)] }));
      outcomes.push(...(await Promise.allSettled(calls)));
    });
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, isEdgeflowError(o.reason) ? o.reason.code : String(o.reason)]] : []));
    expect(failed).toEqual([
      [2 * runs, 'RESOURCE_ALREADY_EXISTS'],
      [2 * runs + 1, 'INVALID_PARAMETER_VALUE'],
      [2 * runs + 2, 'RESOURCE_DOES_NOT_EXIST'],
    ]);
    expect(transactions).toBeLessThan(10);
    for (const r of [0, 4, runs - 1]) {
      const run = await store.getRun(runIdOf(r));
      expect([run.info.runName, run.data.params['lr'], Object.keys(run.data.metrics)]).toEqual([`run-${r}`, String(r), ['acc']]);
      expect([...(await store.getMetricHistory(runIdOf(r), 'acc')).steps]).toEqual([0, 1, 2]);
    }
    const found = await store.searchRuns({ experimentIds: [experimentId], filter: 'metrics.acc = 0.5', maxResults: 1000 });
    expect(found.items.length).toBe(runs);
  });

  it('shares transactions among artifact files called together, each checked against the files before it (in the group too)', async () => {
    const store = await freshStore();
    const ids = [0, 1, 2].map(runIdOf);
    await Promise.all(ids.map((runId, r) => store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: `r${r}`, startTime: T0, tags: [], runId })));
    await store.putArtifact(ids[0]!, 'a/b.txt', new TextEncoder().encode('before'));
    await store.deleteRun(ids[2]!);
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    const outcomes: PromiseSettledResult<unknown>[] = [];
    const transactions = await countingWriteTransactions(async () => {
      const calls: Promise<unknown>[] = [];
      for (let f = 0; f < 30; f++) calls.push(store.putArtifact(ids[f % 2]!, `logs/${f}.txt`, bytes(`file ${f}`)));
      calls.push(store.putArtifact(ids[0]!, 'a', bytes('a folder holds a/b.txt')));
      calls.push(store.putArtifact(ids[1]!, 'logs/1.txt/x', bytes('under a file written in this group')));
      calls.push(store.putArtifact(ids[2]!, 'deleted.txt', bytes('the run is deleted')));
      calls.push(store.putArtifact('f'.repeat(32) as RunId, 'nowhere.txt', bytes('no such run')));
      calls.push(store.putArtifact(ids[0]!, 'a/b.txt', bytes('after')));
      outcomes.push(...(await Promise.allSettled(calls)));
    });
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, isEdgeflowError(o.reason) ? o.reason.code : String(o.reason)]] : []));
    expect(failed).toEqual([
      [30, 'INVALID_PARAMETER_VALUE'],
      [31, 'INVALID_PARAMETER_VALUE'],
      [32, 'INVALID_PARAMETER_VALUE'],
      [33, 'RESOURCE_DOES_NOT_EXIST'],
    ]);
    expect(transactions).toBeLessThan(5);
    expect(new TextDecoder().decode(await store.getArtifact(ids[1]!, 'logs/29.txt'))).toBe('file 29');
    expect(new TextDecoder().decode(await store.getArtifact(ids[0]!, 'a/b.txt'))).toBe('after');
    expect((await store.listArtifacts(ids[0]!, 'logs')).length).toBe(15);
    expect(await store.listArtifacts(ids[2]!, '')).toEqual([]);
  });

  it('tries each write of a failed group alone, so only the write that fails alone reports an error', async () => {
    const store = await freshStore();
    const ids = [0, 1, 2].map(runIdOf);
    await Promise.all(ids.map((runId, r) => store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: `r${r}`, startTime: T0, tags: [], runId })));
    // A value IndexedDB cannot store fails the put, and with it the whole transaction.
    const uncloneable = (() => 'x') as unknown as string;
    const outcomes = await Promise.allSettled([
      store.logBatch(ids[0]!, { metrics: [columns('m', 0, 2)] }),
      store.logBatch(ids[1]!, { tags: [{ key: 'bad', value: uncloneable }], metrics: [columns('m', 0, 2)] }),
      store.logBatch(ids[2]!, { metrics: [columns('m', 0, 2)] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(isEdgeflowError((outcomes[1] as PromiseRejectedResult).reason)).toBe(true);
    expect((await store.getMetricHistory(ids[0]!, 'm')).values.length).toBe(2);
    expect((await store.getMetricHistory(ids[1]!, 'm')).values.length).toBe(0);
    expect((await store.getRun(ids[1]!)).data.tags['bad']).toBeUndefined();
    expect((await store.getMetricHistory(ids[2]!, 'm')).values.length).toBe(2);
  });
});

/** Counts the messages the page posts to the store's worker, until `stop()` (which returns the count). */
function countingMessages(store: RemoteStore): { readonly count: number; stop(): number } {
  const worker = store._$worker;
  const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void;
  const counter = {
    count: 0,
    stop(): number {
      worker.postMessage = post as typeof worker.postMessage;
      return counter.count;
    },
  };
  worker.postMessage = ((message: unknown, transfer?: Transferable[]) => {
    counter.count++;
    post(message, transfer);
  }) as typeof worker.postMessage;
  return counter;
}

describe('IndexedDB store in a worker: writes of one task travel together', () => {
  it('sends the run creations and batches called in one task in one message, each with its own outcome, copied at call time', async () => {
    const name = `edgeflow-groups-worker-${Date.now().toString(36)}`;
    names.push(name);
    const store = (await openIdbStore({ name })) as RemoteStore;
    stores.push(store);
    const experimentId = await store.createExperiment({ name: 'sweep' });
    const posted = countingMessages(store);
    const mine = columns('acc', 0, 3);
    const calls: Promise<unknown>[] = [];
    for (let r = 0; r < 40; r++) {
      calls.push(store.createRun({ experimentId, userId: 'u', runName: `run-${r}`, startTime: T0, tags: [], runId: runIdOf(r) }));
      calls.push(store.logBatch(runIdOf(r), { metrics: [mine] }));
    }
    calls.push(store.logBatch('f'.repeat(32) as RunId, { metrics: [mine] }));
    // Changed after the calls, in the same task, before anything was sent: the store keeps what was passed.
    mine.values[0] = 99;
    const outcomes = await Promise.allSettled(calls);
    expect(posted.stop()).toBe(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(80);
    const failed = outcomes[80] as PromiseRejectedResult;
    expect([isEdgeflowError(failed.reason), isEdgeflowError(failed.reason) && failed.reason.code]).toEqual([true, 'RESOURCE_DOES_NOT_EXIST']);
    expect(((outcomes[0] as PromiseFulfilledResult<{ info: { runName: string } }>).value).info.runName).toBe('run-0');
    expect([...(await store.getMetricHistory(runIdOf(39), 'acc')).values]).toEqual([0, 0.25, 0.5]);
    expect([...mine.values]).toEqual([99, 0.25, 0.5]);
  });

  it('posts a batch of large columns at once, with the writes queued before it, while the calling task still runs', async () => {
    const name = `edgeflow-groups-worker-large-${Date.now().toString(36)}`;
    names.push(name);
    const store = (await openIdbStore({ name })) as RemoteStore;
    stores.push(store);
    const posted = countingMessages(store);
    const created = store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'big', startTime: T0, tags: [], runId: runIdOf(0) });
    const small = store.logBatch(runIdOf(0), { metrics: [columns('lr', 0, 3)] });
    expect(posted.count).toBe(0);
    const large = store.logBatch(runIdOf(0), { metrics: [columns('loss', 0, 5000)] });
    // Still in the calling task: the three writes went in one message.
    expect(posted.count).toBe(1);
    const after = store.logBatch(runIdOf(0), { metrics: [columns('lr', 3, 2)] });
    expect(posted.count).toBe(1);
    await Promise.all([created, small, large, after]);
    expect(posted.stop()).toBe(2);
    expect((await store.getMetricHistory(runIdOf(0), 'loss')).values.length).toBe(5000);
    expect([...(await store.getMetricHistory(runIdOf(0), 'lr')).steps]).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('worker store: column buffers given back', () => {
  /** The byte lengths of the buffers each message to the worker transfers. */
  function transferredSizes(store: RemoteStore): { readonly sizes: number[][]; stop(): void } {
    const worker = store._$worker;
    const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void;
    const sizes: number[][] = [];
    worker.postMessage = ((message: unknown, transfer?: Transferable[]) => {
      const buffers = (transfer ?? []).filter((t): t is ArrayBuffer => t instanceof ArrayBuffer);
      if (buffers.length > 0) sizes.push(buffers.map((b) => b.byteLength));
      post(message, transfer);
    }) as typeof worker.postMessage;
    return { sizes, stop: () => void (worker.postMessage = post as typeof worker.postMessage) };
  }

  it('copies the next batches into the buffers the worker gave back, until a flush, and reads back every point as logged', async () => {
    const name = `edgeflow-groups-spare-${Date.now().toString(36)}`;
    names.push(name);
    const store = (await openIdbStore({ name })) as RemoteStore;
    stores.push(store);
    await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'spare', startTime: T0, tags: [], runId: runIdOf(0) });
    const sent = transferredSizes(store);
    const batches = [columns('loss', 0, 5000), columns('loss', 5000, 3000), columns('loss', 8000, 6000)];
    for (const batch of batches) await store.logBatch(runIdOf(0), { metrics: [batch] });
    await store.flush();
    await store.logBatch(runIdOf(0), { metrics: [columns('loss', 14_000, 3000)] });
    sent.stop();
    // One packed buffer a batch (three numbers a point).
    const bytes = (points: number): number[] => [points * 3 * 8];
    // 3,000 points go in the 5,000-point buffer that came back; 6,000 need a new one; a flush drops the spares.
    expect(sent.sizes).toEqual([bytes(5000), bytes(5000), bytes(6000), bytes(3000)]);
    const history = await store.getMetricHistory(runIdOf(0), 'loss');
    const all = columns('loss', 0, 17_000);
    expect([...history.steps]).toEqual([...all.steps]);
    expect([...history.timestamps]).toEqual([...all.timestamps]);
    expect([...history.values]).toEqual([...all.values]);
    // The caller's arrays are intact.
    expect([...batches[1]!.values]).toEqual([...columns('loss', 5000, 3000).values]);
  });
});
