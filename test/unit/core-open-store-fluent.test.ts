import { afterEach, describe, expect, it } from 'vitest';
import { openStore, registerStoreScheme } from '../../src/storage/open-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import * as edgeflow from '../../src/index.js';
import { isEdgeflowError } from '../../src/core/errors.js';

describe('openStore', () => {
  it('opens fresh and named memory stores', async () => {
    expect(await openStore('memory:')).toBeInstanceOf(MemoryStore);
    expect(await openStore('memory:')).not.toBe(await openStore('memory:'));
    expect(await openStore('memory:shared')).toBe(await openStore('memory:shared'));
  });

  it('rejects unknown schemes and malformed URIs with INVALID_PARAMETER_VALUE naming the known schemes', async () => {
    await expect(openStore('nope:x')).rejects.toThrow(/known schemes are "memory:"/u);
    await expect(openStore('')).rejects.toSatisfy((e) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE'));
  });

  it('accepts new schemes', async () => {
    const store = new MemoryStore();
    registerStoreScheme('custom', async () => store);
    expect(await openStore('custom:anything')).toBe(store);
    expect(() => registerStoreScheme('Bad Scheme', async () => store)).toThrow(/Invalid URI scheme/u);
  });
});

describe('module-level API', () => {
  afterEach(async () => {
    while (edgeflow.activeRun()) await edgeflow.endRun();
    delete process.env['MLFLOW_RUN_ID'];
    delete process.env['MLFLOW_EXPERIMENT_NAME'];
    delete process.env['MLFLOW_EXPERIMENT_ID'];
  });

  it('logs like mlflow.*: setExperiment, startRun, log*, nested runs, endRun', async () => {
    edgeflow.setTrackingUri('memory:fluent-1');
    const experiment = await edgeflow.setExperiment('fluent');
    const run = await edgeflow.startRun({ runName: 'outer' });
    expect(run.experimentId).toBe(experiment.experimentId);
    edgeflow.logParams({ lr: 0.1 });
    edgeflow.logMetric('loss', 0.5, 1);
    edgeflow.setTag('k', 'v');
    await expect(edgeflow.startRun()).rejects.toSatisfy((e) => isEdgeflowError(e, 'INVALID_STATE'));
    const child = await edgeflow.startRun({ nested: true, runName: 'inner' });
    expect(edgeflow.activeRun()).toBe(child);
    await edgeflow.endRun();
    expect(edgeflow.activeRun()).toBe(run);
    await edgeflow.endRun('KILLED');
    expect(edgeflow.activeRun()).toBeUndefined();
    const client = await edgeflow.getClient();
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('KILLED');
    expect(stored.data.params['lr']).toBe('0.1');
    expect((await client.getRun(child.runId)).data.tags['mlflow.parentRunId']).toBe(run.runId);
    expect(() => edgeflow.logMetric('x', 1)).toThrow(/No active run/u);
  });

  it('honours MLFLOW_EXPERIMENT_NAME and resumes MLFLOW_RUN_ID as MLflow does', async () => {
    edgeflow.setTrackingUri('memory:fluent-2');
    process.env['MLFLOW_EXPERIMENT_NAME'] = 'from-env';
    const first = await edgeflow.startRun();
    const client = await edgeflow.getClient();
    expect((await client.getExperiment(first.experimentId)).name).toBe('from-env');
    await edgeflow.endRun();
    process.env['MLFLOW_RUN_ID'] = first.runId;
    const resumed = await edgeflow.startRun();
    expect(resumed.runId).toBe(first.runId);
    expect((await client.getRun(first.runId)).info.status).toBe('RUNNING');
    edgeflow.logMetric('resumed', 1);
    await edgeflow.endRun();
    expect((await client.getRun(first.runId)).data.metrics['resumed']).toBe(1);
  });

  it('honours MLFLOW_EXPERIMENT_ID, and an explicit experiment name wins over it', async () => {
    edgeflow.setTrackingUri('memory:fluent-3');
    const client = await edgeflow.getClient();
    const id = await client.createExperiment('by-id');
    process.env['MLFLOW_EXPERIMENT_ID'] = id;
    const run = await edgeflow.startRun();
    expect(run.experimentId).toBe(id);
    await edgeflow.endRun();
    const named = await edgeflow.startRun({ experimentName: 'named' });
    expect((await client.getExperiment(named.experimentId)).name).toBe('named');
    await edgeflow.endRun();
  });

  it('uses a store given directly with setTrackingStore, in place of the URI', async () => {
    const store = new MemoryStore();
    edgeflow.setTrackingStore(store);
    const run = await edgeflow.startRun({ runName: 'direct' });
    edgeflow.logMetric('m', 2);
    await edgeflow.endRun();
    expect((await store.getRun(run.runId)).data.metrics['m']).toBe(2);
    expect((await edgeflow.getClient()).store).toBe(store);
  });
});
