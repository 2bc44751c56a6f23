/**
 * What run search needs, in memory: a frozen {@link Run} snapshot (info, latest metrics, params,
 * tags) of every run, grouped by experiment. Metric histories are never read.
 *
 * The cache is kept exact without trusting events: every run write bumps the store-wide counter
 * `meta.seq` and stamps the run with it (indexed). Before a search the cache reads the counter and
 * only the runs stamped after the value it last saw — whichever tab or worker wrote them. A purge
 * (which leaves no run to stamp) records `meta.purgeSeq`, and the cache then reloads everything.
 * @module
 */
import type { IDBPDatabase } from 'idb';
import type { Run } from '../../core/entities.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { toRun } from './records.js';
import type { EdgeflowDB, StoredRun } from './schema.js';

/** Search snapshots of all runs of one database. */
export class RunCache {
  /** The `meta.seq` the cache reflects; -1 before the first load. */
  private __seq = -1;
  private readonly __runs = new Map<RunId, Run>();
  private readonly __byExperiment = new Map<ExperimentId, Set<RunId>>();
  private __chain: Promise<void> = Promise.resolve();

  /** Brings the cache up to date with the database (one small readonly transaction when nothing changed). */
  refresh(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    // One refresh after another: a refresh that started before a write committed must not stand in
    // for one that starts after it.
    const next = this.__chain.then(() => this.__refresh(db));
    this.__chain = next.catch(() => undefined);
    return next;
  }

  /** Snapshots of the runs of `experimentIds` (unknown ids contribute nothing). */
  runsOf(experimentIds: Iterable<ExperimentId>): Run[] {
    const out: Run[] = [];
    for (const id of new Set(experimentIds)) {
      const ids = this.__byExperiment.get(id);
      if (ids === undefined) continue;
      for (const runId of ids) out.push(this.__runs.get(runId)!);
    }
    return out;
  }

  /** Number of cached runs. */
  get size(): number {
    return this.__runs.size;
  }

  /** Forgets everything (the next refresh reloads). */
  clear(): void {
    this.__seq = -1;
    this.__runs.clear();
    this.__byExperiment.clear();
  }

  private async __refresh(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    const tx = db.transaction(['meta', 'runs'], 'readonly');
    const meta = tx.objectStore('meta');
    const [seqRecord, purgeRecord] = await Promise.all([meta.get('seq'), meta.get('purgeSeq')]);
    const seq = seqRecord?.value ?? 0;
    const purgeSeq = purgeRecord?.value ?? 0;
    if (this.__seq >= 0 && seq === this.__seq) return;
    if (this.__seq < 0 || purgeSeq > this.__seq || seq < this.__seq) {
      const all = await tx.objectStore('runs').getAll();
      this.clear();
      for (const stored of all) this.__put(stored);
    } else {
      const changed = await tx.objectStore('runs').index('seq').getAll(IDBKeyRange.lowerBound(this.__seq, true));
      for (const stored of changed) this.__put(stored);
    }
    this.__seq = seq;
  }

  private __put(stored: StoredRun): void {
    const run = toRun(stored);
    const { runId, experimentId } = run.info;
    this.__runs.set(runId, run);
    let ids = this.__byExperiment.get(experimentId);
    if (ids === undefined) this.__byExperiment.set(experimentId, (ids = new Set()));
    ids.add(runId);
  }
}
