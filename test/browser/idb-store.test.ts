/**
 * The IndexedDB store in real Chromium: the conformance suite in the page and through the worker,
 * plus what only this backend has (worker hop, schema upgrade, version changes, cross-store events).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError, isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import type { Store, StoreChange } from '../../src/core/store.js';
import { IdbStore } from '../../src/storage/idb/idb-store.js';
import { openIdbStore, type BrowserStore } from '../../src/storage/idb/open-idb-store.js';
import { CHUNK_POINTS, DB_VERSION, upgrade, type EdgeflowDB, type StoredChunk, type StoredRunV1 } from '../../src/storage/idb/schema.js';
import { mapIdbError } from '../../src/storage/idb/errors.js';
import { deserializeThrown, serializeThrown } from '../../src/storage/wire/transfer-handlers.js';
import { openStore } from '../../src/storage/open-store.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { describeLoggedModelConformance } from '../conformance/logged-model-conformance.js';
import { expectCode } from '../conformance/expect-error.js';
import { describeInputsConformance } from '../conformance/inputs-conformance.js';
import type { OpenClient } from '../conformance/registry-conformance.js';

const opened: { store: Store; name: string }[] = [];
let counter = 0;

function freshName(): string {
  return `edgeflow-test-${Date.now().toString(36)}-${counter++}`;
}

async function track<S extends Store>(name: string, store: S): Promise<S> {
  opened.push({ store, name });
  return store;
}

afterAll(async () => {
  for (const { store, name } of opened) {
    await store.close().catch(() => undefined);
    await deleteDB(name).catch(() => undefined);
  }
});

describeStoreConformance('IdbStore (Chromium page)', {
  registry: true,
  async open(seed) {
    const name = freshName();
    const store = await track(name, await new IdbStore({ name }).open());
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});

describeStoreConformance('RemoteStore → IdbStore (Chromium worker)', {
  registry: true,
  async open(seed) {
    const name = freshName();
    const store = await track(name, await openIdbStore({ name }));
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});

/** A client on a fresh IndexedDB store, in the page or through the worker, holding what `seed` wrote. */
function clientOn(open: (name: string) => Promise<Store>): OpenClient {
  return async (seed) => {
    const name = freshName();
    const client = new TrackingClient(await track(name, await open(name)), { userId: 'conformance' });
    if (seed) await seed(client);
    return client;
  };
}
const pageClient = clientOn((name) => new IdbStore({ name }).open());
const workerClient = clientOn((name) => openIdbStore({ name }));

describeInputsConformance('IdbStore (Chromium page)', pageClient);
describeLoggedModelConformance('IdbStore (Chromium page)', pageClient);
describeInputsConformance('RemoteStore → IdbStore (Chromium worker)', workerClient);
describeLoggedModelConformance('RemoteStore → IdbStore (Chromium worker)', workerClient);

describe('IndexedDB store: schema upgrade to v4 (MLflow 3 logged models)', () => {
  it('opens a v3 database with its registry and runs, and holds logged models and run outputs', async () => {
    const name = freshName();
    const v3 = await openDB<EdgeflowDB>(name, 3, { upgrade: (db, oldVersion, _newVersion, tx) => upgrade(db, oldVersion, 3, tx) });
    expect([...v3.objectStoreNames]).not.toContain('loggedModels');
    v3.close();
    const before = await track(name, await new IdbStore({ name }).open());
    const raw = await openDB<EdgeflowDB>(name);
    expect(raw.version).toBe(DB_VERSION);
    expect((await raw.get('meta', 'minVersion'))?.value).toBe(DB_VERSION);
    raw.close();
    const client = new TrackingClient(before, { userId: 'u' });
    const run = await client.createRun('0');
    const model = await client.createLoggedModel('0', { name: 'after-upgrade' });
    await client.logOutputs(run.info.runId, [{ modelId: model.modelId, step: 2 }]);
    await client.logBatch(run.info.runId, { metrics: [{ key: 'acc', value: 0.5, step: 2, timestamp: T0, modelId: model.modelId }] });
    await before.close();
    const reopened = await track(name, await new IdbStore({ name }).open());
    expect((await reopened.getRun(run.info.runId)).outputs?.modelOutputs).toEqual([{ modelId: model.modelId, step: 2 }]);
    expect((await reopened.loggedModels.getLoggedModel(model.modelId)).metrics.map((m) => [m.key, m.value, m.runId])).toEqual([['acc', 0.5, run.info.runId]]);
  });
});

