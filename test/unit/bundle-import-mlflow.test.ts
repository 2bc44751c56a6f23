import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { TrackingClient } from '../../src/core/client.js';
import type { RunId } from '../../src/core/ids.js';
import { dumpStore, fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';
import { expectRegistryMatchesTruth, expectStoreMatchesTruth, truth } from '../support/mlruns-small-truth.js';

const zip = fixtureBytes('mlflow/mlruns-small.zip');

describe('mlruns-small.zip (written by MLflow 3.6)', () => {
  it('imports exactly what MLflow reads back from it', async () => {
    const store = new MemoryStore();
    const progress: number[] = [];
    const report = await importBundle(store, zip, { onProgress: (p) => p.phase === 'write' && progress.push(p.done) });
    expect(report.layout).toBe('mlflow');
    expect(report.runs).toBe(4);
    expect(report.experiments).toBe(2); // '0' already exists and is reused
    expect(report.metricPoints).toBe(2 * (1 + 1 + 1 + 1 + 3 + 1 + 2));
    expect(report.artifacts).toBe(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    await expectStoreMatchesTruth(store);
  });

  it('imports the model registry exactly as MLflow reads it (models, versions, stages, aliases, tags, times)', async () => {
    const store = new MemoryStore();
    const report = await importBundle(store, zip);
    expect(report.registry).toMatchObject({ status: 'imported', models: ['DemoModel'], versions: 2, notImported: [] });
    await expectRegistryMatchesTruth(store);
  });

  it('reads the same registry through a read-only BundleStore', async () => {
    await expectRegistryMatchesTruth(await BundleStore.open(zip));
  });

  it('reads the same through a read-only BundleStore, lazily', async () => {
    const store = await BundleStore.open(new Blob([zip as Uint8Array<ArrayBuffer>]));
    await expectStoreMatchesTruth(store);
  });

  it('imports the tree without the mlruns/ folder too', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const files = unzipSync(zip);
    const stripped: Record<string, Uint8Array> = {};
    for (const [name, bytes] of Object.entries(files)) if (name.startsWith('mlruns/') && name !== 'mlruns/') stripped[name.slice(7)] = bytes;
    const store = new MemoryStore();
    await importBundle(store, zipSync(stripped));
    await expectStoreMatchesTruth(store);
  });

  it('skip / replace / new-ids on a second import', async () => {
    const store = new MemoryStore();
    await importBundle(store, zip);
    const before = await dumpStore(store);
    const client = new TrackingClient(store);
    await client.setRegisteredModelTag('DemoModel', 'local', 'edit');
    const skipped = await importBundle(store, zip, { onConflict: 'skip' });
    expect(skipped.runs).toBe(0);
    expect(skipped.skipped.length).toBeGreaterThanOrEqual(5);
    expect(skipped.skipped).toContainEqual({ path: 'models/DemoModel', reason: 'registered model "DemoModel" exists' });
    expect(skipped.registry).toMatchObject({ status: 'imported', models: [], notImported: ['DemoModel'] });
    expect(await dumpStore(store)).toEqual(before);
    expect((await client.getRegisteredModel('DemoModel')).tags['local']).toBe('edit');
    const replaced = await importBundle(store, zip, { onConflict: 'replace' });
    expect(replaced.runs).toBe(4);
    expect(replaced.registry.models).toEqual(['DemoModel']);
    await expectStoreMatchesTruth(store);
    await expectRegistryMatchesTruth(store);
    expect((await client.getRegisteredModel('DemoModel')).tags['local']).toBeUndefined();
    const renewed = await importBundle(store, zip, { onConflict: 'new-ids' });
    expect(renewed.runs).toBe(4);
    const names = (await store.searchExperiments({ viewType: 'ALL' })).items.map((e) => e.name).sort();
    expect(names).toEqual(['Default', 'Default (2)', 'demo-exp', 'demo-exp (2)', 'to-delete', 'to-delete (2)']);
    // The copy is "DemoModel (2)"; its versions point at the new runs, runs:/ sources included.
    expect(renewed.registry.renamed).toEqual({ DemoModel: 'DemoModel (2)' });
    const [v1, v2] = [await client.getModelVersion('DemoModel (2)', 1), await client.getModelVersion('DemoModel (2)', 2)];
    const [t1, t2] = truth.registeredModels[0]!.versions;
    expect(v1.runId).toBe(renewed.idMap[t1!.runId]);
    expect(v1.source).toBe(t1!.source); // a file:// path of the original store: kept as it is
    expect(v2.runId).toBe(renewed.idMap[t2!.runId]);
    expect(v2.source).toBe(`runs:/${renewed.idMap[t2!.runId]}/model`);
    expect(v2.storageLocation).toBe(v2.source);
    expect((await client.getRun(v2.runId as RunId)).info.runName).toBe((await client.getRun(t2!.runId as RunId)).info.runName);
    expect((await client.getModelVersionByAlias('DemoModel (2)', 'champion')).version).toBe(1);
    expect((await client.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['DemoModel', 'DemoModel (2)']);
    expect((await client.getModelVersion('DemoModel', 2)).runId).toBe(t2!.runId);
  });
});
