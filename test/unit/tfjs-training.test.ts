import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { datasetFromArrays } from '../../src/core/datasets/builders.js';
import { datasetFromTensors, fitDatasetWithTracking, fitWithTracking, trackingCallback } from '../../src/tfjs/index.js';
import { xorData, xorModel } from '../fixtures/tfjs/xor.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
});

function newClient(): TrackingClient {
  return new TrackingClient(new MemoryStore(), { userId: 'tfjs-test' });
}

async function series(client: TrackingClient, runId: string, key: string): Promise<{ steps: number[]; values: number[] }> {
  const s = await client.getMetricHistory(runId, key);
  return { steps: [...s.steps], values: [...s.values] };
}

describe('trackingCallback', () => {
  it('logs params, epoch metrics equal to the History, batch metrics with a growing step, and the summary', async () => {
    const client = newClient();
    const run = await client.startRun({ runName: 'xor' });
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 32);
    const history = await model.fit(xs, ys, {
      epochs: 4,
      batchSize: 8,
      shuffle: false,
      callbacks: trackingCallback(run, { model, logEveryNBatches: 3, endRun: true, extraParams: { dataset: 'xor-32' } }),
    });

    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect({ ...stored.data.params }).toEqual({
      epochs: '4',
      batch_size: '8',
      opt_name: 'Adam',
      opt_learning_rate: '0.05',
      opt_beta1: '0.9',
      opt_beta2: '0.999',
      opt_epsilon: '1e-07',
      loss: 'binaryCrossentropy',
      metrics: 'acc',
      num_layers: '2',
      trainable_params: '33',
      total_params: '33',
      dataset: 'xor-32',
    });
    for (const key of ['loss', 'acc']) {
      const s = await series(client, run.runId, key);
      expect(s.steps).toEqual([0, 1, 2, 3]);
      expect(s.values).toEqual(history.history[key]);
    }
    // 32 samples / batch 8 = 4 batches per epoch, 16 in all; every 3rd batch by global index.
    const batchLoss = await series(client, run.runId, 'batch_loss');
    expect(batchLoss.steps).toEqual([0, 3, 6, 9, 12, 15]);
    expect((await series(client, run.runId, 'batch_acc')).steps).toEqual([0, 3, 6, 9, 12, 15]);
    expect(batchLoss.values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);

    const summary = await client.loadText(run.runId, 'model_summary.txt');
    expect(summary).toContain('hidden (Dense)');
    expect(summary).toContain('Trainable params: 33');
  });

  it('works after tf.Callback instances in a list (called directly by TF.js), and can switch parts off', async () => {
    const client = newClient();
    const run = await client.startRun();
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 16);
    const early = tf.callbacks.earlyStopping({ monitor: 'loss', patience: 50 });
    await model.fit(xs, ys, {
      epochs: 2,
      batchSize: 4,
      shuffle: false,
      callbacks: [early, trackingCallback(run, { model, logSummary: false, logEveryNBatches: 1 })],
    });
    await run.flush();
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('RUNNING');
    expect(stored.data.params.batch_size).toBe('4');
    expect(stored.data.params.epochs).toBe('2');
    expect((await series(client, run.runId, 'batch_loss')).steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((await client.listArtifacts(run.runId)).map((f) => f.path)).not.toContain('model_summary.txt');
  });
});

