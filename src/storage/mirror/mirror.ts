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
import { EdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { parseInput } from '../../core/schemas.js';
import type { Store, StoreChange } from '../../core/store.js';
import { collectPages, orUndefinedIfMissing } from '../../core/store-reads.js';
import { parentsFirst } from '../sync/push-plan.js';
import { isComplete, RunPusher, type RunProgress, type WriteCount } from '../sync/run-pusher.js';
import type { MirrorStatus } from './contract.js';
import { JournalRuns, MAPPING, OUTBOX_MODEL, OUTBOX_RUN, progressOf } from './journal-runs.js';
import { resolveMirrorOptions, type Mirror, type MirrorOptions, type MirrorSent, type ResolvedMirrorOptions } from './mirror-api.js';
import { MirrorQueue, type TakenItems } from './mirror-queue.js';
import { asEdgeflowError, changedStatus, FlushWaiters, followNetwork, holdLock, isTransient, retryDelay, type StatusChange } from './mirror-status.js';
import { pushRegisteredModel } from './registry-pusher.js';
import { z } from 'zod';

export type { Mirror, MirrorOptions, MirrorSent } from './mirror-api.js';

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
  readonly #queue = new MirrorQueue();
  /** Outbox keys this mirror knows are in the journal. */
  readonly #outboxed = new Set<string>();
  #firstChangeAt = 0;
  #lastChangeAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cycle: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  readonly #waiters = new FlushWaiters();
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
      stillPending: (runId) => this.#queue.hasRun(runId),
      written: (runId, progress, written, outboxRemoved) => this.#written(runId, progress, written, outboxRemoved),
    }, { settleMs: options.inFlightSettleMs, signal: this.#stopping.signal });
    this.#pusher = new RunPusher(store, remote, this.#runs, { artifacts: options.artifacts, signal: this.#stopping.signal });
    this.#cleanups.push(store.subscribe((change) => this.#onChange(change)));
    // Browsers: `offline` makes the mirror offline at once, `online` tries again now.
    const offline = new EdgeflowError('INTERNAL_ERROR', 'The browser is offline.', { details: { reason: 'offline' } });
    this.#cleanups.push(followNetwork(() => this.#fail(offline), () => this.retry()));
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
    const done = this.#waiters.wait(timeoutMs, () => `${this.#status.state}, ${this.#status.pending} pending`);
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

  async resync(): Promise<void> {
    if (this.#stopped !== undefined) throw EdgeflowError.invalidState('The mirror is stopped.');
    await this.#queueLocalRuns(() => true);
    this.#schedule(true);
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
    // What waits for its debounce goes to the outbox too, for the next mirror.
    await this.#writeOutbox().catch(() => undefined);
    this.#release?.();
    if (this.#options.ownsJournal) await this.#options.journal.close();
    this.#setStatus({ state: 'stopped', retryAt: undefined });
  }

  // ------------------------------------------------------------------------------------- start

  async #start(): Promise<void> {
    try {
      const lock = this.#options.lock;
      if (lock !== undefined) {
        this.#release = await holdLock(lock, `edgeflow-mirror:${this.#options.id}`, this.#stopping.signal, () => this.#setStatus({ state: 'standby' }));
        if (this.#stopping.signal.aborted) return;
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
      while (this.#cycle !== undefined) await this.#cycle; // a standby's outbox write lands first
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
      this.#queue.markRun(key.slice(OUTBOX_RUN.length), 'all');
    }
    for (const [key] of await journal.entries(OUTBOX_MODEL)) {
      this.#outboxed.add(key);
      if (this.#options.registry) this.#queue.markModel(key.slice(OUTBOX_MODEL.length));
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
      for (const run of runs) if (include(run.info.runId)) this.#queue.markRun(run.info.runId, 'all');
    }
    this.#updatePending();
  }

  // --------------------------------------------------------------------------------- changes

  #onChange(change: StoreChange): void {
    if (change.kind === 'run' || change.kind === 'run-data' || change.kind === 'artifacts') {
      if ('experimentId' in change && !this.#inScope(change.experimentId)) return;
      const metricsOnly = change.kind === 'run-data' && change.paramKeys.length === 0 && change.tagKeys.length === 0;
      this.#queue.markRun(change.runId, change.kind === 'run-data' ? change.metricKeys : [], metricsOnly);
    } else if (change.kind === 'registered-model') {
      if (!this.#options.registry) return;
      this.#queue.markModel(change.name);
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
    if (!this.#leader) {
      this.#queue.clear(); // recorded in the outbox, for the leader
      return;
    }
    if (!this.#loaded) return; // kept queued; the load adds the rest
    if (this.#status.state === 'failed') return;
    if (this.#status.state === 'offline' && (this.#status.retryAt ?? 0) > Date.now()) {
      this.#again = true; // a timer may fire a little early: try again at retryAt
      return;
    }
    const taken = this.#queue.take();
    try {
      await this.#pushRuns(taken.runs);
      await this.#pushModels(taken.models);
      if (this.#status.state === 'offline') this.#setStatus({ state: 'online', retryAt: undefined });
      this.#failures = 0;
    } finally {
      this.#queue.putBack(taken); // what was not pushed waits again, with the keys it had
    }
  }

  /** One commit with the outbox entries of runs and models not in the journal yet. */
  async #writeOutbox(): Promise<void> {
    const at = Date.now();
    const put: Array<[string, { at: number }]> = [];
    const { runIds, models } = this.#queue.waiting();
    for (const key of [...runIds.map((id) => OUTBOX_RUN + id), ...models.map((name) => OUTBOX_MODEL + name)]) {
      if (!this.#leader || !this.#outboxed.has(key)) put.push([key, { at }]);
    }
    if (put.length === 0) return;
    await this.#options.journal.commit({ put });
    for (const [key] of put) this.#outboxed.add(key);
  }

  async #pushRuns(items: TakenItems['runs']): Promise<void> {
    const loaded = [];
    for (const item of items) {
      const run = await orUndefinedIfMissing(this.#store.getRun(item.runId as RunId));
      if (run === undefined || run.info.lifecycleStage !== 'active' || !this.#inScope(run.info.experimentId)) await this.#settleRun(item.runId);
      else loaded.push({ run, item });
    }
    const byId = new Map(loaded.map((entry) => [entry.run.info.runId as string, entry]));
    for (const run of parentsFirst(loaded.map((entry) => entry.run))) {
      this.#stopping.signal.throwIfAborted();
      const { item } = byId.get(run.info.runId)!;
      const outcome = await this.#pusher.push(run, item.keys === 'all' ? {} : { metricKeys: item.keys, metricsOnly: item.metricsOnly });
      if (outcome === 'unchanged' || outcome === 'skipped') await this.#settleRun(item.runId);
      else this.#queue.done(`run:${item.runId}`);
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
      this.#queue.done(`model:${name}`);
      if (!this.#queue.hasModel(name)) await this.#removeOutbox(OUTBOX_MODEL + name);
      this.#acknowledged();
    }
  }

  /** A run done with no write left: its outbox entry goes (unless it changed again meanwhile). */
  async #settleRun(runId: string): Promise<void> {
    this.#queue.done(`run:${runId}`);
    if (!this.#queue.hasRun(runId)) await this.#removeOutbox(OUTBOX_RUN + runId);
  }

  async #removeOutbox(key: string): Promise<void> {
    if (!this.#outboxed.has(key)) return;
    await this.#options.journal.commit({ delete: [key] });
    this.#outboxed.delete(key);
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
    const failure = asEdgeflowError(error);
    const lastError = { code: failure.code, message: failure.message, at: Date.now() };
    this.dispatchEvent(new CustomEvent<EdgeflowError>('error', { detail: failure }));
    if (mayRetry && isTransient(failure)) {
      this.#failures++;
      const retryAt = Date.now() + retryDelay(failure, this.#failures, this.#options.backoff);
      this.#setStatus({ state: this.#leader ? 'offline' : this.#status.state, lastError, retryAt });
      this.#schedule(false);
    } else {
      this.#lastFailure = failure;
      this.#setStatus({ state: 'failed', lastError, retryAt: undefined });
    }
  }

  #updatePending(): void {
    const pending = this.#queue.pending;
    if (pending !== this.#status.pending) this.#setStatus({ pending });
  }

  #setStatus(change: StatusChange): void {
    const status = changedStatus(this.#status, change);
    if (status === undefined) return;
    this.#status = status;
    this.dispatchEvent(new CustomEvent<MirrorStatus>('status', { detail: status }));
    this.#settleWaiters();
  }

  /** Resolves `flush` callers once nothing is pending; rejects them when failed or stopped. */
  #settleWaiters(): void {
    if (this.#waiters.size === 0) return;
    const { state, pending } = this.#status;
    if (state === 'stopped') this.#waiters.settle(EdgeflowError.invalidState('The mirror was stopped before it caught up.'));
    else if (state === 'failed') this.#waiters.settle(this.#lastFailure ?? new EdgeflowError('INTERNAL_ERROR', this.#status.lastError?.message ?? 'The mirror failed.'));
    else if (this.#leader && state === 'online' && pending === 0 && this.#cycle === undefined) this.#waiters.settle('caught-up');
  }
}
