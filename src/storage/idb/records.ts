/**
 * Conversions between stored records and the entities the Store contract returns. Stored dicts
 * come back from IndexedDB (and from structured clone) as ordinary objects; these helpers turn them
 * into frozen null-prototype dicts so that keys such as `__proto__` or `constructor` are ordinary
 * entries and callers cannot mutate shared snapshots.
 * @module
 */
import { dict, type Dict, type Experiment, type Metric, type Run, type RunInfo } from '../../core/entities.js';
import type { ModelVersion, ModelVersionRecord, RegisteredModel, RegisteredModelRecord } from '../../core/registry/entities.js';
import type { LoggedModelRecord } from '../../core/logged-models/logged-model-store.js';
import type { RunId } from '../../core/ids.js';
import type { FirstStoredHeads, StoredHeads, StoredRun } from './schema.js';

/** A null-prototype copy of a stored (or cloned) dict. */
export function toDict<V>(value: Readonly<Record<string, V>> | undefined): Dict<V> {
  const out = dict<V>();
  if (value === undefined) return out;
  for (const key of Object.keys(value)) out[key] = value[key]!;
  return out;
}

/** A frozen experiment with a null-prototype tag dict. */
export function toExperiment(stored: Experiment): Experiment {
  return Object.freeze({ ...stored, tags: Object.freeze(toDict(stored.tags)) });
}

/** A frozen {@link Run} snapshot of a stored run. */
export function toRun(stored: StoredRun): Run {
  const metrics = dict<number>();
  const latestMetrics = dict<Metric>();
  for (const key of Object.keys(stored.latest)) {
    const metric = stored.latest[key]!;
    metrics[key] = metric.value;
    latestMetrics[key] = Object.freeze({ key: metric.key, value: metric.value, timestamp: metric.timestamp, step: metric.step });
  }
  return Object.freeze({
    info: Object.freeze({ ...stored.info }) as RunInfo,
    data: Object.freeze({
      metrics: Object.freeze(metrics),
      latestMetrics: Object.freeze(latestMetrics),
      params: Object.freeze(toDict(stored.params)),
      tags: Object.freeze(toDict(stored.tags)),
    }),
    ...(stored.inputs ? { inputs: stored.inputs } : {}),
    ...(stored.outputs === undefined || stored.outputs.length === 0 ? {} : { outputs: Object.freeze({ modelOutputs: Object.freeze([...stored.outputs]) }) }),
  });
}

/** A {@link Run} rebuilt after a structured clone (e.g. a worker hop): null-prototype dicts, frozen. */
export function reviveRun(run: Run): Run {
  return Object.freeze({
    info: Object.freeze(run.info),
    data: Object.freeze({
      metrics: Object.freeze(toDict(run.data.metrics)),
      latestMetrics: Object.freeze(toDict(run.data.latestMetrics)),
      params: Object.freeze(toDict(run.data.params)),
      tags: Object.freeze(toDict(run.data.tags)),
    }),
    ...(run.inputs === undefined ? {} : { inputs: run.inputs }),
    ...(run.outputs === undefined ? {} : { outputs: run.outputs }),
  });
}

/** A mutable working copy of a stored run (dicts as null-prototype objects). */
export function cloneStoredRun(stored: StoredRun): StoredRun {
  return {
    info: { ...stored.info },
    params: toDict(stored.params),
    tags: toDict(stored.tags),
    latest: toDict(stored.latest),
    seq: stored.seq,
    series: toDict(stored.series),
    ...(stored.batchIds === undefined ? {} : { batchIds: [...stored.batchIds] }),
    ...(stored.inputs === undefined ? {} : { inputs: stored.inputs }),
    ...(stored.outputs === undefined ? {} : { outputs: [...stored.outputs] }),
  };
}

/** The heads record of a run: each key's head (see `StoredHeads`) copied into one array. */
export function packHeads(runId: RunId, heads: Readonly<Dict<Float64Array>>): StoredHeads {
  const keys = Object.keys(heads);
  const ends: number[] = [];
  let total = 0;
  for (const key of keys) ends.push((total += heads[key]!.length));
  const points = new Float64Array(total);
  keys.forEach((key, i) => points.set(heads[key]!, i === 0 ? 0 : ends[i - 1]));
  return { runId, keys, ends, points };
}

/** A heads record as read from IndexedDB, packed (one written by the first v5 code is packed now). */
export function packedHeads(stored: StoredHeads | FirstStoredHeads | undefined): StoredHeads | undefined {
  return stored === undefined || !('series' in stored) ? stored : packHeads(stored.runId, stored.series);
}

/** Every head of a heads record, by key: views into its one array. */
export function unpackHeads(stored: StoredHeads): Dict<Float64Array> {
  const heads = dict<Float64Array>();
  stored.keys.forEach((key, i) => (heads[key] = headAt(stored, i)));
  return heads;
}

/** The head of `key` in a heads record (a view), undefined when it has none. */
export function headOf(stored: StoredHeads | undefined, key: string): Float64Array | undefined {
  const i = stored === undefined ? -1 : stored.keys.indexOf(key);
  return i < 0 ? undefined : headAt(stored!, i);
}

function headAt(stored: StoredHeads, i: number): Float64Array {
  return stored.points.subarray(i === 0 ? 0 : stored.ends[i - 1], stored.ends[i]);
}

/**
 * A registry record as it comes back from IndexedDB or a structured clone, with its dicts (tags,
 * aliases, version tags) turned back into null-prototype objects.
 */
export function reviveRegisteredModelRecord(stored: RegisteredModelRecord): RegisteredModelRecord {
  return {
    ...stored,
    tags: toDict(stored.tags),
    aliases: toDict(stored.aliases),
    versions: stored.versions.map((v): ModelVersionRecord => ({ ...v, tags: toDict(v.tags) })),
  };
}

/** A {@link ModelVersion} rebuilt after a structured clone (null-prototype tag dict). */
export function reviveModelVersion(version: ModelVersion): ModelVersion {
  return { ...version, tags: toDict(version.tags), aliases: [...version.aliases] };
}

/** A {@link RegisteredModel} rebuilt after a structured clone (null-prototype dicts). */
export function reviveRegisteredModel(model: RegisteredModel): RegisteredModel {
  return { ...model, tags: toDict(model.tags), aliases: toDict(model.aliases), latestVersions: model.latestVersions.map(reviveModelVersion) };
}

/** A logged-model record as it comes back from IndexedDB or a structured clone (null-prototype dicts). */
export function reviveLoggedModelRecord(stored: LoggedModelRecord): LoggedModelRecord {
  return { ...stored, tags: toDict(stored.tags), params: toDict(stored.params) };
}
