/**
 * MLflow's file-store layout (`mlruns/`, spec §1–2): paths, the exact bytes MLflow writes for each
 * file kind, and readers that accept what MLflow writes, quirks included. This is the one module
 * that knows the layout; the bundle exporter, importer, bundle store and a Node file store use it.
 *
 * Paths here are relative to the store root (the `mlruns/` folder) and `/`-separated.
 * @module
 */
import { dict, RUN_STATUS_NUMBER, type Dict, type Experiment, type LifecycleStage, type RunInfo, type RunStatus } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { parseExperimentId, parseRunId, type ExperimentId, type RunId } from '../ids.js';
import { artifactPathProblem, keyProblem } from '../validation.js';
import {
  DELETED_STAGE,
  MODEL_STAGES,
  ModelVersionStatus,
  type ModelVersionRecord,
  type RegisteredModelRecord,
  type StoredModelStage,
} from '../registry/entities.js';
import { assertAlias, assertModelName } from '../registry/validation.js';
import { METRIC_POINT_BYTES, type DecodeBudget } from './decode-budget.js';
import { formatPythonFloat, parseMetricValue } from './float-text.js';
import { dumpYaml, parseYaml, type ParseYamlOptions, type YamlValue } from './yaml-dialect.js';

// ------------------------------------------------------------------------------------------------
// Paths

/** Folder of deleted experiments. */
export const TRASH_FOLDER = '.trash';
/** Folder of the model registry (when the registry root is the tracking root). */
export const MODELS_FOLDER = 'models';
/** Name of every metadata file. */
export const META_FILE = 'meta.yaml';
/** Sub-folders of an experiment folder that are not runs (spec §1.1). */
export const RESERVED_EXPERIMENT_FOLDERS: ReadonlySet<string> = new Set(['tags', 'datasets', 'traces', 'models']);

/** Kinds of raw-value and metric folders inside a run. */
export const RunFileKind = { METRICS: 'metrics', PARAMS: 'params', TAGS: 'tags', ARTIFACTS: 'artifacts' } as const;
export type RunFileKind = (typeof RunFileKind)[keyof typeof RunFileKind];

/** `<id>` for an active experiment, `.trash/<id>` for a deleted one. */
export function experimentFolder(experimentId: string, lifecycleStage: LifecycleStage): string {
  return lifecycleStage === 'deleted' ? `${TRASH_FOLDER}/${experimentId}` : experimentId;
}

/** `<experimentFolder>/<runId>`. */
export function runFolder(experimentFolderPath: string, runId: string): string {
  return `${experimentFolderPath}/${runId}`;
}

/** `<folder>/meta.yaml`. */
export function metaPath(folder: string): string {
  return `${folder}/${META_FILE}`;
}

/** `<runFolder>/<kind>/<key>`: keys with `/` become nested folders. */
export function runFilePath(runFolderPath: string, kind: RunFileKind, key: string): string {
  return `${runFolderPath}/${kind}/${key}`;
}

/** `<experimentFolder>/tags/<key>`. */
export function experimentTagPath(experimentFolderPath: string, key: string): string {
  return `${experimentFolderPath}/tags/${key}`;
}

/** `models/<name>`. */
export function registeredModelFolder(name: string): string {
  return `${MODELS_FOLDER}/${name}`;
}

/** `models/<name>/version-<n>`. */
export function modelVersionFolder(name: string, version: number): string {
  return `${registeredModelFolder(name)}/version-${version}`;
}

/** The artifact location MLflow gives an experiment under an artifact root: `<root>/<id>`. */
export function defaultArtifactLocation(artifactRoot: string, experimentId: string): string {
  return `${artifactRoot.replace(/\/+$/u, '')}/${experimentId}`;
}

/** The artifact URI MLflow gives a run: `<experiment artifact location>/<runId>/artifacts`. */
export function defaultRunArtifactUri(experimentArtifactLocation: string, runId: string): string {
  return `${experimentArtifactLocation.replace(/\/+$/u, '')}/${runId}/artifacts`;
}

/**
 * The first pair of keys that cannot both be files in one folder (`a` and `a/b`: `a` would have to
 * be a file and a folder), or undefined. Keys are compared exactly (case-sensitive file systems).
 */
