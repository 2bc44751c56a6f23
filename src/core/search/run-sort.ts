/**
 * Run ordering (spec §6.2).
 * @module
 */
import type { Dict, Run } from '../entities.js';
import { hasKey } from '../entities.js';
import type { RunOrderClause } from './order-by.js';
import { parseOrderBy } from './order-by.js';
import type { RunNumericAttribute, RunStringAttribute } from './run-grammar.js';
import type { IndexComparator } from './sort-columns.js';
import { numberColumn, sortByColumns, stringColumn } from './sort-columns.js';

function entry<V>(entries: Dict<V>, key: string): V | null {
  return hasKey(entries, key) ? entries[key]! : null;
}

function clauseColumn(runs: readonly Run[], clause: RunOrderClause): IndexComparator {
  const { key, ascending } = clause;
  const n = runs.length;
  const run = (i: number): Run => runs[i]!;
  switch (clause.type) {
    case 'metric':
      return numberColumn(n, (i) => entry(run(i).data.metrics, key), ascending);
    case 'param':
      return stringColumn(n, (i) => entry(run(i).data.params, key), ascending);
    case 'tag':
      return stringColumn(n, (i) => entry(run(i).data.tags, key), ascending);
    case 'attribute':
      return attributeColumn(runs, clause.key, ascending);
    default: {
      const unreachable: never = clause;
      return unreachable;
    }
  }
}

function attributeColumn(
  runs: readonly Run[],
  key: RunStringAttribute | RunNumericAttribute,
  ascending: boolean,
): IndexComparator {
  const n = runs.length;
  const run = (i: number): Run => runs[i]!;
  switch (key) {
    case 'start_time':
      return numberColumn(n, (i) => run(i).info.startTime, ascending);
    case 'end_time':
      return numberColumn(n, (i) => run(i).info.endTime, ascending);
    case 'run_id':
      return stringColumn(n, (i) => run(i).info.runId, ascending);
    case 'run_name':
      return stringColumn(n, (i) => run(i).info.runName, ascending);
    case 'status':
      return stringColumn(n, (i) => run(i).info.status, ascending);
    case 'user_id':
      return stringColumn(n, (i) => run(i).info.userId, ascending);
    case 'artifact_uri':
      return stringColumn(n, (i) => run(i).info.artifactUri, ascending);
    default: {
      const unreachable: never = key;
      return unreachable;
    }
  }
}

/**
 * Sorts runs by already-parsed `order_by` clauses: the clauses in order, then MLflow's default
 * order (`start_time` descending, then `run_id` ascending). Returns a new array.
 */
export function sortRunsBy(runs: readonly Run[], clauses: readonly RunOrderClause[]): Run[] {
  const n = runs.length;
  const comparators = clauses.map((clause) => clauseColumn(runs, clause));
  comparators.push(numberColumn(n, (i) => runs[i]!.info.startTime, false));
  comparators.push(stringColumn(n, (i) => runs[i]!.info.runId, true, false));
  return sortByColumns(runs, comparators);
}

/**
 * Sorts runs as MLflow's `search_runs` does (spec §6.2): by each `order_by` entry in turn, then by
 * `start_time` descending and `run_id` ascending. Missing values sort last in both directions,
 * NaN metric values just before them; params and tags compare as strings by code point. Each
 * sort key is read once per run, so 10 000 runs sort in milliseconds. Returns a new array.
 *
 * @example
 * ```ts
 * sortRuns(runs, ['metrics.`val-loss` ASC', 'params.lr DESC'])
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for a bad `order_by` entry (see {@link parseOrderBy}).
 */
export function sortRuns(runs: readonly Run[], orderBy: readonly string[]): Run[] {
  return sortRunsBy(runs, parseOrderBy(orderBy, 'run'));
}
