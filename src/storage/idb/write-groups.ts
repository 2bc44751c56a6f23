/**
 * Write groups: run creations, metric batches and artifact files that arrive while an earlier group
 * is still committing share one `relaxed` transaction. On this kind of machine each IndexedDB transaction
 * costs about a millisecond and each request 0.1–0.2 ms, whatever it holds; a sweep that creates
 * and logs to 400 runs at once thus pays for a few transactions instead of 800, and for one put
 * per run (a run created and logged to in one group is written once).
 *
 * Each write in a group still succeeds or fails on its own: its body checks every rule before it
 * writes anything, so a write that breaks a rule leaves nothing in the group. When the group's
 * transaction itself fails (a full quota, say), nothing of it was written and each of its writes
 * is tried again in a transaction of its own, so only the writes that fail alone report an error.
 *
 * Order: a group starts when the previous one committed, or at once when any other read or write
 * of the store arrives (its transaction is then created first), so every transaction sees the
 * writes that were called before it.
 * @module
 */
import { unwrap, type IDBPTransaction, type StoreNames } from 'idb';
import { dict, type Dict, type Experiment } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { StoreChange } from '../../core/store.js';
import { cloneStoredRun, packHeads, packedHeads, unpackHeads } from './records.js';
import { runKeyRange, type EdgeflowDB, type StoredChunk, type StoredRun } from './schema.js';

/** The readwrite transaction of a group. */
export type GroupTx = IDBPTransaction<EdgeflowDB, StoreNames<EdgeflowDB>[], 'readwrite'>;

/** The object stores a group's transaction covers. */
export const GROUP_STORES: readonly StoreNames<EdgeflowDB>[] = ['meta', 'experiments', 'runs', 'chunks', 'heads', 'loggedModels', 'artifacts'];

/** Most writes in one group (a longer queue makes several groups). */
const MAX_GROUP = 500;

/** The next value of the store-wide change counter `meta.seq` (see `run-cache.ts`). */
export async function readNextSeq(tx: IDBPTransaction<EdgeflowDB, StoreNames<EdgeflowDB>[], IDBTransactionMode>): Promise<number> {
  return ((await tx.objectStore('meta').get('seq'))?.value ?? 0) + 1;
}

/**
 * What a write in a group reads and writes through: the group's transaction, the runs as earlier
 * writes of the group left them, and the tails of the series they appended to. Every run the group
 * changes is stamped with the group's one `seq` and put once, when the group ends.
 */
export class GroupContext {
  readonly #runs = new Map<RunId, StoredRun>();
  /** Each run's record as stored before the group (read once). */
  readonly #stored: Map<RunId, Promise<StoredRun | undefined>>;
  readonly #experiments = new Map<ExperimentId, Promise<Experiment | undefined>>();
  /** Each changed run's stamp before the group (its cached tails carry it). */
  readonly #seqBefore = new Map<RunId, number>();
  readonly #tails = new Map<string, StoredChunk>();
  readonly #heads = new Map<RunId, Promise<Dict<Float64Array>>>();
  readonly #headsChanged = new Set<RunId>();
  readonly #artifactPaths = new Map<RunId, Promise<Set<string>>>();

  private constructor(
    readonly tx: GroupTx,
    readonly seq: number,
    stored: Map<RunId, Promise<StoredRun | undefined>>,
  ) {
    this.#stored = stored;
  }

  /** A context for `tx`: reads the counter and, in parallel, the runs the group's writes name. */
  static async open(tx: GroupTx, runIds: Iterable<RunId>): Promise<GroupContext> {
    const stored = new Map<RunId, Promise<StoredRun | undefined>>();
    for (const runId of runIds) if (!stored.has(runId)) stored.set(runId, readRun(tx, runId));
    return new GroupContext(tx, await readNextSeq(tx), stored);
  }