export function findKeyPathConflict(keys: Iterable<string>): readonly [string, string] | undefined {
  const files = new Set<string>();
  for (const key of keys) files.add(key);
  for (const key of files) {
    let slash = key.indexOf('/');
    while (slash !== -1) {
      const prefix = key.slice(0, slash);
      if (files.has(prefix)) return [prefix, key];
      slash = key.indexOf('/', slash + 1);
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Records: what the files hold, typed

/**
 * The content of an experiment `meta.yaml`: the experiment without its tags (they live in
 * `tags/`). `creationTime`/`lastUpdateTime` are null in legacy files (MLflow < 1.29).
 */
export type ExperimentMeta = Omit<Experiment, 'tags'>;

/** The content of a run `meta.yaml`: exactly a run's info. */
export type RunMeta = RunInfo;

/** Metric points of one key, as columns, in file order. */
export interface MetricPoints {
  readonly key: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly steps: Float64Array;
}

// ------------------------------------------------------------------------------------------------
// Field readers: each failure names the file and the field

function fail(entry: string, message: string): never {
  throw EdgeflowError.invalidParameterValue(`${entry}: ${message}`, { details: { entry } });
}

function asMapping(data: unknown, entry: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Date) {
    fail(entry, 'expected a YAML mapping.');
  }
  return data as Record<string, unknown>;
}

function field(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function str(map: Record<string, unknown>, key: string, entry: string): string {
  const value = field(map, key);
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string (got ${describeValue(value)}).`);
  return value;
}

/** A string, or null when missing/null/'' (the REST server writes '' for absent strings). */
function optionalStr(map: Record<string, unknown>, key: string, entry: string): string | null {
  const value = field(map, key);
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string or null (got ${describeValue(value)}).`);
  return value;
}

function optionalMs(map: Record<string, unknown>, key: string, entry: string): number | null {
  const value = field(map, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(entry, `field "${key}" must be a whole number of milliseconds (got ${describeValue(value)}).`);
  }
  return value;
}

function stage(map: Record<string, unknown>, entry: string): LifecycleStage {
  const value = field(map, 'lifecycle_stage');
  if (value === undefined || value === null) return 'active';
  if (value !== 'active' && value !== 'deleted') {
    fail(entry, `field "lifecycle_stage" must be "active" or "deleted" (got ${describeValue(value)}).`);
  }
  return value;
}

function idString(map: Record<string, unknown>, key: string, entry: string): string {
  const value = field(map, key);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string (got ${describeValue(value)}).`);
  return value;
}

function brandExperimentId(value: string, entry: string): ExperimentId {
  try {
    return parseExperimentId(value);
  } catch {
    fail(entry, `invalid experiment id ${describeValue(value)}.`);
  }
}

function brandRunId(value: string, entry: string): RunId {
  try {
    return parseRunId(value);
  } catch {
    fail(entry, `invalid run id ${describeValue(value)}.`);
  }
}

const STATUS_OF_NUMBER: ReadonlyMap<number, RunStatus> = new Map(
  (Object.entries(RUN_STATUS_NUMBER) as [RunStatus, number][]).map(([k, v]) => [v, k]),
);

// ------------------------------------------------------------------------------------------------
// Experiment meta

/**
 * Reads an experiment `meta.yaml` (already parsed YAML). Accepts legacy files without times, an
 * integer `experiment_id` (converted to its decimal string) and ignores the stale `tags:` mapping
 * MLflow writes on rewrites, and any unknown key.
 * @throws `INVALID_PARAMETER_VALUE` naming `entry` on a missing or mistyped field.
 */
export function readExperimentMeta(data: unknown, entry: string): ExperimentMeta {
  const map = asMapping(data, entry);
  const experimentId = brandExperimentId(idString(map, 'experiment_id', entry), entry);
  const name = str(map, 'name', entry);
  if (name === '') fail(entry, 'field "name" must not be empty.');
  const artifactLocation = field(map, 'artifact_location');
  if (artifactLocation !== undefined && artifactLocation !== null && typeof artifactLocation !== 'string') {
    fail(entry, `field "artifact_location" must be a string (got ${describeValue(artifactLocation)}).`);
  }
  return {
    experimentId,
    name,
    artifactLocation: artifactLocation ?? '',
    lifecycleStage: stage(map, entry),
    creationTime: optionalMs(map, 'creation_time', entry),
    lastUpdateTime: optionalMs(map, 'last_update_time', entry),
  };
}

/** Options of {@link serializeExperimentMeta}. */
export interface ExperimentMetaWriteOptions {
  /**
   * Write the stale `tags:` mapping MLflow adds whenever it rewrites the file (rename, delete,
   * restore). Absent: no `tags` key, as MLflow writes a new experiment.
   */
  readonly staleTags?: Dict<string>;
}

/** The exact bytes (as text) MLflow writes for an experiment `meta.yaml`. */
export function serializeExperimentMeta(meta: ExperimentMeta, options: ExperimentMetaWriteOptions = {}): string {
  const doc: Record<string, YamlValue> = {
    artifact_location: meta.artifactLocation,
    creation_time: meta.creationTime,
    experiment_id: meta.experimentId,
    last_update_time: meta.lastUpdateTime,
    lifecycle_stage: meta.lifecycleStage,
    name: meta.name,
  };
  if (options.staleTags) doc.tags = { ...options.staleTags };
  return dumpYaml(doc);
}

// ------------------------------------------------------------------------------------------------
// Run meta

/**
 * Reads a run `meta.yaml`. `run_id`, `experiment_id`, `user_id` and `start_time` are required,
 * `end_time` may be null; `status` is MLflow's integer (RUNNING when missing); `run_uuid` and the
 * legacy fields (`source_*`, `entry_point_name`, `tags: []`) are ignored. An empty `run_name` is
 * returned as '' — the caller takes the name from tag `mlflow.runName` ({@link resolveRunName}).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry` on a missing or mistyped field.
 */
export function readRunMeta(data: unknown, entry: string): RunMeta {
  const map = asMapping(data, entry);
  const runId = brandRunId(idString(map, 'run_id', entry), entry);
  const experimentId = brandExperimentId(idString(map, 'experiment_id', entry), entry);
  const userIdValue = field(map, 'user_id');
  if (userIdValue !== null && typeof userIdValue !== 'string') {
    fail(entry, `field "user_id" must be a string (got ${describeValue(userIdValue)}).`);
  }
  const startTime = optionalMs(map, 'start_time', entry);
  if (startTime === null) fail(entry, 'field "start_time" is required.');
  const statusValue = field(map, 'status');
  let status: RunStatus = 'RUNNING';
  if (statusValue !== undefined && statusValue !== null) {
    const known = typeof statusValue === 'number' ? STATUS_OF_NUMBER.get(statusValue) : undefined;
    if (known === undefined) fail(entry, `field "status" must be an integer 1–5 (got ${describeValue(statusValue)}).`);
    status = known;
  }
  const runName = field(map, 'run_name');
  if (runName !== undefined && runName !== null && typeof runName !== 'string') {
    fail(entry, `field "run_name" must be a string (got ${describeValue(runName)}).`);
  }
  const artifactUri = field(map, 'artifact_uri');
  if (artifactUri !== undefined && artifactUri !== null && typeof artifactUri !== 'string') {
    fail(entry, `field "artifact_uri" must be a string (got ${describeValue(artifactUri)}).`);
  }
  return {
    runId,
    experimentId,
    runName: runName ?? '',
    userId: userIdValue ?? '',
    status,
    startTime,
    endTime: optionalMs(map, 'end_time', entry),
    artifactUri: artifactUri ?? '',
    lifecycleStage: stage(map, entry),
    deletedTime: optionalMs(map, 'deleted_time', entry),
  };
}

/** The run name MLflow shows: `run_name` from meta, else tag `mlflow.runName`, else ''. */
export function resolveRunName(meta: RunMeta, tags: Dict<string>): string {
  if (meta.runName !== '') return meta.runName;
  const tag = Object.prototype.hasOwnProperty.call(tags, 'mlflow.runName') ? tags['mlflow.runName'] : undefined;
  return tag ?? '';
}

/**
 * The exact bytes (as text) MLflow writes for a run `meta.yaml`, with the legacy fields
 * (`entry_point_name: ''`, `source_name: ''`, `source_type: 4`, `source_version: ''`, `tags: []`).
 * `deleted_time` is written for deleted runs; for active ones it is `null` in the first write of a
 * new run (`fresh`) and omitted in every rewrite, as MLflow does (it reads both).
 */
export function serializeRunMeta(meta: RunMeta, options: { readonly fresh?: boolean } = {}): string {
  const doc: Record<string, YamlValue> = {
    artifact_uri: meta.artifactUri,
    end_time: meta.endTime,
    entry_point_name: '',
    experiment_id: meta.experimentId,
    lifecycle_stage: meta.lifecycleStage,
    run_id: meta.runId,
    run_name: meta.runName,
    source_name: '',
    source_type: 4,
    source_version: '',
    start_time: meta.startTime,
    status: RUN_STATUS_NUMBER[meta.status],
    tags: [],
    user_id: meta.userId,
  };
  if (meta.lifecycleStage === 'deleted') doc.deleted_time = meta.deletedTime;
  else if (options.fresh) doc.deleted_time = null;
  return dumpYaml(doc);
}

// ------------------------------------------------------------------------------------------------
// Metric files

const INTEGER = /^[+-]?\d(?:_?\d)*$/u;

const SIMPLE_INTEGER = /^-?\d{1,15}$/u;

function parseInteger(text: string, what: string, where: string): number {
  if (SIMPLE_INTEGER.test(text)) return Number(text);
  if (!INTEGER.test(text)) fail(where, `invalid ${what} ${describeValue(text)}.`);
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value)) fail(where, `${what} ${text} is outside ±2^53.`);
  return value;
}

/** One metric line as MLflow writes it: `<timestamp> <value> <step>\n`. */
export function formatMetricLine(timestamp: number, value: number, step: number): string {
  return `${timestamp} ${formatPythonFloat(value)} ${step}\n`;
}

/** The whole metric file for columns in logging order. */
export function serializeMetricFile(points: Pick<MetricPoints, 'timestamps' | 'values' | 'steps'>): string {
  const n = points.values.length;
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) lines[i] = formatMetricLine(points.timestamps[i]!, points.values[i]!, points.steps[i]!);
  return lines.join('');
}

