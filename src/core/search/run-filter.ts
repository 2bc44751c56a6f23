/**
 * Compiles a run filter (spec §6.1) into a predicate for stores without a query engine.
 * @module
 */
import { DATASET_CONTEXT_TAG } from '../datasets/entities.js';
import type { Run } from '../entities.js';
import { isListClause } from './grammar.js';
import { allOf, listTest, numberTest, stringTest } from './predicates.js';
import { RUN_OBJECT_FIELDS, STRING_ATTRIBUTE_FIELDS, type FieldReader, type RunFields } from './run-fields.js';
import type { DatasetClause, RunAttributeClause, RunFilter, RunFilterClause, RunNumericAttribute } from './run-grammar.js';
import { parseRunFilter } from './run-grammar.js';

/** Tests one run. */
export type RunPredicate = (run: Run) => boolean;

/** A predicate on a dictionary entry; runs lacking the key never match, even for `!=`. */
function entryPredicate<R, V>(read: FieldReader<R, V>, test: (value: V) => boolean): (row: R) => boolean {
  return (row) => {
    const value = read(row);
    return value !== null && test(value);
  };
}

type NumericAttributeClause = Extract<RunAttributeClause, { key: RunNumericAttribute }>;

function isNumericAttribute(clause: RunAttributeClause): clause is NumericAttributeClause {
  return clause.key === 'start_time' || clause.key === 'end_time';
}

function attributePredicate<R>(clause: RunAttributeClause, fields: RunFields<R>): (row: R) => boolean {
  if (isNumericAttribute(clause)) {
    const test = numberTest(clause.comparator, clause.value);
    if (clause.key === 'start_time') return entryPredicate(fields.info('startTime'), test);
    return entryPredicate(fields.info('endTime'), test);
  }
  const read: (row: R) => string = fields.info(STRING_ATTRIBUTE_FIELDS[clause.key]);
  const test = isListClause(clause)
    ? listTest(clause.comparator, clause.value)
    : stringTest(clause.comparator, clause.value);
  return (row) => test(read(row));
}

/**
 * A dataset clause: true when any dataset input satisfies it on its own (MLflow's file store).
 * `context` looks only at inputs that have a context tag, so `!=` skips inputs without one.
 */
function datasetPredicate<R>(clause: DatasetClause, fields: RunFields<R>): (row: R) => boolean {
  const test = isListClause(clause) ? listTest(clause.comparator, clause.value) : stringTest(clause.comparator, clause.value);
  const key = clause.key;
  if (key === 'context') {
    return (row) => fields.datasetInputs(row).some((input) => input.tags.some((tag) => tag.key === DATASET_CONTEXT_TAG && test(tag.value)));
  }
  return (row) => fields.datasetInputs(row).some((input) => test(input.dataset[key]));
}

function clausePredicate<R>(clause: RunFilterClause, fields: RunFields<R>): (row: R) => boolean {
  switch (clause.type) {
    case 'metric':
      return entryPredicate(fields.metric(clause.key), numberTest(clause.comparator, clause.value));
    case 'param':
      return entryPredicate(fields.param(clause.key), stringTest(clause.comparator, clause.value));
    case 'tag':
      return entryPredicate(fields.tag(clause.key), stringTest(clause.comparator, clause.value));
    case 'attribute':
      return attributePredicate(clause, fields);
    case 'dataset':
      return datasetPredicate(clause, fields);
    default: {
      const unreachable: never = clause;
      return unreachable;
    }
  }
}

/**
 * Compiles a run filter into a predicate on rows read through `fields` (see
 * {@link compileRunFilter} for the semantics).
 * @throws `INVALID_PARAMETER_VALUE` when the filter does not parse (see {@link parseRunFilter}).
 */
export function compileRowFilter<R>(filter: string | RunFilter, fields: RunFields<R>): (row: R) => boolean {
  const parsed = typeof filter === 'string' ? parseRunFilter(filter) : filter;
  return allOf(parsed.clauses.map((clause) => clausePredicate(clause, fields)));
}

/**
 * Compiles a run filter once into a predicate: one closure per clause, nothing allocated per run.
 * Semantics follow MLflow's file store: metrics compare their latest value as IEEE doubles (a NaN
 * value fails `= < <= > >=` and passes `!=`); a run lacking the metric, param or tag, or with a
 * null `end_time`, never matches that clause; LIKE/ILIKE are whole-string SQL patterns.
 * A dataset clause matches when any of the run's dataset inputs satisfies it, each clause on its own.
 * An empty or blank filter matches every run.
 *
 * @example
 * ```ts
 * const good = compileRunFilter("metrics.acc >= 0.9 and tags.team = 'nlp'");
 * const hits = runs.filter(good);
 * ```
 * @throws `INVALID_PARAMETER_VALUE` when the filter does not parse (see {@link parseRunFilter}).
 */
export function compileRunFilter(filter: string | RunFilter): RunPredicate {
  return compileRowFilter(filter, RUN_OBJECT_FIELDS);
}
