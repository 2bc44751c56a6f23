/**
 * JSON codecs of MLflow 3's REST messages (mlflow3-models-and-inputs.md §3, §6): dataset inputs,
 * run inputs/outputs, logged models with their status names, metric links and dataset summaries.
 * Both directions: the REST store reads what a server sends, `edgeflow ui` writes what MLflow sends.
 * @module
 */
import { dict, type KeyValue, type Run } from '../../core/entities.js';
import type { Dataset, DatasetInput, DatasetSummary, RunInputs, RunOutputs } from '../../core/datasets/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import { LoggedModelStatus, type LoggedModel, type LoggedModelMetric, type MetricLink } from '../../core/logged-models/entities.js';
import { decodeDouble, decodeInt, jsonDouble, type Json } from './wire.js';

const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const optionalText = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function keyValues(value: unknown): KeyValue[] {
  return asList(value).map((item) => ({ key: text(item['key']), value: text(item['value']) }));
}

function keyValueRecord(value: unknown): Record<string, string> {
  const out = dict<string>();
  for (const { key, value: v } of keyValues(value)) out[key] = v;
  return out;
}

function recordJson(values: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.keys(values).map((key) => ({ key, value: values[key]! }));
}

// ------------------------------------------------------------------------------------ datasets

/** Dataset JSON → {@link Dataset}: a missing digest is `''` (as MLflow's server stores it). */
export function toDataset(json: Json): Dataset {
  return Object.freeze({
    name: text(json['name']),
    digest: text(json['digest']),
    sourceType: text(json['source_type']),
    source: text(json['source']),
    schema: optionalText(json['schema']),
    profile: optionalText(json['profile']),
  });
}

/** {@link Dataset} → Dataset JSON (`schema`/`profile` omitted when null). */
export function datasetToJson(d: Dataset): Json {
  return {
    name: d.name,
    digest: d.digest,
    source_type: d.sourceType,
    source: d.source,
    ...(d.schema === null ? {} : { schema: d.schema }),
    ...(d.profile === null ? {} : { profile: d.profile }),
  };
}

/** `DatasetInput` JSON → {@link DatasetInput}. */
export function toDatasetInput(json: Json): DatasetInput {
  return { dataset: toDataset(asObject(json['dataset'])), tags: keyValues(json['tags']) };
}

/** {@link DatasetInput} → `DatasetInput` JSON (`tags` omitted when none). */
export function datasetInputToJson(input: DatasetInput): Json {
  return { ...(input.tags.length === 0 ? {} : { tags: input.tags.map(({ key, value }) => ({ key, value })) }), dataset: datasetToJson(input.dataset) };
}

/** `RunInputs` JSON → {@link RunInputs}, or undefined when it lists nothing. */
export function toRunInputs(value: unknown): RunInputs | undefined {
  const json = asObject(value);
  const datasetInputs = asList(json['dataset_inputs']).map(toDatasetInput);
  const modelInputs = asList(json['model_inputs']).map((m) => ({ modelId: text(m['model_id']) }));
  return datasetInputs.length + modelInputs.length === 0 ? undefined : { datasetInputs, modelInputs };
}

/** {@link RunInputs} → `RunInputs` JSON; `{}` when there are none (as MLflow sends it). */
export function runInputsToJson(inputs: RunInputs | undefined): Json {
  const datasets = inputs?.datasetInputs ?? [];
  const models = inputs?.modelInputs ?? [];
  return {
    ...(datasets.length === 0 ? {} : { dataset_inputs: datasets.map(datasetInputToJson) }),
    ...(models.length === 0 ? {} : { model_inputs: models.map((m) => ({ model_id: m.modelId })) }),
  };
}

/** `RunOutputs` JSON → {@link RunOutputs}, or undefined when it lists nothing. */
export function toRunOutputs(value: unknown): RunOutputs | undefined {
  const modelOutputs = asList(asObject(value)['model_outputs']).map((m) => ({ modelId: text(m['model_id']), step: decodeInt(m['step'] ?? 0, 'model_output.step') }));
  return modelOutputs.length === 0 ? undefined : { modelOutputs };
}

/** {@link RunOutputs} → `RunOutputs` JSON; `{}` when there are none. */
export function runOutputsToJson(outputs: RunOutputs | undefined): Json {
  const models = outputs?.modelOutputs ?? [];
  return models.length === 0 ? {} : { model_outputs: models.map((m) => ({ model_id: m.modelId, step: m.step })) };
}

/** `DatasetSummary` JSON → {@link DatasetSummary}. */
export function toDatasetSummary(json: Json): DatasetSummary {
  const context = optionalText(json['context']);
  return { experimentId: text(json['experiment_id']), name: text(json['name']), digest: text(json['digest']), ...(context ? { context } : {}) };
}

/** {@link DatasetSummary} → `DatasetSummary` JSON (`context` omitted when absent). */
export function datasetSummaryToJson(s: DatasetSummary): Json {
  return { experiment_id: s.experimentId, name: s.name, digest: s.digest, ...(s.context === undefined ? {} : { context: s.context }) };
}

// ------------------------------------------------------------------------------- logged models

/** Proto names of {@link LoggedModelStatus}, by their enum numbers 0–3 (§3.2). */
const STATUS_NAMES: readonly [LoggedModelStatus, string][] = [
  [LoggedModelStatus.UNSPECIFIED, 'LOGGED_MODEL_STATUS_UNSPECIFIED'],
  [LoggedModelStatus.PENDING, 'LOGGED_MODEL_PENDING'],
  [LoggedModelStatus.READY, 'LOGGED_MODEL_READY'],
  [LoggedModelStatus.FAILED, 'LOGGED_MODEL_UPLOAD_FAILED'],
];