/** Options of {@link parseMetricFile}. */
export interface MetricFileOptions {
  /** Longest accepted line in characters. Default 4096. */
  readonly maxLineLength?: number;
  /** Charged with the columns ({@link METRIC_POINT_BYTES} a point) before they are allocated. */
  readonly budget?: DecodeBudget;
}

/**
 * Reads a metric file. Lines are split on single spaces after trimming whitespace: 2 fields
 * (legacy `timestamp value`, step 0), 3 fields, or 5 fields (`… dataset_name dataset_digest`: the
 * real step is the third field — MLflow's own reader shows 0 there, a known MLflow bug). Values are
 * Python float text (`nan`, `inf`, `-inf`, `infinity` in any case; integers accepted). A final
 * newline is optional; an empty line elsewhere is malformed, as for MLflow.
 * Lines are read one at a time (no array of all lines), so memory is the text and the columns.
 * @param where File name for errors.
 * @throws `INVALID_PARAMETER_VALUE` naming `where` and the line number; `RESOURCE_EXHAUSTED` when
 * the columns would pass `options.budget`.
 */
export function parseMetricFile(key: string, text: string, where: string, options: MetricFileOptions = {}): MetricPoints {
  const maxLineLength = options.maxLineLength ?? 4096;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  let n = body === '' ? 0 : 1;
  for (let nl = body.indexOf('\n'); nl !== -1; nl = body.indexOf('\n', nl + 1)) n++;
  options.budget?.charge(n * METRIC_POINT_BYTES, where, `${n} metric points`);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const steps = new Float64Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const nl = body.indexOf('\n', start);
    const end = nl === -1 ? body.length : nl;
    const at = `${where} line ${i + 1}`;
    if (end - start > maxLineLength) fail(at, `line longer than ${maxLineLength} characters.`);
    const raw = body.slice(start, end);
    start = end + 1;
    const parts = raw.trim().split(' ');
    if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) {
      fail(at, `malformed metric line ${describeValue(raw)}: expected "timestamp value step".`);
    }
    const timestamp = parseInteger(parts[0]!, 'timestamp', at);
    if (timestamp < 0) fail(at, `timestamp ${timestamp} must not be negative.`);
    timestamps[i] = timestamp;
    values[i] = parseMetricValue(parts[1]!, at);
    steps[i] = parts.length >= 3 ? parseInteger(parts[2]!, 'step', at) : 0;
  }
  return { key, timestamps, values, steps };
}

