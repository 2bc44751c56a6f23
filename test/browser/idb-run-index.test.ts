/**
 * The compact run index of the IndexedDB store, in real Chromium: a cold search starts from it
 * instead of reading every run record, and its answers stay those of the records after later
 * writes, a purge, or an index that cannot be trusted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import type { Run } from '../../src/core/entities.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { IdbStore } from '../../src/storage/idb/idb-store.js';
import type { EdgeflowDB } from '../../src/storage/idb/schema.js';

const T0 = 1_700_000_000_000;
const RUNS = 300;
const names: string[] = [];
const stores: IdbStore[] = [];

async function open(name: string): Promise<IdbStore> {
  if (!names.includes(name)) names.push(name);
  const store = await new IdbStore({ name }).open();
  stores.push(store);
  return store;
}

afterAll(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const name of names) await deleteDB(name).catch(() => undefined);
});

/** Every run of `experimentId` (deleted ones too) as comparable values, by run id. */
async function census(store: IdbStore, experimentId: ExperimentId): Promise<unknown[]> {
  const page = await store.searchRuns({ experimentIds: [experimentId], viewType: 'ALL', orderBy: ['run_name'], maxResults: 1000 });
  return page.items.map((run: Run) => [run.info, { ...run.data.latestMetrics }, { ...run.data.params }, { ...run.data.tags }, run.inputs ?? null, run.outputs ?? null]);
}

/** How many times `action` reads the whole `runs` store (getAll on the store itself, not on an index). */
async function fullRunReads(action: () => Promise<unknown>): Promise<number> {
  let reads = 0;
  const original = IDBObjectStore.prototype.getAll;
  IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...args: Parameters<typeof original>) {
    if (this.name === 'runs') reads++;
    return original.apply(this, args);
  };
  try {
    await action();
  } finally {
    IDBObjectStore.prototype.getAll = original;
  }
  return reads;
}

describe('IndexedDB store: the compact run index', () => {
  it('lets a cold search skip the run records and stays exact after later writes, a purge and an untrusted index', async () => {
    const name = `edgeflow-run-index-${Date.now().toString(36)}`;
    const writer = await open(name);
    const experimentId = await writer.createExperiment({ name: 'sweep' });
    const ids: RunId[] = [];
    await Promise.all(
      Array.from({ length: RUNS }, async (_, r) => {
        const run = await writer.createRun({ experimentId, userId: 'u', runName: `run-${String(r).padStart(3, '0')}`, startTime: T0 + r, tags: [{ key: 'team', value: r % 2 === 0 ? 'a' : 'b' }] });
        ids[r] = run.info.runId;
        const steps = new Float64Array([0, 1]);
        await writer.logBatch(run.info.runId, { params: [{ key: 'lr', value: String(r / 1000) }], metrics: [{ key: 'acc', steps, timestamps: steps.map((s) => T0 + s), values: Float64Array.from([r, r + 0.5]) }] });
      }),
    );
    // MLflow 3 inputs and outputs of a few runs travel in the index too.
    const model = await writer.loggedModels.createLoggedModel({ experimentId, name: 'sweep-model' });
    const dataset = { name: 'train', digest: '899cd733', sourceType: 'local', source: '{"uri": "train.csv"}', schema: null, profile: null };
    for (const r of [5, 6, 7]) {
      await writer.logInputs(ids[r]!, { datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }] });
      await writer.logOutputs(ids[r]!, [{ modelId: model.modelId, step: r }]);
    }
    await writer.flush();
    const raw = await openDB<EdgeflowDB>(name);
    const index = await raw.get('meta', 'runIndex');
    expect(index?.value).toBe((await raw.get('meta', 'seq'))?.value);

    // Writes after the index: a new metric, a deleted run, a renamed run, a new run.
    await writer.logBatch(ids[0]!, { metrics: [{ key: 'late', steps: new Float64Array([3]), timestamps: new Float64Array([T0]), values: new Float64Array([7]) }] });
    await writer.deleteRun(ids[1]!);
    await writer.updateRun(ids[2]!, { runName: 'renamed' });
    await writer.createRun({ experimentId, userId: 'u', runName: 'run-late', startTime: T0, tags: [] });
    const expected = await census(writer, experimentId);
    expect(expected.length).toBe(RUNS + 1);

    const cold = await open(name);
    let seen: unknown[] = [];
    expect(await fullRunReads(async () => (seen = await census(cold, experimentId)))).toBe(0);
    expect(seen).toEqual(expected);
    expect(seen.filter((r) => (r as unknown[])[4] !== null)).toHaveLength(3);

    // A purge (by a store that never searches, so no new index) is newer than the index: the next
    // cold cache reads every record.
    await (await open(name)).purgeRun(ids[3]!);
    const coldAfterPurge = await open(name);
    expect(await fullRunReads(async () => (seen = await census(coldAfterPurge, experimentId)))).toBe(1);
    const afterPurge = await census(writer, experimentId);
    expect(afterPurge.length).toBe(RUNS);
    expect(seen).toEqual(afterPurge);
    expect(await census(cold, experimentId)).toEqual(afterPurge);

    // An index claiming a future state (written by hand) is not trusted.
    const seq = (await raw.get('meta', 'seq'))!.value;
    await raw.put('meta', { ...index!, value: seq + 5 });
    raw.close();
    const coldUntrusted = await open(name);
    expect(await fullRunReads(async () => (seen = await census(coldUntrusted, experimentId)))).toBe(1);
    expect(seen).toEqual(afterPurge);
  });

  it('rewrites the index from its own rows and the runs changed after it, and a cold search reads only the new index', async () => {
    const name = `edgeflow-run-index-rewrite-${Date.now().toString(36)}`;
    const first = await open(name);
    const experimentId = await first.createExperiment({ name: 'rewrite' });
    const ids = await Promise.all(
      Array.from({ length: RUNS }, async (_, r) => (await first.createRun({ experimentId, userId: 'u', runName: `r-${String(r).padStart(3, '0')}`, startTime: T0 + r, tags: [] })).info.runId),
    );
    await first.flush();
    // A second store starts from that index, then changes most runs (enough for a new index).
    const second = await open(name);
    await census(second, experimentId);
    await Promise.all(ids.slice(0, 280).map((runId, r) => second.logBatch(runId, { params: [{ key: 'p', value: `v${r % 5}` }], tags: [{ key: 'phase', value: 'two' }] })));
    const raw = await openDB<EdgeflowDB>(name);
    const before = (await raw.get('meta', 'runIndex'))!.value;
    const expected = await census(second, experimentId);
    expect(expected).toHaveLength(RUNS);
    await second.flush();
    const after = (await raw.get('meta', 'runIndex'))!.value;
    raw.close();
    expect(after).toBeGreaterThan(before);
    const cold = await open(name);
    let seen: unknown[] = [];
    expect(await fullRunReads(async () => (seen = await census(cold, experimentId)))).toBe(0);
    expect(seen).toEqual(expected);
    expect(seen.filter((run) => ((run as unknown[])[2] as Record<string, string>)['p'] !== undefined)).toHaveLength(280);
  });
});
