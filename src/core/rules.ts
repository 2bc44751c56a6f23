/**
 * The stateful rules of the tracking domain, written once and called by every backend: param
 * immutability, key-folder conflicts, read-only deleted runs, latest-metric semantics.
 * The conformance suite proves each backend applies them.
 * @module
 */
import { compareMetricRecency, hasKey, type Dict, type Experiment, type KeyValue, type Metric, type MetricColumns, type RunInfo } from './entities.js';
import { EdgeflowError, describeValue } from './errors.js';

/**
 * The keys of one kind (params, tags or metrics) of one run, with the folders they imply: a file
 * store writes key `a/b` as file `b` in folder `a`, so keys `a` and `a/b` cannot coexist.
 */
export class KeyIndex {
  private readonly __keys = new Set<string>();
  private readonly __folders = new Set<string>();

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.add(key);
  }

  has(key: string): boolean {
    return this.__keys.has(key);
  }

  /** The existing key that `key` cannot coexist with, or undefined. */
  conflictWith(key: string): string | undefined {
    if (this.__keys.has(key)) return undefined;
    if (this.__folders.has(key)) {
      for (const existing of this.__keys) if (existing.startsWith(`${key}/`)) return existing;
    }
    let slash = key.indexOf('/');
    while (slash !== -1) {
      const prefix = key.slice(0, slash);
      if (this.__keys.has(prefix)) return prefix;
      slash = key.indexOf('/', slash + 1);
    }
    return undefined;
  }

  add(key: string): void {
    if (this.__keys.has(key)) return;
    this.__keys.add(key);
    let slash = key.indexOf('/');
    while (slash !== -1) {
      this.__folders.add(key.slice(0, slash));
      slash = key.indexOf('/', slash + 1);
    }
  }

  delete(key: string): void {
    if (!this.__keys.delete(key)) return;
    this.__folders.clear();
    for (const k of this.__keys) {
      let slash = k.indexOf('/');
      while (slash !== -1) {
        this.__folders.add(k.slice(0, slash));
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

/** The latest point of `columns` merged with `current` (highest step, then timestamp, then value). */
export function latestOf(current: Metric | undefined, columns: MetricColumns): Metric | undefined {
  const { steps, timestamps, values, key } = columns;
  let best = -1;
  let bestStep = current?.step ?? 0;
  let bestTs = current?.timestamp ?? 0;
  let bestValue = current?.value ?? 0;
  let haveBest = current !== undefined;
  for (let i = 0; i < values.length; i++) {
    const s = steps[i]!;
    const t = timestamps[i]!;
    const v = values[i]!;
    if (!haveBest || compareMetricRecency(s, t, v, bestStep, bestTs, bestValue) > 0) {
      best = i;
      bestStep = s;
      bestTs = t;
      bestValue = v;
      haveBest = true;
    }
  }
  if (best === -1) return current;
  return { key, step: bestStep, timestamp: bestTs, value: bestValue };
}
