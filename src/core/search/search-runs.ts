/**
 * `search_runs` over runs in memory (spec §6.1–6.3), for stores without a query engine.
 * @module
 */
import type { Page, Run } from '../entities.js';
import { isVisibleIn } from '../entities.js';
import { DEFAULT_SEARCH_MAX_RESULTS, MAX_SEARCH_MAX_RESULTS } from '../limits.js';
import type { SearchRunsQuery } from '../store.js';
import { parseOrderBy } from './order-by.js';
import { checkMaxResults, decodePageToken, pageOf } from './paging.js';
import { compileRunFilter } from './run-filter.js';
import { sortRunsBy } from './run-sort.js';

/**
 * Searches runs as MLflow's file store does: keeps the runs of `query.experimentIds` visible in
 * the view type (default `ACTIVE_ONLY`, on the run's lifecycle stage) that match the filter,
 * sorts them (spec §6.2) and returns one page. Everything is validated before any run is read.
 *
 * @example
 * ```ts
 * const query = { experimentIds: [id], filter: 'metrics.acc > 0.9', orderBy: ['metrics.acc DESC'], maxResults: 50 };
 * const page = searchRunList(allRuns, query);
 * const next = page.nextPageToken && searchRunList(allRuns, { ...query, pageToken: page.nextPageToken });
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for a bad filter, `order_by` entry, page token, or a
 * `maxResults` that is not an integer from 1 to 50 000.
 */
export function searchRunList(runs: Iterable<Run>, query: SearchRunsQuery): Page<Run> {
  const maxResults = checkMaxResults(query.maxResults, DEFAULT_SEARCH_MAX_RESULTS, MAX_SEARCH_MAX_RESULTS);
  const offset = decodePageToken(query.pageToken);
  const matches = compileRunFilter(query.filter ?? '');
  const order = parseOrderBy(query.orderBy ?? [], 'run');
  const viewType = query.viewType ?? 'ACTIVE_ONLY';
  const experimentIds: ReadonlySet<string> = new Set(query.experimentIds);
  const found: Run[] = [];
  for (const run of runs) {
    if (experimentIds.has(run.info.experimentId) && isVisibleIn(viewType, run.info.lifecycleStage) && matches(run)) {
      found.push(run);
    }
  }
  return pageOf(sortRunsBy(found, order), offset, maxResults);
}
