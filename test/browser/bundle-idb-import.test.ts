/**
 * Importing a bundle into the IndexedDB store in its worker, in real Chromium: runs travel in
 * windows of writes that share messages and transactions, and an import that fails after some
 * windows were written (a corrupt file found while writing) leaves the database as it was.
 */
import { deleteDB } from 'idb';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExperimentId } from '../../src/core/ids.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { openIdbStore } from '../../src/storage/idb/open-idb-store.js';
import type { RemoteStore } from '../../src/storage/idb/remote-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { expectCode } from '../conformance/expect-error.js';

const T0 = 1_700_000_000_000;
const RUNS = 60;
const names: string[] = [];
const stores: RemoteStore[] = [];

afterAll(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const name of names) await deleteDB(name).catch(() => undefined);
});

async function freshStore(): Promise<RemoteStore> {
  const name = `edgeflow-bundle-import-${Date.now().toString(36)}-${names.length}`;
  names.push(name);
  const store = (await openIdbStore({ name })) as RemoteStore;
  stores.push(store);
  return store;
}

/** A bundle of RUNS runs, each with two metrics, a param and a stored (not deflated) file. */
async function bundle(): Promise<Uint8Array> {
  const source = new MemoryStore();
  const experimentId = await source.createExperiment({ name: 'sweep' });
  for (let r = 0; r < RUNS; r++) {
    const run = await source.createRun({ experimentId, userId: 'u', runName: `run-${r}`, startTime: T0 + r, tags: [] });
    const steps = Float64Array.from({ length: 700 }, (_, i) => i);
    await source.logBatch(run.info.runId, {
      params: [{ key: 'lr', value: String(r / 100) }],
      metrics: ['loss', 'acc'].map((key) => ({ key, steps, timestamps: steps.map((s) => T0 + s), values: steps.map((s) => (s + r) / 1000) })),
    });
    await source.putArtifact(run.info.runId, 'model/weights.bin', Uint8Array.from({ length: 300 }, (_, i) => (i * r) % 256));
  }
  return exportBundle(source, { output: 'bytes' });
}

describe('importBundle into the IndexedDB worker store', () => {
  it('writes every run, point and file, in few worker messages', async () => {
    const store = await freshStore();
    const zip = await bundle();
    const worker = store._$worker;
    // Messages that carry writes (comlink names the method called in `path`).
    let messages = 0;
    const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void;
    worker.postMessage = ((message: { path?: string[] }, transfer?: Transferable[]) => {
      if (['writeMany', 'createRun', 'logBatch', 'putArtifact'].includes(message.path?.at(-1) ?? '')) messages++;
      post(message, transfer);
    }) as typeof worker.postMessage;
    const report = await importBundle(store, zip);
    worker.postMessage = post as typeof worker.postMessage;
    expect([report.runs, report.metricPoints, report.artifacts]).toEqual([RUNS, RUNS * 1400, RUNS]);
    // One message per call would be 4 a run (creation, params, metrics, file): it is a few per 25 runs.
    expect(messages).toBeLessThan(RUNS / 5);
    const experiment = await store.getExperimentByName('sweep');
    const runs = await store.searchRuns({ experimentIds: [experiment!.experimentId], filter: "params.lr = '0.42'", maxResults: 10 });
    expect(runs.items.map((r) => r.info.runName)).toEqual(['run-42']);
    const runId = runs.items[0]!.info.runId;
    const loss = await store.getMetricHistory(runId, 'loss');
    expect([loss.values.length, loss.values[699]]).toEqual([700, (699 + 42) / 1000]);
    expect(Array.from(await store.getArtifact(runId, 'model/weights.bin')).slice(0, 4)).toEqual([0, 42, 84, 126]);
  });

  it('leaves the database as it was when a file late in the bundle turns out corrupt while runs are written', async () => {
    const store = await freshStore();
    const kept = await store.createRun({ experimentId: '0' as ExperimentId, userId: 'u', runName: 'kept', startTime: T0, tags: [] });
    const zip = await bundle();
    // Flip a byte of the last run's stored file: its CRC fails only when the import reads it, after
    // the windows before it were written.
    const data = lastLocalHeader(zip, new TextEncoder().encode('/artifacts/model/weights.bin'));
    zip[data + 10] = zip[data + 10]! ^ 0xff;
    await expectCode(importBundle(store, zip), 'INVALID_PARAMETER_VALUE');
    const all = await store.searchRuns({ experimentIds: ['0' as ExperimentId], viewType: 'ALL', maxResults: 1000 });
    expect(all.items.map((r) => r.info.runId)).toEqual([kept.info.runId]);
    expect(await store.getExperimentByName('sweep')).toBeNull();
    expect((await store.searchExperiments({ viewType: 'ALL', maxResults: 100 })).items.map((e) => e.name)).toEqual(['Default']);
  });
});

/** The data offset of the last local file header whose name ends with `suffix` (extra field empty, as fflate writes). */
function lastLocalHeader(zip: Uint8Array, suffix: Uint8Array): number {
  for (let i = zip.length - 4; i >= 0; i--) {
    if (zip[i] !== 0x50 || zip[i + 1] !== 0x4b || zip[i + 2] !== 0x03 || zip[i + 3] !== 0x04) continue;
    const nameLength = zip[i + 26]! | (zip[i + 27]! << 8);
    const nameEnd = i + 30 + nameLength;
    if (suffix.every((b, j) => zip[nameEnd - suffix.length + j] === b)) return nameEnd + (zip[i + 28]! | (zip[i + 29]! << 8));
  }
  throw new Error('no such entry');
}
