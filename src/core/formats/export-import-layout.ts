/**
 * The layout of mlflow-export-import (the second bundle format): `experiment.json` with
 * `runs/<run_id>/run.json` (params and tags as maps, metrics as full histories) and `artifacts/`,
 * `experiments.json` for bulk exports, and `model.json` for registered models. Every JSON file has
 * `system` (who/when), often `info`, and `mlflow` (the REST payload) sections.
 *
 * Identity, as mlflow-export-import's own importer decides it: in a bulk export the experiment id
 * and name come from `experiments.json` and the folder named by the id; in a single export from
 * `experiment.json`. A run is the folder listed in `experiment.json` `runs`; the `run_id` inside
 * `run.json` is informational (real exports disagree with their folders, and the tool always
 * creates new runs).
 * @module
 */
import { dict, RunStatus, type Dict } from '../entities.js';
import { DELETED_STAGE, type ModelVersionRecord, type RegisteredModelRecord } from '../registry/entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { parseExperimentId, parseRunId, type ExperimentId, type RunId } from '../ids.js';
import { artifactPathProblem, assertMetricValue, assertStep, assertTimestamp, keyProblem } from '../validation.js';
import {
  checkAlias,
  decodeUtf8,
  readModelName,
  readStoredStage,
  readVersionNumber,
  readVersionStatus,
  type ArtifactEntry,
  type ExperimentRecord,
  type FileStoreSnapshot,
  type MetricPoints,
  type RegisteredModelEntry,
  type RunRecord,
  type SkippedItem,
  type TreeFile,
} from './file-store/index.js';
import { METRIC_POINT_BYTES, type DecodeBudget } from './decode-budget.js';
import { parsePythonJson, pythonJson } from './python-json.js';

/** Marks this layout in `system.package_version` of what edgeflow writes. */
export const EXPORT_IMPORT_WRITER = 'edgeflow';