// ------------------------------------------------------------------------------------------------
// Raw value files

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A raw value file: the exact UTF-8 bytes of the value, no newline added. */
export function encodeRawValue(value: string): Uint8Array {
  return UTF8_ENCODER.encode(value);
}

/**
 * Decodes UTF-8 text strictly (a BOM is kept as U+FEFF, as Python's `utf-8` codec does).
 * @throws `INVALID_PARAMETER_VALUE` naming `where` when the bytes are not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    fail(where, 'not valid UTF-8.');
  }
}

/**
 * Limits of a `meta.yaml`: MLflow writes them with PyYAML from fresh dicts, so they never hold
 * anchors or aliases, and even an experiment's stale `tags:` mapping stays far below 256 KiB.
 */
const META_YAML_LIMITS: ParseYamlOptions = { maxAliases: 0, maxLength: 256 * 1024 };

/** Decodes a UTF-8 `meta.yaml` and reads it (no anchors or aliases, at most 256 KiB); an empty file reads as null. */
export function readYamlEntry(bytes: Uint8Array, where: string): unknown {
  let text = decodeUtf8(bytes, where);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return parseYaml(text, where, META_YAML_LIMITS);
}

// ------------------------------------------------------------------------------------------------
// Registry (spec §2): the core registry records (`core/registry/entities.ts`) read from and
// written to `models/`, exactly as MLflow's file-based registry writes them.

/** A registered model read from a bundle, with where it came from (for errors and reports). */
export interface RegisteredModelEntry {
  /** The model's folder (`models/<name>`) or `model.json` path, relative to the tree root. */
  readonly path: string;
  readonly record: RegisteredModelRecord;
}

/** What a registered model `meta.yaml` holds (tags, aliases and versions live in folders). */
export type RegisteredModelMeta = Pick<RegisteredModelRecord, 'name' | 'creationTimestamp' | 'lastUpdatedTimestamp' | 'description'>;

/** What a `version-<n>/meta.yaml` holds: the version record without tags, and its model's name. */
export interface ModelVersionMeta {
  readonly name: string;
  readonly version: Omit<ModelVersionRecord, 'tags'>;
}

/**
 * A registered model name as MLflow's layout allows it (it is a folder name).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry`.
 */
export function readModelName(value: unknown, entry: string): string {
  try {
    assertModelName(value);
  } catch (error) {
    fail(entry, error instanceof Error ? error.message : String(error));
  }
  return value;
}

/**
 * A stored stage: `None`, `Staging`, `Production`, `Archived` (any case, stored canonical) or
 * `Deleted_Internal` (a soft-deleted version); missing, null or `''` is `None`.
 * @throws `INVALID_PARAMETER_VALUE` naming `entry`.
 */
export function readStoredStage(value: unknown, entry: string, field = 'current_stage'): StoredModelStage {
  if (value === undefined || value === null || value === '') return 'None';
  if (value === DELETED_STAGE) return DELETED_STAGE;
  if (typeof value === 'string') {
    const canonical = MODEL_STAGES.find((s) => s.toLowerCase() === value.toLowerCase());
    if (canonical !== undefined) return canonical;
  }
  fail(entry, `field "${field}" must be one of ${[...MODEL_STAGES, DELETED_STAGE].join(', ')} (got ${describeValue(value)}).`);
}

const VERSION_STATUSES: ReadonlySet<unknown> = new Set(Object.values(ModelVersionStatus));

/**
 * A model version status; missing, null or `''` is `READY` (what the file store always writes).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry`.
 */
export function readVersionStatus(value: unknown, entry: string, field = 'status'): ModelVersionStatus {
  if (value === undefined || value === null || value === '') return 'READY';
  if (!VERSION_STATUSES.has(value)) {
    fail(entry, `field "${field}" must be one of ${[...VERSION_STATUSES].join(', ')} (got ${describeValue(value)}).`);
  }
  return value as ModelVersionStatus;
}

/**
 * A version number: a positive integer, or its decimal string (REST payloads).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry`.
 */
