/**
 * The tracking domain: experiments, runs, metrics, params, tags and their states, shaped like
 * MLflow's entities with camelCase names.
 * @module
 */
import type { RunInputs, RunOutputs } from './datasets/entities.js';
import type { ExperimentId, RunId } from './ids.js';

/** Run status (MLflow `RunStatus`); the integer is what the file store writes. */
export const RunStatus = {
  RUNNING: 'RUNNING',
  SCHEDULED: 'SCHEDULED',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
  KILLED: 'KILLED',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** File-store integers of each {@link RunStatus}. @internal */
export const RUN_STATUS_NUMBER: Readonly<Record<RunStatus, number>> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};

/** Statuses after which a run is over. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** Soft-delete state of experiments and runs. */
export const LifecycleStage = { ACTIVE: 'active', DELETED: 'deleted' } as const;
export type LifecycleStage = (typeof LifecycleStage)[keyof typeof LifecycleStage];

/** Which lifecycle stages a search returns. */
export const ViewType = { ACTIVE_ONLY: 'ACTIVE_ONLY', DELETED_ONLY: 'DELETED_ONLY', ALL: 'ALL' } as const;
export type ViewType = (typeof ViewType)[keyof typeof ViewType];

/** True when an item in `stage` is visible under `viewType`. */
export function isVisibleIn(viewType: ViewType, stage: LifecycleStage): boolean {
  switch (viewType) {
    case 'ACTIVE_ONLY':
      return stage === 'active';
    case 'DELETED_ONLY':
      return stage === 'deleted';
    case 'ALL':
      return true;
    default: {
      const unreachable: never = viewType;
      return unreachable;
    }
  }
}

/**
 * A string-keyed dictionary with no prototype, so that keys such as `__proto__` or `constructor`
 * (valid MLflow keys) are ordinary entries.
 */
export type Dict<V> = Record<string, V>;

/** Creates an empty {@link Dict}. @internal */
export function dict<V>(entries?: Iterable<readonly [string, V]>): Dict<V> {
  const out = Object.create(null) as Dict<V>;
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/** True when `d` has an own entry `key` (safe for null-prototype and cloned objects). @internal */
export function hasKey(d: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(d, key);
}

/** One metric measurement. */
export interface Metric {
  /** The metric's key. */
  readonly key: string;
  /** The value (NaN and ±Infinity included). */
  readonly value: number;
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** Integer step, may be negative; up to 2^53 in magnitude. */
  readonly step: number;
}

/** A key/value pair, used for params and tags in batches. */
export interface KeyValue {
  /** The key. */
  readonly key: string;
  /** The value as text. */
  readonly value: string;
}

/**
 * A metric history as columns, ready for charts (uPlot takes typed arrays) and cheap to move
 * across a worker boundary. Entries are in logging order.
 */
export interface MetricSeries {
  /** The metric's key. */
  readonly key: string;
  /** Step of each point. */
  readonly steps: Float64Array;
  /** Milliseconds since the Unix epoch of each point. */
  readonly timestamps: Float64Array;
  /** Value of each point (NaN and ±Infinity included). */
  readonly values: Float64Array;
}

/** Points of one metric key to append to a run, as columns of equal length. */
export interface MetricColumns {
  /** The metric's key. */
  readonly key: string;
  /** Step of each point. */
  readonly steps: Float64Array;
  /** Milliseconds since the Unix epoch of each point. */
  readonly timestamps: Float64Array;
  /** Value of each point (NaN and ±Infinity included). */
  readonly values: Float64Array;
}

/** An experiment. */
export interface Experiment {
  /** The experiment's id (`0` is the Default experiment). */
  readonly experimentId: ExperimentId;
  /** Unique among active and deleted experiments. */
  readonly name: string;
  /** Where its runs' artifacts go (a URI or path). */
  readonly artifactLocation: string;
  /** `active`, or `deleted` (soft-deleted, can be restored). */
  readonly lifecycleStage: LifecycleStage;
  /** ms; null for legacy experiments. */
  readonly creationTime: number | null;
  /** ms; null for legacy experiments. */
  readonly lastUpdateTime: number | null;
  /** Experiment tags. */
  readonly tags: Dict<string>;
}

/** Run metadata. */
export interface RunInfo {
  /** The run's id (32 hex digits for runs created here). */
  readonly runId: RunId;
  /** Display name (tag `mlflow.runName`). */
  readonly runName: string;
  /** The experiment the run belongs to. */
  readonly experimentId: ExperimentId;
  /** Who ran it (tag `mlflow.user`). */
  readonly userId: string;
  /** `RUNNING` until ended. */
  readonly status: RunStatus;
  /** ms */
  readonly startTime: number;
  /** ms, null while unfinished. */
  readonly endTime: number | null;
  /** Where the run's artifacts are (a URI or path). */
  readonly artifactUri: string;
  /** `active`, or `deleted` (read-only, can be restored). */
  readonly lifecycleStage: LifecycleStage;
  /** ms when the run was deleted; null when active. */
  readonly deletedTime: number | null;
}

/** A run's data: latest metric values, params and tags. */
export interface RunData {
  /** Latest value of each metric (highest step, then newest timestamp, then largest value). */
  readonly metrics: Dict<number>;
  /** The full latest measurement of each metric. */
  readonly latestMetrics: Dict<Metric>;
  /** Params as logged (immutable). */
  readonly params: Dict<string>;
  /** Tags, system tags (`mlflow.*`) included. */
  readonly tags: Dict<string>;
}

/** A run: metadata and data, as MLflow's `Run`. */
export interface Run {
  /** Metadata. */
  readonly info: RunInfo;
  /** Latest metrics, params and tags. */
  readonly data: RunData;
  /** MLflow 3 dataset and model inputs; absent when the run has none or the store holds none. */
  readonly inputs?: RunInputs;
  /** MLflow 3 model outputs; absent when the run has none or the store holds none. */
  readonly outputs?: RunOutputs;
}

/** A file or folder in a run's artifacts. */
export interface FileInfo {
  /** Path relative to the run's artifact root, `/`-separated. */
  readonly path: string;
  /** True for a folder. */
  readonly isDir: boolean;
  /** Bytes; undefined for folders. */
  readonly fileSize?: number;
}

/** One page of a paged listing. */
export interface Page<T> {
  /** This page's items, in order. */
  readonly items: T[];
  /** Opaque token for the next page; absent on the last page. */
  readonly nextPageToken?: string;
}

/**
 * Orders two measurements of the same metric as MLflow picks the latest: by step, then timestamp,
 * then value. Returns a positive number when `a` is later than `b`.
 */
export function compareMetricRecency(
  aStep: number,
  aTimestamp: number,
  aValue: number,
  bStep: number,
  bTimestamp: number,
  bValue: number,
): number {
  if (aStep !== bStep) return aStep - bStep;
  if (aTimestamp !== bTimestamp) return aTimestamp - bTimestamp;
  if (aValue > bValue) return 1;
  if (aValue < bValue) return -1;
  return 0;
}
