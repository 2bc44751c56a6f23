/**
 * TF.js `logModel(…, { loggedModel: true })` as MLflow 3's `Model.log` (spec §7): a logged model
 * linked to the run, files under the model, `loadModel('models:/<model_id>')`, and registration
 * from `models:/<model_id>` as `mlflow.register_model` stores it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { parseMLmodel } from '../../src/core/formats/mlmodel.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { loadModel, logModel, trackingCallback, type SavableModel } from '../../src/tfjs/index.js';
import { xorData, xorModel } from '../fixtures/tfjs/xor.js';
import { expectCode } from '../conformance/expect-error.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

async function trained() {
  const client = new TrackingClient(new MemoryStore(), { userId: 'tfjs-test' });
  const experimentId = await client.createExperiment('mlflow3');
  const run = await client.startRun({ experimentId, runName: 'xor', tags: { 'mlflow.source.name': 'train.ts', 'mlflow.source.type': 'LOCAL' } });
  run.logParams({ max_depth: 5 });
  const model = xorModel(tf);
  const { xs, ys } = xorData(tf, 32);
  await model.fit(xs, ys, { epochs: 3, batchSize: 8, shuffle: false, callbacks: trackingCallback(run, { model, logSummary: false }) });
  await run.flush();
  return { client, model, xs, run, experimentId };
}

function runParamsOf(run: { data: { params: Readonly<Record<string, string>> } }): Record<string, string> {
  return { ...run.data.params };
}

describe('logModel as an MLflow 3 logged model', () => {
  it('creates a READY logged model linked to the run, with the run’s params, context tags and step metrics; loads by models:/<id>', async () => {
    const { client, model, xs, run, experimentId } = await trained();
    const runId = run.info.runId;
    const info = await logModel(run, model, 'xor_model', { loggedModel: true, step: 2, params: { max_depth: 7, units: 4 }, tags: { team: 'edge' }, modelType: 'classifier' });
    const modelId = info.modelId!;
    expect(modelId).toMatch(/^m-[0-9a-f]{32}$/u);
    expect(info.modelUri).toBe(`models:/${modelId}`);
    const logged = await client.getLoggedModel(modelId);
    expect(logged).toMatchObject({ name: 'xor_model', experimentId, sourceRunId: runId, status: 'READY', modelType: 'classifier' });
    // Given params overridden by the run's, as MLflow's {**params, **run_params}.
    expect(logged.params).toEqual({ ...runParamsOf(await client.getRun(runId)), max_depth: '5', units: '4' });
    expect(logged.tags).toMatchObject({ team: 'edge', 'mlflow.user': 'tfjs-test', 'mlflow.source.name': 'train.ts', 'mlflow.source.type': 'LOCAL' });
    expect(logged.tags['mlflow.loggedModels']).toBeUndefined();
    // The run's metrics at step 2 are on the model.
    const runRead = await client.getRun(runId);
    expect(logged.metrics.map((m) => [m.key, m.step, m.runId]).sort()).toEqual(Object.keys(runRead.data.metrics).map((k) => [k, 2, runId]).sort());
    expect(runRead.outputs?.modelOutputs).toEqual([{ modelId, step: 2 }]);
    // Files under the model, none in the run; no MLflow 2 history tag.
    expect((await client.listLoggedModelArtifacts(modelId)).map((f) => f.path)).toEqual(expect.arrayContaining(['MLmodel', 'model.json']));
    expect(await client.listArtifacts(runId)).toEqual([]);
    expect(runRead.data.tags['mlflow.log-model.history']).toBeUndefined();
    const mlmodel = parseMLmodel(new TextDecoder().decode(await client.downloadLoggedModelArtifact(modelId, 'MLmodel')), 'MLmodel');
    expect(mlmodel).toMatchObject({ modelUuid: modelId, modelId, runId, artifactPath: logged.artifactLocation });
    const loaded = await loadModel(client, `models:/${modelId}`, { tf });
    expect(loaded.loggedModelId).toBe(modelId);
    expect(loaded.runId).toBe(runId);
    expect((loaded.model.predict(xs) as tf.Tensor).arraySync()).toEqual((model.predict(xs) as tf.Tensor).arraySync());
  });

  it('registers from models:/<model_id> as mlflow.register_model does, and loads the version', async () => {
    const { client, model, xs, run } = await trained();
    const info = await logModel(run, model, 'xor_model', { loggedModel: true, registeredModelName: 'xor3' });
    const modelId = info.modelId!;
    const logged = await client.getLoggedModel(modelId);
    expect(info.registeredModelVersion).toMatchObject({
      name: 'xor3', version: 1, source: `models:/${modelId}`, modelId, runId: run.info.runId, storageLocation: logged.artifactLocation,
    });
    expect(logged.tags['mlflow.modelVersions']).toBe('[{"name": "xor3", "version": 1}]');
    await client.registerModel(`models:/${modelId}`, 'xor3');
    expect((await client.getLoggedModel(modelId)).tags['mlflow.modelVersions']).toBe('[{"name": "xor3", "version": 1}, {"name": "xor3", "version": 2}]');
    // create_model_version without model_id: run and storage location resolved, model id null, no tag change.
    const plain = await client.createModelVersion('xor3', `models:/${modelId}`);
    expect(plain).toMatchObject({ modelId: null, runId: run.info.runId, storageLocation: logged.artifactLocation });
    expect(await client.getModelVersionDownloadUri('xor3', plain.version)).toBe(logged.artifactLocation);
    const loaded = await loadModel(client, 'models:/xor3/1', { tf });
    expect(loaded.loggedModelId).toBe(modelId);
    expect((loaded.model.predict(xs) as tf.Tensor).arraySync()).toEqual((model.predict(xs) as tf.Tensor).arraySync());
    await expectCode(loadModel(client, 'models:/m-00000000000000000000000000000000', { tf }), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('finalizes FAILED when saving fails', async () => {
    const { client, run, experimentId } = await trained();
    const broken: SavableModel = { inputs: [], outputs: [], save: () => Promise.reject(new Error('disk on fire')) };
    await expect(logModel(run, broken, 'broken', { loggedModel: true })).rejects.toThrow('disk on fire');
    const found = await client.searchLoggedModels(experimentId, { filter: "name = 'broken'" });
    expect(found.items.map((m) => m.status)).toEqual(['FAILED']);
  });
});