const MISSING_RUN = '0123456789abcdef0123456789abcdef' as RunId;
const T0 = 1_700_000_000_000;

async function worker(): Promise<BrowserStore> {
  const name = freshName();
  return track(name, await openIdbStore({ name }));
}

describe('IndexedDB store: the worker hop', () => {
  it('delivers worker-side errors as EdgeflowError with code, message and details', async () => {
    const store = await worker();
    let caught: unknown;
    await store.getRun(MISSING_RUN).catch((error: unknown) => {
      caught = error;
    });
    expect(caught).toBeInstanceOf(EdgeflowError);
    expect(isEdgeflowError(caught, 'RESOURCE_DOES_NOT_EXIST')).toBe(true);
    const error = caught as EdgeflowError;
    expect(error.message).toBe(`Run with id=${MISSING_RUN} not found`);
    expect(error.details).toEqual({ runId: MISSING_RUN });
    await expectCode(store.createExperiment({ name: 'Default' }), 'RESOURCE_ALREADY_EXISTS');
  });

  it('round-trips errors, their causes and thrown non-errors through the wire format', () => {
    const cause = new DOMException('quota', 'QuotaExceededError');
    const original = EdgeflowError.resourceExhausted('full', { cause });
    const back = deserializeThrown(structuredClone(serializeThrown(original))) as EdgeflowError;
    expect(back).toBeInstanceOf(EdgeflowError);
    expect(back.code).toBe('RESOURCE_EXHAUSTED');
    expect((back.cause as Error).name).toBe('QuotaExceededError');
    const plain = deserializeThrown(structuredClone(serializeThrown(new TypeError('bad')))) as Error;
    expect(plain).toBeInstanceOf(Error);
    expect([plain.name, plain.message]).toEqual(['TypeError', 'bad']);
    expect(deserializeThrown(structuredClone(serializeThrown('text')))).toBe('text');
  });

  it('copies metric columns to the worker once (the caller’s arrays stay intact) and reads them back intact', async () => {
    const store = await worker();
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] });
    const n = CHUNK_POINTS * 2 + 17;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const timestamps = Float64Array.from({ length: n }, (_, i) => T0 + i);
    const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const expected = values.slice();
    const shared = new Float64Array(20);
    await store.logBatch(run.info.runId, { metrics: [{ key: 'm', steps, timestamps, values }] });
    expect([steps.length, timestamps.length, values.length]).toEqual([n, n, n]);
    expect(values).toEqual(expected);
    // Views into one buffer are copied too.
    await store.logBatch(run.info.runId, {
      metrics: [{ key: 'v', steps: shared.subarray(0, 10), timestamps: shared.subarray(10, 20), values: shared.subarray(0, 10) }],
    });
    expect(shared.length).toBe(20);
    const history = await store.getMetricHistory(run.info.runId, 'm');
    expect(history.values).toEqual(expected);
    expect(history.steps[n - 1]).toBe(n - 1);
    expect((await store.getMetricHistory(run.info.runId, 'v')).values.length).toBe(10);
  });

  it('reads metric tails across chunk boundaries, reading only the chunks from the start position on', async () => {
    const name = freshName();
    const page = await track(name, await new IdbStore({ name }).open());
    const remote = await worker();
    const n = CHUNK_POINTS * 2 + 17;
    const columns = (): { key: string; steps: Float64Array; timestamps: Float64Array; values: Float64Array } => {
      const steps = Float64Array.from({ length: n }, (_, i) => i);
      return { key: 'm', steps, timestamps: steps.map((i) => T0 + i), values: steps.map((i) => i / 3) };
    };
    const ids: RunId[] = [];
    for (const store of [page, remote]) {
      const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] });
      // In two batches, so the tail chunk is appended to as well.
      const all = columns();
      const cut = CHUNK_POINTS + 5;
      await store.logBatch(run.info.runId, { metrics: [{ key: 'm', steps: all.steps.slice(0, cut), timestamps: all.timestamps.slice(0, cut), values: all.values.slice(0, cut) }] });
      await store.logBatch(run.info.runId, { metrics: [{ key: 'm', steps: all.steps.slice(cut), timestamps: all.timestamps.slice(cut), values: all.values.slice(cut) }] });
      ids.push(run.info.runId);
    }
    const lowerChunks: number[] = [];
    const original = IDBObjectStore.prototype.getAll;
    IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, query?: IDBValidKey | IDBKeyRange | null, count?: number) {
      if (this.name === 'chunks' && query instanceof IDBKeyRange) lowerChunks.push((query.lower as [string, string, number])[2]);
      return original.call(this, query, count);
    } as typeof original;
    try {
      for (const [i, store] of [page, remote].entries()) {
        for (const from of [0, 1, CHUNK_POINTS - 1, CHUNK_POINTS, CHUNK_POINTS + 6, 2 * CHUNK_POINTS, n - 1, n, n + 3 * CHUNK_POINTS]) {
          const tail = await store.getMetricHistoryFrom!(ids[i]!, 'm', from);
          const count = Math.max(0, n - from);
          expect(tail.values.length).toBe(count);
          expect(tail.steps).toEqual(Float64Array.from({ length: count }, (_, k) => from + k));
          expect(tail.timestamps).toEqual(Float64Array.from({ length: count }, (_, k) => T0 + from + k));
          expect(tail.values).toEqual(Float64Array.from({ length: count }, (_, k) => (from + k) / 3));
        }
      }
    } finally {
      IDBObjectStore.prototype.getAll = original;
    }
    // The page store's reads (the worker's run in its own global) started at floor(from / CHUNK_POINTS).
    expect(lowerChunks).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 5]);
  });

  it('runs the model registry in the worker: errors intact, dicts rebuilt, changes announced', async () => {
    const store = await worker();
    const registry = store.registry!;
    const seen: StoreChange[] = [];
    store.subscribe((change) => seen.push(change));
    const created = await registry.createRegisteredModel({ name: 'm', description: 'd', tags: [{ key: '__proto__', value: 'p' }] });
    expect(Object.getPrototypeOf(created.tags)).toBeNull();
    expect(Object.entries(created.tags)).toEqual([['__proto__', 'p']]);
    const version = await registry.createModelVersion({ name: 'm', source: 'file:///m', tags: [{ key: 'constructor', value: 'c' }] });
    expect(version.version).toBe(1);
    expect(Object.entries((await registry.getModelVersion('m', 1)).tags)).toEqual([['constructor', 'c']]);
    const [record] = await registry.exportRegisteredModels(['m', 'missing']);
    expect(Object.getPrototypeOf(record!.tags)).toBeNull();
    expect(Object.getPrototypeOf(record!.versions[0]!.tags)).toBeNull();
    let caught: unknown;
    await registry.getModelVersion('m', 9).catch((error: unknown) => {
      caught = error;
    });
    expect(caught).toBeInstanceOf(EdgeflowError);
    expect((caught as EdgeflowError).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((caught as EdgeflowError).message).toBe('Model Version (name=m, version=9) not found');
    expect((caught as EdgeflowError).details).toEqual({ name: 'm', version: 9 });
    await expectCode(registry.createRegisteredModel({ name: 'm' }), 'RESOURCE_ALREADY_EXISTS');
    await expect.poll(() => seen.filter((c) => c.kind === 'registered-model' && c.name === 'm').length).toBe(2);
  });

  it('opens through the idb: scheme', async () => {
    const name = freshName();
    const store = await track(name, await openStore(`idb:${name}`));
    expect((await store.getExperiment('0' as ExperimentId)).name).toBe('Default');
    expect(store.capabilities.crossContextEvents).toBe(true);
  });

  it('reports storage figures', async () => {
    const figures = await (await worker()).storageEstimate();
    expect(figures.quota).toBeGreaterThan(0);
    expect(figures.usage).toBeGreaterThanOrEqual(0);
  });
});

