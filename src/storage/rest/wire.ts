/**
 * MLflow's REST JSON (spec §9) to edgeflow entities and back: protobuf field names in snake_case,
 * int64 as numbers (strings accepted), enums as names, non-finite doubles as `"NaN"`,
 * `"Infinity"`, `"-Infinity"`, absent optional strings as `''`.
 *
 * Parsers (`toRun`, `toModelVersion`, …) read what a server answers; serializers (`runToJson`,
 * `modelVersionToJson`, …) write what a server answers — each the inverse of the other.
 * @module
 */
import { dict, type Experiment, type Metric, type Run, type RunInfo, type RunStatus, type LifecycleStage } from '../../core/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { ModelStage, ModelVersion, ModelVersionStatus, RegisteredModel } from '../../core/registry/entities.js';
import { SystemTag } from '../../core/system-tags.js';

/** A JSON object as parsed from a response. */
export type Json = Record<string, unknown>;

/** The JSON text of a double: finite numbers as numbers, NaN and ±Infinity as MLflow's strings. */
export function encodeDouble(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}

/** `JSON.stringify` with MLflow's encoding of non-finite numbers. */
export function stringifyJson(body: unknown): string {
  return JSON.stringify(body, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    }
    return value;
  });
}

/** A double from JSON: a number, or one of MLflow's strings for non-finite values (`"nan"` too). */
export function decodeDouble(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    switch (value.toLowerCase()) {
      case 'nan':
        return Number.NaN;
      case 'infinity':
      case 'inf':
        return Infinity;
      case '-infinity':
      case '-inf':
        return -Infinity;
      default: {
        const n = Number(value);
        if (value.trim() !== '' && !Number.isNaN(n)) return n;
      }
    }
  }
  throw badResponse(field, value);
}

/** An int64 from JSON (a number, or a decimal string as protobuf's canonical JSON writes it). */
export function decodeInt(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/u.test(value)) return Number(value);
  throw badResponse(field, value);
}

function optionalInt(value: unknown, field: string): number | null {
  return value === undefined || value === null || value === '' ? null : decodeInt(value, field);
}

function str(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw badResponse(field, value);
}

/** An optional string: absent, null and `''` are all null (the REST server sends `''` for unset). */
function optionalStr(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

function list(value: unknown, field: string): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badResponse(field, value);
  return value as Json[];
}

/** An object field of a response. @throws `INTERNAL_ERROR` when missing */
export function obj(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badResponse(field, value);
  return value as Json;
}

function badResponse(field: string, value: unknown): EdgeflowError {
  return EdgeflowError.internalError(`Unexpected MLflow response: field '${field}' is ${describeValue(value)}.`);
}

function keyValues(value: unknown, field: string): Record<string, string> {
  const out = dict<string>();
  for (const item of list(value, field)) out[str(item['key'], `${field}.key`)] = typeof item['value'] === 'string' ? item['value'] : '';
  return out;
}

const RUN_STATUSES: ReadonlySet<string> = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

// -------------------------------------------------------------------------------------- tracking

/** Experiment JSON → {@link Experiment}. */
export function toExperiment(json: Json): Experiment {
  const experiment: Experiment = {
    experimentId: str(json['experiment_id'], 'experiment.experiment_id') as ExperimentId,
    name: str(json['name'], 'experiment.name'),
    artifactLocation: optionalStr(json['artifact_location']) ?? '',
    lifecycleStage: (json['lifecycle_stage'] === 'deleted' ? 'deleted' : 'active') as LifecycleStage,
    creationTime: optionalInt(json['creation_time'], 'experiment.creation_time'),
    lastUpdateTime: optionalInt(json['last_update_time'], 'experiment.last_update_time'),
    tags: Object.freeze(keyValues(json['tags'], 'experiment.tags')),
  };
  return Object.freeze(experiment);
}

/** Metric JSON → {@link Metric}. */
export function toMetric(json: Json): Metric {
  return {
    key: str(json['key'], 'metric.key'),
    value: decodeDouble(json['value'], 'metric.value'),
    timestamp: decodeInt(json['timestamp'] ?? 0, 'metric.timestamp'),
    step: decodeInt(json['step'] ?? 0, 'metric.step'),
  };
}

/**
 * RunInfo JSON → {@link RunInfo}. The REST API does not report when a run was deleted:
 * `deletedTime` comes from `deletedAt` (what this client knows), else null.
 */