  /** A working copy of the run as this group left it, or as stored; undefined when there is none. */
  async run(runId: RunId): Promise<StoredRun | undefined> {
    const changed = this.#runs.get(runId);
    if (changed !== undefined) return cloneStoredRun(changed);
    const stored = await this.#read(runId);
    return stored === undefined ? undefined : cloneStoredRun(stored);
  }

  /** An experiment as stored (groups never change experiments), read once per group. */
  experiment(experimentId: ExperimentId): Promise<Experiment | undefined> {
    let found = this.#experiments.get(experimentId);
    if (found === undefined) this.#experiments.set(experimentId, (found = this.tx.objectStore('experiments').get(experimentId)));
    return found;
  }

  /**
   * The run's series heads (see `StoredHeads`) as this group left them, read once per group; the
   * caller changes the dict in place, after every rule passed, and the group writes it at its end.
   */
  heads(runId: RunId): Promise<Dict<Float64Array>> {
    let heads = this.#heads.get(runId);
    if (heads === undefined) {
      heads = this.#readHeads(runId);
      this.#heads.set(runId, heads);
    }
    this.#headsChanged.add(runId);
    return heads;
  }

  /**
   * The paths of the run's artifact files as this group left them, read once per group; the caller
   * adds a path once every rule passed, and writes its record itself.
   */
  artifactPaths(runId: RunId): Promise<Set<string>> {
    let paths = this.#artifactPaths.get(runId);
    if (paths === undefined) {
      paths = this.tx.objectStore('artifacts').getAllKeys(runKeyRange(runId)).then((keys) => new Set(keys.map(([, path]) => path)));
      this.#artifactPaths.set(runId, paths);
    }
    return paths;
  }

