import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  datasetId,
  datasetInputId,
  encodeMetricFile,
  modelInputId,
  parseMetricFile,
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
import { isEdgeflowError } from '../../src/core/errors.js';
import { fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';

const files = unzipSync(fixtureBytes('mlflow3/mlruns-mlflow3.zip'));
const text = (name: string): string => new TextDecoder().decode(files[name]);
const entries = (re: RegExp): string[] => Object.keys(files).filter((n) => re.test(n));
const yaml = (name: string): unknown => readYamlEntry(files[name]!, name);
const EXP = 'mlruns/436832604988314257';

function expectInvalid(fn: () => unknown, needle: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), String(error)).toBe(true);
  expect((error as Error).message).toContain(needle);
}

describe('golden: MLflow 3 records in mlruns-mlflow3.zip re-emit byte for byte', () => {
  const models = entries(/^mlruns\/\d+\/models\/m-[0-9a-f]{32}\/meta\.yaml$/u);
  const datasets = entries(/\/datasets\/[0-9a-f]{32}\/meta\.yaml$/u);
  const inputs = entries(/\/inputs\/[0-9a-f]{32}\/meta\.yaml$/u);
  const outputs = entries(/\/outputs\/m-[0-9a-f]{32}\/meta\.yaml$/u);

  it('finds every record kind of the fixture', () => {
    expect([models.length, datasets.length, inputs.length, outputs.length]).toEqual([5, 4, 10, 2]);
  });

  it.each(models)('logged model meta %s', (name) => {
    const meta = readLoggedModelMeta(yaml(name), name);
    expect(meta.modelId).toBe(name.split('/')[3]);
    expect(meta.experimentId).toBe('436832604988314257');
    expect(serializeLoggedModelMeta(meta)).toBe(text(name));
  });

  it('reads status ints, a missing lifecycle_stage as active, and null fields', () => {
    const byName = new Map(models.map((n) => [readLoggedModelMeta(yaml(n), n).name, readLoggedModelMeta(yaml(n), n)]));
    expect(byName.get('rf-model')).toMatchObject({ status: 'READY', lifecycleStage: 'active', modelType: 'classifier', statusMessage: null });
    expect(byName.get('broken-model')).toMatchObject({ status: 'FAILED', lifecycleStage: 'active', modelType: null });
    expect(byName.get('agent-draft')).toMatchObject({ status: 'PENDING', lifecycleStage: 'active', sourceRunId: null });
    expect(byName.get('scratch-model')).toMatchObject({ status: 'PENDING', lifecycleStage: 'deleted' });
  });

  it.each(datasets)('dataset record %s (folder = md5(name + digest))', (name) => {
    const dataset = readDatasetRecord(yaml(name), name);
    expect(datasetId(dataset.name, dataset.digest)).toBe(name.split('/')[3]);
    expect(serializeDatasetRecord(dataset)).toBe(text(name));
  });

  it.each(inputs)('input record %s (folder = md5(source id + run id))', (name) => {
    const runId = name.split('/')[2]!;
    const input = readInputRecord(yaml(name), name);
    const folder = input.kind === 'dataset' ? datasetInputId(input.datasetId, runId) : modelInputId(input.modelId, runId);
    expect(folder).toBe(name.split('/')[4]);
    expect(serializeInputRecord(input)).toBe(text(name));
  });

  it.each(outputs)('output record %s (model id in both fields)', (name) => {
    const output = readOutputRecord(yaml(name), name);
    expect(output.modelId).toBe(name.split('/')[4]);
    expect(serializeOutputRecord(output)).toBe(text(name));
  });

  it('input tags and the source of a dataset input', () => {
    const name = `${EXP}/c5909b4897c44605b76e92180fb9a5fe/inputs/14bdfe379f95d42b23c7ba9488c10ef5/meta.yaml`;
    expect(readInputRecord(yaml(name), name)).toEqual({
      kind: 'dataset',
      datasetId: 'bde4fe4c4f7809c2a3b93d5a9e98d192',
      tags: { 'mlflow.data.context': 'eval', split: 'holdout-v1' },
    });
  });

  it.each(entries(/\/models\/m-[0-9a-f]{32}\/metrics\/.+$/u))('model metric file %s', (name) => {
    const modelId = name.split('/')[3]!;
    const lines = parseModelMetricFile(name.split('/').pop()!, modelId, text(name), name);
    expect(lines.every((l) => l.modelId === modelId && /^[0-9a-f]{32}$/u.test(l.runId ?? ''))).toBe(true);
    expect(serializeModelMetricFile(lines)).toBe(text(name));
  });

  it('model metric lines keep their real step and dataset', () => {
    const name = `${EXP}/models/m-2c7dfa1bd1154dcab4ffc254dbee59ae/metrics/accuracy`;
    const lines = parseModelMetricFile('accuracy', 'm-2c7dfa1bd1154dcab4ffc254dbee59ae', text(name), name);
    expect(lines.map((l) => [l.step, l.value, l.datasetName, l.datasetDigest])).toEqual([
      [0, 0.93, 'iris_eval', 'df42fe24'],
      [0, 0.97, 'iris_train', '899cd733'],
      [1, 0.95, 'iris_eval', 'df42fe24'],
    ]);
  });

  it('run metric lines with a dataset read as MLflow reads them: step 0, dataset kept', () => {
    const name = `${EXP}/c5909b4897c44605b76e92180fb9a5fe/metrics/accuracy`;
    const points = parseMetricFile('accuracy', text(name), name);
    expect(Array.from(points.steps)).toEqual([0, 0, 0]);
    expect(points.datasets).toEqual([
      { name: 'iris_eval', digest: 'df42fe24' },
      { name: 'iris_train', digest: '899cd733' },
      { name: 'iris_eval', digest: 'df42fe24' },
    ]);
    expect(parseMetricFile('f1', '1 0.5 3\n', 'f').datasets).toBeUndefined();
  });

  it.each(entries(/^mlruns\/\d+\/[0-9a-f]{32}\/metrics\/.+$/u))('run metric file %s without step-1 lines re-emits exactly', (name) => {
    const points = parseMetricFile(name.split('/').pop()!, text(name), name);
    // The one step-1 dataset line of the fixture reads as step 0 (MLflow's reading), so it re-emits with 0.
    expect(new TextDecoder().decode(encodeMetricFile(points))).toBe(text(name).replace(' 0.95 1 iris_eval', ' 0.95 0 iris_eval'));
  });
});

