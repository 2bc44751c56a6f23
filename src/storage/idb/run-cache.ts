/**
 * What run search needs, in memory: a frozen {@link Run} snapshot (info, latest metrics, params,
 * tags) of every run, grouped by experiment. Metric histories are never read.
 *
 * The cache is kept exact without trusting events: every run write bumps the store-wide counter
 * `meta.seq` and stamps the run with it (indexed). Before a search the cache reads the counter and
 * only the runs stamped after the value it last saw — whichever tab or worker wrote them. A purge
 * (which leaves no run to stamp) records `meta.purgeSeq`, and the cache then reloads everything.
 *
 * A cold cache starts from the compact run index (`run-index.ts`) when there is a usable one: one
 * record, then the runs stamped after it. {@link RunCache.saveIndex} writes a new index when many
 * runs changed since the stored one.
 * @module
 */
import type { IDBPDatabase } from 'idb';
import type { Run } from '../../core/entities.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { toRun } from './records.js';
import { packRuns, unpackRuns, type RunIndexRecord } from './run-index.js';
import type { EdgeflowDB, MetaRecord, StoredRun } from './schema.js';

/** Fewest changed runs that make a new index worth writing (or a tenth of the runs, when more). */
const INDEX_REWRITE_RUNS = 256;

/** Search snapshots of all runs of one database. */
export class RunCache {
  /** The `meta.seq` the cache reflects; -1 before the first load. */
  private __seq = -1;
  private readonly __runs = new Map<RunId, Run>();
  private readonly __byExperiment = new Map<ExperimentId, Set<RunId>>();
  private __chain: Promise<void> = Promise.resolve();
  /** Runs (re)loaded since the stored index, or since the start when none was used. */
  #changedSinceIndex = 0;

  /** Brings the cache up to date with the database (one small readonly transaction when nothing changed). */
  refresh(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    // One refresh after another: a refresh that started before a write committed must not stand in
    // for one that starts after it.
    const next = this.__chain.then(() => this.__refresh(db));
    this.__chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Writes the compact run index of the cache's current state (after a refresh) when at least
   * {@link INDEX_REWRITE_RUNS} runs, or a tenth of them, changed since the stored index. A relaxed
   * write of a cache: losing it costs only a slower cold search.
   */
  saveIndex(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    const next = this.__chain.then(async () => {
      if (this.__seq < 0 || this.#changedSinceIndex < Math.max(INDEX_REWRITE_RUNS, this.__runs.size / 10)) return;
      const record: RunIndexRecord = { key: 'runIndex', value: this.__seq, runs: packRuns([...this.__runs.values()]) };
      const tx = db.transaction('meta', 'readwrite', { durability: 'relaxed' });
      await Promise.all([tx.store.put(record), tx.done]);
      this.#changedSinceIndex = 0;
    });
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
    const cold = this.__seq < 0;
    const [seqRecord, purgeRecord, indexRecord] = await Promise.all([meta.get('seq'), meta.get('purgeSeq'), cold ? meta.get('runIndex') : undefined]);
    const seq = seqRecord?.value ?? 0;
    const purgeSeq = purgeRecord?.value ?? 0;
    if (!cold && seq === this.__seq) return;
    let from = this.__seq;
    if (cold || purgeSeq > this.__seq || seq < this.__seq) {
      this.clear();
      const index = usableIndex(indexRecord, seq, purgeSeq);
      if (index !== undefined) {
        for (const run of index.runs) this.__index(run);
        from = index.seq;
        this.#changedSinceIndex = 0;
      } else {
        const all = await tx.objectStore('runs').getAll();
        for (const stored of all) this.__put(stored);
        from = seq;
        this.#changedSinceIndex = all.length;
      }
    }
    if (from < seq) {
      const changed = await tx.objectStore('runs').index('seq').getAll(IDBKeyRange.lowerBound(from, true));
      for (const stored of changed) this.__put(stored);
      this.#changedSinceIndex += changed.length;
    }
    this.__seq = seq;
  }

  private __put(stored: StoredRun): void {
    this.__index(toRun(stored));
  }

  private __index(run: Run): void {
    const { runId, experimentId } = run.info;
    this.__runs.set(runId, run);
    let ids = this.__byExperiment.get(experimentId);
    if (ids === undefined) this.__byExperiment.set(experimentId, (ids = new Set()));
    ids.add(runId);
  }
}

/** The runs of a stored index that is neither newer than the data (`seq`) nor older than the last purge. */
function usableIndex(record: MetaRecord | undefined, seq: number, purgeSeq: number): { seq: number; runs: Run[] } | undefined {
  if (record?.key !== 'runIndex' || record.value > seq || record.value < purgeSeq) return undefined;
  const runs = unpackRuns(record.runs);
  return runs === undefined ? undefined : { seq: record.value, runs };
}
