/**
 * Experiment ordering (spec §6.4).
 * @module
 */
import type { Experiment } from '../entities.js';
import type { ExperimentOrderKey } from './experiment-grammar.js';
import type { ExperimentOrderClause } from './order-by.js';
import { parseOrderBy } from './order-by.js';
import type { IndexComparator } from './sort-columns.js';
import { numberColumn, sortByColumns, stringColumn } from './sort-columns.js';

/** The order when none is given: `creation_time DESC, experiment_id ASC`. */
export const DEFAULT_EXPERIMENT_ORDER: readonly ExperimentOrderClause[] = [
  { type: 'attribute', key: 'creation_time', ascending: false },
  { type: 'attribute', key: 'experiment_id', ascending: true },
];

function column(experiments: readonly Experiment[], key: ExperimentOrderKey, ascending: boolean): IndexComparator {
  const n = experiments.length;
  const at = (i: number): Experiment => experiments[i]!;
  switch (key) {
    case 'name':
      return stringColumn(n, (i) => at(i).name, ascending);
    case 'experiment_id':
      return stringColumn(n, (i) => at(i).experimentId, ascending);
    case 'creation_time':
      return numberColumn(n, (i) => at(i).creationTime, ascending);
    case 'last_update_time':
      return numberColumn(n, (i) => at(i).lastUpdateTime, ascending);
    default: {
      const unreachable: never = key;
      return unreachable;
    }
  }
}

/**
 * Sorts experiments by already-parsed clauses (empty = {@link DEFAULT_EXPERIMENT_ORDER}); when
 * `experiment_id` is not among them, `experiment_id DESC` breaks ties. Returns a new array.
 */
export function sortExperimentsBy(
  experiments: readonly Experiment[],
  clauses: readonly ExperimentOrderClause[],
): Experiment[] {
  const order = clauses.length === 0 ? DEFAULT_EXPERIMENT_ORDER : clauses;
  const comparators = order.map((clause) => column(experiments, clause.key, clause.ascending));
  if (!order.some((clause) => clause.key === 'experiment_id')) {
    comparators.push(column(experiments, 'experiment_id', false));
  }
  return sortByColumns(experiments, comparators);
}

/**
 * Sorts experiments as MLflow does (spec §6.4): by `name`, `experiment_id` (as a string),
 * `creation_time` or `last_update_time`; default `creation_time DESC, experiment_id ASC`;
 * `experiment_id DESC` breaks ties when not given; null times sort last in both directions.
 *
 * @example
 * ```ts
 * sortExperiments(experiments, ['name ASC'])
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for a bad entry (tags cannot order experiments).
 */
export function sortExperiments(experiments: readonly Experiment[], orderBy: readonly string[]): Experiment[] {
  return sortExperimentsBy(experiments, parseOrderBy(orderBy, 'experiment'));
}
