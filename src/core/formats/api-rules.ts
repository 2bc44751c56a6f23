/**
 * The tracking API's rules applied to records read from a bundle, so that nothing enters a store
 * by import (or shows in a read-only bundle store) that the client would refuse. Every check is a
 * core validator (`validation.ts`) or a core limit (`limits.ts`), never a copy: a rule added there
 * holds here too. Keys are already checked by the layout readers with the same `keyProblem`.
 *
 * Refused (`INVALID_PARAMETER_VALUE` naming the entry): experiment names the API refuses, experiment
 * tag values over 5000 characters, run names over 250 characters, lone surrogates in any name or
 * value (a JSON or YAML escape can write one; no store can keep it). Param values over 6000 and run
 * tag values over 8000 characters are truncated, as MLflow's client truncates them when logging
 * (`MLFLOW_TRUNCATE_LONG_VALUES`, what mlflow-export-import's importer stores), and reported.
 * @module
 */
import { dict, type Dict } from '../entities.js';
import { EdgeflowError, describeValue, isEdgeflowError } from '../errors.js';
import { MAX_PARAM_VALUE_LENGTH, MAX_RUN_NAME_LENGTH, MAX_TAG_VALUE_LENGTH } from '../limits.js';
import { assertExperimentName, assertExperimentTagValue, assertWellFormedText } from '../validation.js';
import type { ExperimentRecord, FileStoreSnapshot, RunRecord } from './file-store/index.js';

/** Where each record of a layout lives, for error messages and reports. */
export interface RecordEntries {
  /** The file holding an experiment's name (and, given `tagKey`, that tag). */
  experiment(folder: string, tagKey?: string): string;
  /** The file holding a run's name (no `key`), or its param or tag `key`. */
  run(folder: string, kind?: 'params' | 'tags', key?: string): string;
}

/** Entries of MLflow's file-store layout: `meta.yaml`, `tags/<key>`, `params/<key>`. */
export const FILE_STORE_ENTRIES: RecordEntries = {
  experiment: (folder, tagKey) => (tagKey === undefined ? `${folder}/meta.yaml` : `${folder}/tags/${tagKey}`),
  run: (folder, kind, key) => (kind === undefined || key === undefined ? `${folder}/meta.yaml` : `${folder}/${kind}/${key}`),
};

/** Entries of mlflow-export-import's layout: `experiment.json` and `run.json` hold everything. */
export const EXPORT_IMPORT_ENTRIES: RecordEntries = {
  experiment: (folder) => (folder === '' ? 'experiment.json' : `${folder}/experiment.json`),
  run: (folder) => `${folder}/run.json`,
};

/** A value shortened to the API's limit. */
export interface TruncatedValue {
  /** The entry it was read from. */
  readonly entry: string;
  /** Its length before truncation. */
  readonly length: number;
  readonly limit: number;
}

/** Runs a core validator; its error is re-thrown naming the entry first. */
function at(entry: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!isEdgeflowError(error)) throw error;
    throw new EdgeflowError(error.code, `${entry}: ${error.message}`, { details: { ...error.details, entry }, cause: error });
  }
}

function truncateValues(values: Dict<string>, limit: number, entryOf: (key: string) => string, truncated: TruncatedValue[]): Dict<string> {
  for (const [key, value] of Object.entries(values)) at(entryOf(key), () => assertWellFormedText(value, `value of ${describeValue(key)}`, 'value'));
  if (!Object.values(values).some((v) => v.length > limit)) return values;
  const out = dict<string>();
  for (const [key, value] of Object.entries(values)) {
    if (value.length > limit) truncated.push({ entry: entryOf(key), length: value.length, limit });
    out[key] = value.length > limit ? value.slice(0, limit) : value;
  }
  return out;
}

function checkRun(run: RunRecord, entries: RecordEntries, truncated: TruncatedValue[]): RunRecord {
  if (run.runName.length > MAX_RUN_NAME_LENGTH) {
    throw EdgeflowError.invalidParameterValue(
      `${entries.run(run.folder)}: the run name has ${run.runName.length} characters; at most ${MAX_RUN_NAME_LENGTH} are allowed.`,
      { details: { entry: entries.run(run.folder), field: 'runName' } },
    );
  }
  at(entries.run(run.folder), () => assertWellFormedText(run.runName, 'run name', 'runName'));
  at(entries.run(run.folder), () => assertWellFormedText(run.meta.userId, 'user id', 'userId'));
  const params = truncateValues(run.params, MAX_PARAM_VALUE_LENGTH, (key) => entries.run(run.folder, 'params', key), truncated);
  const tags = truncateValues(run.tags, MAX_TAG_VALUE_LENGTH, (key) => entries.run(run.folder, 'tags', key), truncated);
  return params === run.params && tags === run.tags ? run : { ...run, params, tags };
}

function checkExperiment(experiment: ExperimentRecord, entries: RecordEntries, truncated: TruncatedValue[]): ExperimentRecord {
  at(entries.experiment(experiment.folder), () => assertExperimentName(experiment.meta.name));
  for (const [key, value] of Object.entries(experiment.tags)) {
    at(entries.experiment(experiment.folder, key), () => {
      assertExperimentTagValue(key, value);
      assertWellFormedText(value, `value of experiment tag ${describeValue(key)}`, 'value');
    });
  }
  return { ...experiment, runs: experiment.runs.map((run) => checkRun(run, entries, truncated)) };
}

/**
 * The snapshot as the tracking API would store it: refuses what the API refuses, truncates what
 * MLflow's client truncates.
 * @param entries where records live in the snapshot's layout (for messages).
 * @throws `INVALID_PARAMETER_VALUE` naming the entry.
 */
export function applyApiRules(snapshot: FileStoreSnapshot, entries: RecordEntries): { snapshot: FileStoreSnapshot; truncated: TruncatedValue[] } {
  const truncated: TruncatedValue[] = [];
  const experiments = snapshot.experiments.map((e) => checkExperiment(e, entries, truncated));
  return { snapshot: { ...snapshot, experiments }, truncated };
}
