/**
 * Run search expressions (spec §6.1, §6.2): the identifier tables for filters and `order_by`, the
 * typed filter AST and its parser.
 * @module
 */
import type {
  AttributeSpec,
  FieldSpec,
  IdentifierGrammar,
  KeyedFamily,
  ListComparator,
  NumericComparator,
  StringComparator,
} from './grammar.js';
import { NUMERIC_COMPARATORS, STRING_AND_LIST_COMPARATORS, STRING_COMPARATORS } from './grammar.js';
import { parseFilterWith } from './parser.js';

/** Clause types of a run filter. */
export type RunClauseType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';
/** String attributes of a run (`status` compares with the status name). */
export type RunStringAttribute = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri';
/** Numeric (ms) attributes of a run; `end_time` is null while a run is unfinished. */
export type RunNumericAttribute = 'start_time' | 'end_time';
/** Keys of dataset clauses; `context` is the input tag `mlflow.data.context`. */
export type DatasetKey = 'name' | 'digest' | 'context';

interface ClauseBase {
  /** Offset of the clause in the filter (UTF-16 code units). */
  readonly position: number;
}

/** `metrics.<key> <op> <number>`: compares the metric's latest value as a double. */
export interface MetricClause extends ClauseBase {
  readonly type: 'metric';
  readonly key: string;
  readonly comparator: NumericComparator;
  readonly value: number;
}

/** `params.<key> <op> '<string>'`. */
export interface ParamClause extends ClauseBase {
  readonly type: 'param';
  readonly key: string;
  readonly comparator: StringComparator;
  readonly value: string;
}

/** `tags.<key> <op> '<string>'`. */
export interface TagClause extends ClauseBase {
  readonly type: 'tag';
  readonly key: string;
  readonly comparator: StringComparator;
  readonly value: string;
}

/** A clause on a run attribute (aliases already resolved: `created` → `start_time`). */
export type RunAttributeClause =
  | (ClauseBase & {
      readonly type: 'attribute';
      readonly key: RunNumericAttribute;
      readonly comparator: NumericComparator;
      readonly value: number;
    })
  | (ClauseBase & {
      readonly type: 'attribute';
      readonly key: RunStringAttribute;
      readonly comparator: StringComparator;
      readonly value: string;
    })
  | (ClauseBase & {
      readonly type: 'attribute';
      readonly key: 'run_id';
      readonly comparator: ListComparator;
      /** Ids with upper-case letters are already dropped, as MLflow does. */
      readonly value: readonly string[];
    });

/**
 * A clause on the run's dataset inputs: matches when any input satisfies it (each clause on its
 * own; `context` only looks at inputs with a context tag, mlflow3-models-and-inputs.md §5.4).
 * Note: MLflow also drops upper-case entries from dataset IN lists (it reuses its run-id list
 * parser); edgeflow compares every entry literally.
 */
export type DatasetClause =
  | (ClauseBase & {
      readonly type: 'dataset';
      readonly key: DatasetKey;
      readonly comparator: StringComparator;
      readonly value: string;
    })
  | (ClauseBase & {
      readonly type: 'dataset';
      readonly key: DatasetKey;
      readonly comparator: ListComparator;
      readonly value: readonly string[];
    });

/** One clause of a run filter. */
export type RunFilterClause = MetricClause | ParamClause | TagClause | RunAttributeClause | DatasetClause;

/** A parsed run filter: clauses joined by AND (none = every run). */
export interface RunFilter {
  readonly clauses: readonly RunFilterClause[];
}

const NUMBER_FIELD: FieldSpec = { comparators: NUMERIC_COMPARATORS, value: 'number' };
const INTEGER_FIELD: FieldSpec = { comparators: NUMERIC_COMPARATORS, value: 'integer' };
const STRING_FIELD: FieldSpec = { comparators: STRING_COMPARATORS, value: 'string' };
const STRING_OR_LIST_FIELD: FieldSpec = { comparators: STRING_AND_LIST_COMPARATORS, value: 'string' };

const METRIC: KeyedFamily<'metric'> = { type: 'metric', label: 'metric', field: NUMBER_FIELD };
const PARAM: KeyedFamily<'param'> = { type: 'param', label: 'param', field: STRING_FIELD };
const TAG: KeyedFamily<'tag'> = { type: 'tag', label: 'tag', field: STRING_FIELD };
const DATASET: KeyedFamily<'dataset'> = {
  type: 'dataset',
  label: 'dataset',
  field: STRING_OR_LIST_FIELD,
  keys: ['name', 'digest', 'context'],
};