describe('IndexedDB store: durability and platform errors', () => {
  it('flush() runs a strict transaction over every store after the relaxed batch writes, and resolves after them', async () => {
    const name = freshName();
    const store = await track(name, await new IdbStore({ name }).open());
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] });
    const seen: { stores: string[]; mode: string; durability: string | undefined }[] = [];
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
      if (mode === 'readwrite') seen.push({ stores: [stores].flat().sort(), mode, durability: options?.durability });
      return original.call(this, stores, mode, options);
    } as typeof original;
    const order: string[] = [];
    try {
      const steps = new Float64Array([1, 2, 3]);
      const logged = store.logBatch(run.info.runId, { metrics: [{ key: 'm', steps, timestamps: steps, values: steps }] }).then(() => order.push('logBatch'));
      await store.flush().then(() => order.push('flush'));
      await logged;
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    expect(order).toEqual(['logBatch', 'flush']);
    expect(seen).toEqual([
      { stores: ['artifacts', 'chunks', 'experiments', 'heads', 'loggedModels', 'meta', 'runs'], mode: 'readwrite', durability: 'relaxed' },
      { stores: ['artifacts', 'chunks', 'experiments', 'heads', 'loggedModels', 'meta', 'registeredModels', 'runs'], mode: 'readwrite', durability: 'strict' },
    ]);
  });

  it('writes the registry in strict transactions; a full quota is RESOURCE_EXHAUSTED and leaves every record as it was', async () => {
    const name = freshName();
    const store = await track(name, await new IdbStore({ name }).open());
    const registry = store.registry;
    await registry.createRegisteredModel({ name: 'kept', tags: [{ key: 'k', value: 'v' }] });
    const seen: { stores: string[]; durability: string | undefined }[] = [];
    const originalTransaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
      if (mode === 'readwrite') seen.push({ stores: [stores].flat(), durability: options?.durability });
      return originalTransaction.call(this, stores, mode, options);
    } as typeof originalTransaction;
    const originalPut = IDBObjectStore.prototype.put;
    let full = false;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (full && this.name === 'registeredModels') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return originalPut.call(this, value, key);
    } as typeof originalPut;
    try {
      await registry.createModelVersion({ name: 'kept', source: 'file:///1' });
      full = true;
      const error = await expectCode(registry.createRegisteredModel({ name: 'new' }), 'RESOURCE_EXHAUSTED');
      expect((error.cause as DOMException).name).toBe('QuotaExceededError');
      // A rename deletes the old name before it writes the new one: the failed put undoes the delete.
      await expectCode(registry.renameRegisteredModel('kept', 'moved'), 'RESOURCE_EXHAUSTED');
    } finally {
      IDBObjectStore.prototype.put = originalPut;
      IDBDatabase.prototype.transaction = originalTransaction;
    }
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ stores: ['registeredModels'], durability: 'strict' })));
    await expectCode(registry.getRegisteredModel('new'), 'RESOURCE_DOES_NOT_EXIST');
    await expectCode(registry.getRegisteredModel('moved'), 'RESOURCE_DOES_NOT_EXIST');
    const kept = await registry.getRegisteredModel('kept');
    expect(kept.tags['k']).toBe('v');
    expect(kept.latestVersions.map((v) => v.version)).toEqual([1]);
    expect((await registry.renameRegisteredModel('kept', 'moved')).name).toBe('moved');
  });

  it('maps DOMExceptions to error codes, keeping the original as cause', () => {
    const cases: [string, string][] = [
      ['ConstraintError', 'RESOURCE_ALREADY_EXISTS'],
      ['QuotaExceededError', 'RESOURCE_EXHAUSTED'],
      ['VersionError', 'INVALID_STATE'],
      ['InvalidStateError', 'INVALID_STATE'],
      ['UnknownError', 'INTERNAL_ERROR'],
      ['AbortError', 'INTERNAL_ERROR'],
    ];
    for (const [name, code] of cases) {
      const cause = new DOMException('', name);
      const error = mapIdbError(cause, 'log a batch');
      expect([error.code, error.cause]).toEqual([code, cause]);
      expect(error.message).toMatch(/^Cannot log a batch/u);
    }
    expect(mapIdbError(new DOMException('', 'QuotaExceededError'), 'x').message).toMatch(/quota/u);
    const own = EdgeflowError.invalidState('kept');
    expect(mapIdbError(own, 'x')).toBe(own);
  });

  it('asks for persistent storage when told to, and reports whether it is persistent', async () => {
    const name = freshName();
    const store = await track(name, await openIdbStore({ name, persist: true }));
    expect(typeof (await store.storageEstimate()).persisted).toBe('boolean');
  });
});

