/**
 * The model registry (spec §2) in MLflow's file layout: the core registry records
 * (`core/registry/entities.ts`) read from and written to `models/`, exactly as MLflow's file-based
 * registry writes them.
 * @module
 */
import { describeValue } from '../../errors.js';
import {
  DELETED_STAGE,
  MODEL_STAGES,
  ModelVersionStatus,
  type ModelVersionRecord,
  type RegisteredModelRecord,
  type StoredModelStage,
} from '../../registry/entities.js';
import { assertAlias, assertModelName } from '../../registry/validation.js';
import { dumpYaml, type YamlValue } from '../yaml-dialect.js';
import { asMapping, fail, field, optionalMs, optionalStr, requiredMs, str } from './fields.js';
import { findKeyPathConflict, metaPath, modelVersionFolder, registeredModelFolder } from './paths.js';

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