/** {@link LoggedModelStatus} → its proto name. */
export function statusToJson(status: LoggedModelStatus): string {
  return STATUS_NAMES.find(([s]) => s === status)![1];
}

/** A proto status (name or number) → {@link LoggedModelStatus}; undefined when unknown. */
export function statusFromJson(value: unknown): LoggedModelStatus | undefined {
  if (typeof value === 'number') return STATUS_NAMES[value]?.[0];
  return STATUS_NAMES.find(([, name]) => name === value)?.[0];
}

/** The link fields of a metric JSON (`model_id`, `dataset_name`, `dataset_digest`). */
export function metricLinkToJson(link: MetricLink | undefined): Json {
  return {
    ...(link?.modelId === undefined ? {} : { model_id: link.modelId }),
    ...(link?.datasetName === undefined ? {} : { dataset_name: link.datasetName }),
    ...(link?.datasetDigest === undefined ? {} : { dataset_digest: link.datasetDigest }),
  };
}

/** The link of a metric JSON, or undefined when it has none. */
export function toMetricLink(json: Json): MetricLink | undefined {
  const modelId = optionalText(json['model_id']) || undefined;
  const datasetName = optionalText(json['dataset_name']) ?? undefined;
  const datasetDigest = optionalText(json['dataset_digest']) ?? undefined;
  if (modelId === undefined && datasetName === undefined && datasetDigest === undefined) return undefined;
  return { ...(modelId === undefined ? {} : { modelId }), ...(datasetName === undefined ? {} : { datasetName }), ...(datasetDigest === undefined ? {} : { datasetDigest }) };
}

function toModelMetric(json: Json, modelId: string): LoggedModelMetric {
  const link = toMetricLink(json);
  return {
    key: text(json['key']),
    value: decodeDouble(json['value'], 'metric.value'),
    timestamp: decodeInt(json['timestamp'] ?? 0, 'metric.timestamp'),
    step: decodeInt(json['step'] ?? 0, 'metric.step'),
    modelId: link?.modelId ?? modelId,
    runId: optionalText(json['run_id']) || null,
    ...(link?.datasetName === undefined ? {} : { datasetName: link.datasetName, datasetDigest: link.datasetDigest ?? '' }),
  };
}

/** `LoggedModel` JSON → {@link LoggedModel} (the server reports active models only). */
export function toLoggedModel(json: Json): LoggedModel {
  const info = asObject(json['info']);
  const data = asObject(json['data']);
  const modelId = text(info['model_id']);
  const status = statusFromJson(info['status'] ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED');
  if (status === undefined) throw EdgeflowError.internalError(`Unexpected MLflow response: logged model status ${describeValue(info['status'])}.`);
  return Object.freeze({
    modelId,
    experimentId: text(info['experiment_id']),
    name: text(info['name']),
    artifactLocation: text(info['artifact_uri']),
    creationTimestamp: decodeInt(info['creation_timestamp_ms'] ?? 0, 'model.creation_timestamp_ms'),
    lastUpdatedTimestamp: decodeInt(info['last_updated_timestamp_ms'] ?? 0, 'model.last_updated_timestamp_ms'),
    // MLflow's server stores '' for an absent type or run (§4.1): read as absent.
    modelType: optionalText(info['model_type']) || null,
    sourceRunId: optionalText(info['source_run_id']) || null,
    status,
    statusMessage: optionalText(info['status_message']),
    lifecycleStage: 'active',
    tags: Object.freeze(keyValueRecord(info['tags'])),
    params: Object.freeze(keyValueRecord(data['params'])),
    metrics: asList(data['metrics']).map((m) => toModelMetric(m, modelId)),
  });
}

/** {@link LoggedModel} → `LoggedModel` JSON as MLflow's server writes it (`status_message` never sent; empty tags omitted). */
export function loggedModelToJson(m: LoggedModel, artifactUri: string = m.artifactLocation): Json {
  const tags = recordJson(m.tags);
  return {
    info: {
      model_id: m.modelId,
      experiment_id: m.experimentId,
      name: m.name,
      creation_timestamp_ms: m.creationTimestamp,
      last_updated_timestamp_ms: m.lastUpdatedTimestamp,
      artifact_uri: artifactUri,
      status: statusToJson(m.status),
      ...(m.modelType === null ? {} : { model_type: m.modelType }),
      ...(m.sourceRunId === null ? {} : { source_run_id: m.sourceRunId }),
      ...(tags.length === 0 ? {} : { tags }),
    },
    data: {
      ...(Object.keys(m.params).length === 0 ? {} : { params: recordJson(m.params) }),
      ...(m.metrics.length === 0
        ? {}
        : {
            metrics: m.metrics.map((x) => ({
              key: x.key,
              value: jsonDouble(x.value),
              timestamp: x.timestamp,
              step: x.step,
              ...metricLinkToJson({ ...(x.datasetName === undefined ? {} : { datasetName: x.datasetName, datasetDigest: x.datasetDigest! }) }),
              model_id: x.modelId,
              ...(x.runId === null ? {} : { run_id: x.runId }),
            })),
          }),
    },
  };
}

// ------------------------------------------------------------------------------------------ runs

/** `run` with the inputs and outputs of its Run JSON (absent when the JSON lists none). */
export function withRunIo(run: Run, json: Json): Run {
  const inputs = toRunInputs(json['inputs']);
  const outputs = toRunOutputs(json['outputs']);
  if (inputs === undefined && outputs === undefined) return run;
  return Object.freeze({ ...run, ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}) });
}

/** The `inputs` and `outputs` members of a Run JSON (`{}` each when there are none). */
export function runIoToJson(run: Run): Json {
  return { inputs: runInputsToJson(run.inputs), outputs: runOutputsToJson(run.outputs) };
}
