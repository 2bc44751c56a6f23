/**
 * Experiment search expressions (spec §6.4): identifier tables, typed filter AST and its parser.
 * @module
 */
import type { FieldSpec, IdentifierGrammar, KeyedFamily, NumericComparator, StringComparator } from './grammar.js';
import { NUMERIC_COMPARATORS, STRING_COMPARATORS } from './grammar.js';
import { parseFilterWith } from './parser.js';

/** Clause types of an experiment filter. */
export type ExperimentClauseType = 'attribute' | 'tag';
/** Numeric (ms) experiment attributes; null for legacy experiments. */
export type ExperimentTimeAttribute = 'creation_time' | 'last_update_time';
/** Keys experiments can be ordered by. */
export type ExperimentOrderKey = 'name' | 'experiment_id' | ExperimentTimeAttribute;

interface ClauseBase {
  /** Offset of the clause in the filter (UTF-16 code units). */
  readonly position: number;
}

/** One clause of an experiment filter. */
export type ExperimentFilterClause =
  | (ClauseBase & {
      readonly type: 'attribute';
      readonly key: 'name';
      readonly comparator: StringComparator;
      readonly value: string;
    })
  | (ClauseBase & {
      readonly type: 'attribute';
      readonly key: ExperimentTimeAttribute;
      readonly comparator: NumericComparator;
      readonly value: number;
    })
  | (ClauseBase & {
      readonly type: 'tag';
      readonly key: string;
      readonly comparator: StringComparator;
      readonly value: string;
    });

/** A parsed experiment filter: clauses joined by AND (none = every experiment). */
export interface ExperimentFilter {
  readonly clauses: readonly ExperimentFilterClause[];
}

const STRING_FIELD: FieldSpec = { comparators: STRING_COMPARATORS, value: 'string' };
const NUMBER_FIELD: FieldSpec = { comparators: NUMERIC_COMPARATORS, value: 'number' };
const TAG: KeyedFamily<'tag'> = { type: 'tag', label: 'tag', field: STRING_FIELD };

const NOT_FILTERABLE = {
  experiment_id: 'experiment ids cannot be filtered; use getExperiment for one id',
  lifecycle_stage: 'choose active or deleted experiments with the view type of the search instead',
} as const;

/** Identifiers of experiment filters: `name`, `creation_time`, `last_update_time`, `tags.<key>`. */
export const EXPERIMENT_FILTER_GRAMMAR: IdentifierGrammar<ExperimentClauseType> = {
  subject: 'experiment filter',
  attributeType: 'attribute',
  attributePrefixes: ['attribute'],
  attributes: {
    name: { key: 'name', field: STRING_FIELD },
    creation_time: { key: 'creation_time', field: NUMBER_FIELD },
    last_update_time: { key: 'last_update_time', field: NUMBER_FIELD },
  },
  families: { tags: TAG, tag: TAG },
  refusedAttributes: NOT_FILTERABLE,
};

/** Identifiers of experiment `order_by` entries: attributes only. */
export const EXPERIMENT_ORDER_GRAMMAR: IdentifierGrammar<'attribute'> = {
  subject: 'experiment order_by',
  attributeType: 'attribute',
  attributePrefixes: ['attribute'],
  attributes: {
    name: { key: 'name', field: STRING_FIELD },
    experiment_id: { key: 'experiment_id', field: STRING_FIELD },
    creation_time: { key: 'creation_time', field: NUMBER_FIELD },
    last_update_time: { key: 'last_update_time', field: NUMBER_FIELD },
  },
  families: {},
  refusedPrefixes: {
    tag: 'experiments can be ordered by name, experiment_id, creation_time and last_update_time only',
    tags: 'experiments can be ordered by name, experiment_id, creation_time and last_update_time only',
  },
};

/**
 * Parses an experiment filter (spec §6.4). `IN` is not usable; times compare as numbers.
 *
 * @example
 * ```ts
 * parseExperimentFilter("name LIKE 'prod-%' AND tags.owner = 'ana'")
 * ```
 * @throws `INVALID_PARAMETER_VALUE` whose message quotes the filter and says what is wrong where;
 * `details.position` is the offset of the problem.
 */
export function parseExperimentFilter(filter: string): ExperimentFilter {
  // The grammar table guarantees each clause's shape (comparator set and value type per key).
  return { clauses: parseFilterWith(filter, EXPERIMENT_FILTER_GRAMMAR) as readonly ExperimentFilterClause[] };
}
