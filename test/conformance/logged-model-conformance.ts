/**
 * The logged-model part of the conformance suite (mlflow3-models-and-inputs.md §1.4–§1.6, §4, §5),
 * run through the public client against every store that holds MLflow 3 logged models: memory and
 * IndexedDB here; the file store and REST run it from their own test files.
 */
import { describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import type { RunId } from '../../src/core/ids.js';
import { expectCode } from './expect-error.js';
import type { OpenClient } from './registry-conformance.js';

const T0 = 1_700_000_000_000;
const UNKNOWN_MODEL = 'm-00000000000000000000000000000000';

/** What a backend can skip. */
export interface LoggedModelTarget {
  /** The store keeps model files (`logLoggedModelArtifact`). Default true. */
  readonly artifacts?: boolean;
}

async function experiment(client: TrackingClient, name = 'models'): Promise<string> {
  return client.createExperiment(name);
}

/** Names found, ordered by name unless `options` orders (models made in one ms tie on creation time). */
async function names(client: TrackingClient, experimentId: string, options: Parameters<TrackingClient['searchLoggedModels']>[1] = {}): Promise<string[]> {
  const ordered = options.orderBy === undefined ? { ...options, orderBy: [{ fieldName: 'name' }] } : options;
  return (await client.searchLoggedModels(experimentId, ordered)).items.map((m) => m.name);
}

/** Registers the logged-model conformance suite for one backend. */
export function describeLoggedModelConformance(name: string, open: OpenClient, target: LoggedModelTarget = {}): void {
  describe(`Logged-model conformance: ${name}`, () => {
    it('creates a PENDING model with MLflow’s id, artifact location and times, and reads it back', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const run = await client.createRun(experimentId);
      const model = await client.createLoggedModel(experimentId, {
        name: 'rf model é',
        modelType: 'classifier',
        sourceRunId: run.info.runId,
        params: { depth: 5, criterion: 'gini' },
        tags: { team: 'vision', 'nested/key': 'v' },
      });
      expect(model.modelId).toMatch(/^m-[0-9a-f]{32}$/u);
      expect(model).toMatchObject({ experimentId, name: 'rf model é', modelType: 'classifier', sourceRunId: run.info.runId, status: 'PENDING', lifecycleStage: 'active', metrics: [] });
      const location = (await client.getExperiment(experimentId)).artifactLocation;
      expect(model.artifactLocation).toBe(`${location}/models/${model.modelId}/artifacts`);
      expect(model.lastUpdatedTimestamp).toBe(model.creationTimestamp);
      expect(model.params).toEqual({ depth: '5', criterion: 'gini' });
      expect(model.tags).toEqual({ team: 'vision', 'nested/key': 'v' });
      expect(await client.getLoggedModel(model.modelId)).toEqual(model);
      const unnamed = await client.createLoggedModel(experimentId);
      expect(unnamed.name).toMatch(/^[a-z]+-[a-z]+-\d+$/u);
      expect(unnamed).toMatchObject({ modelType: null, sourceRunId: null, params: {}, tags: {} });
    });

    it('refuses bad names, unknown or deleted experiments and bad keys, leaving nothing behind', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      for (const bad of ['', 'a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b"]) {
        await expectCode(client.createLoggedModel(experimentId, { name: bad }), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(client.createLoggedModel('123456789012345678'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.createLoggedModel(experimentId, { params: { 'bad\u0000key': 1 } }), 'INVALID_PARAMETER_VALUE');
      // MLflow writes the model, then fails on the tag key and leaves a PENDING model behind; edgeflow checks first.
      await expectCode(client.createLoggedModel(experimentId, { name: 'tagged', tags: { '../up': 'x' } }), 'INVALID_PARAMETER_VALUE');
      expect(await names(client, experimentId)).toEqual([]);
      const gone = await experiment(client, 'gone');
      await client.deleteExperiment(gone);
      await expectCode(client.createLoggedModel(gone, { name: 'late' }), 'INVALID_STATE');
      await expectCode(client.getLoggedModel(UNKNOWN_MODEL), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('overwrites params, sets and deletes tags without touching the update time', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const { modelId, lastUpdatedTimestamp } = await client.createLoggedModel(experimentId, { name: 'm', params: { lr: 0.1 } });
      await client.logModelParams(modelId, { lr: 0.2, epochs: 3 });
      await client.setLoggedModelTags(modelId, { team: 'a', stage: 'dev' });
      await client.setLoggedModelTags(modelId, { team: 'b' });
      await client.deleteLoggedModelTag(modelId, 'stage');
      await expectCode(client.deleteLoggedModelTag(modelId, 'stage'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.logModelParams(modelId, { 'a//b': 1 }), 'INVALID_PARAMETER_VALUE');
      const model = await client.getLoggedModel(modelId);
      expect(model.params).toEqual({ lr: '0.2', epochs: '3' });
      expect(model.tags).toEqual({ team: 'b' });
      expect(model.lastUpdatedTimestamp).toBe(lastUpdatedTimestamp);
      await expectCode(client.setLoggedModelTags(UNKNOWN_MODEL, { a: 'b' }), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('finalizes with any status, repeatedly; soft-deletes once', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const created = await client.createLoggedModel(experimentId, { name: 'm' });
      const ready = await client.finalizeLoggedModel(created.modelId, 'READY');
      expect(ready.status).toBe('READY');
      expect(ready.lastUpdatedTimestamp).toBeGreaterThanOrEqual(created.creationTimestamp);
      expect((await client.finalizeLoggedModel(created.modelId, 'FAILED')).status).toBe('FAILED');
      expect((await client.finalizeLoggedModel(created.modelId, 'PENDING')).status).toBe('PENDING');
      await expectCode(client.finalizeLoggedModel(created.modelId, 'DONE' as 'READY'), 'INVALID_PARAMETER_VALUE');
      await client.deleteLoggedModel(created.modelId);
      const error = await expectCode(client.getLoggedModel(created.modelId), 'RESOURCE_DOES_NOT_EXIST');
      expect(error.message).toBe(`Model '${created.modelId}' not found`);
      await expectCode(client.deleteLoggedModel(created.modelId), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.finalizeLoggedModel(created.modelId, 'READY'), 'RESOURCE_DOES_NOT_EXIST');
      expect(await names(client, experimentId)).toEqual([]);
    });

    it('links metric points to a model and a dataset through the logging queue; the model shows one per (key, dataset)', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const run = await client.startRun({ experimentId });
      const { modelId } = await client.createLoggedModel(experimentId, { name: 'm', sourceRunId: run.info.runId });
      const evalSet = { name: 'iris_eval', digest: 'df42fe24' };
      run.logMetric('accuracy', 0.93, { step: 0, timestamp: T0 + 20, modelId, dataset: evalSet });
      run.logMetric('accuracy', 0.97, { step: 0, timestamp: T0 + 21, modelId, dataset: { name: 'iris_train', digest: '899cd733' } });
      run.logMetric('accuracy', 0.95, { step: 1, timestamp: T0 + 30, modelId, dataset: evalSet });
      run.logMetric('loss', 0.4, { step: 0, timestamp: T0 + 10, modelId });
      run.logMetric('loss', 0.3, { step: 0, timestamp: T0 + 11 });
      await run.flush();
      const model = await client.getLoggedModel(modelId);
      const runId = run.info.runId;
      expect(model.metrics).toEqual([
        { key: 'accuracy', value: 0.95, step: 1, timestamp: T0 + 30, modelId, runId, datasetName: 'iris_eval', datasetDigest: 'df42fe24' },
        { key: 'accuracy', value: 0.97, step: 0, timestamp: T0 + 21, modelId, runId, datasetName: 'iris_train', datasetDigest: '899cd733' },
        { key: 'loss', value: 0.4, step: 0, timestamp: T0 + 10, modelId, runId },
      ]);
      // The run holds every point too (within one queued batch, points are grouped by link).
      expect(Array.from((await client.getMetricHistory(runId, 'accuracy')).values).sort()).toEqual([0.93, 0.95, 0.97]);
      expect(Array.from((await client.getMetricHistory(runId, 'loss')).values).sort()).toEqual([0.3, 0.4]);
      await client.logBatch(runId, { metrics: [{ key: 'f1', value: 0.8, step: 2, timestamp: T0, modelId }] });
      // Key order is not kept by every store (MLflow's file store lists metric files), so compare sorted.
      expect((await client.getLoggedModel(modelId)).metrics.map((m) => m.key).sort()).toEqual(['accuracy', 'accuracy', 'f1', 'loss']);
    });

    it('refuses an unknown model or half a dataset pair, and writes nothing of the batch', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const run = await client.createRun(experimentId);
      const runId = run.info.runId;
      const { modelId } = await client.createLoggedModel(experimentId, { name: 'm' });
      await expectCode(
        client.logBatch(runId, { metrics: [{ key: 'acc', value: 1, modelId: UNKNOWN_MODEL }, { key: 'other', value: 2 }], params: [{ key: 'p', value: 1 }] }),
        'RESOURCE_DOES_NOT_EXIST',
      );
      const half = await expectCode(client.logBatch(runId, { metrics: [{ key: 'acc', value: 1, modelId, datasetName: 'eval' }] }), 'INVALID_PARAMETER_VALUE');
      expect(half.message).toContain('Both dataset_name and dataset_digest must be provided if one is provided');
      const after = await client.getRun(runId);
      expect(after.data.metrics).toEqual({});
      expect(after.data.params).toEqual({});
      expect((await client.getLoggedModel(modelId)).metrics).toEqual([]);
      await client.deleteLoggedModel(modelId);
      await expectCode(client.logBatch(runId, { metrics: [{ key: 'acc', value: 1, modelId }] }), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('records run outputs once per model (the first step wins) and returns them with the run', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const run = await client.startRun({ experimentId });
      const other = await client.createRun(experimentId);
      const a = await client.createLoggedModel(experimentId, { name: 'a' });
      const b = await client.createLoggedModel(experimentId, { name: 'b' });
      await run.logOutputs([{ modelId: a.modelId, step: 3 }]);
      await client.logOutputs(run.info.runId, [{ modelId: a.modelId, step: 5 }, { modelId: b.modelId }]);
      const read = await client.getRun(run.info.runId);
      // Output order is not kept by every store (MLflow's file store lists output folders), so compare by model id.
      const byId = <T extends { modelId: string }>(list: readonly T[] = []): T[] => [...list].sort((x, y) => (x.modelId < y.modelId ? -1 : 1));
      expect(byId(read.outputs?.modelOutputs)).toEqual(byId([{ modelId: a.modelId, step: 3 }, { modelId: b.modelId, step: 0 }]));
      expect((await client.getRun(other.info.runId)).outputs).toBeUndefined();
      const found = await client.searchRuns(experimentId, { filter: `attributes.run_id = '${run.info.runId}'` });
      expect(found.items[0]!.outputs?.modelOutputs.map((o) => o.modelId).sort()).toEqual([a.modelId, b.modelId].sort());
      await client.deleteLoggedModel(a.modelId);
      expect((await client.getRun(run.info.runId)).outputs?.modelOutputs).toHaveLength(2);
      await expectCode(client.logOutputs(run.info.runId, [{ modelId: '', step: 0 }]), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.logOutputs('0123456789abcdef0123456789abcdef' as RunId, [{ modelId: b.modelId }]), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('searches with filters, datasets, metric ordering and paging', async () => {
      const client = await open();
      const experimentId = await experiment(client);
      const run = await client.createRun(experimentId);
      const runId = run.info.runId;
      const made: Record<string, string> = {};
      for (const [name, acc, type] of [['low', 0.5, 'svm'], ['high', 0.9, 'tree'], ['none', undefined, 'tree']] as const) {
        const model = await client.createLoggedModel(experimentId, { name, modelType: type, params: { kind: type } });
        made[name] = model.modelId;
        if (acc !== undefined) await client.logBatch(runId, { metrics: [{ key: 'acc', value: acc, timestamp: T0, modelId: model.modelId, datasetName: 'eval', datasetDigest: 'd1' }] });
      }
      await client.finalizeLoggedModel(made['high']!, 'READY');
      expect(await names(client, experimentId)).toEqual(['high', 'low', 'none']);
      expect(await names(client, experimentId, { filter: 'metrics.acc > 0.6' })).toEqual(['high']);
      expect(await names(client, experimentId, { filter: "params.kind = 'tree' AND status = 'PENDING'" })).toEqual(['none']);
      expect(await names(client, experimentId, { filter: "model_type IN ('svm', 'tree') AND name LIKE '%o%'" })).toEqual(['low', 'none']);
      expect(await names(client, experimentId, { datasets: [{ datasetName: 'eval' }] })).toEqual(['high', 'low']);
      expect(await names(client, experimentId, { datasets: [{ datasetName: 'eval', datasetDigest: 'other' }] })).toEqual([]);
      expect(await names(client, experimentId, { orderBy: [{ fieldName: 'metrics.acc', ascending: true }] })).toEqual(['low', 'high', 'none']);
      expect(await names(client, experimentId, { orderBy: [{ fieldName: 'metrics.acc', ascending: false }] })).toEqual(['high', 'low', 'none']);
      expect(await names(client, experimentId, { orderBy: [{ fieldName: 'name' }] })).toEqual(['high', 'low', 'none']);
      const first = await client.searchLoggedModels(experimentId, { maxResults: 2, orderBy: [{ fieldName: 'name' }] });
      expect(first.nextPageToken).toBe('eyJvZmZzZXQiOiAyfQ==');
      const second = await client.searchLoggedModels(experimentId, { maxResults: 2, orderBy: [{ fieldName: 'name' }], pageToken: first.nextPageToken! });
      expect(second.items.map((m) => m.name)).toEqual(['none']);
      expect(second.nextPageToken).toBeUndefined();
      await expectCode(client.searchLoggedModels(experimentId, { filter: "params.kind > '5'" }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.searchLoggedModels(experimentId, { filter: "name = 'a' OR name = 'b'" }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.searchLoggedModels(experimentId, { orderBy: [{ fieldName: 'params.kind' }] }), 'INVALID_PARAMETER_VALUE');
      expect(await names(client, '123456789012345678')).toEqual([]);
    });

    if (target.artifacts !== false) {
      it('keeps model files under the model', async () => {
        const client = await open();
        const experimentId = await experiment(client);
        const { modelId } = await client.createLoggedModel(experimentId, { name: 'm' });
        await client.logLoggedModelArtifact(modelId, 'MLmodel', 'flavors: {}\n');
        await client.logLoggedModelArtifact(modelId, 'data/weights.bin', new Uint8Array([1, 2, 3]));
        const listed = (await client.listLoggedModelArtifacts(modelId)).map((f) => `${f.path}${f.isDir ? '/' : ''}`);
        expect(listed.sort()).toEqual(['MLmodel', 'data/']);
        expect(Array.from(await client.downloadLoggedModelArtifact(modelId, 'data/weights.bin'))).toEqual([1, 2, 3]);
        await expectCode(client.downloadLoggedModelArtifact(modelId, 'missing'), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(client.logLoggedModelArtifact(UNKNOWN_MODEL, 'x', 'y'), 'RESOURCE_DOES_NOT_EXIST');
      });
    }
  });
}
