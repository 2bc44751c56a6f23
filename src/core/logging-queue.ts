/**
 * The logging queue between a training loop and a store (MLflow's `AsyncLoggingQueue`, columnar).
 *
 * `logMetric` appends to a per-(run, key) growable typed-array buffer: no promise and no object
 * per point. The queue ships everything pending as one `logBatch` per run after `intervalMs`, or at
 * once when `maxPendingPoints` are waiting — also in the middle of a synchronous training loop.
 * A run's writes keep their order: on a store with `orderedWrites` up to `maxInFlight` batches are
 * in flight at once (the store applies them in call order), on others one after another. In a page,
 * pending points are shipped when it is hidden or unloaded.
 *
 * Storage errors of queued writes are kept **per run** and reported once: by the next
 * `flush(runId)` of that run, or by the next `flush()` without a run (which reports every run's).
 * Several errors are reported as one, see {@link queuedWritesError}.
 *
 * Every batch carries a `batchId`, and the queue keeps it until the store acknowledges it. When a
 * write fails with an error marked `details.resendable` (the IndexedDB worker stopped while the
 * batch was in flight: it may or may not have been written), the same batch is sent again, up to
 * {@link MAX_RESENDS} times; a store that records batch ids skips it if it had been written.
 * @module
 */
import type { KeyValue } from './entities.js';
import type { MetricLink } from './logged-models/entities.js';
import { EdgeflowError } from './errors.js';
import { newRunId, type RunId } from './ids.js';
import { MetricBuffer } from './metric-buffer.js';
import type { LogBatchInput, Store } from './store.js';

/** Default {@link LoggingQueueOptions.maxInFlight}. */
const DEFAULT_MAX_IN_FLIGHT = 16;

/** How often one batch is sent again after resendable failures before its error is kept. */
const MAX_RESENDS = 3;

/** A store error saying the write may not have been applied and the same batch may be sent again. */
function isResendable(error: unknown): boolean {
  return error instanceof EdgeflowError && error.details?.['resendable'] === true;
}

/** Tuning of a {@link LoggingQueue}. */
export interface LoggingQueueOptions {
  /** How long points may wait before they are shipped. Default 50 ms. */
  readonly intervalMs?: number;
  /** Ship at once when this many points are pending. Default 100,000. */
  readonly maxPendingPoints?: number;
  /**
   * Batches in flight at once on a store with `orderedWrites` (others: 1). Default 16: a synchronous
   * loop of up to 1.6M points (at the default `maxPendingPoints`) hands every batch to the store
   * while it runs, so a worker store writes meanwhile instead of after the loop.
   */
  readonly maxInFlight?: number;
}

interface PageEvents {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface PendingRun {
  /** Buffers by metric key, or by key and link for points linked to a model or dataset. */
  readonly metrics: Map<string, MetricBuffer>;
  /** The links of the linked buffers, by the same map key. */
  readonly links: Map<string, MetricLink>;
  readonly params: KeyValue[];
  readonly tags: Map<string, string>;
}

/** Queues writes for a store and ships them in batches. */
export class LoggingQueue {
  private __pending = new Map<RunId, PendingRun>();
  private __pendingPoints = 0;
  private __timer: ReturnType<typeof setTimeout> | undefined;
  /** Shipped batches not yet written (issued or waiting), for `settle()`. */
  private readonly __unsettled = new Set<Promise<void>>();
  /** Batches issued to the store and not yet written. */
  private __issued = 0;
  /** Batches waiting for a free slot, in shipping order. */
  private readonly __waiting: (() => void)[] = [];
  /** Points in the last shipped batch of each (run, key). */
  private readonly __sizeHints = new Map<RunId, Map<string, number>>();
  /** Emptied buffers of written batches, by run and key, on a store that `copiesBatches`; dropped on flush. */
  readonly #spares = new Map<RunId, Map<string, MetricBuffer>>();
  /** Unique per queue: batch ids are `<prefix>.<n>`. */
  readonly #batchPrefix = newRunId();
  #batches = 0;
  /** Errors of queued writes not reported yet, by run. */
  readonly #errors = new Map<RunId, unknown[]>();
  private __lastRun: RunId | undefined;
  private __lastPending: PendingRun | undefined;
  private __lastKey: string | undefined;
  private __lastBuffer: MetricBuffer | undefined;
  private readonly __intervalMs: number;
  private readonly __maxPendingPoints: number;
  private readonly __maxInFlight: number;
  private readonly __onHide: () => void;
  private readonly __onVisibilityChange: () => void;

