/**
 * Run ordering (spec §6.2).
 * @module
 */
import type { Run } from '../entities.js';
import type { RunOrderClause } from './order-by.js';
import { parseOrderBy } from './order-by.js';
import { RUN_OBJECT_FIELDS, STRING_ATTRIBUTE_FIELDS, type RunFields } from './run-fields.js';
import type { RunNumericAttribute, RunStringAttribute } from './run-grammar.js';
import type { IndexComparator } from './sort-columns.js';
import { numberColumn, sortByColumns, stringColumn } from './sort-columns.js';

function clauseColumn<R>(rows: readonly R[], clause: RunOrderClause, fields: RunFields<R>): IndexComparator {
  const { key, ascending } = clause;
  const n = rows.length;
  switch (clause.type) {
    case 'metric': {
      const read = fields.metric(key);
      return numberColumn(n, (i) => read(rows[i]!), ascending);
    }
    case 'param': {
      const read = fields.param(key);
      return stringColumn(n, (i) => read(rows[i]!), ascending);
    }
    case 'tag': {
      const read = fields.tag(key);
      return stringColumn(n, (i) => read(rows[i]!), ascending);
    }
    case 'attribute':
      return attributeColumn(rows, clause.key, ascending, fields);
    default: {
      const unreachable: never = clause;
      return unreachable;
    }
  }
}

function attributeColumn<R>(rows: readonly R[], key: RunStringAttribute | RunNumericAttribute, ascending: boolean, fields: RunFields<R>): IndexComparator {
  const n = rows.length;
  if (key === 'start_time' || key === 'end_time') {
    const read = fields.info(key === 'start_time' ? 'startTime' : 'endTime');
    return numberColumn(n, (i) => read(rows[i]!), ascending);
  }
  const read: (row: R) => string = fields.info(STRING_ATTRIBUTE_FIELDS[key]);
  return stringColumn(n, (i) => read(rows[i]!), ascending);
}

/**
 * Sorts rows read through `fields` by already-parsed `order_by` clauses (see {@link sortRuns} for
 * the order). Returns a new array.
 */
export function sortRowsBy<R>(rows: readonly R[], clauses: readonly RunOrderClause[], fields: RunFields<R>): R[] {
  const n = rows.length;
  const comparators = clauses.map((clause) => clauseColumn(rows, clause, fields));
  const startTime = fields.info('startTime');
  const runId = fields.info('runId');
  comparators.push(numberColumn(n, (i) => startTime(rows[i]!), false));
  comparators.push(stringColumn(n, (i) => runId(rows[i]!), true, false));
  return sortByColumns(rows, comparators);
}

/**
 * Sorts runs by already-parsed `order_by` clauses: the clauses in order, then MLflow's default
 * order (`start_time` descending, then `run_id` ascending). Returns a new array.
 */
export function sortRunsBy(runs: readonly Run[], clauses: readonly RunOrderClause[]): Run[] {
  return sortRowsBy(runs, clauses, RUN_OBJECT_FIELDS);
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
