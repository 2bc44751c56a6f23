/**
 * `order_by` entries of run and experiment searches (spec §6.2, §6.4) as typed clauses.
 * @module
 */
import type { ExperimentOrderKey } from './experiment-grammar.js';
import { EXPERIMENT_ORDER_GRAMMAR } from './experiment-grammar.js';
import { parseOrderClauseWith } from './parser.js';
import type { RunNumericAttribute, RunStringAttribute } from './run-grammar.js';
import { RUN_ORDER_GRAMMAR } from './run-grammar.js';

/** One run `order_by` entry. Metrics sort as numbers, params and tags as strings. */
export type RunOrderClause =
  | { readonly type: 'metric' | 'param' | 'tag'; readonly key: string; readonly ascending: boolean }
  | {
      readonly type: 'attribute';
      readonly key: RunStringAttribute | RunNumericAttribute;
      readonly ascending: boolean;
    };

/** One experiment `order_by` entry. */
export interface ExperimentOrderClause {
  readonly type: 'attribute';
  readonly key: ExperimentOrderKey;
  readonly ascending: boolean;
}

/** Which search an `order_by` list belongs to. */
export type OrderByKind = 'run' | 'experiment';

/**
 * Parses `order_by` entries, `"<identifier> [ASC|DESC]"` (direction case-insensitive, default
 * ASC). Identifiers are written as in filters (``metrics.`val-loss` DESC``, `created`). Returns
 * the given clauses only; the default order and tie-breakers are added by the sorts.
 *
 * @example
 * ```ts
 * parseOrderBy(['metrics.acc DESC', 'run_name'], 'run')
 * // [{type: 'metric', key: 'acc', ascending: false}, {type: 'attribute', key: 'run_name', ascending: true}]
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for an unknown identifier, a bad direction or anything after
 * it (`NULLS LAST`); `details.index` is the entry's index, `details.position` the offset in it.
 */
export function parseOrderBy(orderBy: readonly string[], kind: 'run'): RunOrderClause[];
export function parseOrderBy(orderBy: readonly string[], kind: 'experiment'): ExperimentOrderClause[];
export function parseOrderBy(
  orderBy: readonly string[],
  kind: OrderByKind,
): RunOrderClause[] | ExperimentOrderClause[];
export function parseOrderBy(
  orderBy: readonly string[],
  kind: OrderByKind,
): RunOrderClause[] | ExperimentOrderClause[] {
  const grammar = kind === 'run' ? RUN_ORDER_GRAMMAR : EXPERIMENT_ORDER_GRAMMAR;
  return orderBy.map((entry, index) => {
    const { type, key, ascending } = parseOrderClauseWith<string>(entry, grammar, index);
    return { type, key, ascending };
  }) as RunOrderClause[] | ExperimentOrderClause[];
}
