/**
 * The stateful rules of the tracking domain, written once and called by every backend: param
 * immutability, key-folder conflicts, read-only deleted runs, latest-metric semantics, the
 * protected Default experiment, unique experiment names, and the not-found and already-exists
 * errors with MLflow's messages. The conformance suite proves each backend applies them.
 * @module
 */
import { compareMetricRecency, dict, hasKey, type Dict, type Experiment, type KeyValue, type Metric, type MetricColumns, type RunInfo } from './entities.js';
import { EdgeflowError, describeValue } from './errors.js';
import { DEFAULT_EXPERIMENT_ID, type ExperimentId, type RunId } from './ids.js';
import type { CreateExperimentInput, CreateRunInput } from './store.js';
import { SystemTag } from './system-tags.js';

/**
 * The keys of one kind (params, tags or metrics) of one run, with the folders they imply: a file
 * store writes key `a/b` as file `b` in folder `a`, so keys `a` and `a/b` cannot coexist.
 */
export class KeyIndex {
  readonly #keys = new Set<string>();
  readonly #folders = new Set<string>();

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.add(key);
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** The existing key that `key` cannot coexist with, or undefined. */
  conflictWith(key: string): string | undefined {
    if (this.#keys.has(key)) return undefined;
    if (this.#folders.has(key)) {
      for (const existing of this.#keys) if (existing.startsWith(`${key}/`)) return existing;
    }
    let slash = key.indexOf('/');
    while (slash !== -1) {
      const prefix = key.slice(0, slash);
      if (this.#keys.has(prefix)) return prefix;
      slash = key.indexOf('/', slash + 1);
    }
    return undefined;
  }

  add(key: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    let slash = key.indexOf('/');
    while (slash !== -1) {
      this.#folders.add(key.slice(0, slash));
      slash = key.indexOf('/', slash + 1);
    }
  }

  delete(key: string): void {
    if (!this.#keys.delete(key)) return;
    this.#folders.clear();
    for (const k of this.#keys) {
      let slash = k.indexOf('/');
      while (slash !== -1) {
        this.#folders.add(k.slice(0, slash));
        slash = k.indexOf('/', slash + 1);
      }
    }
  }
}

/**
 * Throws `INVALID_PARAMETER_VALUE` when one of `newKeys` cannot coexist with an existing key or
 * with another new key (`a` and `a/b`).
 */
export function assertNoKeyConflicts(kind: 'metric' | 'param' | 'tag', index: KeyIndex, newKeys: Iterable<string>): void {
  const pending = new KeyIndex();
  for (const key of newKeys) {
    if (index.has(key) || pending.has(key)) continue;
    const conflict = index.conflictWith(key) ?? pending.conflictWith(key);
    if (conflict !== undefined) {
      throw EdgeflowError.invalidParameterValue(
        `Cannot log ${kind} ${describeValue(key)}: ${kind} ${describeValue(conflict)} already uses that name as a folder or file. ` +
          `MLflow's file layout stores "a/b" inside a folder "a", so keys "a" and "a/b" of one kind cannot coexist in a run.`,
        { details: { field: `${kind}.key`, key, conflictsWith: conflict } },
      );
    }
    pending.add(key);
  }
}

/**
 * Checks a batch of params against the run's logged params: the same value again is accepted,
 * another value is `INVALID_PARAMETER_VALUE`; duplicate keys inside one batch are rejected.
 * Returns the params that are new.
 */
export function newParamsOf(runId: string, existing: Dict<string>, params: readonly KeyValue[]): KeyValue[] {
  const seen = new Set<string>();
  const fresh: KeyValue[] = [];
  for (const { key, value } of params) {
    if (seen.has(key)) {
      throw EdgeflowError.invalidParameterValue(
        `Duplicate parameter key ${describeValue(key)} in one batch for run '${runId}'.`,
        { details: { field: 'params', key } },
      );
    }
    seen.add(key);
    if (hasKey(existing, key)) {
      const old = existing[key];
      if (old !== value) {
        throw EdgeflowError.invalidParameterValue(
          `Changing param values is not allowed. Param with key=${describeValue(key)} was already logged with ` +
            `value=${describeValue(old)} for run ID='${runId}'. Attempted logging new value ${describeValue(value)}.`,
          { details: { field: 'params', key, oldValue: old, newValue: value } },
        );
      }
      continue;
    }
    fresh.push({ key, value });
  }
  return fresh;
}

/** Throws unless the run is active: writes to a deleted run are `INVALID_PARAMETER_VALUE` (as MLflow). */
export function assertRunActive(info: RunInfo): void {
  if (info.lifecycleStage !== 'active') {
    throw EdgeflowError.invalidParameterValue(
      `The run ${info.runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`,
      { details: { field: 'run_id', runId: info.runId } },
    );
  }
}

/** Throws unless the experiment is active: creating runs in a deleted experiment is `INVALID_STATE`. */
export function assertExperimentActive(experiment: Experiment, action: string): void {
  if (experiment.lifecycleStage !== 'active') {
    throw EdgeflowError.invalidState(
      `Cannot ${action} in experiment ${experiment.experimentId} ('${experiment.name}'): it must be in the 'active' state; current state is ${experiment.lifecycleStage}.`,
      { details: { experimentId: experiment.experimentId } },
    );
  }
}

/**
 * The latest point of `columns` merged with `current` (highest step, then timestamp, then value;
 * on a tie the earlier one stays). Runs once per logged point in the stores: timestamps and values
 * are read only where steps tie.
 */
export function latestOf(current: Metric | undefined, columns: MetricColumns): Metric | undefined {
  const { steps, timestamps, values, key } = columns;
  /** Index of the latest point so far, -1 while `current` is the latest. */
  let best = -1;
  let bestStep = current?.step ?? 0;
  let haveBest = current !== undefined;
  for (let i = 0; i < values.length; i++) {
    const s = steps[i]!;
    if (haveBest) {
      if (s < bestStep) continue;
      if (s === bestStep) {
        const bestTs = best === -1 ? current!.timestamp : timestamps[best]!;
        const bestValue = best === -1 ? current!.value : values[best]!;
        if (compareMetricRecency(s, timestamps[i]!, values[i]!, bestStep, bestTs, bestValue) <= 0) continue;
      }
    }
    best = i;
    bestStep = s;
    haveBest = true;
  }
  if (best === -1) return current;
  return { key, step: bestStep, timestamp: timestamps[best]!, value: values[best]! };
}

// -------------------------------------------------------------------------------- new records

/**
 * A new experiment as every backend creates it: active, created now and last updated at creation,
 * unless `input` (an import's snapshot) gives those fields.
 */
export function newExperiment(input: CreateExperimentInput, experimentId: ExperimentId, artifactLocation: string): Experiment {
  const creationTime = input.creationTime ?? Date.now();
  const tags = dict<string>();
  for (const { key, value } of input.tags ?? []) tags[key] = value;
  return {
    experimentId,
    name: input.name,
    artifactLocation,
    lifecycleStage: input.lifecycleStage ?? 'active',
    creationTime,
    lastUpdateTime: input.lastUpdateTime === undefined ? creationTime : input.lastUpdateTime,
    tags,
  };
}

/**
 * The tags a new run starts with: `input.tags`, and its name in `mlflow.runName`. Throws
 * `INVALID_PARAMETER_VALUE` for keys that cannot coexist (`a` and `a/b`).
 */
export function initialRunTags(input: CreateRunInput): Dict<string> {
  const tags = dict<string>();
  for (const { key, value } of input.tags) tags[key] = value;
  tags[SystemTag.RUN_NAME] = input.runName;
  assertNoKeyConflicts('tag', new KeyIndex(), Object.keys(tags));
  return tags;
}

/**
 * The info of a new run as MLflow creates it: `RUNNING`, no end time, active; an import's
 * snapshot (`input`) may give status, end time, lifecycle stage and deletion time.
 */
export function newRunInfo(input: CreateRunInput, runId: RunId, artifactUri: string): RunInfo {
  const lifecycleStage = input.lifecycleStage ?? 'active';
  return {
    runId,
    runName: input.runName,
    experimentId: input.experimentId,
    userId: input.userId,
    status: input.status ?? 'RUNNING',
    startTime: input.startTime,
    endTime: input.endTime ?? null,
    artifactUri,
    lifecycleStage,
    deletedTime: lifecycleStage === 'deleted' ? (input.deletedTime ?? Date.now()) : null,
  };
}

// ------------------------------------------------------------------------ existence and names

/** `RESOURCE_DOES_NOT_EXIST` for an experiment id no experiment has, with MLflow's message. */
export function experimentNotFound(experimentId: string): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`No Experiment with id=${experimentId} exists`, { details: { experimentId } });
}

/** `RESOURCE_DOES_NOT_EXIST` for a run id no run has, with MLflow's message. */
export function runNotFound(runId: string): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`Run with id=${runId} not found`, { details: { runId } });
}

