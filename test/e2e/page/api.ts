/** What the e2e page exposes as `window.e2e` (shared by the page and the Node-side tests). */
export interface E2eApi {
  /** Opens (once per page) the worker-backed store `db` and a client over it. */
  open(db: string): Promise<void>;
  /** Gets or creates experiment `experiment` (concurrent creators agree on one). */
  experiment(db: string, experiment: string): Promise<string>;
  /** Starts `runs` runs in `experiment`, logs `points` points of `key` to each with `logMetric`, flushes. Returns the run ids. */
  logRuns(db: string, options: { experiment: string; runs: number; points: number; key: string; prefix: string }): Promise<string[]>;
  /** Logs `points` points to run `runId` in rounds of `round` with a flush after each, until done or a flush fails. */
  logUntilFailure(db: string, options: { runId: string; key: string; points: number; round: number }): Promise<{ flushed: number; error?: { code: string; message: string; isEdgeflowError: boolean } }>;
  /** Per run of the experiment (ALL view types): name, history length, first/last step, sum of values. */
  census(db: string, experiment: string): Promise<{ runId: string; runName: string; points: number; lastStep: number; sum: number; latestStep: number | null }[]>;
  /** One history: its length, last step, and the step of the run's latest value of `key`. */
  series(db: string, runId: string, key: string): Promise<{ points: number; lastStep: number; latestStep: number | null }>;
  /** Starts recording change events of `db`'s store. */
  record(db: string): Promise<void>;
  /** The run ids of recorded `run-data` events. */
  recordedRunData(db: string): string[];
  /** Opens the database with raw IndexedDB at `version`, adding object store `store` (and optionally `minVersion`); resolves when done. */
  upgradeRaw(db: string, version: number, store: string, minVersion?: number): Promise<{ version: number; blocked: boolean }>;
  /** The database's version and object store names, read with raw IndexedDB. */
  inspectRaw(db: string): Promise<{ version: number; stores: string[] }>;
  /** `storageEstimate()` of the store. */
  estimate(db: string): Promise<{ usage?: number; quota?: number }>;
  close(db: string): Promise<void>;
}

declare global {
  interface Window {
    e2e: E2eApi;
  }
}