describe('IndexedDB store: schema upgrade', () => {
  it('opens a database written with schema v1 and keeps every record usable', async () => {
    expect(DB_VERSION).toBe(5);
    const name = freshName();
    const runId = 'aaaabbbbccccddddeeeeffff00001111' as RunId;
    const experimentId = '123456789012345678' as ExperimentId;
    const tail = 100;
    // A v1 database, built by the v1 step of the real upgrade path, with v1-shaped records.
    const v1 = await openDB<EdgeflowDB>(name, 1, { upgrade: (db, oldVersion, _newVersion, tx) => upgrade(db, oldVersion, 1, tx) });
    expect([...v1.objectStoreNames].sort()).toEqual(['artifacts', 'chunks', 'experiments', 'meta', 'runs']);
    expect([...v1.transaction('runs').store.indexNames]).toEqual(['experimentId']);
    const tx = v1.transaction(['experiments', 'runs', 'chunks', 'artifacts'], 'readwrite');
    await tx.objectStore('experiments').put({
      experimentId, name: 'old', artifactLocation: 'idb://x/1', lifecycleStage: 'active', creationTime: T0, lastUpdateTime: T0, tags: { team: 'a' },
    });
    const oldRun: StoredRunV1 = {
      info: {
        runId, runName: 'old-run', experimentId, userId: 'u', status: 'FINISHED', startTime: T0, endTime: T0 + 1,
        artifactUri: 'idb://x/1/r/artifacts', lifecycleStage: 'active', deletedTime: null,
      },
      params: { lr: '0.1' },
      tags: { 'mlflow.runName': 'old-run' },
      latest: { loss: { key: 'loss', value: 0.5, step: CHUNK_POINTS + tail - 1, timestamp: T0 } },
    };
    await (tx.objectStore('runs') as unknown as { put(v: StoredRunV1): Promise<unknown> }).put(oldRun);
    const chunk = (index: number, length: number): StoredChunk => {
      const steps = Float64Array.from({ length }, (_, i) => index * CHUNK_POINTS + i);
      return { runId, key: 'loss', chunk: index, steps, timestamps: steps.map(() => T0), values: steps.map((s) => s / 2) };
    };
    await tx.objectStore('chunks').put(chunk(0, CHUNK_POINTS));
    await tx.objectStore('chunks').put(chunk(1, tail));
    await tx.objectStore('artifacts').put({ runId, path: 'model/w.bin', size: 3, blob: new Blob([new Uint8Array([1, 2, 3])]) });
    await tx.done;
    v1.close();

    const store = await track(name, await new IdbStore({ name }).open());
    const run = await store.getRun(runId);
    expect(run.data.params['lr']).toBe('0.1');
    expect(run.data.metrics['loss']).toBe(0.5);
    expect((await store.getExperiment(experimentId)).tags['team']).toBe('a');
    expect((await store.getMetricHistory(runId, 'loss')).values.length).toBe(CHUNK_POINTS + tail);
    expect([...(await store.getArtifact(runId, 'model/w.bin'))]).toEqual([1, 2, 3]);
    // The migrated series summary lets appends continue the v1 tail chunk.
    const more = 10;
    const steps = Float64Array.from({ length: more }, (_, i) => CHUNK_POINTS + tail + i);
    await store.logBatch(runId, { metrics: [{ key: 'loss', steps, timestamps: steps.map(() => T0), values: steps.map((s) => s / 2) }] });
    const history = await store.getMetricHistory(runId, 'loss');
    expect(history.steps).toEqual(Float64Array.from({ length: CHUNK_POINTS + tail + more }, (_, i) => i));
    const raw = await openDB<EdgeflowDB>(name);
    expect(await raw.count('chunks')).toBe(2);
    // v4 code writes run outputs, which older code would drop; v5 keeps short series in heads: only current code may write it now.
    expect((await raw.get('meta', 'minVersion'))?.value).toBe(5);
    expect((await raw.get('runs', runId))?.series['loss']).toEqual({ count: CHUNK_POINTS + tail + more, chunks: 2 });
    raw.close();
    // The seq index written by the migration feeds the search cache.
    const found = await store.searchRuns({ experimentIds: [experimentId], filter: "params.lr = '0.1'" });
    expect(found.items.map((r) => r.info.runName)).toEqual(['old-run']);
  });
});

