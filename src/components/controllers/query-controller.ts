/**
 * A data-loading controller in the manner of `@lit/task`: it runs an async load when its
 * arguments change, gives each run an `AbortSignal`, aborts the stale run, and exposes a
 * {@link LoadState} the view renders from. The previous value stays visible while reloading.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LoadStatus, isAbortError, valueOf, type LoadState, type Settling } from './status.js';

/** Options of {@link QueryController}. */
export interface QueryOptions<A extends readonly unknown[], T> {
  /** The arguments; `undefined` means "not ready" (state stays as is). Compared item by item. */
  readonly args: () => A | undefined;
  /** The load; must stop early (throw) when `signal` aborts. */
  readonly task: (args: A, signal: AbortSignal) => Promise<T>;
}

function sameArgs(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Loads data for a host element; see the module docs. */
export class QueryController<A extends readonly unknown[], T> implements ReactiveController, Settling {
  /** The current state. */
  state: LoadState<T> = { status: LoadStatus.INITIAL };
  private __args: A | undefined;
  private __abort: AbortController | undefined;
  private __run: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: QueryOptions<A, T>,
  ) {
    host.addController(this);
  }

  /** The value, or the previous one while reloading or after an error. */
  get value(): T | undefined {
    return valueOf(this.state);
  }

  /** Resolves when the current load has settled. */
  get settled(): Promise<void> {
    return this.__run;
  }

  /** True while a load runs. */
  get busy(): boolean {
    return this.state.status === LoadStatus.PENDING;
  }

  hostUpdate(): void {
    const args = this.options.args();
    if (args === undefined || sameArgs(args, this.__args)) return;
    this.__args = args;
    this.__start(args);
  }

  hostDisconnected(): void {
    this.__abort?.abort();
    this.__abort = undefined;
    // Reload on reconnect: the data may have changed while detached.
    if (this.state.status === LoadStatus.PENDING) this.__args = undefined;
  }

  /** Runs the load again with the current arguments (e.g. after a store change). */
  refresh(): Promise<void> {
    const args = this.options.args();
    if (args === undefined) return this.__run;
    this.__args = args;
    this.__start(args);
    return this.__run;
  }

  /** Replaces the value without loading (live patches computed by the host). */
  set(value: T): void {
    this.state = { status: LoadStatus.COMPLETE, value };
    this.host.requestUpdate();
  }

  private __start(args: A): void {
    this.__abort?.abort();
    const abort = new AbortController();
    this.__abort = abort;
    const previous = this.value;
    this.state = { status: LoadStatus.PENDING, previous };
    this.__run = this.options.task(args, abort.signal).then(
      (value) => {
        if (abort.signal.aborted) return;
        this.state = { status: LoadStatus.COMPLETE, value };
        this.host.requestUpdate();
      },
      (error: unknown) => {
        if (abort.signal.aborted || isAbortError(error)) return;
        this.state = { status: LoadStatus.ERROR, error, previous };
        this.host.requestUpdate();
      },
    );
  }
}
