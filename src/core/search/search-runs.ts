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
import { RUN_OBJECT_FIELDS, type RunFields } from './run-fields.js';
import { compileRowFilter } from './run-filter.js';
import { sortRowsBy } from './run-sort.js';

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
  return searchRows(runs, query, RUN_OBJECT_FIELDS);
}

/**
 * {@link searchRunList} over rows read through `fields` (e.g. positions in a store's columns):
 * returns the page's rows, so that a store builds `Run`s for those only.
 * @throws as {@link searchRunList}.
 */
export function searchRows<R>(rows: Iterable<R>, query: SearchRunsQuery, fields: RunFields<R>): Page<R> {
  const maxResults = checkMaxResults(query.maxResults, DEFAULT_SEARCH_MAX_RESULTS, MAX_SEARCH_MAX_RESULTS);
  const offset = decodePageToken(query.pageToken);
  const matches = compileRowFilter(query.filter ?? '', fields);
  const order = parseOrderBy(query.orderBy ?? [], 'run');
  const viewType = query.viewType ?? 'ACTIVE_ONLY';
  const experimentIds: ReadonlySet<string> = new Set(query.experimentIds);
  const experimentOf = fields.info('experimentId');
  const stageOf = fields.info('lifecycleStage');
  const found: R[] = [];
  for (const row of rows) {
    if (experimentIds.has(experimentOf(row)) && isVisibleIn(viewType, stageOf(row)) && matches(row)) found.push(row);
  }
  return pageOf(sortRowsBy(found, order, fields), offset, maxResults);
}