describe('IndexedDB store: schema upgrade to v3 (the model registry)', () => {
  it('opens a database written with schema v2 with every record, and adds the registry', async () => {
    const name = freshName();
    const runId = 'aaaabbbbccccddddeeeeffff22223333' as RunId;
    const experimentId = '223456789012345678' as ExperimentId;
    const points = CHUNK_POINTS + 40;
    // A v2 database, built by the v1 and v2 steps of the real upgrade path, written as v2 code writes.
    const v2 = await openDB<EdgeflowDB>(name, 2, { upgrade: (db, oldVersion, _newVersion, tx) => upgrade(db, oldVersion, 2, tx) });
    expect([...v2.objectStoreNames].sort()).toEqual(['artifacts', 'chunks', 'experiments', 'meta', 'runs']);
    const tx = v2.transaction(['meta', 'experiments', 'runs', 'chunks', 'artifacts'], 'readwrite');
    await tx.objectStore('experiments').put({
      experimentId, name: 'v2', artifactLocation: 'idb://x/2', lifecycleStage: 'active', creationTime: T0, lastUpdateTime: T0, tags: { team: 'b' },
    });
    await tx.objectStore('runs').put({
      info: {
        runId, runName: 'v2-run', experimentId, userId: 'u', status: 'FINISHED', startTime: T0, endTime: T0 + 1,
        artifactUri: 'idb://x/2/r/artifacts', lifecycleStage: 'active', deletedTime: null,
      },
      params: { lr: '0.2' },
      tags: { 'mlflow.runName': 'v2-run' },
      latest: { acc: { key: 'acc', value: 0.75, step: points - 1, timestamp: T0 } },
      seq: 7,
      series: { acc: { count: points, chunks: 2 } },
    });
    await tx.objectStore('meta').put({ key: 'seq', value: 7 });
    const chunk = (index: number, length: number): StoredChunk => {
      const steps = Float64Array.from({ length }, (_, i) => index * CHUNK_POINTS + i);
      return { runId, key: 'acc', chunk: index, steps, timestamps: steps.map(() => T0), values: steps.map((s) => s / 4) };
    };
    await tx.objectStore('chunks').put(chunk(0, CHUNK_POINTS));
    await tx.objectStore('chunks').put(chunk(1, points - CHUNK_POINTS));
    await tx.objectStore('artifacts').put({ runId, path: 'model/w.bin', size: 2, blob: new Blob([new Uint8Array([4, 5])]) });
    await tx.done;
    v2.close();

    const store = await track(name, await new IdbStore({ name }).open());
    const raw = await openDB<EdgeflowDB>(name);
    expect(raw.version).toBe(DB_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual(['artifacts', 'chunks', 'experiments', 'heads', 'loggedModels', 'meta', 'registeredModels', 'runs']);
    // Upgraded through v4 (run outputs older code would drop) and v5 (short series inline, which older code would read as empty).
    expect((await raw.get('meta', 'minVersion'))?.value).toBe(5);
    expect((await raw.get('meta', 'seq'))?.value).toBe(7);
    raw.close();
    // Everything v2 wrote.
    const run = await store.getRun(runId);
    expect(run.data.params['lr']).toBe('0.2');
    expect(run.data.metrics['acc']).toBe(0.75);
    expect((await store.getExperiment(experimentId)).tags['team']).toBe('b');
    const history = await store.getMetricHistory(runId, 'acc');
    expect(history.steps).toEqual(Float64Array.from({ length: points }, (_, i) => i));
    expect((await store.getMetricHistoryFrom(runId, 'acc', CHUNK_POINTS + 30)).steps).toEqual(Float64Array.from({ length: 10 }, (_, i) => CHUNK_POINTS + 30 + i));
    expect([...(await store.getArtifact(runId, 'model/w.bin'))]).toEqual([4, 5]);
    expect((await store.searchRuns({ experimentIds: [experimentId], filter: 'metrics.acc > 0.5' })).items.map((r) => r.info.runName)).toEqual(['v2-run']);
    // Appends continue the v2 tail chunk.
    const steps = Float64Array.from({ length: 5 }, (_, i) => points + i);
    await store.logBatch(runId, { metrics: [{ key: 'acc', steps, timestamps: steps.map(() => T0), values: steps.map((s) => s / 4) }] });
    expect((await store.getMetricHistory(runId, 'acc')).values.length).toBe(points + 5);
    // And the registry, new in v3, works on the migrated data.
    const client = new TrackingClient(store, { userId: 'u' });
    const version = await client.registerModel(`runs:/${runId}/model`, 'from-v2');
    expect([version.name, version.version, version.runId]).toEqual(['from-v2', 1, runId]);
    expect((await client.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['from-v2']);
    await store.close();
    const reopened = await track(name, await new IdbStore({ name }).open());
    // registerModel stores the run's artifact location, as mlflow.register_model does.
    const { artifactUri } = (await reopened.getRun(runId)).info;
    expect((await reopened.registry.getLatestVersions('from-v2')).map((v) => v.source)).toEqual([`${artifactUri}/model`]);
  });

  it('announces registry changes to stores of the same database in other contexts', async () => {
    const name = freshName();
    const a = await track(name, await new IdbStore({ name }).open());
    const b = await track(name, await openIdbStore({ name }));
    const seenByA: StoreChange[] = [];
    const seenByB: StoreChange[] = [];
    a.subscribe((change) => seenByA.push(change));
    b.subscribe((change) => seenByB.push(change));
    await a.registry.createRegisteredModel({ name: 'shared' });
    await expect.poll(() => seenByB.some((c) => c.kind === 'registered-model' && c.name === 'shared')).toBe(true);
    expect((await b.registry!.getRegisteredModel('shared')).name).toBe('shared');
    await b.registry!.renameRegisteredModel('shared', 'renamed');
    await expect.poll(() => seenByA.filter((c) => c.kind === 'registered-model').map((c) => (c as { name: string }).name)).toEqual(['shared', 'shared', 'renamed']);
    expect((await a.registry.getRegisteredModel('renamed')).name).toBe('renamed');
  });
});

describe('IndexedDB store: version changes and other connections', () => {
  it('steps aside for a newer version opened elsewhere and keeps working when that schema allows it', async () => {
    const name = freshName();
    const store = await track(name, await new IdbStore({ name }).open());
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'before', startTime: T0, tags: [] });
    // Another connection upgrades to DB_VERSION + 1, adding a store; this must not wait on ours.
    const newer = await openDB(name, DB_VERSION + 1, {
      upgrade(db) {
        db.createObjectStore('extra');
      },
      blocked() {
        throw new Error('the upgrade was blocked by the open store');
      },
    });
    newer.close();
    await store.logBatch(run.info.runId, { params: [{ key: 'after', value: 'upgrade' }] });
    expect((await store.getRun(run.info.runId)).data.params['after']).toBe('upgrade');
  });

  it('reports INVALID_STATE when a newer schema excludes this version, and loses nothing written before', async () => {
    const name = freshName();
    const store = await track(name, await new IdbStore({ name }).open());
    const run = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'kept', startTime: T0, tags: [] });
    const newer = await openDB(name, DB_VERSION + 1, {
      upgrade(_db, _old, _new, tx) {
        void tx.objectStore('meta').put({ key: 'minVersion', value: DB_VERSION + 1 });
      },
    });
    await expectCode(store.getRun(run.info.runId), 'INVALID_STATE');
    expect((await newer.get('runs', run.info.runId))?.info.runName).toBe('kept');
    newer.close();
  });

  it('interleaves appends of two stores to one series without losing points (no stale tail is reused)', async () => {
    const name = freshName();
    const a = await track(name, await new IdbStore({ name }).open());
    const b = await track(name, await new IdbStore({ name }).open());
    const { runId } = (await a.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] })).info;
    let next = 0;
    const batch = (n: number): { metrics: { key: string; steps: Float64Array; timestamps: Float64Array; values: Float64Array }[] } => {
      const steps = Float64Array.from({ length: n }, () => next++);
      return { metrics: [{ key: 'm', steps, timestamps: steps.slice(), values: steps.slice() }, { key: 'other', steps: steps.slice(0, 1), timestamps: steps.slice(0, 1), values: steps.slice(0, 1) }] };
    };
    await a.logBatch(runId, batch(100));
    await b.logBatch(runId, batch(100));
    await a.logBatch(runId, batch(100));
    await a.logBatch(runId, { metrics: [batch(CHUNK_POINTS).metrics[0]!] });
    await b.logBatch(runId, batch(7));
    await a.logBatch(runId, batch(5));
    const history = await b.getMetricHistory(runId, 'm');
    expect(history.steps).toEqual(Float64Array.from({ length: next }, (_, i) => i));
    expect((await a.getMetricHistory(runId, 'other')).values.length).toBe(5);
  });

  it('delivers changes between stores of one database and keeps their searches exact', async () => {
    const name = freshName();
    const a = await track(name, await new IdbStore({ name }).open());
    const b = await track(name, await openIdbStore({ name }));
    const seen: StoreChange[] = [];
    b.subscribe((change) => seen.push(change));
    const clientA = new TrackingClient(a);
    await b.searchRuns({ experimentIds: ['0' as ExperimentId] });
    const run = await clientA.createRun('0', { runName: 'from-a' });
    clientA.logMetric(run.info.runId, 'acc', 0.9, 1);
    await clientA.flush();
    await expect.poll(() => seen.some((c) => c.kind === 'run-data' && c.runId === run.info.runId && c.metricKeys.includes('acc'))).toBe(true);
    const found = await b.searchRuns({ experimentIds: ['0' as ExperimentId], filter: 'metrics.acc > 0.5' });
    expect(found.items.map((r) => r.info.runName)).toEqual(['from-a']);
    await a.purgeRun(run.info.runId);
    expect((await b.searchRuns({ experimentIds: ['0' as ExperimentId] })).items).toEqual([]);
  });
});