  /** Keeps `run` as the group's version of it, stamped with the group's `seq`; the last write of a body, after every rule passed. */
  putRun(run: StoredRun): void {
    const { runId } = run.info;
    if (!this.#seqBefore.has(runId)) this.#seqBefore.set(runId, run.seq);
    run.seq = this.seq;
    this.#runs.set(runId, run);
  }

  /** The tail chunk of (run, key) this group wrote, else the one `cached` knows for the run's stamp before the group. */
  tail(runId: RunId, key: string, seqNow: number, cached: (seq: number) => StoredChunk | undefined): StoredChunk | undefined {
    return this.#tails.get(`${runId}\u0000${key}`) ?? cached(this.#seqBefore.get(runId) ?? seqNow);
  }

  /** Remembers the tail chunk of a series this group appended to. */
  setTail(chunk: StoredChunk): void {
    this.#tails.set(`${chunk.runId}\u0000${chunk.key}`, chunk);
  }

  /**
   * Puts every changed run, heads record and the counter; what the tail cache needs once the group
   * committed. Plain requests, not idb's promises (a promise and two listeners per request cost the
   * worker more than a put of 20 one-point keys): a request that fails aborts the transaction,
   * whose error the group reports.
   */
  async end(): Promise<GroupWritten> {
    const headsChanged = [...this.#headsChanged];
    const series = await Promise.all(headsChanged.map((runId) => this.#heads.get(runId)!));
    const tx = unwrap(this.tx);
    if (this.#runs.size > 0) tx.objectStore('meta').put({ key: 'seq', value: this.seq });
    const runs = tx.objectStore('runs');
    for (const run of this.#runs.values()) runs.put(run);
    const heads = tx.objectStore('heads');
    headsChanged.forEach((runId, i) => {
      if (Object.keys(series[i]!).length === 0) heads.delete(runId);
      else heads.put(packHeads(runId, series[i]!));
    });
    return { seq: this.seq, seqBefore: this.#seqBefore, tails: [...this.#tails.values()] };
  }

  async #readHeads(runId: RunId): Promise<Dict<Float64Array>> {
    // A run that did not exist before the group has no heads record.
    if ((await this.#read(runId)) === undefined) return dict();
    const stored = packedHeads(await this.tx.objectStore('heads').get(runId));
    return stored === undefined ? dict() : unpackHeads(stored);
  }

  #read(runId: RunId): Promise<StoredRun | undefined> {
    let stored = this.#stored.get(runId);
    if (stored === undefined) this.#stored.set(runId, (stored = readRun(this.tx, runId)));
    return stored;
  }
}

/** What a committed group changed: its stamp, each run's stamp before it, and the tails it wrote. */
export interface GroupWritten {
  readonly seq: number;
  readonly seqBefore: ReadonlyMap<RunId, number>;
  readonly tails: readonly StoredChunk[];
}

/** One write of a group. */
export interface GroupedWrite<T> {
  /** What it does, for error messages ("create a run"). */
  readonly what: string;
  /** Runs it reads (prefetched when the group starts). */
  readonly runIds: readonly RunId[];
  /**
   * Applies the write through `ctx`. Must throw any rule error (an {@link EdgeflowError}) before it
   * writes anything; other errors fail the whole group.
   */
  readonly body: (ctx: GroupContext, emit: (change: StoreChange) => void) => Promise<T>;
}

interface Pending {
  readonly write: GroupedWrite<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** How {@link WriteGroups} reaches the store. */
export interface GroupHost {
  /** A new readwrite transaction over {@link GROUP_STORES} with relaxed durability. */
  begin(): Promise<GroupTx>;
  /** Called after a group committed, before its writes resolve. */
  committed(written: GroupWritten, changes: readonly StoreChange[]): void;
  /** The error a caller sees for a failure of `what`. */
  mapError(error: unknown, what: string): unknown;
}

/** The queue of grouped writes of one store. */
export class WriteGroups {
  #open: Pending[] = [];
  #running = 0;

  constructor(private readonly host: GroupHost) {}

  /** Queues `write`; resolves with its result once its group committed. */
  submit<T>(write: GroupedWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#open.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.#running === 0 || this.#open.length >= MAX_GROUP) this.startOpen();
    });
  }

  /** Starts the queued writes now (before the caller creates a transaction that must come after them). */
  startOpen(): void {
    if (this.#open.length === 0) return;
    const group = this.#open;
    this.#open = [];
    this.#running++;
    void this.#run(group).finally(() => {
      this.#running--;
      if (this.#running === 0) this.startOpen();
    });
  }

  async #run(group: readonly Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.#transact(group);
    } catch (error) {
      if (group.length === 1) group[0]!.reject(this.host.mapError(error, group[0]!.write.what));
      else for (const pending of group) await this.#run([pending]);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const { resolve, reject, write } = group[i]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(this.host.mapError(outcome.error, write.what));
    });
  }

  /** Runs the bodies one after another in one transaction; resolves after it committed. */
  async #transact(group: readonly Pending[]): Promise<Outcome[]> {
    const tx = await this.host.begin();
    try {
      const ctx = await GroupContext.open(tx, group.flatMap((p) => p.write.runIds));
      const outcomes: Outcome[] = [];
      const changes: StoreChange[] = [];
      for (const { write } of group) {
        const emitted: StoreChange[] = [];
        try {
          outcomes.push({ ok: true, value: await write.body(ctx, (change) => emitted.push(change)) });
          changes.push(...emitted);
        } catch (error) {
          if (!(error instanceof EdgeflowError)) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      const written = await ctx.end();
      await tx.done;
      this.host.committed(written, changes);
      return outcomes;
    } catch (error) {
      tx.done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // already finished or aborting
      }
      throw (error as { name?: unknown } | null)?.name === 'AbortError' && tx.error !== null ? tx.error : error;
    }
  }
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Reads a run with a plain request (one per run of a group: idb's promise and listeners cost more
 * than the read); a failure aborts the transaction, which reports it (the promise never rejects unhandled).
 */
function readRun(tx: GroupTx, runId: RunId): Promise<StoredRun | undefined> {
  const request = unwrap(tx).objectStore('runs').get(runId) as IDBRequest<StoredRun | undefined>;
  const stored = new Promise<StoredRun | undefined>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  stored.catch(() => undefined);
  return stored;
}
