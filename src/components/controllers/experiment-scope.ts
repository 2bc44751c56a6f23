/**
 * Which experiments and runs an element shows when the page names none: a `src="experiment.zip"`
 * element opens on the bundle's first experiment that has runs, without the page knowing its id.
 * @module
 */
import type { Run } from '../../core/entities.js';
import type { ExperimentId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { collectPages } from '../../core/store-reads.js';
import { throwIfAborted } from './status.js';

/**
 * `ids` when given; else the first active experiment (in the store's search order) that has an
 * active run, else the first active experiment, else none.
 */
export async function experimentsToShow(store: Store, ids: readonly string[], signal: AbortSignal): Promise<ExperimentId[]> {
  if (ids.length > 0) return ids as ExperimentId[];
  const experiments = await collectPages((pageToken) => store.searchExperiments({ viewType: 'ACTIVE_ONLY', pageToken }), signal);
  for (const experiment of experiments) {
    const page = await store.searchRuns({ experimentIds: [experiment.experimentId], viewType: 'ACTIVE_ONLY', maxResults: 1 });
    throwIfAborted(signal);
    if (page.items.length > 0) return [experiment.experimentId];
  }
  return experiments.slice(0, 1).map((e) => e.experimentId);
}

/** The newest `max` active runs of the experiments {@link experimentsToShow} picks. */
export async function runsToShow(store: Store, experimentIds: readonly string[], max: number, signal: AbortSignal): Promise<Run[]> {
  const ids = await experimentsToShow(store, experimentIds, signal);
  if (ids.length === 0 || max <= 0) return [];
  const page = await store.searchRuns({ experimentIds: ids, viewType: 'ACTIVE_ONLY', maxResults: max });
  throwIfAborted(signal);
  return page.items;
}
