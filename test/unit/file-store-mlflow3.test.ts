/**
 * The Node file store on MLflow 3 data: the real MLflow 3.6 tree (mlruns-mlflow3.zip unzipped)
 * opened in place reads exactly what MLflow read from it, and what the file store writes is in
 * MLflow's layout, re-read and re-serialized byte for byte by the one layout module.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId } from '../../src/core/ids.js';
import {
  parseModelMetricFile,
  readDatasetRecord,
  readInputRecord,
  readLoggedModelMeta,
  readOutputRecord,
  readYamlEntry,
  serializeDatasetRecord,
  serializeInputRecord,
  serializeLoggedModelMeta,
  serializeModelMetricFile,
  serializeOutputRecord,
} from '../../src/core/formats/file-store/index.js';
import { FileStore } from '../../src/node/file-store.js';
import { expectCode } from '../conformance/expect-error.js';
import { tempFolders } from '../support/temp-folders.js';
import { expectStoreMatchesMlflow3Truth, mlflow3Tree, mlflow3Truth, mlflow3Zip, writeMlflow3Tree } from '../support/mlflow3-truth.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';

const tempDir = tempFolders('edgeflow-fs3-');

const EXP = mlflow3Truth.roles.experiment! as ExperimentId;

interface RunSearch {
  filter: string;
  orderBy: string[];
  result: string[] | { error: string };
}
const runSearches = (mlflow3Truth as unknown as { searches: { runs: RunSearch[] } }).searches.runs;

describe('FileStore opened on the MLflow 3.6 tree (mlruns-mlflow3.zip)', () => {
  it('reads the logged models, run inputs, outputs and histories MLflow read', async () => {
    const store = await FileStore.open(await writeMlflow3Tree(await tempDir()));
    await expectStoreMatchesMlflow3Truth(store);
  });

  it('answers the 7 run searches with dataset clauses as MLflow did', async () => {
    const store = await FileStore.open(await writeMlflow3Tree(await tempDir()));
    expect(runSearches).toHaveLength(7);
    for (const search of runSearches) {
      const query = store.searchRuns({ experimentIds: [EXP], filter: search.filter, orderBy: search.orderBy, maxResults: 1000 });
      if (Array.isArray(search.result)) expect((await query).items.map((r) => r.info.runName), search.filter).toEqual(search.result);
      else await expectCode(query, search.result.error as 'INVALID_PARAMETER_VALUE');
    }
  });

  it('serves the model files MLflow wrote under the model, and skips the ghost folder of a metric on an unknown model', async () => {
    const root = await writeMlflow3Tree(await tempDir());
    const store = await FileStore.open(root);
    const rf = mlflow3Truth.roles.m_rf!;
    expect((await store.loggedModels.listLoggedModelArtifacts(rf, '')).map((f) => f.path)).toEqual(['MLmodel', 'weights.txt']);
    const weights = await store.loggedModels.getLoggedModelArtifact(rf, 'weights.txt');
    expect(weights).toEqual(mlflow3Tree().bytes.get(`${EXP}/models/${rf}/artifacts/weights.txt`));
    // What MLflow leaves after a metric logged to an unknown model: a folder with only a metric file.
    const ghost = 'm-0123456789abcdef0123456789abcdef';
    await mkdir(join(root, EXP, 'models', ghost, 'metrics'), { recursive: true });
    await writeFile(join(root, EXP, 'models', ghost, 'metrics', 'acc'), `1000 0.5 0 ${mlflow3Truth.experiments.flatMap((e) => e.runs)[0]!.id}\n`);
    expect((await store.loggedModels.exportLoggedModels([EXP])).map((r) => r.modelId)).not.toContain(ghost);
    await expectCode(store.loggedModels.getLoggedModel(ghost), 'RESOURCE_DOES_NOT_EXIST');
    expect((await store.loggedModels.searchLoggedModels({ experimentIds: [EXP] })).items).toHaveLength(mlflow3Truth.loggedModels.length);
  });
});

describe('FileStore writes MLflow 3 records in MLflow’s layout', () => {
  async function written(): Promise<{ root: string; client: TrackingClient; runId: string; modelId: string; deletedId: string; experimentId: string }> {
    const root = join(await tempDir(), 'mlruns');
    const client = new TrackingClient(await FileStore.open(root), { userId: 'writer' });
    const experimentId = await client.createExperiment('mlflow3-writes');
    const run = await client.createRun(experimentId, { runName: 'train' });
    const runId = run.info.runId;
    const { modelId } = await client.createLoggedModel(experimentId, { name: 'rf', modelType: 'classifier', sourceRunId: runId, params: { depth: '5' }, tags: { 'team/owner': 'ml' } });
    const deleted = await client.createLoggedModel(experimentId, { name: 'scratch' });
    await client.deleteLoggedModel(deleted.modelId);
    await client.logBatch(runId, { metrics: [{ key: 'acc', value: 0.5, step: 1, timestamp: 1000, modelId, datasetName: 'iris_eval', datasetDigest: 'df42fe24' }] });
    await client.logBatch(runId, { metrics: [{ key: 'acc', value: 0.75, step: 2, timestamp: 2000, modelId, datasetName: 'iris_eval', datasetDigest: 'df42fe24' }] });
    await client.logInputs(runId, {
      datasets: [{ dataset: { name: 'iris_eval', digest: 'df42fe24', sourceType: 'local', source: '{"uri": "data/eval.csv"}', schema: null, profile: null }, tags: [{ key: 'mlflow.data.context', value: 'eval' }] }],
      models: [{ modelId }],
    });
    await client.logOutputs(runId, [{ modelId, step: 2 }]);
    await client.finalizeLoggedModel(modelId, 'READY');
    return { root, client, runId, modelId, deletedId: deleted.modelId, experimentId };
  }

  async function text(root: string, ...parts: string[]): Promise<string> {
    return readFile(join(root, ...parts), 'utf8');
  }

  it('re-reads and re-serializes every record it wrote byte for byte', async () => {
    const { root, runId, modelId, experimentId } = await written();
    const model = join(experimentId, 'models', modelId);
    const meta = await text(root, model, 'meta.yaml');
    expect(serializeLoggedModelMeta(readLoggedModelMeta(readYamlEntry(new TextEncoder().encode(meta), 'meta.yaml'), 'meta.yaml'))).toBe(meta);
    expect(meta).not.toContain('lifecycle_stage'); // finalize drops it, as MLflow does
    expect(meta).toContain('status: 2\n');
    expect(await text(root, model, 'params', 'depth')).toBe('5');
    expect(await text(root, model, 'tags', 'team', 'owner')).toBe('ml');
    const metricFile = await text(root, model, 'metrics', 'acc');
    expect(metricFile).toBe(`1000 0.5 1 ${runId} iris_eval df42fe24\n2000 0.75 2 ${runId} iris_eval df42fe24\n`);
    expect(serializeModelMetricFile(parseModelMetricFile('acc', modelId, metricFile, 'acc'))).toBe(metricFile);

    const [datasetFolder] = await readdir(join(root, experimentId, 'datasets'));
    const dataset = await text(root, experimentId, 'datasets', datasetFolder!, 'meta.yaml');
    expect(serializeDatasetRecord(readDatasetRecord(readYamlEntry(new TextEncoder().encode(dataset), 'd'), 'd'))).toBe(dataset);
    const inputs = await readdir(join(root, experimentId, runId, 'inputs'));
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      const record = await text(root, experimentId, runId, 'inputs', input, 'meta.yaml');
      expect(serializeInputRecord(readInputRecord(readYamlEntry(new TextEncoder().encode(record), 'i'), 'i'))).toBe(record);
    }
    const output = await text(root, experimentId, runId, 'outputs', modelId, 'meta.yaml');
    expect(serializeOutputRecord(readOutputRecord(readYamlEntry(new TextEncoder().encode(output), 'o'), 'o'))).toBe(output);
    expect(output).toContain(`destination_id: ${modelId}\n`);
    expect(output).toContain(`source_id: ${modelId}\n`);
  });

  it('keeps a deleted model as lifecycle_stage: deleted, and a reopened store reads the same', async () => {
    const { root, client, runId, modelId, deletedId, experimentId } = await written();
    expect(await text(root, experimentId, 'models', deletedId, 'meta.yaml')).toContain('lifecycle_stage: deleted\n');
    await expectCode(client.getLoggedModel(deletedId), 'RESOURCE_DOES_NOT_EXIST');
    const reopened = new TrackingClient(await FileStore.open(root));
    expect(await reopened.getLoggedModel(modelId)).toEqual(await client.getLoggedModel(modelId));
    const run = await reopened.getRun(runId as never);
    expect(run.outputs).toEqual({ modelOutputs: [{ modelId, step: 2 }] });
    expect(run.inputs?.modelInputs).toEqual([{ modelId }]);
    expect(run.inputs?.datasetInputs.map((d) => d.dataset.name)).toEqual(['iris_eval']);
  });

  it('refuses a metric linked to an unknown model before writing anything, where MLflow writes a ghost folder', async () => {
    const { root, client, runId, experimentId } = await written();
    const unknown = 'm-00000000000000000000000000000000';
    await expectCode(client.logBatch(runId, { metrics: [{ key: 'ghost', value: 1, modelId: unknown }] }), 'RESOURCE_DOES_NOT_EXIST');
    expect(await readdir(join(root, experimentId, 'models'))).not.toContain(unknown);
    expect((await client.getRun(runId as never)).data.metrics).not.toHaveProperty('ghost');
  });
});

describe('FileStore cache of runs', () => {
  it('sees inputs and outputs another process writes (the run signature covers inputs/ and outputs/)', async () => {
    const root = join(await tempDir(), 'mlruns');
    const store = await FileStore.open(root);
    const run = await store.createRun({ experimentId: '0' as ExperimentId, runName: 'r', userId: 'u', startTime: 1, tags: [] });
    const runId = run.info.runId;
    expect((await store.getRun(runId)).outputs).toBeUndefined();
    const modelId = 'm-0123456789abcdef0123456789abcdef';
    await mkdir(join(root, '0', runId, 'outputs', modelId), { recursive: true });
    await writeFile(join(root, '0', runId, 'outputs', modelId, 'meta.yaml'), serializeOutputRecord({ modelId, step: 3 }));
    expect((await store.getRun(runId)).outputs).toEqual({ modelOutputs: [{ modelId, step: 3 }] });
    const inputFolder = join(root, '0', runId, 'inputs', 'abc');
    await mkdir(inputFolder, { recursive: true });
    await writeFile(join(inputFolder, 'meta.yaml'), serializeInputRecord({ kind: 'model', modelId }));
    expect((await store.searchRuns({ experimentIds: ['0' as ExperimentId] })).items[0]!.inputs).toEqual({ datasetInputs: [], modelInputs: [{ modelId }] });
  });
});

describe('importBundle into a FileStore', () => {
  it('imports mlruns-mlflow3.zip with its logged models, inputs and outputs, reading back what MLflow read', async () => {
    const store = await FileStore.open(join(await tempDir(), 'mlruns'));
    const report = await importBundle(store, mlflow3Zip);
    expect(report.mlflow3.loggedModels).toEqual({ status: 'imported', count: 5, notImported: [] });
    expect(report.mlflow3.runInputs).toEqual({ status: 'imported', count: 3, notImported: [] });
    await expectStoreMatchesMlflow3Truth(store);
    const rf = mlflow3Truth.roles.m_rf!;
    expect(await store.loggedModels.getLoggedModelArtifact(rf, 'weights.txt')).toEqual(mlflow3Tree().bytes.get(`${EXP}/models/${rf}/artifacts/weights.txt`));
  });
});