describe('fitWithTracking', () => {
  it('starts a run, logs validation metrics and validation_split, ends FINISHED', async () => {
    const client = newClient();
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 32);
    const { history, run } = await fitWithTracking(model, xs, ys, { epochs: 3, batchSize: 8, validationSplit: 0.25, shuffle: false }, {
      client,
      startRun: { experimentName: 'tfjs-xor', runName: 'with-val' },
    });
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.info.runName).toBe('with-val');
    expect(stored.data.params.validation_split).toBe('0.25');
    expect((await series(client, run.runId, 'val_loss')).values).toEqual(history.history.val_loss);
    expect((await series(client, run.runId, 'val_acc')).values).toEqual(history.history.val_acc);
  });

  it('logs x/y as the training input and validationData as the eval input, with MLflow’s NumPy digests', async () => {
    const client = newClient();
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 16);
    const [vx, vy] = [xs.slice(0, 4), ys.slice(0, 4)];
    const { run } = await fitWithTracking(model, xs, ys, { epochs: 1, batchSize: 8, validationData: [vx, vy] }, { client });
    const inputs = (await client.getRun(run.runId)).inputs!.datasetInputs;
    expect(inputs.map((i) => [i.dataset.name, i.tags])).toEqual([
      ['training', [{ key: 'mlflow.data.context', value: 'training' }]],
      ['eval', [{ key: 'mlflow.data.context', value: 'eval' }]],
    ]);
    const same = datasetFromArrays({ name: 'eval', features: { values: vx.dataSync() as Float32Array, shape: vx.shape }, targets: { values: vy.dataSync() as Float32Array, shape: vy.shape } });
    expect(inputs[1]!.dataset).toEqual(same);
    expect(JSON.parse(inputs[0]!.dataset.profile!)).toEqual({ features_shape: [16, 2], features_size: 32, features_nbytes: 128, targets_shape: [16, 1], targets_size: 16, targets_nbytes: 64 });
  });

  it('ends the run FAILED and rethrows when training throws (wrong input shape)', async () => {
    const client = newClient();
    const model = xorModel(tf);
    const badXs = tf.ones([8, 3]);
    const ys = tf.zeros([8, 1]);
    let runId = '';
    const run = await client.startRun();
    runId = run.runId;
    await expect(fitWithTracking(model, badXs, ys, { epochs: 1 }, { run })).rejects.toThrow(/each example has shape \[2\]/u);
    const stored = await client.getRun(runId);
    expect(stored.info.status).toBe('FAILED');
    expect(stored.info.endTime).not.toBeNull();
  });

  it('ends FAILED when training throws mid-way (after params and metrics were logged), keeping user callbacks', async () => {
    const client = newClient();
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 8);
    const seen: number[] = [];
    const boom = {
      onEpochEnd: async (epoch: number) => {
        seen.push(epoch);
        if (epoch === 1) throw new Error('boom at epoch 1');
      },
    };
    const run = await client.startRun();
    await expect(fitWithTracking(model, xs, ys, { epochs: 5, batchSize: 4, callbacks: boom }, { run })).rejects.toThrow('boom at epoch 1');
    expect(seen).toEqual([0, 1]);
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FAILED');
    expect(stored.data.params.epochs).toBe('5');
    expect((await series(client, run.runId, 'loss')).steps).toEqual([0]);
  });

  it('leaves a given run open on success unless endRun', async () => {
    const client = newClient();
    const run = await client.startRun();
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 8);
    await fitWithTracking(model, xs, ys, { epochs: 1, batchSize: 4 }, { run, logSummary: false });
    expect((await client.getRun(run.runId)).info.status).toBe('RUNNING');
    await fitWithTracking(model, xs, ys, { epochs: 1, batchSize: 4 }, { run, logParams: false, endRun: true });
    expect((await client.getRun(run.runId)).info.status).toBe('FINISHED');
  });

  it('rejects a call without run or client', async () => {
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 4);
    await expect(fitWithTracking(model, xs, ys, {}, {})).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });

  it('fitDatasetWithTracking logs steps_per_epoch and per-epoch metrics', async () => {
    const client = newClient();
    const model = xorModel(tf);
    const { points } = xorData(tf, 24);
    const dataset = tf.data
      .array(points.map((p) => ({ xs: p, ys: [(p[0]! >= 0.5) !== (p[1]! >= 0.5) ? 1 : 0] })))
      .batch(6)
      .repeat();
    const { history, run } = await fitDatasetWithTracking(model, dataset, { epochs: 2, batchesPerEpoch: 4 }, { client, logEveryNBatches: 2 });
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.data.params.steps_per_epoch).toBe('4');
    expect(stored.data.params.batch_size).toBeUndefined();
    expect((await series(client, run.runId, 'loss')).values).toEqual(history.history.loss);
    expect((await series(client, run.runId, 'batch_loss')).steps).toEqual([0, 2, 4, 6]);
  });
});

describe('datasetFromTensors', () => {
  it('hashes tensors as NumPy arrays of their dtype (MLflow vectors float32 and int32)', () => {
    expect(datasetFromTensors({ features: tf.tensor1d([1.5, -2.25], 'float32') }).digest).toBe('dcb1d720');
    expect(datasetFromTensors({ features: tf.tensor1d([-1, 2], 'int32') }).digest).toBe('42dc4d3d');
  });

  it('reads only the first 10,000 elements of a large tensor, the same digest as the whole array', () => {
    const values = Float32Array.from({ length: 12_000 }, (_, i) => i / 7);
    const tensor = tf.tensor2d(values, [3, 4000]);
    const fromTensor = datasetFromTensors({ features: tensor, name: 'big' });
    expect(fromTensor).toEqual(datasetFromArrays({ features: { values, shape: [3, 4000] }, name: 'big' }));
  });

  it('refuses complex tensors with INVALID_PARAMETER_VALUE', () => {
    expect(() => datasetFromTensors({ features: tf.complex([1], [2]) })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});