export function readVersionNumber(value: unknown, entry: string, field = 'version'): number {
  const n = typeof value === 'string' && /^\d{1,15}$/u.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    fail(entry, `field "${field}" must be a positive integer (got ${describeValue(value)}).`);
  }
  return n;
}

/**
 * Checks an alias of a model: a valid alias name pointing at a version that exists and is not
 * soft-deleted (MLflow removes the aliases of a version it deletes).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry`.
 */
export function checkAlias(alias: string, version: number, versions: readonly ModelVersionRecord[], entry: string): void {
  try {
    assertAlias(alias);
  } catch (error) {
    fail(entry, error instanceof Error ? error.message : String(error));
  }
  const target = versions.find((v) => v.version === version);
  if (target === undefined) fail(entry, `alias ${describeValue(alias)} points at version ${version}, which does not exist.`);
  if (target.currentStage === DELETED_STAGE) fail(entry, `alias ${describeValue(alias)} points at version ${version}, which is deleted.`);
}

/** Milliseconds that must be there; a missing `last_updated_timestamp` falls back to creation. */
function requiredMs(map: Record<string, unknown>, key: string, entry: string): number {
  const value = optionalMs(map, key, entry);
  if (value === null) fail(entry, `field "${key}" is required.`);
  return value;
}

/**
 * Reads a registered model `meta.yaml`. The stale `aliases:` mapping is ignored (the `aliases/`
 * folder is the source of truth); missing `deployment_job_*` keys are fine; `''` and null
 * descriptions are alike.
 */
export function readRegisteredModelMeta(data: unknown, entry: string): RegisteredModelMeta {
  const map = asMapping(data, entry);
  const creationTimestamp = requiredMs(map, 'creation_timestamp', entry);
  return {
    name: readModelName(field(map, 'name'), entry),
    creationTimestamp,
    lastUpdatedTimestamp: optionalMs(map, 'last_updated_timestamp', entry) ?? creationTimestamp,
    description: optionalStr(map, 'description', entry),
  };
}

/** Reads a `version-<n>/meta.yaml`; `''` and null are read alike for optional strings. */
export function readModelVersionMeta(data: unknown, entry: string): ModelVersionMeta {
  const map = asMapping(data, entry);
  const creationTimestamp = requiredMs(map, 'creation_timestamp', entry);
  const source = optionalStr(map, 'source', entry);
  if (source === null) fail(entry, 'field "source" is required.');
  return {
    name: str(map, 'name', entry),
    version: {
      version: readVersionNumber(field(map, 'version'), entry),
      creationTimestamp,
      lastUpdatedTimestamp: optionalMs(map, 'last_updated_timestamp', entry) ?? creationTimestamp,
      userId: optionalStr(map, 'user_id', entry),
      currentStage: readStoredStage(field(map, 'current_stage'), entry),
      description: optionalStr(map, 'description', entry),
      source,
      runId: optionalStr(map, 'run_id', entry),
      runLink: optionalStr(map, 'run_link', entry),
      status: readVersionStatus(field(map, 'status'), entry),
      statusMessage: optionalStr(map, 'status_message', entry),
      modelId: optionalStr(map, 'model_id', entry),
      storageLocation: optionalStr(map, 'storage_location', entry),
    },
  };
}

/**
 * The bytes MLflow writes for a registered model `meta.yaml`, with the `aliases:` cache holding
 * the model's aliases (MLflow rewrites the file on every alias change, so the cache is current
 * unless a version was deleted after — a state this writer cannot know).
 */
export function serializeRegisteredModelMeta(model: RegisteredModelRecord): string {
  const aliases: Record<string, YamlValue> = {};
  for (const [alias, version] of Object.entries(model.aliases)) aliases[alias] = String(version);
  return dumpYaml({
    aliases,
    creation_timestamp: model.creationTimestamp,
    deployment_job_id: null,
    deployment_job_state: null,
    description: model.description,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    name: model.name,
  });
}

/** The bytes MLflow writes for a `version-<n>/meta.yaml` of model `modelName` (`version` an int). */
export function serializeModelVersionMeta(modelName: string, version: ModelVersionRecord): string {
  return dumpYaml({
    creation_timestamp: version.creationTimestamp,
    current_stage: version.currentStage,
    deployment_job_state: null,
    description: version.description,
    last_updated_timestamp: version.lastUpdatedTimestamp,
    model_id: version.modelId,
    name: modelName,
    run_id: version.runId,
    run_link: version.runLink,
    source: version.source,
    status: version.status,
    status_message: version.statusMessage,
    storage_location: version.storageLocation,
    user_id: version.userId,
    version: version.version,
  });
}

/**
 * Every file MLflow's registry holds for one model (paths relative to the store root): the model's
 * `meta.yaml`, `tags/<key>`, `aliases/<alias>` (the version number), and for every version —
 * soft-deleted ones included — `version-<n>/meta.yaml` and `version-<n>/tags/<key>`.
 * @throws `INVALID_PARAMETER_VALUE` when the model cannot be written as files (a bad name, tag keys
 * such as `a` and `a/b` that cannot coexist, an alias to a missing version).
 */
