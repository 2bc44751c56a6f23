/**
 * One life of the IndexedDB worker as the page sees it: the comlink proxy, the port its change
 * events arrive on, and the calls in flight. comlink alone leaves a call pending forever when the
 * worker dies, so a connection watches the worker and, once it stops, rejects every call in flight
 * and every later one with a {@link workerStopped} error:
 * - **a crash**: an uncaught error in the worker (`error` event) or a message that cannot be read
 *   (`messageerror`). The worker's state is unknown, so it is terminated.
 * - **gone**: terminated from outside (`worker.terminate()` by other code, the browser stopping it)
 *   or closed from inside. No event tells; the worker holds a Web Lock for its whole life, and the
 *   page's request for the same lock is granted the moment the worker is gone.
 * - **unresponsive**, where Web Locks are missing (pages on non-secure origins): while calls wait,
 *   the worker is pinged; when it has answered nothing for `unresponsiveMs`, it is taken as gone.
 * @module
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { EdgeflowError } from '../../core/errors.js';
import { newRunId } from '../../core/ids.js';
import type { StoreChange } from '../../core/store.js';
import type { IdbWorkerApi } from './worker-api.js';

/** Why a worker stopped. */
export type WorkerStopReason = 'crashed' | 'unreadable message' | 'gone' | 'unresponsive';

/** Options of {@link WorkerConnection.start}. */
export interface WorkerConnectionOptions {
  /**
   * Where Web Locks are missing: how long a worker may answer nothing (no call, no ping) while
   * calls wait before it is taken as gone. Default 10 000 ms.
   */
  readonly unresponsiveMs?: number;
}

const DEFAULT_UNRESPONSIVE_MS = 10_000;

/**
 * The error calls get when the worker stopped: `INTERNAL_ERROR` (the store failed, not the call),
 * `details.reason`, and `details.resendable: true` — what was in flight may or may not have been
 * applied; a batch with a `batchId` may be sent again (the logging queue does).
 */
export function workerStopped(dbName: string, reason: WorkerStopReason, detail = ''): EdgeflowError {
  return new EdgeflowError(
    'INTERNAL_ERROR',
    `The IndexedDB worker stopped (${reason}${detail === '' ? '' : `: ${detail}`}) before answering; calls in flight on database ` +
      `${JSON.stringify(dbName)} were rejected. The next call starts a new worker.`,
    { details: { dbName, reason, resendable: true } },
  );
}

interface LockManagerLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => unknown): Promise<unknown>;
}

function lockManager(): LockManagerLike | undefined {
  return (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
}

/** A started worker with its store open. */
export class WorkerConnection {
  readonly #pending = new Set<(error: unknown) => void>();
  readonly #lockRequest = new AbortController();
  #stopped: EdgeflowError | undefined;
  /** Pings while calls wait; only where no Web Lock tells that the worker is gone. */
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** When the worker last answered anything (watchdog). */
  #answeredAt = 0;

  private constructor(
    readonly worker: Worker,
    readonly remote: Remote<IdbWorkerApi>,
    readonly dbName: string,
    readonly port: MessagePort,
    /** Undefined when a Web Lock watches the worker. */
    readonly unresponsiveMs: number | undefined,
  ) {}

  /**
   * Opens database `dbName` in `worker` and starts watching it. Rejects when the worker fails to
   * start or the database cannot be opened; the worker is then terminated.
   */
  static async start(
    worker: Worker,
    dbName: string,
    onChange: (change: StoreChange) => void,
    options: WorkerConnectionOptions = {},
  ): Promise<WorkerConnection> {
    const remote = wrap<IdbWorkerApi>(worker);
    const locks = lockManager();
    const lockName = locks === undefined ? undefined : `edgeflow-idb-worker:${newRunId()}`;
    let onStartError: ((event: ErrorEvent) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      onStartError = (event: ErrorEvent) =>
        reject(EdgeflowError.internalError(`The IndexedDB worker failed to start: ${event.message || 'script error'}.`, { cause: event.error }));
      worker.addEventListener('error', onStartError);
    });
    try {
      await Promise.race([remote.open({ name: dbName, ...(lockName === undefined ? {} : { lockName }) }), failed]);
    } catch (error) {
      remote[releaseProxy]();
      worker.terminate();
      throw error;
    } finally {
      worker.removeEventListener('error', onStartError!);
    }
    const { port1, port2 } = new MessageChannel();
    const unresponsiveMs = lockName === undefined ? (options.unresponsiveMs ?? DEFAULT_UNRESPONSIVE_MS) : undefined;
    const connection = new WorkerConnection(worker, remote, dbName, port1, unresponsiveMs);
    port1.onmessage = (event: MessageEvent<readonly StoreChange[]>) => {
      for (const change of event.data) onChange(change);
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      connection.stop('crashed', event.message);
    });
    worker.addEventListener('messageerror', () => connection.stop('unreadable message'));
    if (locks !== undefined && lockName !== undefined) {
      // Queued behind the worker's own hold on the lock: granted once the worker is gone.
      locks.request(lockName, { signal: connection.#lockRequest.signal }, () => connection.stop('gone')).catch(() => undefined);
    }
    remote.attachEvents(transfer(port2, [port2])).catch(() => undefined);
    return connection;
  }

  /** The error calls get since the worker stopped, or undefined while it runs. */
  get stopped(): EdgeflowError | undefined {
    return this.#stopped;
  }

  /** Sends one call; it rejects with {@link workerStopped} if the worker stops before answering. */
  call<T>(send: (remote: Remote<IdbWorkerApi>) => Promise<T>): Promise<T> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      this.#watch();
      send(this.remote)
        .then(resolve, reject)
        .finally(() => {
          this.#answeredAt = Date.now();
          this.#pending.delete(reject);
          if (this.#pending.size === 0) this.#unwatch();
        });
    });
  }

  /** Marks the worker stopped, terminates it and rejects every call in flight. Idempotent. */
  stop(reason: WorkerStopReason, detail = ''): void {
    if (this.#stopped !== undefined) return;
    const error = workerStopped(this.dbName, reason, detail);
    this.#stopped = error;
    this.#release();
    for (const reject of this.#pending) reject(error);
    this.#pending.clear();
  }

  /** Lets the worker finish pending writes and close the database, then terminates it. */
  async close(): Promise<void> {
    if (this.#stopped !== undefined) return;
    try {
      await this.call((remote) => remote.close());
    } catch (error) {
      // A worker that stopped meanwhile has nothing left to close.
      if (error !== this.#stopped) throw error;
    } finally {
      if (this.#stopped === undefined) {
        this.#stopped = EdgeflowError.invalidState(`The IndexedDB store ${JSON.stringify(this.dbName)} is closed.`);
        this.#release();
      }
    }
  }

  /** Starts pinging (no Web Lock, calls waiting): a worker that answers nothing for too long is gone. */
  #watch(): void {
    const limit = this.unresponsiveMs;
    if (limit === undefined || this.#watchdog !== undefined) return;
    this.#answeredAt = Date.now();
    this.#watchdog = setInterval(() => {
      if (Date.now() - this.#answeredAt > limit) this.stop('unresponsive', `nothing answered for ${limit} ms`);
      else
        this.remote._$ping().then(
          () => (this.#answeredAt = Date.now()),
          () => undefined,
        );
    }, Math.max(1, Math.min(1000, limit / 4)));
  }

  #unwatch(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #release(): void {
    this.#unwatch();
    this.#lockRequest.abort();
    this.remote[releaseProxy]();
    this.port.close();
    this.worker.terminate();
  }
}
