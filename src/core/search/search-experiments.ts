/**
 * `search_experiments` over experiments in memory (spec §6.3, §6.4).
 * @module
 */
import type { Experiment, Page } from '../entities.js';
import { isVisibleIn } from '../entities.js';
import { DEFAULT_SEARCH_MAX_RESULTS, MAX_SEARCH_MAX_RESULTS } from '../limits.js';
import type { SearchExperimentsQuery } from '../store.js';
import { compileExperimentFilter } from './experiment-filter.js';
import { sortExperimentsBy } from './experiment-sort.js';
import { parseOrderBy } from './order-by.js';
import { checkMaxResults, decodePageToken, pageOf } from './paging.js';

/**
 * Searches experiments as MLflow's file store does: keeps those visible in the view type (default
 * `ACTIVE_ONLY`, on the experiment's lifecycle stage) that match the filter, sorts them
 * (default `creation_time DESC, experiment_id ASC`) and returns one page.
 *
 * @example
 * ```ts
 * searchExperimentList(all, { filter: "name LIKE 'prod-%'", orderBy: ['name'], maxResults: 100 })
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for a bad filter, `order_by` entry, page token, or a
 * `maxResults` that is not an integer from 1 to 50 000.
 */
export function searchExperimentList(
  experiments: Iterable<Experiment>,
  query: SearchExperimentsQuery,
): Page<Experiment> {
  const maxResults = checkMaxResults(query.maxResults, DEFAULT_SEARCH_MAX_RESULTS, MAX_SEARCH_MAX_RESULTS);
  const offset = decodePageToken(query.pageToken);
  const matches = compileExperimentFilter(query.filter ?? '');
  const order = parseOrderBy(query.orderBy ?? [], 'experiment');
  const viewType = query.viewType ?? 'ACTIVE_ONLY';
  const found: Experiment[] = [];
  for (const experiment of experiments) {
    if (isVisibleIn(viewType, experiment.lifecycleStage) && matches(experiment)) found.push(experiment);
  }
  return pageOf(sortExperimentsBy(found, order), offset, maxResults);
}
