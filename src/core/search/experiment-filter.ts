/**
 * Compiles an experiment filter (spec §6.4) into a predicate.
 * @module
 */
import type { Experiment } from '../entities.js';
import { hasKey } from '../entities.js';
import type { ExperimentFilter, ExperimentFilterClause } from './experiment-grammar.js';
import { parseExperimentFilter } from './experiment-grammar.js';
import { allOf, numberTest, stringTest } from './predicates.js';

/** Tests one experiment. */
export type ExperimentPredicate = (experiment: Experiment) => boolean;

function clausePredicate(clause: ExperimentFilterClause): ExperimentPredicate {
  switch (clause.type) {
    case 'tag': {
      const { key } = clause;
      const test = stringTest(clause.comparator, clause.value);
      return (experiment) => hasKey(experiment.tags, key) && test(experiment.tags[key]!);
    }
    case 'attribute':
      if (clause.key === 'name') {
        const test = stringTest(clause.comparator, clause.value);
        return (experiment) => test(experiment.name);
      } else {
        const test = numberTest(clause.comparator, clause.value);
        if (clause.key === 'creation_time') {
          return (experiment) => experiment.creationTime !== null && test(experiment.creationTime);
        }
        return (experiment) => experiment.lastUpdateTime !== null && test(experiment.lastUpdateTime);
      }
    default: {
      const unreachable: never = clause;
      return unreachable;
    }
  }
}

/**
 * Compiles an experiment filter once into a predicate. Names compare as strings (LIKE/ILIKE as
 * SQL patterns), times as numbers; an experiment lacking the tag, or with a null (legacy) time,
 * never matches that clause. An empty or blank filter matches every experiment.
 *
 * @example
 * ```ts
 * experiments.filter(compileExperimentFilter("name ILIKE '%bert%' AND creation_time > 1700000000000"))
 * ```
 * @throws `INVALID_PARAMETER_VALUE` when the filter does not parse (see {@link parseExperimentFilter}).
 */
export function compileExperimentFilter(filter: string | ExperimentFilter): ExperimentPredicate {
  const parsed = typeof filter === 'string' ? parseExperimentFilter(filter) : filter;
  return allOf(parsed.clauses.map(clausePredicate));
}
