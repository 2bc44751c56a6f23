/**
 * MLflow search for stores without a query engine (spec §6): filter grammars for runs and
 * experiments, ordering, paging.
 * @module
 */
export {
  Comparator,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  STRING_AND_LIST_COMPARATORS,
  isListComparator,
  isListClause,
  type AttributeSpec,
  type FieldSpec,
  type IdentifierGrammar,
  type KeyedFamily,
  type ListComparator,
  type NumericComparator,
  type ParsedClause,
  type ParsedOrderClause,
  type StringComparator,
  type ValueKind,
} from './grammar.js';
export { parseFilterWith, parseOrderClauseWith } from './parser.js';
export {
  RUN_FILTER_GRAMMAR,
  RUN_ORDER_GRAMMAR,
  parseRunFilter,
  type DatasetClause,
  type DatasetKey,
  type MetricClause,
  type ParamClause,
  type RunAttributeClause,
  type RunClauseType,
  type RunFilter,
  type RunFilterClause,
  type RunNumericAttribute,
  type RunStringAttribute,
  type TagClause,
} from './run-grammar.js';
export {
  EXPERIMENT_FILTER_GRAMMAR,
  EXPERIMENT_ORDER_GRAMMAR,
  parseExperimentFilter,
  type ExperimentClauseType,
  type ExperimentFilter,
  type ExperimentFilterClause,
  type ExperimentOrderKey,
  type ExperimentTimeAttribute,
} from './experiment-grammar.js';
export { compileRowFilter, compileRunFilter, type RunPredicate } from './run-filter.js';
export { RUN_OBJECT_FIELDS, type FieldReader, type RunFields } from './run-fields.js';
export { compileExperimentFilter, type ExperimentPredicate } from './experiment-filter.js';
export { parseOrderBy, type ExperimentOrderClause, type OrderByKind, type RunOrderClause } from './order-by.js';
export { sortRowsBy, sortRuns, sortRunsBy } from './run-sort.js';
export { DEFAULT_EXPERIMENT_ORDER, sortExperiments, sortExperimentsBy } from './experiment-sort.js';
export { likePatternProblem, likeToMatcher, type LikeMatcher } from './like.js';
export { compareCodePoints } from '../strings.js';
export { checkMaxResults, decodePageToken, encodePageToken, pageOf } from './paging.js';
export { searchRows, searchRunList } from './search-runs.js';
export { searchExperimentList } from './search-experiments.js';
