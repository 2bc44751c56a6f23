/**
 * The state of an asynchronous load, as `@lit/task`'s `TaskStatus`: a const object with a derived
 * union type (no TS enum).
 * @module
 */

/** Status of a load: not started, running, finished, failed. */
export const LoadStatus = {
  INITIAL: 'INITIAL',
  PENDING: 'PENDING',
  COMPLETE: 'COMPLETE',
  ERROR: 'ERROR',
} as const;
export type LoadStatus = (typeof LoadStatus)[keyof typeof LoadStatus];

/** What a view renders from: the status with its value or error. */
export type LoadState<T> =
  | { readonly status: 'INITIAL' }
  | { readonly status: 'PENDING'; readonly previous: T | undefined }
  | { readonly status: 'COMPLETE'; readonly value: T }
  | { readonly status: 'ERROR'; readonly error: unknown; readonly previous: T | undefined };

/** The value a state holds, or the previous one while reloading or after an error. */
export function valueOf<T>(state: LoadState<T>): T | undefined {
  switch (state.status) {
    case 'INITIAL':
      return undefined;
    case 'PENDING':
      return state.previous;
    case 'COMPLETE':
      return state.value;
    case 'ERROR':
      return state.previous;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

/**
 * A controller whose work an element waits for before it counts as loaded (see
 * `StoreElement.loaded()`): a store being opened, a query running.
 */
export interface Settling {
  /** Resolves when the work started so far has settled (never rejects). */
  readonly settled: Promise<void>;
  /** True while work is in flight. */
  readonly busy: boolean;
}

/** True for a controller that implements {@link Settling}. */
export function isSettling(value: unknown): value is Settling {
  return typeof value === 'object' && value !== null && 'settled' in value && 'busy' in value;
}

/** A readable message for an error of any kind. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True for the rejection of an aborted load (never shown to users). */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** Throws an `AbortError` when `signal` is aborted (call between awaits). */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException('The load was superseded.', 'AbortError');
}
