/**
 * The status side of the live mirror: merging status changes (identical statuses are not
 * reported again), what a failure means (offline and retry, or failed), the wait before the next
 * attempt, `flush()` callers waiting for the mirror to catch up, and browsers' `offline`/`online`.
 * @module
 */
import { EdgeflowError, isEdgeflowError } from '../../core/errors.js';
import { isAmbiguousFailure } from '../rest/http.js';
import type { MirrorLock, MirrorState, MirrorStatus } from './contract.js';

/** A change of a status; `undefined` removes a field. */
export interface StatusChange {
  readonly state?: MirrorState;
  readonly pending?: number;
  readonly lastError?: MirrorStatus['lastError'];
  readonly lastSentAt?: number;
  readonly retryAt?: number | undefined;
}

/** `status` with `change` applied, or undefined when that is the same status. */
export function changedStatus(status: MirrorStatus, change: StatusChange): MirrorStatus | undefined {
  const next: Record<string, unknown> = { ...status, ...change };
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  const merged = next as unknown as MirrorStatus;
  const same =
    merged.state === status.state &&
    merged.pending === status.pending &&
    merged.lastSentAt === status.lastSentAt &&
    merged.retryAt === status.retryAt &&
    merged.lastError?.code === status.lastError?.code &&
    merged.lastError?.message === status.lastError?.message &&
    merged.lastError?.at === status.lastError?.at;
  return same ? undefined : Object.freeze(merged);
}

/** Any thrown value as an {@link EdgeflowError}. */
export function asEdgeflowError(error: unknown): EdgeflowError {
  return isEdgeflowError(error) ? error : new EdgeflowError('INTERNAL_ERROR', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Failures the RestStore gave up on that a later attempt may get past: network, 5xx, 429. */
export function isTransient(error: EdgeflowError): boolean {
  return error.code === 'INTERNAL_ERROR' || error.code === 'RESOURCE_EXHAUSTED' || isAmbiguousFailure(error);
}

/**
 * Ms to wait before attempt `failures + 1`: the server's `Retry-After` (`details.retryAfterMs`)
 * when it sent one, else exponential from `initialMs` up to `maxMs`, with full jitter.
 */
export function retryDelay(error: EdgeflowError, failures: number, backoff: { readonly initialMs: number; readonly maxMs: number }): number {
  const retryAfter = error.details?.['retryAfterMs'];
  if (typeof retryAfter === 'number') return retryAfter;
  return Math.random() * Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
}

/** Callers of `flush()` waiting for the mirror to catch up. */
export class FlushWaiters {
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  /** A promise settled by {@link FlushWaiters.settle}, or rejected after `timeoutMs` with `describe()` in its message. */
  wait(timeoutMs: number | undefined, describe: () => string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(new EdgeflowError('INTERNAL_ERROR', `The mirror did not catch up within ${timeoutMs} ms (${describe()}).`, { details: { timeoutMs, reason: 'timeout' } }));
        }, timeoutMs);
      }
    });
    return done;
  }

  /** Resolves every waiter (`'caught-up'`) or rejects them all with `outcome`. */
  settle(outcome: 'caught-up' | EdgeflowError): void {
    for (const waiter of this.#waiters.splice(0)) {
      if (outcome === 'caught-up') waiter.resolve();
      else waiter.reject(outcome);
    }
  }

  get size(): number {
    return this.#waiters.length;
  }
}

/**
 * Follows the browser's `offline` and `online` events where the global scope has them (pages and
 * workers); returns the function that stops following.
 */
export function followNetwork(onOffline: () => void, onOnline: () => void): () => void {
  const scope = globalThis as { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
  if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return () => {};
  scope.addEventListener('offline', onOffline);
  scope.addEventListener('online', onOnline);
  return () => {
    scope.removeEventListener?.('offline', onOffline);
    scope.removeEventListener?.('online', onOnline);
  };
}

/**
 * Waits for `lock`, calling `onWaiting` when another context holds it, and returns its release; a
 * lock granted after `signal` aborted is released at once.
 */
export async function holdLock(lock: MirrorLock, name: string, signal: AbortSignal, onWaiting: () => void): Promise<() => void> {
  let held = false;
  const acquiring = lock.acquire(name, signal).then((release) => {
    held = true;
    return release;
  });
  await Promise.race([acquiring, new Promise((resolve) => setTimeout(resolve, 0))]);
  if (!held) onWaiting();
  const release = await acquiring;
  if (signal.aborted) release();
  return release;
}
