/**
 * `mirrorTo(store, remote)`: a live mirror of a local store on an MLflow server. It follows the
 * local store's change events and pushes new runs, metric points, params, tags, artifacts, dataset
 * inputs and registry changes to the server (through `RestStore`), with the run pusher that
 * `syncRuns` uses.
 *
 * - Order: one push at a time, parents before children; each metric key's points in logging order,
 *   packed into `logBatch` requests within MLflow's limits.
 * - Lag: a burst of changes is one push (after `debounceMs` of quiet, min(200, maxLagMs/4)), and a
 *   push starts at the latest `maxLagMs / 2` after the first change waiting, so under continuous
 *   logging a point reaches the server within `maxLagMs` while online.
 * - Durable: what is waiting is an outbox entry in the journal, written before it is pushed; every
 *   acknowledgement commits the mapping (and the outbox removal) in one commit, with an in-flight
 *   marker before each metric batch (`journal-runs.ts`), so a restart resumes and sends nothing twice.
 *   On start the journal's outbox is queued again, with every local run that has no mapping or
 *   whose mapping is not complete (status and end time not yet on the server). A change committed
 *   locally in the instant before a crash, to a run already complete on the server, is found by
 *   {@link Mirror.resync}.
 * - Offline: a failure the RestStore gave up on (network, 5xx, 429) makes the mirror `offline`, with
 *   exponential backoff and full jitter (`Retry-After` wins); a refusal (auth, a bad request) makes
 *   it `failed` until `retry()`. Browsers' `offline`/`online` events are followed.
 * - Leadership: with a lock, only the holder sends; the others are `standby` and record outbox
 *   entries for what they see, and one of them takes over when the holder goes away.
 * @module
 */