describe('MLflow 3 record readers refuse what MLflow cannot read', () => {
  const meta = (extra: string): unknown =>
    readYamlEntry(new TextEncoder().encode(`artifact_location: a\ncreation_timestamp: 1\nexperiment_id: '1'\nmodel_id: m-1\nname: n\n${extra}`), 'm');

  it('an unknown status int fails with MLflow\'s message', () => {
    expectInvalid(() => readLoggedModelMeta(meta('status: 7\n'), 'models/m-1/meta.yaml'), 'Unknown model status: 7');
    expectInvalid(() => readLoggedModelMeta(meta(''), 'models/m-1/meta.yaml'), 'Unknown model status');
  });

  it('an integer experiment_id, a missing last_updated_timestamp and unknown keys are accepted', () => {
    const data = readYamlEntry(new TextEncoder().encode('artifact_location: a\ncreation_timestamp: 5\nexperiment_id: 12\nmodel_id: m-1\nname: n\nstatus: 0\nextra: x\n'), 'm');
    expect(readLoggedModelMeta(data, 'm')).toMatchObject({ experimentId: '12', lastUpdatedTimestamp: 5, status: 'UNSPECIFIED', modelType: null });
  });

  it('model metric lines need 4 or 6 fields; run metric lines 2, 3 or 5', () => {
    expectInvalid(() => parseModelMetricFile('k', 'm', '1 0.5 0\n', 'models/m/metrics/k'), 'models/m/metrics/k line 1');
    expectInvalid(() => parseModelMetricFile('k', 'm', '1 0.5 0 r d\n', 'models/m/metrics/k'), 'line 1');
    expectInvalid(() => parseMetricFile('k', '1 0.5 0 r\n', 'metrics/k'), 'metrics/k line 1');
  });

  it('writers refuse fields MLflow could not split back', () => {
    expectInvalid(() => serializeModelMetricFile([{ value: 1, timestamp: 1, step: 0, runId: null }]), 'run id');
    expectInvalid(() => serializeModelMetricFile([{ value: 1, timestamp: 1, step: 0, runId: 'r', datasetName: 'my data', datasetDigest: 'd' }]), 'dataset name');
    expect(serializeModelMetricFile([{ value: 1, timestamp: 2, step: 3, runId: 'r', datasetName: 'ds', datasetDigest: 'd' }])).toBe('2 1.0 3 r ds d\n');
  });

  it('an input record of another kind and a non-integer output step are refused', () => {
    const input = readYamlEntry(new TextEncoder().encode('source_id: x\nsource_type: TRACE\n'), 'i');
    expectInvalid(() => readInputRecord(input, 'inputs/x/meta.yaml'), 'source_type');
    const output = readYamlEntry(new TextEncoder().encode('destination_id: m-1\nstep: soon\n'), 'o');
    expectInvalid(() => readOutputRecord(output, 'outputs/m-1/meta.yaml'), 'step');
    const noStep = readYamlEntry(new TextEncoder().encode('destination_id: m-1\nsource_id: r\n'), 'o');
    expect(readOutputRecord(noStep, 'o')).toEqual({ modelId: 'm-1', step: 0 });
  });
});