export function registeredModelFiles(model: RegisteredModelRecord): { readonly path: string; readonly text: string }[] {
  const folder = registeredModelFolder(readModelName(model.name, `registered model ${describeValue(model.name)}`));
  const where = `registered model ${model.name}`;
  const coexist = (keys: Iterable<string>, what: string): void => {
    const conflict = findKeyPathConflict(keys);
    if (conflict) {
      fail(where, `${what} keys ${describeValue(conflict[0])} and ${describeValue(conflict[1])} cannot both be files (the first would have to be a folder).`);
    }
  };
  coexist(Object.keys(model.tags), 'tag');
  const out: { path: string; text: string }[] = [{ path: metaPath(folder), text: serializeRegisteredModelMeta(model) }];
  for (const [key, value] of Object.entries(model.tags)) out.push({ path: `${folder}/tags/${key}`, text: value });
  for (const [alias, version] of Object.entries(model.aliases)) {
    checkAlias(alias, version, model.versions, where);
    out.push({ path: `${folder}/aliases/${alias}`, text: String(version) });
  }
  for (const version of model.versions) {
    const dir = modelVersionFolder(model.name, version.version);
    coexist(Object.keys(version.tags), `version ${version.version} tag`);
    out.push({ path: metaPath(dir), text: serializeModelVersionMeta(model.name, version) });
    for (const [key, value] of Object.entries(version.tags)) out.push({ path: `${dir}/tags/${key}`, text: value });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Reading a whole tree

/** A file of a tree being read: its path relative to the store root and its size in bytes. */
export interface TreeFile {
  readonly path: string;
  readonly size: number;
}

/** An artifact found in a run folder; its bytes are read on demand. */
export interface ArtifactEntry {
  /** Path relative to the run's artifact root. */
  readonly path: string;
  /** Path of the file in the tree. */
  readonly entry: string;
  readonly size: number;
}

/** A run read from a tree. */
export interface RunRecord {
  readonly meta: RunMeta;
  /** Run name resolved with {@link resolveRunName}. */
  readonly runName: string;
  readonly folder: string;
  readonly params: Dict<string>;
  readonly tags: Dict<string>;
  readonly metrics: readonly MetricPoints[];
  readonly artifacts: readonly ArtifactEntry[];
}

/** An experiment read from a tree. */
export interface ExperimentRecord {
  readonly meta: ExperimentMeta;
  readonly folder: string;
  readonly tags: Dict<string>;
  readonly runs: readonly RunRecord[];
}

/** Something MLflow's reader would skip, and why. */
export interface SkippedItem {
  readonly path: string;
  readonly reason: string;
}

/** Everything read from a file-store tree. */
export interface FileStoreSnapshot {
  readonly experiments: readonly ExperimentRecord[];
  /** The model registry: every model with all its versions (soft-deleted ones included). */
  readonly registeredModels: readonly RegisteredModelEntry[];
  /** Folders MLflow's reader skips (no or empty meta.yaml, mismatched ids under `onMismatch: 'skip'`). */
  readonly skipped: readonly SkippedItem[];
  /**
   * Files that are valid MLflow data this reader does not import yet (dataset inputs, logged
   * models, traces, run inputs/outputs, stray files).
   */
  readonly unread: readonly string[];
}

/** Options of {@link readFileStoreTree}. */
export interface ReadTreeOptions {
  /**
   * What to do with an experiment whose `meta.yaml` id differs from its folder, a run whose
   * `experiment_id` differs from its experiment folder, or a run whose `run_id` differs from its
   * folder. `'skip'` does what MLflow's reader does for the first two (skip with a warning,
   * reported in `skipped`) and skips the third too (MLflow cannot find such a run by id);
   * `'reject'` (default) fails with `INVALID_PARAMETER_VALUE` naming the file.
   */
  readonly onMismatch?: 'skip' | 'reject';
  readonly maxLineLength?: number;
  /** Charged with decoded metric columns (see {@link MetricFileOptions.budget}). */
  readonly budget?: DecodeBudget;
  /** Called after each run is read. */
  readonly onRun?: (runId: string) => void;
}

interface FolderNode {
  readonly files: Map<string, TreeFile>;
  readonly folders: Map<string, FolderNode>;
}

function newFolder(): FolderNode {
  return { files: new Map(), folders: new Map() };
}

function buildTree(files: readonly TreeFile[]): FolderNode {
  const root = newFolder();
  for (const file of files) {
    const parts = file.path.split('/');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      let child = node.folders.get(part);
      if (!child) {
        child = newFolder();
        node.folders.set(part, child);
      }
      node = child;
    }
    node.files.set(parts[parts.length - 1]!, file);
  }
  return root;
}

function walkFiles(node: FolderNode, prefix: string, out: TreeFile[], keys?: string[]): void {
  for (const [name, file] of node.files) {
    out.push(file);
    keys?.push(prefix + name);
  }
  for (const [name, child] of node.folders) walkFiles(child, `${prefix}${name}/`, out, keys);
}

/** Files below a folder with their keys (relative paths). */
function filesBelow(node: FolderNode | undefined): { file: TreeFile; key: string }[] {
  if (!node) return [];
  const files: TreeFile[] = [];
  const keys: string[] = [];
  walkFiles(node, '', files, keys);
  return files.map((file, i) => ({ file, key: keys[i]! }));
}

async function readRawValues(
  node: FolderNode | undefined,
  read: (path: string) => Promise<Uint8Array>,
): Promise<Dict<string>> {
  const out = dict<string>();
  for (const { file, key } of filesBelow(node)) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(file.path, `invalid key ${describeValue(key)}: it ${problem}.`);
    out[key] = decodeUtf8(await read(file.path), file.path);
  }
  return out;
}

