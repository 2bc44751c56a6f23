/**
 * What run search needs, in memory: the search snapshot (info, latest metrics, params, tags) of
 * every run. Metric histories are never read.
 *
 * The cache is kept exact without trusting events: every run write bumps the store-wide counter
 * `meta.seq` and stamps the run with it (indexed). Before a search the cache reads the counter and
 * only the runs stamped after the value it last saw — whichever tab or worker wrote them. A purge
 * (which leaves no run to stamp) records `meta.purgeSeq`, and the cache then reloads everything.
 *
 * A cold cache starts from the compact run index (`run-index.ts`) when there is a usable one: one
 * record, read in place as a {@link RunTable} (no `Run` is built for it), then the runs stamped
 * after it, kept as `Run` snapshots that replace their table rows. Search reads both kinds of rows
 * through {@link RunCache.fields}, and a `Run` is built only for the rows of the page returned.
 * {@link RunCache.saveIndex} writes a new index when many runs changed since the stored one.
 * @module
 */
import type { IDBPDatabase } from 'idb';
import type { Run } from '../../core/entities.js';
import type { RunId } from '../../core/ids.js';
import { RUN_OBJECT_FIELDS, type RunFields } from '../../core/search/index.js';
import { toRun } from './records.js';
import { RunPacker, packRuns, type CompactRuns, type RunIndexRecord } from './run-index.js';
import { RunTable } from './run-table.js';
import type { EdgeflowDB, MetaRecord } from './schema.js';

/** Fewest changed runs that make a new index worth writing (or a tenth of the runs, when more). */
const INDEX_REWRITE_RUNS = 256;

/** A cached run: a row of the index table, or a snapshot loaded after the index. */
export type CachedRun = number | Run;

/** Search snapshots of all runs of one database. */
export class RunCache {
  /** Run search's view of the cached runs. */
  readonly fields: RunFields<CachedRun>;
  /** The `meta.seq` the cache reflects; -1 before the first load. */
  #seq = -1;
  #table = new RunTable(packRuns([]));
  /** Table rows replaced by a snapshot in {@link RunCache.#newer} (1). */
  #replaced = new Uint8Array(0);
  /** The table row of each run id, built when a run is first loaded after the table. */
  #rowOf: Map<RunId, number> | undefined;
  /** Runs loaded after the table, by id. */
  readonly #newer = new Map<RunId, Run>();
  #chain: Promise<void> = Promise.resolve();
  /** Runs (re)loaded since the stored index, or since the start when none was used. */
  #changedSinceIndex = 0;