  constructor(
    private readonly __store: Store,
    options: LoggingQueueOptions = {},
  ) {
    this.__intervalMs = options.intervalMs ?? 50;
    this.__maxPendingPoints = options.maxPendingPoints ?? 100_000;
    this.__maxInFlight = __store.capabilities.orderedWrites ? Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT) : 1;
    this.__onHide = () => this.__ship();
    this.__onVisibilityChange = () => {
      if ((globalThis as { document?: { visibilityState?: string } }).document?.visibilityState === 'hidden') this.__ship();
    };
    const page = pageEvents();
    page?.addEventListener('pagehide', this.__onHide);
    page?.addEventListener('visibilitychange', this.__onVisibilityChange);
  }

  /** Stops listening to page events (pending points are not shipped: flush first). */
  dispose(): void {
    const page = pageEvents();
    page?.removeEventListener('pagehide', this.__onHide);
    page?.removeEventListener('visibilitychange', this.__onVisibilityChange);
    if (this.__timer !== undefined) clearTimeout(this.__timer);
    this.__timer = undefined;
  }

  /** Queues one metric point (already validated). The hot path. */
  metric(runId: RunId, key: string, value: number, timestamp: number, step: number, link?: MetricLink): void {
    let buffer: MetricBuffer | undefined;
    if (link !== undefined) {
      const pending = this.__run(runId);
      const group = JSON.stringify([key, link.modelId, link.datasetName, link.datasetDigest]);
      buffer = pending.metrics.get(group);
      if (buffer === undefined) {
        pending.metrics.set(group, (buffer = new MetricBuffer(key)));
        pending.links.set(group, link);
      }
    } else if (runId === this.__lastRun && key === this.__lastKey) {
      buffer = this.__lastBuffer!;
    } else {
      const pending = this.__run(runId);
      buffer = pending.metrics.get(key);
      if (buffer === undefined) {
        // The buffer of this (run, key)'s last written batch, else one sized like that batch: steady
        // logging fills it exactly, so it is neither grown nor copied before it is shipped.
        buffer = this.#spare(runId, key) ?? new MetricBuffer(key, this.__sizeHints.get(runId)?.get(key));
        pending.metrics.set(key, buffer);
      }
      this.__lastKey = key;
      this.__lastBuffer = buffer;
    }
    buffer.push(step, timestamp, value);
    if (++this.__pendingPoints >= this.__maxPendingPoints) this.__drainSoon(true);
    else if (this.__timer === undefined) this.__drainSoon(false);
  }

  /** Queues a param (already validated). */
  param(runId: RunId, key: string, value: string): void {
    this.__run(runId).params.push({ key, value });
    this.__drainSoon(false);
  }

  /** Queues a tag (already validated); a later value for the same key replaces a pending one. */
  tag(runId: RunId, key: string, value: string): void {
    this.__run(runId).tags.set(key, value);
    this.__drainSoon(false);
  }

  /** True when something is waiting to be shipped. */
  get hasPending(): boolean {
    return this.__pending.size > 0;
  }

  /**
   * Ships everything pending and waits until the store has taken it. Never rejects: storage errors
   * are kept for the next {@link LoggingQueue.flush} (of their run, or of all runs).
   */
  async settle(): Promise<void> {
    this.__ship();
    while (this.__unsettled.size > 0) await Promise.all(this.__unsettled);
  }