/**
 * Reads an `mlruns/` tree (paths relative to its root) the way MLflow's file stores do: every
 * folder of the root except `.trash` and `models` is an experiment candidate, every folder of
 * `.trash` a deleted one, and every folder of an experiment except `tags`, `datasets`, `traces` and
 * `models` a run candidate. Experiment folders without (or with an empty) `meta.yaml` are skipped
 * as MLflow skips them; run folders without `meta.yaml` are skipped silently; an empty run
 * `meta.yaml` is an error (it breaks MLflow's listing). Run ids must be unique across the tree.
 * The registry under `models/` is read into core registry records ({@link RegisteredModelEntry}),
 * names, stages, statuses and aliases checked (an alias must point at a live version). Artifacts
 * are listed, not read.
 * @param read Returns the bytes of a file of `files`.
 * @throws `INVALID_PARAMETER_VALUE` naming the offending file.
 */
export async function readFileStoreTree(
  files: readonly TreeFile[],
  read: (path: string) => Promise<Uint8Array>,
  options: ReadTreeOptions = {},
): Promise<FileStoreSnapshot> {
  const onMismatch = options.onMismatch ?? 'reject';
  const root = buildTree(files);
  const skipped: SkippedItem[] = [];
  const unread: string[] = [];
  const experiments: ExperimentRecord[] = [];
  const seenRuns = new Map<string, string>();
  const seenExperiments = new Map<string, string>();

  const mismatch = (path: string, reason: string): void => {
    if (onMismatch === 'reject') fail(path, reason);
    skipped.push({ path, reason });
  };

  const candidates: { folder: string; node: FolderNode; deleted: boolean }[] = [];
  for (const [name, node] of root.folders) {
    if (name === TRASH_FOLDER) {
      for (const [id, trashed] of node.folders) candidates.push({ folder: `${TRASH_FOLDER}/${id}`, node: trashed, deleted: true });
      for (const file of node.files.values()) unread.push(file.path);
    } else if (name !== MODELS_FOLDER) {
      candidates.push({ folder: name, node, deleted: false });
    }
  }
  for (const file of root.files.values()) unread.push(file.path);

  for (const candidate of candidates) {
    const folderName = candidate.folder.slice(candidate.folder.lastIndexOf('/') + 1);
    const metaFile = candidate.node.files.get(META_FILE);
    if (!metaFile || metaFile.size === 0) {
      skipped.push({ path: candidate.folder, reason: metaFile ? 'empty meta.yaml' : 'no meta.yaml' });
      continue;
    }
    const data = readYamlEntry(await read(metaFile.path), metaFile.path);
    if (data === null) {
      skipped.push({ path: candidate.folder, reason: 'empty meta.yaml' });
      continue;
    }
    const meta = readExperimentMeta(data, metaFile.path);
    if (meta.experimentId !== folderName) {
      mismatch(metaFile.path, `experiment_id ${describeValue(meta.experimentId)} does not match its folder ${describeValue(folderName)}.`);
      continue;
    }
    const previous = seenExperiments.get(meta.experimentId);
    if (previous !== undefined) fail(metaFile.path, `experiment ${meta.experimentId} is also in ${previous}.`);
    seenExperiments.set(meta.experimentId, candidate.folder);
    const tags = await readRawValues(candidate.node.folders.get('tags'), read);
    const runs: RunRecord[] = [];
    for (const [name, runNode] of candidate.node.folders) {
      if (RESERVED_EXPERIMENT_FOLDERS.has(name) && name !== 'tags') {
        const list: TreeFile[] = [];
        walkFiles(runNode, '', list);
        unread.push(...list.map((f) => f.path));
        continue;
      }
      if (name === 'tags') continue;
      const run = await readRunFolder(`${candidate.folder}/${name}`, name, runNode, meta, read, options, mismatch, unread);
      if (!run) continue;
      const seen = seenRuns.get(run.meta.runId);
      if (seen !== undefined) fail(metaPath(run.folder), `run ${run.meta.runId} is also in ${seen}.`);
      seenRuns.set(run.meta.runId, run.folder);
      runs.push(run);
      options.onRun?.(run.meta.runId);
    }
    for (const [name, file] of candidate.node.files) if (name !== META_FILE) unread.push(file.path);
    experiments.push({ meta, folder: candidate.folder, tags, runs });
  }

  const registeredModels: RegisteredModelEntry[] = [];
  const models = root.folders.get(MODELS_FOLDER);
  if (models) {
    for (const [name, node] of models.folders) {
      const model = await readRegisteredModelFolder(`${MODELS_FOLDER}/${name}`, name, node, read, skipped, unread);
      if (model) registeredModels.push({ path: `${MODELS_FOLDER}/${name}`, record: model });
    }
    for (const file of models.files.values()) unread.push(file.path);
  }
  return { experiments, registeredModels, skipped, unread };
}

