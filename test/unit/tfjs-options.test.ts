import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { fitWithTracking, logModel, trackingCallback } from '../../src/tfjs/index.js';
import { xorData, xorModel } from '../fixtures/tfjs/xor.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

/** The EdgeflowError `call` throws or rejects with; fails the test when it succeeds. */
async function refusal(call: () => unknown): Promise<EdgeflowError> {
  const error: unknown = await (async () => call())().then(() => undefined, (e: unknown) => e);
  if (!(error instanceof EdgeflowError)) throw new Error(`expected an EdgeflowError, got ${String(error)}`);
  return error;
}

describe('the TF.js entry points check their options before training or writing', () => {
  it.each([
    ['a fractional batch interval', { logEveryNBatches: 0.5 }, 'logEveryNBatches'],
    ['a batch interval given as text', { logEveryNBatches: '5' }, 'logEveryNBatches'],
    ['a misspelled option', { logModels: true }, 'logModels'],
    ['model options with an unknown field', { logModel: { artifact_path: 'm' } }, 'logModel'],
  ])('trackingCallback refuses %s', async (_, options, field) => {
    const run = await new TrackingClient(new MemoryStore()).startRun({});
    const error = await refusal(() => trackingCallback(run, { model: xorModel(tf), ...options } as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
  });

  it('trackingCallback refuses a model that is not a TF.js model', async () => {
    const run = await new TrackingClient(new MemoryStore()).startRun({});
    expect((await refusal(() => trackingCallback(run, { model: {} } as never))).message).toContain('model');
  });

  it.each([
    ['a sampling interval given as text', { systemMetrics: { intervalMs: '100' } }, 'systemMetrics'],
    ['a run that is not a run', { run: 'run-1' }, 'run'],
    ['a misspelled option', { logDataset: false }, 'logDataset'],
  ])('fitWithTracking refuses %s, and trains nothing and starts no run', async (_, options, field) => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const model = xorModel(tf);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const { xs, ys } = xorData(tf, 8);
    const error = await refusal(() => fitWithTracking(model, xs, ys, { epochs: 1 }, { client, ...options } as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
    expect(model.getWeights().map((w) => w.dataSync().slice())).toEqual(before);
    const { items } = await client.searchRuns('0', {});
    expect(items).toEqual([]);
  });

  it.each([
    ['a negative step', { step: -1 }, 'step'],
    ['an empty registered model name', { registeredModelName: '' }, 'registeredModelName'],
    ['tag values that are not text', { tags: { team: 1 } }, 'tags.team'],
    ['a misspelled option', { registeredModel: 'xor' }, 'registeredModel'],
  ])('logModel refuses %s and writes no artifact', async (_, options, field) => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun({});
    const error = await refusal(() => logModel(run, xorModel(tf), 'model', options as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
    expect(await client.listArtifacts(run.runId)).toEqual([]);
  });
});