export function toRunInfo(json: Json, deletedAt: (info: { runId: string; experimentId: string }) => number | null, tags?: Record<string, string>): RunInfo {
  const runId = str(json['run_id'] ?? json['run_uuid'], 'run_info.run_id') as RunId;
  const experimentId = str(json['experiment_id'], 'run_info.experiment_id') as ExperimentId;
  const status = str(json['status'] ?? 'RUNNING', 'run_info.status');
  if (!RUN_STATUSES.has(status)) throw badResponse('run_info.status', status);
  const lifecycleStage: LifecycleStage = json['lifecycle_stage'] === 'deleted' ? 'deleted' : 'active';
  const runName = optionalStr(json['run_name']) ?? tags?.[SystemTag.RUN_NAME] ?? '';
  return Object.freeze({
    runId,
    runName,
    experimentId,
    userId: optionalStr(json['user_id']) ?? '',
    status: status as RunStatus,
    startTime: decodeInt(json['start_time'] ?? 0, 'run_info.start_time'),
    endTime: optionalInt(json['end_time'], 'run_info.end_time'),
    artifactUri: optionalStr(json['artifact_uri']) ?? '',
    lifecycleStage,
    deletedTime: lifecycleStage === 'deleted' ? deletedAt({ runId, experimentId }) : null,
  });
}

/** Run JSON (`{info, data}`) → {@link Run} with null-prototype dicts. */
export function toRun(json: Json, deletedAt: (info: { runId: string; experimentId: string }) => number | null): Run {
  const data = json['data'] === undefined ? {} : obj(json['data'], 'run.data');
  const tags = keyValues(data['tags'], 'run.data.tags');
  const params = keyValues(data['params'], 'run.data.params');
  const metrics = dict<number>();
  const latestMetrics = dict<Metric>();
  for (const item of list(data['metrics'], 'run.data.metrics')) {
    const metric = toMetric(item);
    metrics[metric.key] = metric.value;
    latestMetrics[metric.key] = metric;
  }
  return Object.freeze({
    info: toRunInfo(obj(json['info'], 'run.info'), deletedAt, tags),
    data: Object.freeze({
      metrics: Object.freeze(metrics),
      latestMetrics: Object.freeze(latestMetrics),
      params: Object.freeze(params),
      tags: Object.freeze(tags),
    }),
  });
}

// -------------------------------------------------------------------------------------- registry