async function readRunFolder(
  folder: string,
  folderName: string,
  node: FolderNode,
  experiment: ExperimentMeta,
  read: (path: string) => Promise<Uint8Array>,
  options: ReadTreeOptions,
  mismatch: (path: string, reason: string) => void,
  unread: string[],
): Promise<RunRecord | undefined> {
  const metaFile = node.files.get(META_FILE);
  if (!metaFile) {
    const list: TreeFile[] = [];
    walkFiles(node, '', list);
    unread.push(...list.map((f) => f.path));
    return undefined;
  }
  const data = readYamlEntry(await read(metaFile.path), metaFile.path);
  if (data === null) fail(metaFile.path, 'empty run meta.yaml (MLflow cannot list this experiment).');
  const meta = readRunMeta(data, metaFile.path);
  if (meta.experimentId !== experiment.experimentId) {
    mismatch(metaFile.path, `experiment_id ${describeValue(meta.experimentId)} does not match the experiment folder ${describeValue(experiment.experimentId)}.`);
    return undefined;
  }
  if (meta.runId !== folderName) {
    mismatch(metaFile.path, `run_id ${describeValue(meta.runId)} does not match its folder ${describeValue(folderName)}.`);
    return undefined;
  }
  const params = await readRawValues(node.folders.get(RunFileKind.PARAMS), read);
  const tags = await readRawValues(node.folders.get(RunFileKind.TAGS), read);
  const metrics: MetricPoints[] = [];
  for (const { file, key } of filesBelow(node.folders.get(RunFileKind.METRICS))) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(file.path, `invalid metric key ${describeValue(key)}: it ${problem}.`);
    const text = decodeUtf8(await read(file.path), file.path);
    metrics.push(parseMetricFile(key, text, file.path, { maxLineLength: options.maxLineLength, budget: options.budget }));
  }
  const artifacts: ArtifactEntry[] = [];
  for (const { file, key } of filesBelow(node.folders.get(RunFileKind.ARTIFACTS))) {
    const problem = artifactPathProblem(key);
    if (problem !== undefined) fail(file.path, `invalid artifact path ${describeValue(key)}: it ${problem}.`);
    artifacts.push({ path: key, entry: file.path, size: file.size });
  }
  for (const [name, file] of node.files) if (name !== META_FILE) unread.push(file.path);
  for (const [name, child] of node.folders) {
    if ((Object.values(RunFileKind) as string[]).includes(name)) continue;
    const list: TreeFile[] = [];
    walkFiles(child, '', list);
    unread.push(...list.map((f) => f.path));
  }
  return { meta, runName: resolveRunName(meta, tags), folder, params, tags, metrics, artifacts };
}

async function readRegisteredModelFolder(
  folder: string,
  folderName: string,
  node: FolderNode,
  read: (path: string) => Promise<Uint8Array>,
  skipped: SkippedItem[],
  unread: string[],
): Promise<RegisteredModelRecord | undefined> {
  const metaFile = node.files.get(META_FILE);
  readModelName(folderName, metaFile?.path ?? folder);
  const data = metaFile && metaFile.size > 0 ? readYamlEntry(await read(metaFile.path), metaFile.path) : null;
  if (!metaFile || data === null) {
    // MLflow's registry lists such a folder and then fails to read it; skip it, reported.
    skipped.push({ path: folder, reason: 'no meta.yaml' });
    return undefined;
  }
  const meta = readRegisteredModelMeta(data, metaFile.path);
  if (meta.name !== folderName) fail(metaFile.path, `name ${describeValue(meta.name)} does not match its folder ${describeValue(folderName)}.`);
  const tags = await readRawValues(node.folders.get('tags'), read);
  const versions: ModelVersionRecord[] = [];
  for (const [name, child] of node.folders) {
    if (name === 'tags' || name === 'aliases') continue;
    const versionMeta = child.files.get(META_FILE);
    if (!/^version-\d+$/u.test(name) || !versionMeta) {
      const list: TreeFile[] = [];
      walkFiles(child, '', list);
      unread.push(...list.map((f) => f.path));
      continue;
    }
    const vm = readModelVersionMeta(readYamlEntry(await read(versionMeta.path), versionMeta.path), versionMeta.path);
    if (`version-${vm.version.version}` !== name) {
      fail(versionMeta.path, `version ${vm.version.version} does not match its folder ${describeValue(name)}.`);
    }
    if (vm.name !== meta.name) fail(versionMeta.path, `name ${describeValue(vm.name)} is not the model's name ${describeValue(meta.name)}.`);
    versions.push({ ...vm.version, tags: await readRawValues(child.folders.get('tags'), read) });
    for (const [childName, file] of child.files) if (childName !== META_FILE) unread.push(file.path);
    for (const [childName, grandChild] of child.folders) {
      if (childName === 'tags') continue;
      const list: TreeFile[] = [];
      walkFiles(grandChild, '', list);
      unread.push(...list.map((f) => f.path));
    }
  }
  versions.sort((a, b) => a.version - b.version);
  const aliases = dict<number>();
  for (const { file, key } of filesBelow(node.folders.get('aliases'))) {
    const text = decodeUtf8(await read(file.path), file.path).trim();
    const version = /^\d{1,15}$/u.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(version) || version < 1) fail(file.path, `an alias file must hold a version number (got ${describeValue(text)}).`);
    checkAlias(key, version, versions, file.path);
    aliases[key] = version;
  }
  for (const [name, file] of node.files) if (name !== META_FILE) unread.push(file.path);
  return { ...meta, tags, aliases, versions };
}
