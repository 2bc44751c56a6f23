import { describe, expect, it } from 'vitest';
import { readFileStoreTree, type FileStoreSnapshot } from '../../src/core/formats/file-store/index.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { byNameDigest, mlflow3Tree, mlflow3Truth } from '../support/mlflow3-truth.js';

async function readFixture(edit?: (bytes: Map<string, Uint8Array>) => void, onMismatch?: 'skip' | 'reject'): Promise<FileStoreSnapshot> {
  const tree = mlflow3Tree();
  edit?.(tree.bytes);
  const files = [...tree.bytes].map(([path, data]) => ({ path, size: data.length }));
  return readFileStoreTree(files, tree.read, { onMismatch });
}

const EXP = mlflow3Truth.roles.experiment!;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('reading the MLflow 3 folders of mlruns-mlflow3.zip', () => {
  it('reads every logged model (the deleted one too) with the fields, params and tags MLflow reads', async () => {
    const snapshot = await readFixture();
    const experiment = snapshot.experiments.find((e) => e.meta.experimentId === EXP)!;
    const records = new Map(experiment.loggedModels.map((m) => [m.record.modelId, m.record]));
    expect(records.size).toBe(5);
    for (const truth of mlflow3Truth.loggedModels) {
      const record = records.get(truth.modelId)!;
      const { metrics: _metrics, modelUri: _uri, ...fields } = truth as typeof truth & { modelUri: string };
      const { metricLines: _lines, lifecycleStage: _stage, ...read } = record;
      expect(read).toEqual(fields);
      expect(record.lifecycleStage).toBe('active');
    }
    expect(records.get(mlflow3Truth.roles.m_deleted!)).toMatchObject({ name: 'scratch-model', lifecycleStage: 'deleted' });
    expect(snapshot.unread).toEqual([]);
    expect(snapshot.skipped).toEqual([]);
  });

  it('keeps every model metric line with its run, step and dataset', async () => {
    const snapshot = await readFixture();
    const rf = snapshot.experiments[1]!.loggedModels.find((m) => m.record.name === 'rf-model')!;
    expect(rf.record.metricLines).toHaveLength(4);
    expect(rf.record.metricLines.filter((l) => l.key === 'accuracy').map((l) => l.step)).toEqual([0, 0, 1]);
    expect(rf.artifacts.map((a) => a.path).sort()).toEqual(['MLmodel', 'weights.txt']);
  });

  it('gives every run the dataset inputs, model inputs and outputs MLflow reads, and its history', async () => {
    const snapshot = await readFixture();
    const runs = new Map(snapshot.experiments.flatMap((e) => e.runs).map((r) => [r.meta.runId as string, r]));
    const truthRuns = mlflow3Truth.experiments.flatMap((e) => e.runs);
    expect(truthRuns).toHaveLength(3);
    for (const truth of truthRuns) {
      const run = runs.get(truth.id)!;
      const datasets = byNameDigest(run.inputs?.datasetInputs.map((d) => ({ ...d.dataset, tags: Object.fromEntries(d.tags.map((t) => [t.key, t.value])) })) ?? []);
      expect(datasets).toEqual(truth.inputs.datasets);
      expect((run.inputs?.modelInputs.map((m) => m.modelId) ?? []).sort()).toEqual(truth.inputs.models);
      expect(run.outputs?.modelOutputs ?? []).toEqual(truth.outputs.models);
      for (const [key, points] of Object.entries(truth.history)) {
        const read = run.metrics.find((m) => m.key === key)!;
        const history = Array.from(read.values, (value, i) => ({
          key,
          value,
          step: read.steps[i],
          timestamp: read.timestamps[i],
          ...(read.datasets?.[i] ? { datasetName: read.datasets[i].name, datasetDigest: read.datasets[i].digest } : {}),
          runId: truth.id,
        }));
        expect(history, `${truth.name} ${key}`).toEqual(points);
      }
    }
  });

  it('skips a ghost model folder and a dataset input without its record, as MLflow does, and reports them', async () => {
    const snapshot = await readFixture((bytes) => {
      bytes.set(`${EXP}/models/m-ghost/metrics/acc`, utf8('1 0.5 0 r\n'));
      bytes.delete(`${EXP}/datasets/ad76b2dc5af33790a1a573c55c67c3a4/meta.yaml`);
    });
    const experiment = snapshot.experiments[1]!;
    expect(experiment.loggedModels).toHaveLength(5);
    expect(snapshot.skipped.map((s) => s.path).sort()).toEqual([
      `${EXP}/45b791b660734a90b70590963650a599/inputs/f9b7d0eae9a423fc03885c3e69183609`,
      `${EXP}/models/m-ghost`,
    ]);
    const evalRun = experiment.runs.find((r) => r.runName === 'eval-rf')!;
    expect(evalRun.inputs?.datasetInputs.map((d) => d.dataset.name).sort()).toEqual(['images', 'iris_eval']);
  });

  it('a model in the wrong folder or experiment: rejected by default, skipped on request', async () => {
    const id = mlflow3Truth.roles.m_pending!;
    const path = `${EXP}/models/${id}/meta.yaml`;
    const moveExperiment = (bytes: Map<string, Uint8Array>): void => {
      bytes.set(path, utf8(new TextDecoder().decode(bytes.get(path)).replace(`experiment_id: '${EXP}'`, "experiment_id: '0'")));
    };
    await expect(readFixture(moveExperiment)).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE') && String(e).includes(path));
    const snapshot = await readFixture(moveExperiment, 'skip');
    expect(snapshot.experiments[1]!.loggedModels.map((m) => m.record.modelId)).not.toContain(id);
    expect(snapshot.skipped.map((s) => s.path)).toEqual([path]);
  });

  it('leaves traces unread and reads no reserved folder as a run', async () => {
    const snapshot = await readFixture((bytes) => {
      bytes.set(`${EXP}/traces/tr-1/meta.yaml`, utf8('x: 1\n'));
      bytes.set(`${EXP}/datasets/meta.yaml`, utf8('stray: 1\n'));
    });
    expect([...snapshot.unread].sort()).toEqual([`${EXP}/datasets/meta.yaml`, `${EXP}/traces/tr-1/meta.yaml`]);
    expect(snapshot.experiments[1]!.runs).toHaveLength(3);
  });
});
