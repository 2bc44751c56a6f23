/**
 * Compiles a run filter (spec §6.1) into a predicate for stores without a query engine.
 * @module
 */
import { DATASET_CONTEXT_TAG } from '../datasets/entities.js';
import type { Dict, Run } from '../entities.js';
import { hasKey } from '../entities.js';
import { isListClause } from './grammar.js';
import { allOf, listTest, numberTest, stringTest } from './predicates.js';
import type { DatasetClause, RunAttributeClause, RunFilter, RunFilterClause, RunNumericAttribute } from './run-grammar.js';
import { parseRunFilter } from './run-grammar.js';

/** Tests one run. */
export type RunPredicate = (run: Run) => boolean;

/** A predicate on a dictionary entry; runs lacking the key never match, even for `!=`. */
function entryPredicate<V>(read: (run: Run) => Dict<V>, key: string, test: (value: V) => boolean): RunPredicate {
  return (run) => {
    const entries = read(run);
    return hasKey(entries, key) && test(entries[key]!);
  };
}

function stringAttribute(key: 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri'): (run: Run) => string {
  switch (key) {
    case 'run_id':
      return (run) => run.info.runId;
    case 'run_name':
      return (run) => run.info.runName;
    case 'status':
      return (run) => run.info.status;
    case 'user_id':
      return (run) => run.info.userId;
    case 'artifact_uri':
      return (run) => run.info.artifactUri;
    default: {
      const unreachable: never = key;
      return unreachable;
    }
  }
}

type NumericAttributeClause = Extract<RunAttributeClause, { key: RunNumericAttribute }>;

function isNumericAttribute(clause: RunAttributeClause): clause is NumericAttributeClause {
  return clause.key === 'start_time' || clause.key === 'end_time';
}

function attributePredicate(clause: RunAttributeClause): RunPredicate {
  if (isNumericAttribute(clause)) {
    const test = numberTest(clause.comparator, clause.value);
    if (clause.key === 'start_time') return (run) => test(run.info.startTime);
    return (run) => run.info.endTime !== null && test(run.info.endTime);
  }
  const read = stringAttribute(clause.key);
  const test = isListClause(clause)
    ? listTest(clause.comparator, clause.value)
    : stringTest(clause.comparator, clause.value);
  return (run) => test(read(run));
}

/**
 * A dataset clause: true when any dataset input satisfies it on its own (MLflow's file store).
 * `context` looks only at inputs that have a context tag, so `!=` skips inputs without one.
 */
function datasetPredicate(clause: DatasetClause): RunPredicate {
  const test = isListClause(clause) ? listTest(clause.comparator, clause.value) : stringTest(clause.comparator, clause.value);
  const key = clause.key;
  if (key === 'context') {
    return (run) => (run.inputs?.datasetInputs ?? []).some((input) => input.tags.some((tag) => tag.key === DATASET_CONTEXT_TAG && test(tag.value)));
  }
  return (run) => (run.inputs?.datasetInputs ?? []).some((input) => test(input.dataset[key]));
}

function clausePredicate(clause: RunFilterClause): RunPredicate {
  switch (clause.type) {
    case 'metric':
      return entryPredicate((run) => run.data.metrics, clause.key, numberTest(clause.comparator, clause.value));
    case 'param':
      return entryPredicate((run) => run.data.params, clause.key, stringTest(clause.comparator, clause.value));
    case 'tag':
      return entryPredicate((run) => run.data.tags, clause.key, stringTest(clause.comparator, clause.value));
    case 'attribute':
      return attributePredicate(clause);
    case 'dataset':
      return datasetPredicate(clause);
    default: {
      const unreachable: never = clause;
      return unreachable;
    }
  }
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
  const parsed = typeof filter === 'string' ? parseRunFilter(filter) : filter;
  return allOf(parsed.clauses.map(clausePredicate));
}
