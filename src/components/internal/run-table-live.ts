/**
 * Live updates of `<ef-run-table>` without reloading every run: which runs a batch of store
 * changes touches, and the list of runs with the changed ones put in, replaced or taken out.
 * @module
 */
import type { Run, ViewType } from '../../core/entities.js';
import type { RunId } from '../../core/ids.js';
import type { ChangeBatch } from '../controllers/store-changes-controller.js';

/** More changed runs than this in one batch: reading them all again is cheaper. */
const MAX_PATCHED = 200;

/** The runs of the shown experiments that `batch` changed, or `'reload'` when everything must be read again. */
export function changedRuns(batch: ChangeBatch, shownExperiments: readonly string[]): Set<RunId> | 'reload' {
  const mine = new Set<string>(shownExperiments);
  if ([...batch.experiments].some((id) => mine.has(id))) return 'reload';
  const changed = new Set<RunId>();
  for (const [runId, experimentId] of batch.runs) if (mine.has(experimentId)) changed.add(runId);
  for (const [runId, change] of batch.runData) if (mine.has(change.experimentId)) changed.add(runId);
  return changed.size > MAX_PATCHED ? 'reload' : changed;
}

/**
 * `base` with each changed run (`fresh[i]` is the run `ids[i]` read again, undefined when gone)
 * replaced in place, added at the end, or removed when it no longer shows (deleted, restored or
 * no longer matching `matches`).
 */
export function mergeRuns(base: readonly Run[], ids: readonly RunId[], fresh: readonly (Run | undefined)[], viewType: ViewType, matches: (run: Run) => boolean): Run[] {
  const byId = new Map(base.map((r, i) => [r.info.runId as string, i]));
  const next = [...base];
  const removed = new Set<number>();
  fresh.forEach((run, i) => {
    const at = byId.get(ids[i]!);
    const visible = run !== undefined && (viewType === 'ALL' || (viewType === 'ACTIVE_ONLY') === (run.info.lifecycleStage === 'active')) && matches(run);
    if (!visible) {
      if (at !== undefined) removed.add(at);
    } else if (at !== undefined) next[at] = run;
    else next.push(run);
  });
  return removed.size === 0 ? next : next.filter((_, i) => !removed.has(i));
}
