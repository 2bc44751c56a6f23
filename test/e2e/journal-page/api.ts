/** What the mirror journal e2e page exposes as `window.journalE2e` (shared by the page and the Node-side tests). */
export interface JournalE2eApi {
  /**
   * Commits `count` commits to the IndexedDB journal `db`, numbered from `from`, each putting
   * `seq` = its number and `item/<number>` = `{ n, a, b }` with `a` and `b` text of `bytes` bytes.
   * `wait`: resolve after the last commit resolved; otherwise start them all and resolve at once.
   */
  commit(db: string, options: { from: number; count: number; bytes: number; wait: boolean }): Promise<void>;
  /** Every entry of the journal `db`. */
  entries(db: string): Promise<Array<[string, unknown]>>;
  /** Starts acquiring the mirror lock `name` (webLocksMirrorLock); `holds(name)` turns true once held. */
  acquire(name: string): void;
  holds(name: string): boolean;
  /** Held and waiting counts of lock `name`, as `navigator.locks.query()` reports them. */
  lockCensus(name: string): Promise<{ held: number; pending: number }>;
}

declare global {
  interface Window {
    journalE2e: JournalE2eApi;
  }
}