/** `RESOURCE_ALREADY_EXISTS` for an experiment created (imported) with an id another experiment has. */
export function experimentIdTaken(experimentId: string): EdgeflowError {
  return EdgeflowError.resourceAlreadyExists(`Experiment with ID '${experimentId}' already exists.`, { details: { experimentId } });
}

/** `RESOURCE_ALREADY_EXISTS` for a run created (imported) with an id another run has. */
export function runIdTaken(runId: string): EdgeflowError {
  return EdgeflowError.resourceAlreadyExists(`Run with ID '${runId}' already exists.`, { details: { runId } });
}

/**
 * Experiment names are unique across active and deleted experiments (as MLflow): throws
 * `RESOURCE_ALREADY_EXISTS` when `owner`, the experiment that holds `name` already, exists.
 */
export function assertExperimentNameFree(name: string, owner: Experiment | null | undefined): void {
  if (owner === null || owner === undefined) return;
  throw EdgeflowError.resourceAlreadyExists(
    owner.lifecycleStage === 'deleted'
      ? `Experiment ${describeValue(name)} already exists in deleted state. Restore it or permanently delete it first.`
      : `Experiment ${describeValue(name)} already exists.`,
    { details: { name, experimentId: owner.experimentId } },
  );
}

/** The Default experiment cannot be deleted: throws `INVALID_PARAMETER_VALUE` for its id. */
export function assertExperimentDeletable(experimentId: string): void {
  if (experimentId === DEFAULT_EXPERIMENT_ID) {
    throw EdgeflowError.invalidParameterValue(`Cannot delete the default experiment '${DEFAULT_EXPERIMENT_ID}'.`, { details: { experimentId } });
  }
}