const STAGES: Readonly<Record<string, ModelStage>> = { none: 'None', staging: 'Staging', production: 'Production', archived: 'Archived' };
const VERSION_STATUSES: ReadonlySet<string> = new Set(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']);

/** ModelVersion JSON → {@link ModelVersion} (`version` is a string on the wire). */
export function toModelVersion(json: Json): ModelVersion {
  const status = optionalStr(json['status']) ?? 'READY';
  const aliases = Array.isArray(json['aliases']) ? (json['aliases'] as unknown[]).map((a) => str(a, 'model_version.aliases')) : [];
  return {
    name: str(json['name'], 'model_version.name'),
    version: decodeInt(json['version'], 'model_version.version'),
    creationTimestamp: decodeInt(json['creation_timestamp'] ?? 0, 'model_version.creation_timestamp'),
    lastUpdatedTimestamp: decodeInt(json['last_updated_timestamp'] ?? 0, 'model_version.last_updated_timestamp'),
    userId: optionalStr(json['user_id']),
    currentStage: STAGES[(optionalStr(json['current_stage']) ?? 'None').toLowerCase()] ?? 'None',
    // A version's description is '' when none was given, as MLflow's server sends it.
    description: typeof json['description'] === 'string' ? json['description'] : '',
    source: optionalStr(json['source']) ?? '',
    runId: optionalStr(json['run_id']),
    runLink: optionalStr(json['run_link']),
    status: (VERSION_STATUSES.has(status) ? status : 'READY') as ModelVersionStatus,
    statusMessage: optionalStr(json['status_message']),
    tags: keyValues(json['tags'], 'model_version.tags'),
    aliases: aliases.sort(),
    modelId: optionalStr(json['model_id']),
    storageLocation: optionalStr(json['storage_location']),
  };
}

/** RegisteredModel JSON → {@link RegisteredModel}. */
export function toRegisteredModel(json: Json): RegisteredModel {
  const aliases = dict<number>();
  for (const item of list(json['aliases'], 'registered_model.aliases')) {
    aliases[str(item['alias'], 'registered_model.aliases.alias')] = decodeInt(item['version'], 'registered_model.aliases.version');
  }
  return {
    name: str(json['name'], 'registered_model.name'),
    creationTimestamp: decodeInt(json['creation_timestamp'] ?? 0, 'registered_model.creation_timestamp'),
    lastUpdatedTimestamp: decodeInt(json['last_updated_timestamp'] ?? 0, 'registered_model.last_updated_timestamp'),
    description: optionalStr(json['description']),
    tags: keyValues(json['tags'], 'registered_model.tags'),
    aliases,
    latestVersions: list(json['latest_versions'], 'registered_model.latest_versions').map(toModelVersion),
  };
}

// ------------------------------------------------------------------------------------ serializers

/** A double as protobuf JSON: finite numbers as numbers, NaN and ±Infinity as MLflow's strings. */
export function jsonDouble(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** A dict as `[{key, value}]`. */
function keyValueJson(values: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.keys(values).map((key) => ({ key, value: values[key]! }));
}

/** {@link Experiment} → Experiment JSON (unset times omitted). */
export function experimentToJson(e: Experiment): Json {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    ...(e.lastUpdateTime === null ? {} : { last_update_time: e.lastUpdateTime }),
    ...(e.creationTime === null ? {} : { creation_time: e.creationTime }),
    tags: keyValueJson(e.tags),
  };
}

/** {@link Metric} → Metric JSON. */
export function metricToJson(m: Metric): Json {
  return { key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step };
}

/**
 * {@link RunInfo} → RunInfo JSON (`run_uuid` repeats `run_id`). `artifactUri` replaces the stored
 * one, e.g. with the `mlflow-artifacts:` URI of a server that proxies the artifacts.
 */
export function runInfoToJson(info: RunInfo, artifactUri: string = info.artifactUri): Json {
  return {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime === null ? {} : { end_time: info.endTime }),
    artifact_uri: artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
}

/** {@link Run} → Run JSON (`{info, data}`; see `runIoToJson` for its inputs and outputs); metrics are the latest of each key. */
export function runToJson(run: Run, artifactUri: string = run.info.artifactUri): Json {
  const latest = run.data.latestMetrics;
  return {
    info: runInfoToJson(run.info, artifactUri),
    data: {
      metrics: Object.keys(latest).map((key) => ({ ...metricToJson(latest[key]!), run_id: run.info.runId })),
      params: keyValueJson(run.data.params),
      tags: keyValueJson(run.data.tags),
    },
  };
}

/** {@link ModelVersion} → ModelVersion JSON (`version` as a string; unset fields omitted). */
export function modelVersionToJson(v: ModelVersion): Json {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    ...(v.userId === null || v.userId === '' ? {} : { user_id: v.userId }),
    current_stage: v.currentStage,
    description: v.description ?? '',
    source: v.source,
    ...(v.runId === null ? {} : { run_id: v.runId }),
    status: v.status,
    ...(v.statusMessage === null ? {} : { status_message: v.statusMessage }),
    tags: keyValueJson(v.tags),
    ...(v.runLink === null ? {} : { run_link: v.runLink }),
    aliases: [...v.aliases],
    // MLflow's ModelVersion.to_proto never sets model_id (mlflow3-models-and-inputs.md §6).
    ...(v.storageLocation === null ? {} : { storage_location: v.storageLocation }),
  };
}

/** {@link RegisteredModel} → RegisteredModel JSON (alias versions as strings). */
export function registeredModelToJson(m: RegisteredModel): Json {
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    ...(m.description === null ? {} : { description: m.description }),
    latest_versions: m.latestVersions.map(modelVersionToJson),
    tags: keyValueJson(m.tags),
    aliases: Object.keys(m.aliases).map((alias) => ({ alias, version: String(m.aliases[alias]) })),
  };
}

// ---------------------------------------------------------------------------------------- helpers

/** `[{key, value}]` as MLflow's request bodies take tags. */
export function keyValueList(entries: readonly { key: string; value: string }[] | undefined): { key: string; value: string }[] {
  return (entries ?? []).map(({ key, value }) => ({ key, value }));
}

/** The items of a list field of a response (absent = empty). */
export function listOf(json: Json, field: string): Json[] {
  return list(json[field], field);
}

/** A string field of a response, or undefined when absent or empty. */
export function tokenOf(json: Json, field = 'next_page_token'): string | undefined {
  const value = json[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