function fail(entry: string, message: string): never {
  throw EdgeflowError.invalidParameterValue(`${entry}: ${message}`, { details: { entry } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function mapping(value: unknown, entry: string, what: string): Record<string, unknown> {
  if (!isRecord(value)) fail(entry, `${what} must be an object (got ${describeValue(value)}).`);
  return value;
}

function optionalMs(map: Record<string, unknown>, key: string, entry: string): number | null {
  const value = own(map, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(entry, `"${key}" must be a whole number of milliseconds (got ${describeValue(value)}).`);
  }
  return value;
}

function optionalString(map: Record<string, unknown>, key: string, entry: string): string | null {
  const value = own(map, key);
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') fail(entry, `"${key}" must be a string (got ${describeValue(value)}).`);
  return value;
}

function stringMap(value: unknown, entry: string, what: string, checkKeys: boolean): Dict<string> {
  const out = dict<string>();
  if (value === undefined || value === null) return out;
  // Older exports write tags as a list of {key, value}.
  if (Array.isArray(value)) {
    for (const item of value) {
      const kv = mapping(item, entry, `an item of ${what}`);
      const key = own(kv, 'key');
      const v = own(kv, 'value');
      if (typeof key !== 'string' || typeof v !== 'string') fail(entry, `${what} items need string "key" and "value".`);
      out[key] = v;
    }
  } else {
    for (const [key, v] of Object.entries(mapping(value, entry, what))) {
      if (typeof v !== 'string') fail(entry, `${what}.${key} must be a string (got ${describeValue(v)}).`);
      out[key] = v;
    }
  }
  if (checkKeys) {
    for (const key of Object.keys(out)) {
      const problem = keyProblem(key);
      if (problem !== undefined) fail(entry, `invalid key ${describeValue(key)} in ${what}: it ${problem}.`);
    }
  }
  return out;
}

const STATUSES = new Set<string>(Object.values(RunStatus));

async function readJson(path: string, read: (p: string) => Promise<Uint8Array>): Promise<Record<string, unknown>> {
  const data = parsePythonJson(decodeUtf8(await read(path), path), path);
  return mapping(data, path, 'the document');
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** True when `files` look like an mlflow-export-import export (an `experiment.json` or `model.json`). */
export function isExportImportLayout(files: readonly TreeFile[]): boolean {
  return files.some((f) => /(^|\/)(experiment|model)\.json$/u.test(f.path));
}

/**
 * Reads an mlflow-export-import tree into the same records as the file-store reader.
 * @throws `INVALID_PARAMETER_VALUE` naming the offending file.
 */
export async function readExportImportTree(
  files: readonly TreeFile[],
  read: (path: string) => Promise<Uint8Array>,
  options: { readonly onRun?: (runId: string) => void; readonly budget?: DecodeBudget } = {},
): Promise<FileStoreSnapshot> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const skipped: SkippedItem[] = [];
  const used = new Set<string>();
  const experiments: ExperimentRecord[] = [];
  const seenRuns = new Map<string, string>();
  const listings = new Map<string, Map<string, string>>();

  for (const file of files) {
    if (!/(^|\/)experiments\.json$/u.test(file.path)) continue;
    used.add(file.path);
    const doc = await readJson(file.path, read);
    const list = own(mapping(own(doc, 'mlflow'), file.path, '"mlflow"'), 'experiments');
    if (!Array.isArray(list)) fail(file.path, '"mlflow.experiments" must be a list.');
    const names = new Map<string, string>();
    for (const item of list) {
      const exp = mapping(item, file.path, 'an experiment');
      const id = own(exp, 'id');
      const name = own(exp, 'name');
      if (typeof id !== 'string' || typeof name !== 'string') fail(file.path, 'experiments need string "id" and "name".');
      names.set(id, name);
    }
    listings.set(dirname(file.path), names);
  }

  for (const file of files) {
    if (!/(^|\/)experiment\.json$/u.test(file.path)) continue;
    used.add(file.path);
    const dir = dirname(file.path);
    const doc = await readJson(file.path, read);
    const body = mapping(own(doc, 'mlflow'), file.path, '"mlflow"');
    const exp = mapping(own(body, 'experiment'), file.path, '"mlflow.experiment"');
    const listing = listings.get(dirname(dir));
    const folderId = dir.slice(dir.lastIndexOf('/') + 1);
    const listedName = listing?.get(folderId);
    const rawId = listedName !== undefined ? folderId : own(exp, 'experiment_id');
    let experimentId: ExperimentId;
    try {
      experimentId = parseExperimentId(rawId);
    } catch {
      fail(file.path, `invalid experiment id ${describeValue(rawId)}.`);
    }
    const name = listedName ?? own(exp, 'name');
    if (typeof name !== 'string' || name === '') fail(file.path, '"name" must be a non-empty string.');
    const stage = own(exp, 'lifecycle_stage') ?? 'active';
    if (stage !== 'active' && stage !== 'deleted') fail(file.path, `invalid lifecycle_stage ${describeValue(stage)}.`);
    const runIds = own(body, 'runs') ?? [];
    if (!Array.isArray(runIds)) fail(file.path, '"mlflow.runs" must be a list of run ids.');
    const runs: RunRecord[] = [];
    for (const rawRunId of runIds) {
      let runId: RunId;
      try {
        runId = parseRunId(rawRunId);
      } catch {
        fail(file.path, `invalid run id ${describeValue(rawRunId)} in "mlflow.runs".`);
      }
      const runDir = [join(dir, `runs/${runId}`), join(dir, runId)].find((d) => byPath.has(`${d}/run.json`));
      if (runDir === undefined) fail(join(dir, `runs/${runId}/run.json`), 'listed in experiment.json but missing.');
      const previous = seenRuns.get(runId);
      if (previous !== undefined) fail(`${runDir}/run.json`, `run ${runId} is also in ${previous}.`);
      seenRuns.set(runId, runDir);
      used.add(`${runDir}/run.json`);
      runs.push(await readRunJson(runDir, runId, experimentId, files, read, used, options.budget));
      options.onRun?.(runId);
    }
    experiments.push({
      meta: {
        experimentId,
        name,
        artifactLocation: optionalString(exp, 'artifact_location', file.path) ?? '',
        lifecycleStage: stage,
        creationTime: optionalMs(exp, 'creation_time', file.path),
        lastUpdateTime: optionalMs(exp, 'last_update_time', file.path),
      },
      folder: dir,
      tags: stringMap(own(exp, 'tags'), file.path, '"tags"', true),
      runs,
      loggedModels: [],
      datasets: new Map(),
    });
  }

  const registeredModels: RegisteredModelEntry[] = [];
  const modelPaths = new Map<string, string>();
  for (const file of files) {
    // `models.json` (a bulk export's list of models) holds nothing the model.json files do not.
    // Artifacts of the runs read above (a run may log a file named model.json) are not models.
    if (used.has(file.path)) continue;
    if (/(^|\/)models\.json$/u.test(file.path)) used.add(file.path);
    if (!/(^|\/)model\.json$/u.test(file.path)) continue;
    used.add(file.path);
    const record = readModelJson(await readJson(file.path, read), file.path);
    const previous = modelPaths.get(record.name);
    if (previous !== undefined) fail(file.path, `registered model ${describeValue(record.name)} is also in ${previous}.`);
    modelPaths.set(record.name, file.path);
    registeredModels.push({ path: file.path, record });
  }
  const unread = files.filter((f) => !used.has(f.path) && !f.path.includes('/artifacts/')).map((f) => f.path);
  return { experiments, registeredModels, skipped, unread };
}

async function readRunJson(
  runDir: string,
  runId: RunId,
  experimentId: ExperimentId,
  files: readonly TreeFile[],
  read: (path: string) => Promise<Uint8Array>,
  used: Set<string>,
  budget: DecodeBudget | undefined,
): Promise<RunRecord> {
  const path = `${runDir}/run.json`;
  const doc = await readJson(path, read);
  const body = mapping(own(doc, 'mlflow'), path, '"mlflow"');
  const info = mapping(own(body, 'info'), path, '"mlflow.info"');
  const status = own(info, 'status') ?? 'RUNNING';
  if (typeof status !== 'string' || !STATUSES.has(status)) fail(path, `invalid status ${describeValue(status)}.`);
  const stage = own(info, 'lifecycle_stage') ?? 'active';
  if (stage !== 'active' && stage !== 'deleted') fail(path, `invalid lifecycle_stage ${describeValue(stage)}.`);
  const startTime = optionalMs(info, 'start_time', path);
  if (startTime === null) fail(path, '"start_time" is required.');
  const userId = own(info, 'user_id') ?? '';
  if (typeof userId !== 'string') fail(path, '"user_id" must be a string.');
  const params = stringMap(own(body, 'params'), path, '"params"', true);
  const tags = stringMap(own(body, 'tags'), path, '"tags"', true);
  const metrics: MetricPoints[] = [];
  const metricMap = own(body, 'metrics') ?? {};
  for (const [key, history] of Object.entries(mapping(metricMap, path, '"metrics"'))) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(path, `invalid metric key ${describeValue(key)}: it ${problem}.`);
    if (!Array.isArray(history)) fail(path, `metrics.${key} must be a list of points.`);
    const n = history.length;
    budget?.charge(n * METRIC_POINT_BYTES, path, `${n} points of metric ${describeValue(key)}`);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    const steps = new Float64Array(n);
    history.forEach((point: unknown, i) => {
      const p = mapping(point, path, `metrics.${key}[${i}]`);
      const value = own(p, 'value');
      const timestamp = own(p, 'timestamp');
      const step = own(p, 'step') ?? 0;
      // The client's own checks, each failure naming the file and the point.
      const checked = (check: () => void): void => {
        try {
          check();
        } catch (error) {
          fail(path, `metrics.${key}[${i}]: ${(error as Error).message}`);
        }
      };
      checked(() => assertMetricValue(key, value));
      checked(() => assertTimestamp(key, timestamp));
      checked(() => assertStep(key, step));
      timestamps[i] = timestamp as number;
      values[i] = value as number;
      steps[i] = step as number;
    });
    metrics.push({ key, timestamps, values, steps });
  }
  const artifacts: ArtifactEntry[] = [];
  const prefix = `${runDir}/artifacts/`;
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const rel = file.path.slice(prefix.length);
    const problem = artifactPathProblem(rel);
    if (problem !== undefined) fail(file.path, `invalid artifact path ${describeValue(rel)}: it ${problem}.`);
    used.add(file.path);
    artifacts.push({ path: rel, entry: file.path, size: file.size });
  }
  const runName = own(info, 'run_name');
  const name = typeof runName === 'string' && runName !== '' ? runName : (tags['mlflow.runName'] ?? '');
  return {
    meta: {
      runId,
      experimentId,
      runName: name,
      userId,
      status: status as RunStatus,
      startTime,
      endTime: optionalMs(info, 'end_time', path),
      artifactUri: optionalString(info, 'artifact_uri', path) ?? '',
      lifecycleStage: stage,
      deletedTime: optionalMs(info, 'deleted_time', path),
    },
    runName: name,
    folder: runDir,
    params,
    tags,
    metrics,
    artifacts,
  };
}

function requiredMs(map: Record<string, unknown>, key: string, entry: string): number {
  const value = optionalMs(map, key, entry);
  if (value === null) fail(entry, `"${key}" is required.`);
  return value;
}

/**
 * Reads a `model.json`: the registered model (name, times, description, tags as a list or map,
 * aliases as `[{alias, version}]`) and its versions — `versions` (all, tool ≥ 1.2) or
 * `latest_versions` (older exports: the latest per stage). Version fields arrive as the REST API
 * gives them: `version` as a string, `''` for absent strings; aliases listed on a version count
 * too. Fields the tool adds (`_run_artifact_uri`, `_download_uri`, …) are ignored.
 */
function readModelJson(doc: Record<string, unknown>, path: string): RegisteredModelRecord {
  const body = mapping(own(doc, 'mlflow'), path, '"mlflow"');
  const model = mapping(own(body, 'registered_model'), path, '"mlflow.registered_model"');
  const name = readModelName(own(model, 'name'), path);
  const rawVersions = own(model, 'versions') ?? own(model, 'latest_versions') ?? [];
  if (!Array.isArray(rawVersions)) fail(path, '"versions" must be a list.');
  const aliasList: { alias: unknown; version: unknown; where: string }[] = [];
  const seen = new Set<number>();
  const versions: ModelVersionRecord[] = rawVersions.map((item: unknown, i) => {
    const where = `versions[${i}]`;
    const v = mapping(item, path, where);
    const version = readVersionNumber(own(v, 'version'), path, `${where}.version`);
    if (seen.has(version)) fail(path, `version ${version} is listed twice.`);
    seen.add(version);
    const source = optionalString(v, 'source', path);
    if (source === null) fail(path, `${where}.source is required.`);
    const creationTimestamp = requiredMs(v, 'creation_timestamp', path);
    const versionAliases = own(v, 'aliases') ?? [];
    if (!Array.isArray(versionAliases)) fail(path, `${where}.aliases must be a list.`);
    for (const alias of versionAliases) aliasList.push({ alias, version, where: `${where}.aliases` });
    return {
      version,
      creationTimestamp,
      lastUpdatedTimestamp: optionalMs(v, 'last_updated_timestamp', path) ?? creationTimestamp,
      userId: optionalString(v, 'user_id', path),
      currentStage: readStoredStage(own(v, 'current_stage'), path, `${where}.current_stage`),
      description: optionalString(v, 'description', path),
      source,
      runId: optionalString(v, 'run_id', path),
      runLink: optionalString(v, 'run_link', path),
      status: readVersionStatus(own(v, 'status'), path, `${where}.status`),
      statusMessage: optionalString(v, 'status_message', path),
      modelId: optionalString(v, 'model_id', path),
      storageLocation: optionalString(v, 'storage_location', path),
      tags: stringMap(own(v, 'tags'), path, `${where}.tags`, true),
    };
  });
  versions.sort((a, b) => a.version - b.version);
  const rawAliases = own(model, 'aliases') ?? [];
  if (Array.isArray(rawAliases)) {
    for (const item of rawAliases) {
      const a = mapping(item, path, 'an alias');
      aliasList.push({ alias: own(a, 'alias'), version: own(a, 'version'), where: '"aliases"' });
    }
  } else {
    for (const [alias, version] of Object.entries(mapping(rawAliases, path, '"aliases"'))) aliasList.push({ alias, version, where: '"aliases"' });
  }
  const aliases = dict<number>();
  for (const { alias, version, where } of aliasList) {
    if (typeof alias !== 'string') fail(path, `${where}: alias names must be strings (got ${describeValue(alias)}).`);
    const number = readVersionNumber(version, path, `${where}.${alias}`);
    if (aliases[alias] !== undefined && aliases[alias] !== number) {
      fail(path, `alias ${describeValue(alias)} points at versions ${aliases[alias]} and ${number}.`);
    }
    checkAlias(alias, number, versions, path);
    aliases[alias] = number;
  }
  const creationTimestamp = requiredMs(model, 'creation_timestamp', path);
  return {
    name,
    creationTimestamp,
    lastUpdatedTimestamp: optionalMs(model, 'last_updated_timestamp', path) ?? creationTimestamp,
    description: optionalString(model, 'description', path),
    tags: stringMap(own(model, 'tags'), path, '"tags"', true),
    aliases,
    versions,
  };
}

// ------------------------------------------------------------------------------------------------
// Writing

function system(script: string, exportTimeMs: number): Record<string, unknown> {
  return {
    package_version: EXPORT_IMPORT_WRITER,
    script,
    export_time: Math.floor(exportTimeMs / 1000),
    _export_time: new Date(exportTimeMs).toISOString().slice(0, 19).replace('T', ' '),
  };
}

/** `experiments.json` of a bulk export. */
export function serializeExperimentsJson(
  experiments: readonly { readonly id: string; readonly name: string; readonly runs: number }[],
  exportTimeMs: number,
): string {
  return pythonJson(
    {
      system: system('export_experiments.py', exportTimeMs),
      info: { experiments: experiments.length, total_runs: experiments.reduce((n, e) => n + e.runs, 0) },
      mlflow: { experiments: experiments.map((e) => ({ id: e.id, name: e.name, ok_runs: e.runs, failed_runs: 0 })) },
    },
    { indent: 2 },
  );
}

/** `experiment.json`: the experiment and the ids of its exported runs. */
export function serializeExperimentJson(experiment: ExperimentRecord['meta'], tags: Dict<string>, runIds: readonly string[], exportTimeMs: number): string {
  return pythonJson(
    {
      system: system('export_experiment.py', exportTimeMs),
      info: { num_total_runs: runIds.length, num_ok_runs: runIds.length, num_failed_runs: 0, failed_runs: [] },
      mlflow: {
        experiment: {
          experiment_id: experiment.experimentId,
          name: experiment.name,
          artifact_location: experiment.artifactLocation,
          lifecycle_stage: experiment.lifecycleStage,
          tags: { ...tags },
          creation_time: experiment.creationTime,
          last_update_time: experiment.lastUpdateTime,
        },
        runs: runIds,
      },
    },
    { indent: 2 },
  );
}

/** `run.json`: run info, params, tags and full metric histories. */
export function serializeRunJson(
  run: Pick<RunRecord, 'meta' | 'params' | 'tags' | 'metrics'>,
  exportTimeMs: number,
): string {
  // A null-prototype map: a metric named `__proto__` is an ordinary key.
  const metrics = dict<unknown>();
  for (const m of run.metrics) {
    const points = new Array<unknown>(m.values.length);
    for (let i = 0; i < m.values.length; i++) points[i] = { value: m.values[i], timestamp: m.timestamps[i], step: m.steps[i] };
    metrics[m.key] = points;
  }
  const info = run.meta;
  return pythonJson(
    {
      system: system('export_run.py', exportTimeMs),
      mlflow: {
        info: {
          run_uuid: info.runId,
          run_id: info.runId,
          experiment_id: info.experimentId,
          user_id: info.userId,
          status: info.status,
          start_time: info.startTime,
          end_time: info.endTime,
          lifecycle_stage: info.lifecycleStage,
          artifact_uri: info.artifactUri,
          run_name: info.runName,
          ...(info.deletedTime !== null ? { deleted_time: info.deletedTime } : {}),
        },
        params: { ...run.params },
        metrics,
        tags: { ...run.tags },
      },
    },
    { indent: 2 },
  );
}

function timeText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Run facts the tool adds to each version of `model.json` (when the run is exported too). */
export interface ModelJsonRunInfo {
  readonly artifactUri: string;
  readonly experimentName: string;
}

/**
 * `model.json` as mlflow-export-import (≥ 1.2) writes it: the registered model with `aliases` as
 * `[{alias, version}]`, `tags` as `[{key, value}]`, and `versions` as the REST API returns them
 * (`version` a string, `''` for absent strings, per-version `aliases` and tag map), plus the
 * tool's `_`-prefixed helper fields. Soft-deleted versions are left out: the tool reads the
 * registry through the REST API, which never shows them.
 */
export function serializeModelJson(
  model: RegisteredModelRecord,
  exportTimeMs: number,
  runInfo: (runId: string) => ModelJsonRunInfo | undefined = () => undefined,
): string {
  const live = model.versions.filter((v) => v.currentStage !== DELETED_STAGE);
  const aliasesOf = (version: number): string[] =>
    Object.keys(model.aliases)
      .filter((a) => model.aliases[a] === version)
      .sort();
  const versions = live.map((v) => {
    const run = v.runId === null ? undefined : runInfo(v.runId);
    return {
      aliases: aliasesOf(v.version),
      creation_timestamp: v.creationTimestamp,
      current_stage: v.currentStage,
      description: v.description ?? '',
      last_updated_timestamp: v.lastUpdatedTimestamp,
      name: model.name,
      run_id: v.runId ?? '',
      run_link: v.runLink ?? '',
      source: v.source,
      status: v.status,
      status_message: v.statusMessage ?? '',
      tags: { ...v.tags },
      user_id: v.userId ?? '',
      version: String(v.version),
      ...(v.modelId !== null ? { model_id: v.modelId } : {}),
      ...(v.storageLocation !== null ? { storage_location: v.storageLocation } : {}),
      ...(run !== undefined ? { _run_artifact_uri: run.artifactUri, _experiment_name: run.experimentName } : {}),
      _download_uri: v.storageLocation ?? v.source,
      _creation_timestamp: timeText(v.creationTimestamp),
      _last_updated_timestamp: timeText(v.lastUpdatedTimestamp),
    };
  });
  return pythonJson(
    {
      system: system('export_model.py', exportTimeMs),
      info: {
        num_target_stages: 0,
        num_target_versions: 0,
        num_src_versions: live.length,
        num_dst_versions: live.length,
        failed_versions: [],
        export_latest_versions: false,
        export_permissions: false,
      },
      mlflow: {
        registered_model: {
          name: model.name,
          creation_timestamp: model.creationTimestamp,
          last_updated_timestamp: model.lastUpdatedTimestamp,
          ...(model.description !== null ? { description: model.description } : {}),
          aliases: Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
          _creation_timestamp: timeText(model.creationTimestamp),
          _last_updated_timestamp: timeText(model.lastUpdatedTimestamp),
          tags: Object.entries(model.tags).map(([key, value]) => ({ key, value })),
          versions,
        },
      },
    },
    { indent: 2 },
  );
}

/** `models/models.json` of a bulk export: the names of the exported models. */
export function serializeModelsJson(names: readonly string[], exportTimeMs: number): string {
  return pythonJson(
    {
      system: system('export_models.py', exportTimeMs),
      info: { num_total_models: names.length, num_ok_models: names.length, num_failed_models: 0, failed_models: [] },
      mlflow: { models: [...names] },
    },
    { indent: 2 },
  );
}