/** Only a deleted experiment can be restored: throws `INVALID_PARAMETER_VALUE` otherwise. */
export function assertExperimentRestorable(experiment: Experiment): void {
  if (experiment.lifecycleStage !== 'deleted') {
    throw EdgeflowError.invalidParameterValue(
      `Cannot restore experiment ${experiment.experimentId}: it is not deleted (state: ${experiment.lifecycleStage}).`,
      { details: { experimentId: experiment.experimentId } },
    );
  }
}

/** Throws `RESOURCE_DOES_NOT_EXIST` unless experiment `experimentId` has tag `key` (in `tags`). */
export function assertExperimentTagExists(experimentId: string, tags: object, key: string): void {
  if (!hasKey(tags, key)) {
    throw EdgeflowError.resourceDoesNotExist(`No tag with name ${describeValue(key)} in experiment ${experimentId}.`, { details: { experimentId, key } });
  }
}

/** Throws `RESOURCE_DOES_NOT_EXIST` unless run `runId` has tag `key` (in `tags`). */
export function assertRunTagExists(runId: string, tags: object, key: string): void {
  if (!hasKey(tags, key)) {
    throw EdgeflowError.resourceDoesNotExist(`No tag with name ${describeValue(key)} in run with id ${runId}.`, { details: { runId, key } });
  }
}

// ---------------------------------------------------------------------------------- artifacts

/** `RESOURCE_DOES_NOT_EXIST` for reading artifact file `path` that run `runId` does not have. */
export function artifactFileNotFound(runId: string, path: string, cause?: unknown): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`No artifact file ${describeValue(path)} in run ${runId}.`, {
    details: { runId, path },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** `RESOURCE_DOES_NOT_EXIST` for deleting artifact `path` (a file or a folder) that run `runId` does not have. */
export function artifactNotFound(runId: string, path: string): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`No artifact ${describeValue(path)} in run ${runId}.`, { details: { runId, path } });
}

/** `INVALID_PARAMETER_VALUE` for writing artifact file `path` where a folder of that name is. */
export function artifactPathIsFolder(path: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(`Cannot write artifact ${describeValue(path)}: a folder of that name exists.`, { details: { path } });
}

/** `INVALID_PARAMETER_VALUE` for writing artifact file `path` below `file`, which is a file, not a folder. */
export function artifactPathUnderFile(path: string, file: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(`Cannot write artifact ${describeValue(path)}: ${describeValue(file)} is a file, not a folder.`, {
    details: { path },
  });
}
