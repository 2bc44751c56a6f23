/** Messages between the bench page and its raw-IndexedDB worker (the baselines). */
export type RawRequest =
  | { readonly kind: 'open'; readonly db: string }
  | { readonly kind: 'write'; readonly db: string; readonly steps: Float64Array; readonly timestamps: Float64Array; readonly values: Float64Array; readonly pointsPerTx: number }
  | { readonly kind: 'read'; readonly db: string; readonly runId: string; readonly key: string }
  | { readonly kind: 'seedRuns'; readonly db: string; readonly runs: number }
  | { readonly kind: 'searchRuns'; readonly db: string }
  | { readonly kind: 'importRuns'; readonly db: string; readonly runs: readonly RawImportRun[] };

/** A run of a bundle as the raw import baseline writes it: one run record, its columns in chunks, its files. */
export interface RawImportRun {
  readonly runId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: readonly { readonly key: string; readonly steps: Float64Array; readonly timestamps: Float64Array; readonly values: Float64Array }[];
  readonly artifacts: readonly { readonly path: string; readonly bytes: Uint8Array }[];
}

export type RawResponse =
  | { readonly kind: 'written'; readonly ms: number }
  | { readonly kind: 'read'; readonly steps: Float64Array; readonly timestamps: Float64Array; readonly values: Float64Array }
  | { readonly kind: 'searched'; readonly ms: number; readonly found: number };

/** What the bench page exposes as `window.bench`. */
export interface BenchApi {
  /** Logs `n` points with run.logMetric in a tight loop, then flushes. */
  logging(n: number): Promise<{ loopMs: number; totalMs: number; runId: string; db: string }>;
  /** Logs `n` points in steps of `perStep` per macrotask (a training loop); the longest task and long-task count. */
  loggingInSteps(n: number, perStep: number): Promise<{ longestTaskMs: number; longTasks: number; totalMs: number }>;
  /** Store only: `n` points as 100k-point columns through RemoteStore.logBatch (awaited one after another, as the queue does), then flush. */
  storeBatches(n: number): Promise<{ totalMs: number }>;
  /** The raw baseline: the same columns written by a raw worker as chunk puts, same chunk size and durability. */
  rawWrite(n: number): Promise<{ totalMs: number }>;
  /** Times getMetricHistory through the store, and the raw worker's chunk read + transfer, `reps` times each (interleaved). */
  readHistory(db: string, runId: string, reps: number): Promise<{ storeMs: number[]; rawMs: number[]; points: number }>;
  /** Creates `runs` runs with 20 params, 20 metrics and 10 tags each. */
  seedRuns(runs: number): Promise<{ db: string; experimentId: string; ms: number }>;
  /** The raw baseline of seedRuns: one plain record per run (info, params, metrics, tags), 400 runs per transaction, then a strict flush. */
  rawSeedRuns(runs: number): Promise<{ db: string; ms: number }>;
  /** The raw baseline of a cold search: a fresh connection reads every raw run record (getAll) and filters and sorts by hand. */
  rawSearch(db: string): Promise<{ ms: number; found: number }>;
  /** Heap bench: opens a fresh store (its worker is the newest `idb.worker`) and starts a run. */
  heapStart(): Promise<void>;
  /** Heap bench: logs `points` more points round-robin over `keys` keys, `perTask` per task, and returns with the queue as the loop left it. */
  heapLog(points: number, keys: number, perTask: number): Promise<void>;
  /** Heap bench: flushes the run's points, keeping the client open. */
  heapFlush(): Promise<void>;
  /** Heap bench: closes the client (and its worker). */
  heapClose(): Promise<void>;
  /** Fetches the bundle at `url`, then times `importBundle` of it into a new worker store and `flush()`. */
  importBundle(url: string): Promise<{ ms: number; runs: number; points: number; artifacts: number }>;
  /**
   * The raw baseline of importBundle: fflate's `unzipSync` of the same zip, and raw puts of the same
   * runs, columns and files (run records, 4096-point chunks, Blobs; 100 runs per relaxed
   * transaction, then a strict flush) in the raw worker. Finding what to put (a plain split of the
   * metric text) happens before the clock starts.
   */
  rawImport(url: string): Promise<{ ms: number; points: number; artifacts: number }>;
  /** Times a three-clause search `reps` times (first = cold cache). */
  search(db: string, experimentId: string, reps: number, maxResults: number): Promise<{ ms: number[]; found: number }>;
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}