import { EdgeflowError, isEdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { parseInput } from '../../core/schemas.js';
import type { Store, StoreChange } from '../../core/store.js';
import { collectPages } from '../../core/store-reads.js';
import { isAmbiguousFailure } from '../rest/http.js';
import { isComplete, orUndefined, parentsFirst, RunPusher, type RunProgress, type WriteCount } from '../sync/run-pusher.js';
import type { JournalCommit, MirrorState, MirrorStatus, MirrorStatusSource } from './contract.js';
import { JournalRuns, MAPPING, OUTBOX_MODEL, OUTBOX_RUN, progressOf } from './journal-runs.js';
import { resolveMirrorOptions, type MirrorOptions, type ResolvedMirrorOptions } from './mirror-options.js';
import { pushRegisteredModel } from './registry-pusher.js';
import { z } from 'zod';

export type { MirrorOptions } from './mirror-options.js';

/** What a `sent` event carries: an acknowledged write of a run. */
export interface MirrorSent {
  readonly runId: string;
  readonly targetRunId?: string;
  /** Metric points in the write. */
  readonly points: number;
}

/**
 * A running mirror. Events: `status` (`CustomEvent<MirrorStatus>`) after every change of
 * {@link Mirror.status}, `sent` (`CustomEvent<MirrorSent>`) after each acknowledged write, `error`
 * (`CustomEvent<EdgeflowError>`) after each failure.
 */
export interface Mirror extends MirrorStatusSource {
  readonly status: MirrorStatus;
  /** Resolves when nothing is pending (everything logged before the call is on the server); rejects with the last error when the mirror is failed/stopped, or after timeoutMs. */
  flush(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Leaves `failed` and tries again now. */
  retry(): void;
  /**
   * Compares every local run of the mirrored experiments with its mapping again (a full pass): finds
   * a change committed locally in the instant before a crash to a run already complete on the server.
   */
  resync(): void;
  /** Stops sending, releases the lock, closes the journal (if the mirror opened it). Pending items stay in the journal. */
  stop(): Promise<void>;
}

/**
 * Starts mirroring `store` to `remote` (see the module notes).
 * @param store - The local store (IndexedDB, memory, a Node file store); not read-only.
 * @param remote - The server, e.g. `new RestStore({ baseUrl })`; not read-only.
 * @param options - Journal, lock, experiments, lag and backoff.
 * @returns the mirror, already starting
 * @throws `INVALID_PARAMETER_VALUE` for bad options or a read-only store
 * @example
 * ```ts
 * const mirror = mirrorTo(await openStore('idb:edgeflow'), new RestStore({ baseUrl: 'https://mlflow.example.com' }));
 * mirror.addEventListener('status', (e) => console.log(e.detail.state, e.detail.pending));
 * ```
 */
export function mirrorTo(store: Store, remote: Store, options?: MirrorOptions): Mirror {
  return new LiveMirror(store, remote, resolveMirrorOptions(store, remote, options));
}

/** A run waiting to be pushed: the metric keys that grew, or every key. */
interface RunItem {
  readonly runId: string;
  keys: Set<string> | 'all';
}

const flushSchema = z.object({ timeoutMs: z.number().finite().min(0).optional() }).strict();

/** The mirror behind {@link mirrorTo}. */
export class LiveMirror extends EventTarget implements Mirror {
  readonly #store: Store;
  readonly #remote: Store;
  readonly #options: ResolvedMirrorOptions;
  readonly #runs: JournalRuns;
  readonly #pusher: RunPusher;
  readonly #stopping = new AbortController();
  #status: MirrorStatus = { state: 'starting', pending: 0 };
  #leader = false;
  /** Runs and models with changes not yet taken by a push. */
  readonly #dirtyRuns = new Map<string, RunItem>();
  readonly #dirtyModels = new Set<string>();
  /** Items of the push in progress. */
  readonly #busy = new Set<string>();
  /** Outbox keys this mirror knows are in the journal. */
  readonly #outboxed = new Set<string>();
  #firstChangeAt = 0;
  #lastChangeAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cycle: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  #stopped: Promise<void> | undefined;
  /** True once the journal's outbox and the local runs were queued (as the leader). */
  #loaded = false;
  #lastFailure: EdgeflowError | undefined;
  readonly #cleanups: Array<() => void> = [];
  #release: (() => void) | undefined;

  /** @internal Use {@link mirrorTo}. */
  constructor(store: Store, remote: Store, options: ResolvedMirrorOptions) {
    super();
    this.#store = store;
    this.#remote = remote;
    this.#options = options;
    this.#runs = new JournalRuns(options.journal, remote, {
      stillPending: (runId) => this.#dirtyRuns.has(runId),
      written: (runId, progress, written, outboxRemoved) => this.#written(runId, progress, written, outboxRemoved),
    });
    this.#pusher = new RunPusher(store, remote, this.#runs, { artifacts: options.artifacts, signal: this.#stopping.signal });
    this.#cleanups.push(store.subscribe((change) => this.#onChange(change)));
    this.#followNetwork();
    if (options.signal !== undefined) {
      const onAbort = (): void => void this.stop();
      if (options.signal.aborted) queueMicrotask(onAbort);
      else options.signal.addEventListener('abort', onAbort, { once: true });
      this.#cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
    }
    void this.#start();
  }

  /** The state now (see {@link MirrorStatus}). */
  get status(): MirrorStatus {
    return this.#status;
  }

  async flush(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const { timeoutMs } = parseInput(flushSchema, options, 'flush options');
    if (this.#stopped !== undefined) throw EdgeflowError.invalidState('The mirror is stopped.');
    await this.#store.flush();
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (timeoutMs !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EdgeflowError('INTERNAL_ERROR', `The mirror did not catch up within ${timeoutMs} ms (${this.#status.state}, ${this.#status.pending} pending).`, { details: { timeoutMs } })), timeoutMs);
      });
      this.#schedule(true);
      this.#settleWaiters();
      return Promise.race([done, late]).finally(() => clearTimeout(timer));
    }
    this.#schedule(true);
    this.#settleWaiters();
    return done;
  }

  retry(): void {
    if (this.#stopped !== undefined || !this.#leader) return;
    if (this.#status.state === 'failed' || this.#status.state === 'offline') {
      this.#failures = 0;
      this.#lastFailure = undefined;
      this.#setStatus({ state: 'online', retryAt: undefined });
    }
    if (this.#loaded) this.#schedule(true);
    else void this.#load();
  }

  resync(): void {
    void this.#queueLocalRuns(() => true).then(() => this.#schedule(true), (error: unknown) => this.#fail(error));
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping.abort(EdgeflowError.invalidState('The mirror was stopped.'));
    clearTimeout(this.#timer);
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    while (this.#cycle !== undefined) await this.#cycle;
    this.#release?.();
    if (this.#options.ownsJournal) await this.#options.journal.close();
    this.#setStatus({ state: 'stopped', retryAt: undefined });
  }

  // ------------------------------------------------------------------------------------- start

  async #start(): Promise<void> {
    try {
      const lock = this.#options.lock;
      if (lock !== undefined) {
        let held = false;
        const acquiring = lock.acquire(`edgeflow-mirror:${this.#options.id}`, this.#stopping.signal).then((release) => {
          held = true;
          return release;
        });
        await Promise.race([acquiring, new Promise((resolve) => setTimeout(resolve, 0))]);
        if (!held) this.#setStatus({ state: 'standby' });
        const release = await acquiring;
        if (this.#stopping.signal.aborted) {
          release();
          return;
        }
        this.#release = release;
        this.#setStatus({ state: 'starting' });
      }
      this.#leader = true;
    } catch (error) {
      if (!this.#stopping.signal.aborted) this.#fail(error);
      return;
    }
    await this.#load();
  }

  /** As the leader: queues what the journal and the local store say is waiting, then pushes. A failure here is `failed` (`retry()` loads again). */
  async #load(): Promise<void> {
    try {
      await this.#loadJournal();
      this.#loaded = true;
      this.#setStatus({ state: 'online' });
      this.#schedule(true);
    } catch (error) {
      if (!this.#stopping.signal.aborted) this.#failWith(error, false);
    }
  }

  /** Queues the journal's outbox, and every local run without a complete mapping. */
  async #loadJournal(): Promise<void> {
    const journal = this.#options.journal;
    for (const [key] of await journal.entries(OUTBOX_RUN)) {
      this.#outboxed.add(key);
      this.#markRun(key.slice(OUTBOX_RUN.length), 'all');
    }
    for (const [key] of await journal.entries(OUTBOX_MODEL)) {
      this.#outboxed.add(key);
      if (this.#options.registry) this.#dirtyModels.add(key.slice(OUTBOX_MODEL.length));
    }
    const mapped = new Map((await journal.entries(MAPPING)).map(([key, value]) => [key.slice(MAPPING.length), progressOf(value)]));
    await this.#queueLocalRuns((runId) => {
      const progress = mapped.get(runId);
      return progress === undefined || !isComplete(progress);
    });
  }

  async #queueLocalRuns(include: (runId: string) => boolean): Promise<void> {
    const experimentIds =
      this.#options.experimentIds ?? (await collectPages((pageToken) => this.#store.searchExperiments({ maxResults: 1000, pageToken }))).map((e) => e.experimentId);
    for (const experimentId of experimentIds) {
      const runs = await collectPages((pageToken) => this.#store.searchRuns({ experimentIds: [experimentId as ExperimentId], maxResults: 1000, pageToken }));
      for (const run of runs) if (include(run.info.runId)) this.#markRun(run.info.runId, 'all');
    }
    this.#updatePending();
  }

  // --------------------------------------------------------------------------------- changes

  #onChange(change: StoreChange): void {
    if (change.kind === 'run' || change.kind === 'run-data' || change.kind === 'artifacts') {
      if ('experimentId' in change && !this.#inScope(change.experimentId)) return;
      this.#markRun(change.runId, change.kind === 'run-data' ? change.metricKeys : []);
    } else if (change.kind === 'registered-model') {
      if (!this.#options.registry) return;
      this.#dirtyModels.add(change.name);
    } else return;
    const now = Date.now();
    if (this.#firstChangeAt === 0) this.#firstChangeAt = now;
    this.#lastChangeAt = now;
    this.#updatePending();
    this.#schedule(false);
  }

  #inScope(experimentId: string): boolean {
    return this.#options.experimentIds === undefined || this.#options.experimentIds.has(experimentId);
  }

  #markRun(runId: string, keys: readonly string[] | 'all'): void {
    const item = this.#dirtyRuns.get(runId);
    if (item === undefined) this.#dirtyRuns.set(runId, { runId, keys: keys === 'all' ? 'all' : new Set(keys) });
    else if (keys === 'all') item.keys = 'all';
    else if (item.keys !== 'all') for (const key of keys) item.keys.add(key);
  }

  // ------------------------------------------------------------------------------- scheduling

  /** Plans the next cycle: now, or after the debounce, never later than half the lag bound after the first change waiting. */
  #schedule(now: boolean): void {
    if (this.#stopped !== undefined) return;
    if (this.#cycle !== undefined) {
      this.#again = true;
      return;
    }
    const retryAt = this.#status.state === 'offline' ? (this.#status.retryAt ?? 0) : 0;
    const quiet = now || this.#firstChangeAt === 0 ? 0 : Math.min(this.#lastChangeAt + this.#options.debounceMs, this.#firstChangeAt + this.#options.maxLagMs / 2);
    const due = Math.max(quiet, retryAt);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#runCycle(), Math.max(0, due - Date.now()));
  }

  #runCycle(): void {
    if (this.#cycle !== undefined || this.#stopped !== undefined) return;
    this.#again = false;
    this.#cycle = this.#cycleOnce()
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#cycle = undefined;
        this.#updatePending();
        if (this.#again) this.#schedule(false);
        this.#settleWaiters();
      });
  }

  /** One cycle: writes the outbox entries of new changes, then (as the leader, when not failed) pushes what is waiting. */
  async #cycleOnce(): Promise<void> {
    this.#firstChangeAt = 0;
    await this.#writeOutbox();
    if (!this.#leader || !this.#loaded) {
      this.#dirtyRuns.clear();
      this.#dirtyModels.clear();
      return;
    }
    if (this.#status.state === 'failed' || (this.#status.state === 'offline' && (this.#status.retryAt ?? 0) > Date.now())) return;
    const runs = [...this.#dirtyRuns.values()];
    const models = [...this.#dirtyModels];
    this.#dirtyRuns.clear();
    this.#dirtyModels.clear();
    for (const item of runs) this.#busy.add(`run:${item.runId}`);
    for (const name of models) this.#busy.add(`model:${name}`);
    try {
      await this.#pushRuns(runs);
      await this.#pushModels(models);
      if (this.#status.state === 'offline') this.#setStatus({ state: 'online', retryAt: undefined });
      this.#failures = 0;
    } finally {
      // What was not pushed waits again (with the keys it had).
      for (const item of runs) if (this.#busy.delete(`run:${item.runId}`)) this.#markRun(item.runId, item.keys === 'all' ? 'all' : [...item.keys]);
      for (const name of models) if (this.#busy.delete(`model:${name}`)) this.#dirtyModels.add(name);
    }
  }

  /** One commit with the outbox entries of runs and models not in the journal yet. */
  async #writeOutbox(): Promise<void> {
    const at = Date.now();
    const put: Array<[string, { at: number }]> = [];
    for (const runId of this.#dirtyRuns.keys()) if (!this.#outboxed.has(OUTBOX_RUN + runId) || !this.#leader) put.push([OUTBOX_RUN + runId, { at }]);
    for (const name of this.#dirtyModels) if (!this.#outboxed.has(OUTBOX_MODEL + name) || !this.#leader) put.push([OUTBOX_MODEL + name, { at }]);
    if (put.length === 0) return;
    await this.#options.journal.commit({ put });
    for (const [key] of put) this.#outboxed.add(key);
  }

  async #pushRuns(items: readonly RunItem[]): Promise<void> {
    const loaded = [];
    for (const item of items) {
      const run = await orUndefined(this.#store.getRun(item.runId as RunId));
      if (run === undefined || run.info.lifecycleStage !== 'active' || !this.#inScope(run.info.experimentId)) await this.#settle(`run:${item.runId}`, OUTBOX_RUN + item.runId);
      else loaded.push({ run, item });
    }
    const byId = new Map(loaded.map((entry) => [entry.run.info.runId as string, entry]));
    for (const run of parentsFirst(loaded.map((entry) => entry.run))) {
      this.#stopping.signal.throwIfAborted();
      const { item } = byId.get(run.info.runId)!;
      const outcome = await this.#pusher.push(run, item.keys === 'all' ? undefined : item.keys);
      if (outcome === 'unchanged' || outcome === 'skipped') await this.#settle(`run:${item.runId}`, OUTBOX_RUN + item.runId);
      else this.#busy.delete(`run:${item.runId}`);
    }
  }

  async #pushModels(names: readonly string[]): Promise<void> {
    const local = this.#store.registry;
    const remote = this.#remote.registry;
    if (local === undefined || remote === undefined) return;
    const context = { targetRunId: (runId: string) => this.#runs.targetIdOf(runId), journal: this.#options.journal };
    for (const name of names) {
      this.#stopping.signal.throwIfAborted();
      await pushRegisteredModel(local, remote, name, context);
      await this.#settle(`model:${name}`, OUTBOX_MODEL + name);
      this.#acknowledged();
    }
  }

  /** An item done with no write left: its outbox entry goes (unless it changed again meanwhile). */
  async #settle(item: string, outboxKey: string): Promise<void> {
    this.#busy.delete(item);
    const again = item.startsWith('run:') ? this.#dirtyRuns.has(item.slice(4)) : this.#dirtyModels.has(item.slice(6));
    if (again || !this.#outboxed.has(outboxKey)) return;
    const change: JournalCommit = { delete: [outboxKey] };
    await this.#options.journal.commit(change);
    this.#outboxed.delete(outboxKey);
  }

  // ---------------------------------------------------------------------------------- status

  #written(runId: string, progress: RunProgress, written: WriteCount, outboxRemoved: boolean): void {
    if (outboxRemoved) this.#outboxed.delete(OUTBOX_RUN + runId);
    this.#acknowledged();
    this.dispatchEvent(new CustomEvent<MirrorSent>('sent', { detail: { runId, targetRunId: progress.targetRunId, points: written.points } }));
  }

  #acknowledged(): void {
    this.#setStatus({ lastSentAt: Date.now(), lastError: undefined, ...(this.#status.state === 'offline' ? { state: 'online', retryAt: undefined } : {}) });
  }

  /** Records a failure: `offline` with a retry time for what retrying can fix, else `failed`. */
  #fail(error: unknown): void {
    this.#failWith(error, true);
  }

  #failWith(error: unknown, mayRetry: boolean): void {
    if (this.#stopping.signal.aborted) return;
    const failure = isEdgeflowError(error) ? error : new EdgeflowError('INTERNAL_ERROR', error instanceof Error ? error.message : String(error), { cause: error });
    const lastError = { code: failure.code, message: failure.message, at: Date.now() };
    this.dispatchEvent(new CustomEvent<EdgeflowError>('error', { detail: failure }));
    if (mayRetry && isTransient(failure)) {
      this.#failures++;
      const retryAfter = failure.details?.['retryAfterMs'];
      const { initialMs, maxMs } = this.#options.backoff;
      const wait = typeof retryAfter === 'number' ? retryAfter : Math.random() * Math.min(maxMs, initialMs * 2 ** (this.#failures - 1));
      this.#setStatus({ state: this.#leader ? 'offline' : this.#status.state, lastError, retryAt: Date.now() + wait });
      this.#schedule(false);
    } else {
      this.#lastFailure = failure;
      this.#setStatus({ state: 'failed', lastError, retryAt: undefined });
    }
  }

  #updatePending(): void {
    const pending = new Set([...[...this.#dirtyRuns.keys()].map((id) => `run:${id}`), ...[...this.#dirtyModels].map((name) => `model:${name}`), ...this.#busy]).size;
    if (pending !== this.#status.pending) this.#setStatus({ pending });
  }

  #setStatus(change: { state?: MirrorState; pending?: number; lastError?: MirrorStatus['lastError']; lastSentAt?: number; retryAt?: number | undefined }): void {
    const next: Record<string, unknown> = { ...this.#status, ...change };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    const status = next as unknown as MirrorStatus;
    if (sameStatus(status, this.#status)) return;
    this.#status = Object.freeze(status);
    this.dispatchEvent(new CustomEvent<MirrorStatus>('status', { detail: this.#status }));
    this.#settleWaiters();
  }

  /** Resolves `flush` callers once nothing is pending; rejects them when failed or stopped. */
  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const { state, pending } = this.#status;
    let outcome: 'resolve' | EdgeflowError | undefined;
    if (state === 'stopped') outcome = EdgeflowError.invalidState('The mirror was stopped before it caught up.');
    else if (state === 'failed') outcome = this.#lastFailure ?? new EdgeflowError('INTERNAL_ERROR', this.#status.lastError?.message ?? 'The mirror failed.');
    else if (this.#leader && state === 'online' && pending === 0 && this.#cycle === undefined && this.#dirtyRuns.size === 0) outcome = 'resolve';
    if (outcome === undefined) return;
    for (const waiter of this.#waiters.splice(0)) {
      if (outcome === 'resolve') waiter.resolve();
      else waiter.reject(outcome);
    }
  }

  /** Browsers: `offline` makes the mirror offline at once, `online` tries again now. */
  #followNetwork(): void {
    const scope = globalThis as { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
    if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return;
    const offline = (): void => this.#fail(new EdgeflowError('INTERNAL_ERROR', 'The browser is offline.', { details: { reason: 'offline' } }));
    const online = (): void => this.retry();
    scope.addEventListener('offline', offline);
    scope.addEventListener('online', online);
    this.#cleanups.push(() => {
      scope.removeEventListener?.('offline', offline);
      scope.removeEventListener?.('online', online);
    });
  }
}

/** Failures the RestStore gave up on that a later attempt may get past: network, 5xx, 429. */
function isTransient(error: EdgeflowError): boolean {
  return error.code === 'INTERNAL_ERROR' || error.code === 'RESOURCE_EXHAUSTED' || isAmbiguousFailure(error);
}

function sameStatus(a: MirrorStatus, b: MirrorStatus): boolean {
  return (
    a.state === b.state &&
    a.pending === b.pending &&
    a.lastSentAt === b.lastSentAt &&
    a.retryAt === b.retryAt &&
    a.lastError?.code === b.lastError?.code &&
    a.lastError?.message === b.lastError?.message &&
    a.lastError?.at === b.lastError?.at
  );
}
