/**
 * TF.js in real Chromium (cpu backend, nothing downloaded): train with the tracking callback,
 * log the model, load it back, same predictions — on a MemoryStore and through the IndexedDB store.
 */
import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { openStore } from '../../src/storage/open-store.js';
import { fitWithTracking, loadModel, logModel } from '../../src/tfjs/index.js';
import { xorData, xorModel } from '../fixtures/tfjs/xor.js';

const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

async function roundTrip(store: Store): Promise<void> {
  const client = new TrackingClient(store, { userId: 'chromium' });
  const model = xorModel(tf);
  const { xs, ys } = xorData(tf, 32);
  const { history, run } = await fitWithTracking(model, xs, ys, { epochs: 3, batchSize: 8, shuffle: false }, {
    client,
    startRun: { experimentName: 'tfjs-browser', runName: 'xor' },
    logEveryNBatches: 2,
    logModel: { artifactPath: 'model', inputExample: [[0.25, 0.75]] },
  });
  expect(tf.getBackend()).toBe('cpu');

  const stored = await client.getRun(run.runId);
  expect(stored.info.status).toBe('FINISHED');
  expect(stored.data.params.opt_name).toBe('Adam');
  expect(stored.data.params.trainable_params).toBe('33');
  const loss = await client.getMetricHistory(run.runId, 'loss');
  expect([...loss.steps]).toEqual([0, 1, 2]);
  expect([...loss.values]).toEqual(history.history.loss);
  expect([...(await client.getMetricHistory(run.runId, 'batch_loss')).steps]).toEqual([0, 2, 4, 6, 8, 10]);
  expect(await client.loadText(run.runId, 'model_summary.txt')).toContain('Trainable params: 33');
  expect(JSON.parse(stored.data.tags['mlflow.log-model.history']!)).toHaveLength(1);

  const loaded = await loadModel(client, `runs:/${run.runId}/model`, { tf });
  expect(loaded.flavor.modelFormat).toBe('layers-model');
  expect((loaded.model.predict(xs) as tf.Tensor).arraySync()).toEqual((model.predict(xs) as tf.Tensor).arraySync());
  expect(() => loaded.checkInput([[1, 2, 3]])).toThrow('Input "hidden_input" has shape [1, 3]; the model signature expects [-1, 2] (-1 = any size).');
}

describe('TF.js in Chromium', () => {
  it('train → log → load → identical predictions (MemoryStore)', async () => {
    await roundTrip(new MemoryStore());
  });

  it('train → log → load → identical predictions (IndexedDB store via openStore)', async () => {
    const name = `edgeflow-tfjs-${Date.now().toString(36)}`;
    const store = await openStore(`idb:${name}`);
    cleanups.push(async () => {
      await store.close();
      await deleteDB(name);
    });
    await roundTrip(store);
  });

  it('logModel on a fresh run in the page keeps float32 weights bit-exact', async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    const model = xorModel(tf);
    await logModel(run, model, 'm');
    const loaded = await loadModel(client, `runs:/${run.runId}/m`, { tf });
    const a = model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = (loaded.model as tf.LayersModel).getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
  });
});