const KEYED_FAMILIES = {
  metrics: METRIC,
  metric: METRIC,
  params: PARAM,
  param: PARAM,
  parameters: PARAM,
  parameter: PARAM,
  tags: TAG,
  tag: TAG,
} as const;

const ATTRIBUTE_PREFIXES = ['attribute', 'attributes', 'attr', 'run'] as const;

const NOT_FILTERABLE = {
  experiment_id: 'filter by experiment with the experiment ids of the search instead',
  lifecycle_stage: 'choose active or deleted runs with the view type of the search instead',
} as const;

const attr = (key: string, field: FieldSpec): AttributeSpec => ({ key, field });

/** Identifiers of run filters (spec §6.1). */
export const RUN_FILTER_GRAMMAR: IdentifierGrammar<RunClauseType> = {
  subject: 'run filter',
  attributeType: 'attribute',
  attributePrefixes: ATTRIBUTE_PREFIXES,
  attributes: {
    run_id: attr('run_id', STRING_OR_LIST_FIELD),
    run_name: attr('run_name', STRING_FIELD),
    'run name': attr('run_name', STRING_FIELD),
    'Run name': attr('run_name', STRING_FIELD),
    'Run Name': attr('run_name', STRING_FIELD),
    status: attr('status', STRING_FIELD),
    user_id: attr('user_id', STRING_FIELD),
    artifact_uri: attr('artifact_uri', STRING_FIELD),
    start_time: attr('start_time', INTEGER_FIELD),
    created: attr('start_time', INTEGER_FIELD),
    Created: attr('start_time', INTEGER_FIELD),
    end_time: attr('end_time', INTEGER_FIELD),
  },
  families: { ...KEYED_FAMILIES, datasets: DATASET, dataset: DATASET },
  refusedAttributes: NOT_FILTERABLE,
};

/**
 * Identifiers of run `order_by` entries (spec §6.2): metrics, params, tags and the orderable
 * attributes; the `run name` aliases are not orderable in MLflow, `created` is.
 */
export const RUN_ORDER_GRAMMAR: IdentifierGrammar<Exclude<RunClauseType, 'dataset'>> = {
  subject: 'run order_by',
  attributeType: 'attribute',
  attributePrefixes: ATTRIBUTE_PREFIXES,
  attributes: {
    run_id: attr('run_id', STRING_FIELD),
    run_name: attr('run_name', STRING_FIELD),
    status: attr('status', STRING_FIELD),
    user_id: attr('user_id', STRING_FIELD),
    artifact_uri: attr('artifact_uri', STRING_FIELD),
    start_time: attr('start_time', INTEGER_FIELD),
    created: attr('start_time', INTEGER_FIELD),
    Created: attr('start_time', INTEGER_FIELD),
    end_time: attr('end_time', INTEGER_FIELD),
  },
  families: KEYED_FAMILIES,
  refusedAttributes: { experiment_id: 'runs cannot be ordered by experiment id' },
  refusedPrefixes: {
    dataset: 'runs cannot be ordered by dataset fields',
    datasets: 'runs cannot be ordered by dataset fields',
  },
};

const UPPER_CASE = /\p{Lu}/u;

/**
 * Parses a run filter (spec §6.1) into typed clauses. Empty or blank filters have no clauses.
 * `run_id IN (...)` drops ids containing upper-case letters, as MLflow does.
 *
 * @example
 * ```ts
 * parseRunFilter("metrics.acc > 0.9 AND params.model LIKE 'cnn%'").clauses
 * // [{type: 'metric', key: 'acc', comparator: '>', value: 0.9, position: 0}, {type: 'param', …}]
 * ```
 * @throws `INVALID_PARAMETER_VALUE` whose message quotes the filter and says what is wrong where;
 * `details.position` is the offset of the problem.
 */
export function parseRunFilter(filter: string): RunFilter {
  const clauses = parseFilterWith(filter, RUN_FILTER_GRAMMAR).map((clause) =>
    clause.type === 'attribute' && clause.key === 'run_id' && Array.isArray(clause.value)
      ? { ...clause, value: (clause.value as readonly string[]).filter((id) => !UPPER_CASE.test(id)) }
      : clause,
  );
  // The grammar table guarantees each clause's shape (comparator set and value type per key).
  return { clauses: clauses as readonly RunFilterClause[] };
}