  constructor() {
    const either =
      <V>(fromTable: (row: number) => V, fromRun: (run: Run) => V) =>
      (row: CachedRun): V =>
        typeof row === 'number' ? fromTable(row) : fromRun(row);
    // Called once per query and key, after a refresh: the readers read the table of that moment.
    this.fields = {
      metric: (key) => either(this.#table.fields.metric(key), RUN_OBJECT_FIELDS.metric(key)),
      param: (key) => either(this.#table.fields.param(key), RUN_OBJECT_FIELDS.param(key)),
      tag: (key) => either(this.#table.fields.tag(key), RUN_OBJECT_FIELDS.tag(key)),
      info: (key) => either(this.#table.fields.info(key), RUN_OBJECT_FIELDS.info(key)),
      datasetInputs: (row) => (typeof row === 'number' ? this.#table.fields.datasetInputs(row) : RUN_OBJECT_FIELDS.datasetInputs(row)),
    };
  }

  /** Brings the cache up to date with the database (one small readonly transaction when nothing changed). */
  refresh(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    // One refresh after another: a refresh that started before a write committed must not stand in
    // for one that starts after it.
    return this.#then(() => this.#refresh(db));
  }

  /**
   * Writes the compact run index of the cache's current state (after a refresh) when at least
   * {@link INDEX_REWRITE_RUNS} runs, or a tenth of them, changed since the stored index, and reads
   * on from it. A relaxed write of a cache: losing it costs only a slower cold search.
   */
  saveIndex(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    return this.#then(async () => {
      const size = this.#table.size + this.#newer.size;
      if (this.#seq < 0 || this.#changedSinceIndex < Math.max(INDEX_REWRITE_RUNS, size / 10)) return;
      const record: RunIndexRecord = { key: 'runIndex', value: this.#seq, runs: this.pack(this.runs()) };
      const tx = db.transaction('meta', 'readwrite', { durability: 'relaxed' });
      await Promise.all([tx.store.put(record), tx.done]);
      this.#setTable(new RunTable(record.runs));
      this.#changedSinceIndex = 0;
    });
  }

  /** Every cached run (of every experiment, deleted ones too). */
  runs(): CachedRun[] {
    const out: CachedRun[] = [];
    const replaced = this.#replaced;
    for (let row = 0; row < this.#table.size; row++) if (replaced[row] === 0) out.push(row);
    for (const run of this.#newer.values()) out.push(run);
    return out;
  }

  /** The frozen snapshot of a cached run. */
  run(cached: CachedRun): Run {
    return typeof cached === 'number' ? this.#table.run(cached) : cached;
  }

  /** Cached runs packed (to send them elsewhere), in order. */
  pack(cached: readonly CachedRun[]): CompactRuns {
    const packer = new RunPacker();
    const packed = this.#table.packed;
    for (const run of cached) {
      if (typeof run === 'number') packer.addRow(packed, run);
      else packer.addRun(run);
    }
    return packer.build();
  }

  /** Forgets everything (the next refresh reloads). */
  clear(): void {
    this.#seq = -1;
    this.#setTable(new RunTable(packRuns([])));
  }

  #then(step: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(step);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #setTable(table: RunTable): void {
    this.#table = table;
    this.#replaced = new Uint8Array(table.size);
    this.#rowOf = undefined;
    this.#newer.clear();
  }

  async #refresh(db: IDBPDatabase<EdgeflowDB>): Promise<void> {
    const tx = db.transaction(['meta', 'runs'], 'readonly');
    const meta = tx.objectStore('meta');
    const cold = this.#seq < 0;
    const [seqRecord, purgeRecord, indexRecord] = await Promise.all([meta.get('seq'), meta.get('purgeSeq'), cold ? meta.get('runIndex') : undefined]);
    const seq = seqRecord?.value ?? 0;
    const purgeSeq = purgeRecord?.value ?? 0;
    if (!cold && seq === this.#seq) return;
    let from = this.#seq;
    if (cold || purgeSeq > this.#seq || seq < this.#seq) {
      this.clear();
      const index = usableIndex(indexRecord, seq, purgeSeq);
      if (index !== undefined) {
        this.#setTable(index.table);
        from = index.seq;
        this.#changedSinceIndex = 0;
      } else {
        const all = await tx.objectStore('runs').getAll();
        for (const stored of all) this.#put(toRun(stored));
        from = seq;
        this.#changedSinceIndex = all.length;
      }
    }
    if (from < seq) {
      const changed = await tx.objectStore('runs').index('seq').getAll(IDBKeyRange.lowerBound(from, true));
      for (const stored of changed) this.#put(toRun(stored));
      this.#changedSinceIndex += changed.length;
    }
    this.#seq = seq;
  }

  #put(run: Run): void {
    const table = this.#table;
    if (table.size > 0) {
      this.#rowOf ??= new Map(Array.from({ length: table.size }, (_, row) => [table.runId(row), row] as const));
      const row = this.#rowOf.get(run.info.runId);
      if (row !== undefined) this.#replaced[row] = 1;
    }
    this.#newer.set(run.info.runId, run);
  }
}

/** The table of a stored index that is neither newer than the data (`seq`) nor older than the last purge. */
function usableIndex(record: MetaRecord | undefined, seq: number, purgeSeq: number): { seq: number; table: RunTable } | undefined {
  if (record?.key !== 'runIndex' || record.value > seq || record.value < purgeSeq) return undefined;
  const table = RunTable.of(record.runs);
  return table === undefined ? undefined : { seq: record.value, table };
}
