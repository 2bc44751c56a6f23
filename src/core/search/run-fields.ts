/**
 * How run search reads a run: {@link RunFields} gives one reader per key, so the filter, the order
 * and the paging (spec §6) are written once and run over {@link Run} objects as well as over rows
 * of a store's own columns (the IndexedDB run index), without building a `Run` per row.
 * @module
 */
import { NO_RUN_INPUTS, type DatasetInput } from '../datasets/entities.js';
import type { Dict, Run, RunInfo } from '../entities.js';
import { hasKey } from '../entities.js';
import type { RunStringAttribute } from './run-grammar.js';

/** A reader of one field of a row; null when the run lacks it. */
export type FieldReader<R, V> = (row: R) => V | null;

/**
 * The fields of rows of type `R` that run search reads. Each method is called once per query and
 * key, and the reader it returns once per row.
 */
export interface RunFields<R> {
  /** The latest value of metric `key`. */
  metric(key: string): FieldReader<R, number>;
  /** Param `key`. */
  param(key: string): FieldReader<R, string>;
  /** Tag `key`. */
  tag(key: string): FieldReader<R, string>;
  /** Field `key` of the run's info (never missing; `endTime` and `deletedTime` may be null). */
  info<K extends keyof RunInfo>(key: K): (row: R) => RunInfo[K];
  /** The run's MLflow 3 dataset inputs (empty when none). */
  datasetInputs(row: R): readonly DatasetInput[];
}

function entryReader<V>(read: (run: Run) => Dict<V>, key: string): FieldReader<Run, V> {
  return (run) => {
    const entries = read(run);
    return hasKey(entries, key) ? entries[key]! : null;
  };
}

/** {@link RunFields} of {@link Run} objects. */
export const RUN_OBJECT_FIELDS: RunFields<Run> = {
  metric: (key) => entryReader((run) => run.data.metrics, key),
  param: (key) => entryReader((run) => run.data.params, key),
  tag: (key) => entryReader((run) => run.data.tags, key),
  info: (key) => (run) => run.info[key],
  datasetInputs: (run) => run.inputs?.datasetInputs ?? NO_RUN_INPUTS.datasetInputs,
};

/** The info field of a string attribute of the filter and order grammars. */
export const STRING_ATTRIBUTE_FIELDS = {
  run_id: 'runId',
  run_name: 'runName',
  status: 'status',
  user_id: 'userId',
  artifact_uri: 'artifactUri',
} as const satisfies Record<RunStringAttribute, keyof RunInfo>;
