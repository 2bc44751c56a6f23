import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { dumpStore, storeWith } from '../fixtures/bundle-helpers/helpers.js';
import { expectStoreMatchesMlflow3Truth, mlflow3Truth, mlflow3Zip } from '../support/mlflow3-truth.js';

const EXP = mlflow3Truth.roles.experiment! as ExperimentId;

function editedZip(edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(mlflow3Zip);
  edit(files);
  return zipSync(files);
}

describe('importing mlruns-mlflow3.zip (written by MLflow 3.6)', () => {
  it('gives exactly what MLflow reads: logged models, metrics per dataset, statuses, run inputs and outputs', async () => {
    const store = new MemoryStore();
    const report = await importBundle(store, mlflow3Zip);
    expect(report.mlflow3.loggedModels).toEqual({ status: 'imported', count: 5, notImported: [] });
    expect(report.mlflow3.runInputs).toEqual({ status: 'imported', count: 3, notImported: [] });
    expect(report.unread).toEqual([]);
    await expectStoreMatchesMlflow3Truth(store);
  });

  it('imports the model files under the model, not the run', async () => {
    const store = new MemoryStore();
    await importBundle(store, mlflow3Zip);
    const rf = mlflow3Truth.roles.m_rf!;
    expect((await store.loggedModels.listLoggedModelArtifacts(rf, '')).map((f) => f.path).sort()).toEqual(['MLmodel', 'weights.txt']);
    const weights = await store.loggedModels.getLoggedModelArtifact(rf, 'weights.txt');
    expect(weights).toEqual(unzipSync(mlflow3Zip)[`mlruns/${EXP}/models/${rf}/artifacts/weights.txt`]);
  });

  it('a second import skips existing models (reported); new-ids maps model ids in outputs, inputs and metric lines', async () => {
    const store = new MemoryStore();
    await importBundle(store, mlflow3Zip);
    const before = await dumpStore(store);
    const again = await importBundle(store, mlflow3Zip);
    expect(again.mlflow3.loggedModels.count).toBe(0);
    expect(again.mlflow3.loggedModels.notImported).toHaveLength(5);
    expect(await dumpStore(store)).toEqual(before);

    const renewed = await importBundle(store, mlflow3Zip, { onConflict: 'new-ids' });
    const rfNew = renewed.mlflow3.modelIdMap[mlflow3Truth.roles.m_rf!]!;
    const run1New = renewed.idMap[mlflow3Truth.roles.run1!]! as RunId;
    expect(rfNew).toMatch(/^m-[0-9a-f]{32}$/u);
    const model = await store.loggedModels.getLoggedModel(rfNew);
    expect(model).toMatchObject({ name: 'rf-model', sourceRunId: run1New, experimentId: renewed.idMap[EXP] });
    expect(model.artifactLocation).toBe(`${(await store.getExperiment(renewed.idMap[EXP]! as ExperimentId)).artifactLocation}/models/${rfNew}/artifacts`);
    expect(model.metrics.every((m) => m.modelId === rfNew && m.runId === run1New)).toBe(true);
    const run = await store.getRun(run1New);
    expect(run.outputs?.modelOutputs).toEqual([{ modelId: rfNew, step: 0 }]);
    expect(run.inputs?.modelInputs).toEqual([{ modelId: rfNew }]);
  });

  it('a store without logged models or inputs imports the rest and reports them unsupported', async () => {
    const memory = new MemoryStore();
    const bare: Store = storeWith(memory, { loggedModels: undefined, logInputs: undefined, logOutputs: undefined });
    const report = await importBundle(bare, mlflow3Zip);
    expect(report.mlflow3.loggedModels).toMatchObject({ status: 'unsupported', count: 0 });
    expect(report.mlflow3.loggedModels.notImported).toHaveLength(5);
    expect(report.mlflow3.runInputs).toMatchObject({ status: 'unsupported', count: 0 });
    expect(report.runs).toBe(3);
    expect((await memory.getRun(mlflow3Truth.roles.run1! as RunId)).outputs).toBeUndefined();
  });

  it('a failed import leaves the store as it was (logged models and runs rolled back)', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const own = await client.createExperiment('mine');
    await client.createLoggedModel(own, { name: 'keep' });
    const before = await dumpStore(store);
    const ownModels = await store.loggedModels.exportLoggedModels([own]);
    // A model whose metric file is malformed fails while reading: nothing is written.
    const bad = editedZip((files) => {
      files[`mlruns/${EXP}/models/${mlflow3Truth.roles.m_gb!}/metrics/f1`] = new TextEncoder().encode('1 0.5 0\n');
    });
    await expect(importBundle(store, bad)).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE') && String(e).includes('metrics/f1 line 1'));
    // A model id the store already holds as deleted makes the logged-model write fail after the runs: all rolled back.
    const clash = new MemoryStore();
    const clashClient = new TrackingClient(clash);
    const exp = await clashClient.createExperiment('other');
    await clash.loggedModels.importLoggedModels([
      { ...(await clash.loggedModels.createLoggedModel({ experimentId: exp, name: 'x' })), modelId: mlflow3Truth.roles.m_rf!, metricLines: [], lifecycleStage: 'deleted' },
    ]);
    const clashBefore = await dumpStore(clash);
    const clashModels = await clash.loggedModels.exportLoggedModels([exp]);
    await expect(importBundle(clash, mlflow3Zip)).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'RESOURCE_ALREADY_EXISTS'));
    expect(await dumpStore(clash)).toEqual(clashBefore);
    expect(await clash.loggedModels.exportLoggedModels([exp, EXP])).toEqual(clashModels);
    expect(await dumpStore(store)).toEqual(before);
    expect(await store.loggedModels.exportLoggedModels([own, EXP])).toEqual(ownModels);
  });

  it('hostile names in the new folders are refused before anything is written', async () => {
    const store = new MemoryStore();
    const before = await dumpStore(store);
    const bad = editedZip((files) => {
      files[`mlruns/${EXP}/models/${mlflow3Truth.roles.m_rf!}/artifacts/../../../evil`] = new Uint8Array([1]);
    });
    await expect(importBundle(store, bad)).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE'));
    expect(await dumpStore(store)).toEqual(before);
  });

  it('a read-only BundleStore reads the same logged models, files, inputs and outputs, and refuses writes', async () => {
    const store = await BundleStore.open(new Blob([mlflow3Zip as Uint8Array<ArrayBuffer>]));
    await expectStoreMatchesMlflow3Truth(store);
    const rf = mlflow3Truth.roles.m_rf!;
    expect((await store.loggedModels.listLoggedModelArtifacts(rf, '')).map((f) => f.path)).toEqual(['MLmodel', 'weights.txt']);
    expect(await store.loggedModels.getLoggedModelArtifact(rf, 'weights.txt')).toEqual(unzipSync(mlflow3Zip)[`mlruns/${EXP}/models/${rf}/artifacts/weights.txt`]);
    const page = await store.loggedModels.searchLoggedModels({ experimentIds: [EXP], filter: "status = 'READY'" });
    expect(page.items.map((m) => m.name).sort()).toEqual(['gb-model', 'rf-model']);
    await expect(store.loggedModels.finalizeLoggedModel(rf, 'FAILED')).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'PERMISSION_DENIED'));
  });
});
