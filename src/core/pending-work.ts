/**
 * The writes a store or client has started and not yet seen settle, so that `flush()` and
 * `close()` can wait for them. Waiting never rejects: a failed write is reported to its own caller.
 * @module
 */

/** A set of promises in flight, each forgotten once it settles. */
export class PendingWork {
  readonly #inFlight = new Set<Promise<unknown>>();

  /** How many tracked promises have not settled yet. */
  get size(): number {
    return this.#inFlight.size;
  }

  /**
   * Tracks `work` until it settles and returns it unchanged: its result and its rejection stay the
   * caller's (tracking adds no unhandled rejection of its own).
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const forget = (): void => {
      this.#inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves, never rejects, once every promise tracked before this call has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Resolves, never rejects, once nothing is in flight: work tracked while it waits is waited for too. */
  async drained(): Promise<void> {
    while (this.#inFlight.size > 0) await this.settled();
  }
}