  /**
   * Ships everything, waits for it, then for the store's own durability (`store.flush()`). Rejects
   * with the errors of queued writes of `runId` (of every run when omitted) not reported before, and
   * with the error of `store.flush()` itself (see {@link queuedWritesError} for several).
   */
  async flush(runId?: RunId): Promise<void> {
    await this.settle();
    this.#spares.clear();
    let flushError: unknown[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.__store.flush();
        break;
      } catch (error) {
        // A flush is safe to repeat: its worker stopped before answering, ask the next one.
        if (attempt < MAX_RESENDS && isResendable(error)) continue;
        flushError = [error];
        break;
      }
    }
    const runs = runId === undefined ? [...this.#errors.keys()] : [runId];
    const failedRuns = runs.filter((id) => this.#errors.has(id));
    const errors = failedRuns.flatMap((id) => this.#errors.get(id)!);
    for (const id of failedRuns) this.#errors.delete(id);
    if (errors.length + flushError.length > 0) throw queuedWritesError([...errors, ...flushError], failedRuns);
  }

  /** True when queued writes of `runId` failed and that was not reported yet. */
  hasErrors(runId: RunId): boolean {
    return this.#errors.has(runId);
  }

  private __run(runId: RunId): PendingRun {
    if (runId === this.__lastRun && this.__lastPending !== undefined) return this.__lastPending;
    let pending = this.__pending.get(runId);
    if (pending === undefined) {
      pending = { metrics: new Map(), links: new Map(), params: [], tags: new Map() };
      this.__pending.set(runId, pending);
    }
    this.__lastRun = runId;
    this.__lastPending = pending;
    this.__lastKey = undefined;
    this.__lastBuffer = undefined;
    return pending;
  }

  private __drainSoon(now: boolean): void {
    if (now) {
      if (this.__timer !== undefined) clearTimeout(this.__timer);
      this.__timer = undefined;
      this.__ship();
      return;
    }
    if (this.__timer === undefined) this.__timer = setTimeout(() => this.__ship(), this.__intervalMs);
  }

  /** Moves everything pending into one batch per run, issued after (or alongside) earlier batches. */
  private __ship(): void {
    if (this.__timer !== undefined) {
      clearTimeout(this.__timer);
      this.__timer = undefined;
    }
    if (this.__pending.size === 0) return;
    const batches = this.__pending;
    this.__pending = new Map();
    this.__pendingPoints = 0;
    this.__lastRun = undefined;
    this.__lastPending = undefined;
    this.__lastKey = undefined;
    this.__lastBuffer = undefined;
    let settled!: () => void;
    const done = new Promise<void>((resolve) => (settled = resolve));
    this.__unsettled.add(done);
    const issue = (): void => {
      this.__issued++;
      void this.__write(batches).then(() => {
        this.__issued--;
        this.__unsettled.delete(done);
        settled();
        // Slots go to waiting batches first come, first served: issue order stays shipping order.
        this.__waiting.shift()?.();
      });
    };
    if (this.__waiting.length === 0 && this.__issued < this.__maxInFlight) issue();
    else this.__waiting.push(issue);
  }

  private async __write(batches: Map<RunId, PendingRun>): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const [runId, pending] of batches) {
      // Params go alone: a conflicting param must not take the run's metrics down with it.
      if (pending.params.length > 0) writes.push(this.#send(runId, { params: pending.params }));
      let hints = this.__sizeHints.get(runId);
      if (hints === undefined) this.__sizeHints.set(runId, (hints = new Map()));
      for (const buffer of pending.metrics.values()) hints.set(buffer.key, buffer.length);
      const metrics = Array.from(pending.metrics, ([group, buffer]) => {
        const link = pending.links.get(group);
        return link === undefined ? buffer.takeColumns() : { ...buffer.takeColumns(), link };
      });
      const tags = Array.from(pending.tags, ([key, value]) => ({ key, value }));
      if (metrics.length > 0 || tags.length > 0) writes.push(this.#send(runId, { metrics, tags }));
    }
    await Promise.all(writes);
    if (this.__store.capabilities.copiesBatches === true) this.#keepSpares(batches);
  }

  /** Keeps the unlinked buffers of written batches (the store holds no view of them) for the next points of their keys. */
  #keepSpares(batches: Map<RunId, PendingRun>): void {
    for (const [runId, pending] of batches) {
      let spares = this.#spares.get(runId);
      for (const [group, buffer] of pending.metrics) {
        if (pending.links.has(group)) continue;
        if (spares === undefined) this.#spares.set(runId, (spares = new Map()));
        buffer.clear();
        spares.set(buffer.key, buffer);
      }
    }
  }

  /** A kept empty buffer of (run, key), taken out of the spares. */
  #spare(runId: RunId, key: string): MetricBuffer | undefined {
    const spares = this.#spares.get(runId);
    const buffer = spares?.get(key);
    if (buffer !== undefined) spares!.delete(key);
    return buffer;
  }

  /** Writes one batch, sending it again after a resendable failure; keeps the final error for the run. */
  async #send(runId: RunId, batch: Omit<LogBatchInput, 'batchId'>): Promise<void> {
    const identified: LogBatchInput = { ...batch, batchId: `${this.#batchPrefix}.${++this.#batches}` };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.__store.logBatch(runId, identified);
        return;
      } catch (error) {
        if (attempt < MAX_RESENDS && isResendable(error)) continue;
        const errors = this.#errors.get(runId);
        if (errors === undefined) this.#errors.set(runId, [error]);
        else errors.push(error);
        return;
      }
    }
  }
}

/** The page's event target when running in a page (window), else undefined. */
function pageEvents(): PageEvents | undefined {
  const scope = globalThis as { document?: unknown } & Partial<PageEvents>;
  return scope.document !== undefined && typeof scope.addEventListener === 'function' ? (scope as PageEvents) : undefined;
}

/**
 * The one error reported for failed queued writes: a single failure is thrown as it is; several
 * become one {@link EdgeflowError} with the first one's code (`INTERNAL_ERROR` when it has none),
 * a message that counts them and quotes the first, `details.runIds` (the runs whose writes failed)
 * and `cause`, an `AggregateError` holding every original error in order.
 */
function queuedWritesError(errors: readonly unknown[], runIds: readonly RunId[]): unknown {
  if (errors.length === 1) return errors[0];
  const first = errors[0];
  const message = `${errors.length} queued writes failed; the first: ${first instanceof Error ? first.message : String(first)}`;
  return new EdgeflowError(first instanceof EdgeflowError ? first.code : 'INTERNAL_ERROR', message, {
    details: { runIds: [...runIds] },
    cause: new AggregateError(errors, message),
  });
}
