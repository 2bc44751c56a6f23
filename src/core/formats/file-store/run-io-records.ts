/**
 * MLflow 3 dataset records and a run's input and output records in MLflow's file layout
 * (mlflow3-models-and-inputs.md §1.2–§1.4): folder ids, readers and the exact bytes MLflow writes.
 * @module
 */
import { dict, type Dict } from '../../entities.js';
import { describeValue } from '../../errors.js';
import type { Dataset, ModelOutput } from '../../datasets/entities.js';
import { md5Hex } from '../../datasets/md5.js';
import { dumpYaml, type YamlValue } from '../yaml-dialect.js';
import { asMapping, fail, field, nullableStr, str } from './fields.js';

/** A dataset's folder name in every experiment: MD5 hex of `name` + `digest` (`_get_dataset_id`). */
export function datasetId(name: string, digest: string): string {
  return md5Hex(name + digest);
}

/** A dataset input's folder name: MD5 hex of `datasetId` + `runId` (`_get_dataset_input_id`). */
export function datasetInputId(datasetIdValue: string, runId: string): string {
  return md5Hex(datasetIdValue + runId);
}

/** A model input's folder name: MD5 hex of `modelId` + `runId` (`_get_model_input_id`). */
export function modelInputId(modelId: string, runId: string): string {
  return md5Hex(modelId + runId);
}

/** Reads `datasets/<id>/meta.yaml`; `digest` may be `''` (a REST client omitted it). */
export function readDatasetRecord(data: unknown, entry: string): Dataset {
  const map = asMapping(data, entry);
  return {
    name: str(map, 'name', entry),
    digest: str(map, 'digest', entry),
    sourceType: str(map, 'source_type', entry),
    source: str(map, 'source', entry),
    schema: nullableStr(map, 'schema', entry),
    profile: nullableStr(map, 'profile', entry),
  };
}

/** The exact bytes (as text) MLflow writes for `datasets/<id>/meta.yaml`. */
export function serializeDatasetRecord(dataset: Dataset): string {
  return dumpYaml({
    digest: dataset.digest,
    name: dataset.name,
    profile: dataset.profile,
    schema: dataset.schema,
    source: dataset.source,
    source_type: dataset.sourceType,
  });
}

/** What a run's `inputs/<input_id>/meta.yaml` points at. */
export type InputRecord =
  | { readonly kind: 'dataset'; readonly datasetId: string; readonly tags: Dict<string> }
  | { readonly kind: 'model'; readonly modelId: string };

/**
 * Reads an input record. The source is `source_id` (`destination_id` holds the same id — MLflow's
 * quirk — and is ignored, as MLflow's reader ignores it).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry` for another `source_type` or mistyped tags.
 */
export function readInputRecord(data: unknown, entry: string): InputRecord {
  const map = asMapping(data, entry);
  const sourceType = field(map, 'source_type');
  const sourceId = str(map, 'source_id', entry);
  if (sourceType === 'MODEL') return { kind: 'model', modelId: sourceId };
  if (sourceType !== 'DATASET') fail(entry, `field "source_type" must be DATASET or MODEL (got ${describeValue(sourceType)}).`);
  const tagsValue = field(map, 'tags');
  const tags = dict<string>();
  if (tagsValue !== undefined && tagsValue !== null) {
    for (const [key, value] of Object.entries(asMapping(tagsValue, entry))) {
      if (typeof value !== 'string') fail(entry, `input tag ${describeValue(key)} must be a string (got ${describeValue(value)}).`);
      tags[key] = value;
    }
  }
  return { kind: 'dataset', datasetId: sourceId, tags };
}

/** The exact bytes MLflow writes for an input record (the source id in both id fields, as MLflow does). */
export function serializeInputRecord(input: InputRecord): string {
  const sourceId = input.kind === 'dataset' ? input.datasetId : input.modelId;
  const tags: Record<string, YamlValue> = input.kind === 'dataset' ? { ...input.tags } : {};
  return dumpYaml({
    destination_id: sourceId,
    destination_type: 'RUN',
    source_id: sourceId,
    source_type: input.kind === 'dataset' ? 'DATASET' : 'MODEL',
    tags,
  });
}

/**
 * Reads `outputs/<model_id>/meta.yaml`. The model id comes from `destination_id`, where MLflow's
 * reader takes it (§1.4); a missing step is 0.
 */
export function readOutputRecord(data: unknown, entry: string): ModelOutput {
  const map = asMapping(data, entry);
  const modelId = str(map, 'destination_id', entry);
  const stepValue = field(map, 'step');
  const step = stepValue === undefined || stepValue === null ? 0 : stepValue;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) fail(entry, `field "step" must be an integer (got ${describeValue(stepValue)}).`);
  return { modelId, step };
}

/** The exact bytes MLflow writes for an output record: the model id in both id fields. */
export function serializeOutputRecord(output: ModelOutput): string {
  return dumpYaml({
    destination_id: output.modelId,
    destination_type: 'MODEL_OUTPUT',
    source_id: output.modelId,
    source_type: 'RUN_OUTPUT',
    step: output.step,
    tags: {},
  });
}
