/**
 * The IndexedDB schema of the edgeflow store: every object store, key, index and migration in one
 * place, typed with idb's `DBSchema` so that the compiler checks each store and index name.
 *
 * Versions:
 * - **v1** experiments (unique `name` index), runs (info, params, tags, latest metrics; `experimentId`
 *   index), metric chunks (`[runId, key, chunk]` → columns), artifacts (`[runId, path]` → Blob), meta.
 * - **v2** change tracking and series summaries: every run gets `seq` (the value of the store-wide
 *   counter `meta.seq` when it last changed, indexed) so a search cache refreshes only the runs that
 *   changed since it last looked, even when another tab wrote them; and `series` (points and chunks
 *   per metric key) so appending finds the open tail chunk without a cursor. The migration computes
 *   both from the v1 data.
 * - **v3** the model registry: `registeredModels`, one record per registered model (keyed by name)
 *   holding its versions, tags and aliases, so every registry operation is one transaction over one
 *   (rename: two) records. The migration creates the store; v1/v2 data is kept as it is. v2 code may
 *   still open a v3 database (`meta.minVersion` stays 2): it only lacks the registry.
 * - **v4** MLflow 3 logged models: `loggedModels`, one record per model (keyed by id, indexed by
 *   experiment) holding its params, tags and every metric line; model files go into `artifacts`
 *   under the model id (`m-…`, never a run id). Runs may carry `outputs` (the models they produced).
 *   `meta.minVersion` becomes 4: older code rewrites a run without its `outputs`, so it must not
 *   write a v4 database.
 * - **v5** series heads: a series of at most {@link INLINE_POINTS} points has no chunk record; its
 *   points are in the run's one `heads` record (keyed by run id), so creating a run with 20
 *   one-point metrics writes two records, not 21, and the run records that search loads stay lean.
 *   Such a series has `chunks` 0 and `count` > 0. v4 data stays valid as it is; `meta.minVersion`
 *   becomes 5, since v4 code would read a series kept in `heads` as empty.
 *
 * Dicts (params, tags, latest metrics) are stored as plain objects; readers turn them back into
 * null-prototype dicts (`records.ts`), so keys such as `__proto__` stay ordinary entries.
 * @module
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Dict, Experiment, Metric, RunInfo } from '../../core/entities.js';
import type { RunInputs } from '../../core/datasets/entities.js';
import type { RegisteredModelRecord } from '../../core/registry/entities.js';
import type { LoggedModelRecord } from '../../core/logged-models/logged-model-store.js';
import type { ModelOutput } from '../../core/datasets/entities.js';
import type { RunIndexRecord } from './run-index.js';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, type ExperimentId, type RunId } from '../../core/ids.js';

/** The schema version this code writes. */
export const DB_VERSION = 5;

/**
 * Points per metric chunk record. Full chunks are never rewritten; the open tail chunk is rewritten
 * on every append (at most this many points). 4,096 points = 96 kB of columns.
 */
export const CHUNK_POINTS = 4096;

/**
 * A batch's packed columns (`batch-wire.ts`, three numbers a point) shorter than this go from the
 * page to the worker cloned with the message instead of transferred: a transfer list of thousands
 * of tiny buffers (a sweep creating hundreds of runs with one-point metrics in one task) costs far
 * more in `postMessage` than copying their bytes. Only transferred buffers come back as spares.
 */
export const TRANSFER_MIN_NUMBERS = 3 * 1024;

/**
 * Most points a series keeps inline in its run's heads record (v5). Past this, its points move to chunk
 * records. 32 points = 768 bytes of columns per key.
 */
export const INLINE_POINTS = 32;

/** Points and chunk records of one metric key of one run. */
export interface SeriesState {
  /** Points stored. */
  count: number;
  /**
   * Chunk records stored; the tail chunk has index `chunks - 1` and holds `count - (chunks - 1) * CHUNK_POINTS` points.
   * 0 with `count` > 0: the points are in the run's {@link StoredHeads} record (v5).
   */
  chunks: number;
}

/**
 * v5: the points of every series of one run that has at most {@link INLINE_POINTS} points and no
 * chunk record, packed in one array: key `keys[i]`'s head is `points` from `ends[i - 1]` (0 for the
 * first) to `ends[i]`, its steps, then its timestamps, then its values. One typed array per run:
 * IndexedDB clones a record of 20 one-point keys about three times faster than one array per key.
 */
export interface StoredHeads {
  runId: RunId;
  keys: string[];
  ends: number[];
  points: Float64Array;
}

/**
 * The heads record as the first v5 code wrote it (main from 2026-12-03 15:24 until its packing):
 * one array per key. Still read (`records.ts` `packedHeads`); written again packed.
 */
export interface FirstStoredHeads {
  runId: RunId;
  series: Dict<Float64Array>;
}

/** A run as stored (v1 fields). */
export interface StoredRunV1 {
  info: RunInfo;
  params: Dict<string>;
  tags: Dict<string>;
  latest: Dict<Metric>;
}

/** A run as stored (v2). */
export interface StoredRun extends StoredRunV1 {
  /** Value of `meta.seq` when this run last changed. */
  seq: number;
  series: Dict<SeriesState>;
  /**
   * Ids of the last {@link RECENT_BATCH_IDS} batches applied to this run (`LogBatchInput.batchId`),
   * written in the batch's own transaction: a batch sent again after its worker died is recognised
   * and skipped. Optional: absent on runs that never got a batch with an id (no schema change).
   */
  batchIds?: string[];
  /** MLflow 3 dataset and model inputs; absent when the run has none (no schema change). */
  inputs?: RunInputs;
  /** v4: the logged models this run produced (absent when none). */
  outputs?: ModelOutput[];
}

/** How many batch ids a run remembers (more than the batches one queue has in flight per run). */
export const RECENT_BATCH_IDS = 32;

/** One chunk of one metric history: equal-length columns in logging order. */
export interface StoredChunk {
  runId: RunId;
  key: string;
  chunk: number;
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

/** One artifact file. */
export interface StoredArtifact {
  runId: RunId;
  path: string;
  size: number;
  blob: Blob;
}

/**
 * Keys of the `meta` store: `seq` the change counter (v2), `purgeSeq` its value at the last purge,
 * `flush` the time of the last strict flush, `minVersion` the oldest schema version whose code may
 * use this database (a newer schema that only adds stores keeps it, so older tabs keep working).
 * Besides these, `runIndex` holds the compact run index (`run-index.ts`; no schema change: older
 * code never reads it).
 */
export type MetaKey = 'seq' | 'purgeSeq' | 'flush' | 'minVersion';

/** A `meta` record. */
export type MetaRecord = { key: MetaKey; value: number } | RunIndexRecord;

/** The typed schema (idb `DBSchema`). */
export interface EdgeflowDB extends DBSchema {
  meta: { key: MetaKey | 'runIndex'; value: MetaRecord };
  experiments: { key: ExperimentId; value: Experiment; indexes: { name: string } };
  runs: { key: RunId; value: StoredRun; indexes: { experimentId: ExperimentId; seq: number } };
  chunks: { key: [RunId, string, number]; value: StoredChunk };
  /** v5: short series of one run (see {@link StoredHeads}). */
  heads: { key: RunId; value: StoredHeads | FirstStoredHeads };
  artifacts: { key: [RunId, string]; value: StoredArtifact };
  /** v3: registered models with all their versions (dicts stored as plain objects). */
  registeredModels: { key: string; value: RegisteredModelRecord };
  /** v4: MLflow 3 logged models with every metric line (dicts stored as plain objects). */
  loggedModels: { key: string; value: LoggedModelRecord; indexes: { experimentId: string } };
}

/** Every object store name. */
export const ALL_STORES: readonly StoreNames<EdgeflowDB>[] = ['meta', 'experiments', 'runs', 'chunks', 'heads', 'artifacts', 'registeredModels', 'loggedModels'];

/** The key range of every record of one run in `chunks` or `artifacts` (keys start with the run id). */
export function runKeyRange(runId: RunId): IDBKeyRange {
  return IDBKeyRange.bound([runId], [runId, []]);
}

/** Root of the artifact URIs of a database: `idb://<name>`. */
export function artifactRootOf(dbName: string): string {
  return `idb://${encodeURIComponent(dbName)}`;
}

type UpgradeTransaction = IDBPTransaction<EdgeflowDB, StoreNames<EdgeflowDB>[], 'versionchange'>;

/**
 * Steps a database from `oldVersion` to `newVersion` (idb's `upgrade` callback). Each step runs
 * inside the one `versionchange` transaction, so an interrupted upgrade leaves the old version.
 */
export async function upgrade(
  db: IDBPDatabase<EdgeflowDB>,
  oldVersion: number,
  newVersion: number | null,
  tx: UpgradeTransaction,
): Promise<void> {
  const target = newVersion ?? DB_VERSION;
  if (oldVersion < 1 && target >= 1) upgradeToV1(db, tx);
  if (oldVersion < 2 && target >= 2) await upgradeToV2(tx);
  if (oldVersion < 3 && target >= 3) await upgradeToV3(db, tx);
  if (oldVersion < 4 && target >= 4) await upgradeToV4(db, tx);
  if (oldVersion < 5 && target >= 5) await upgradeToV5(db, tx);
}

function upgradeToV1(db: IDBPDatabase<EdgeflowDB>, tx: UpgradeTransaction): void {
  db.createObjectStore('meta', { keyPath: 'key' });
  const experiments = db.createObjectStore('experiments', { keyPath: 'experimentId' });
  experiments.createIndex('name', 'name', { unique: true });
  const runs = db.createObjectStore('runs', { keyPath: 'info.runId' });
  runs.createIndex('experimentId', 'info.experimentId');
  db.createObjectStore('chunks', { keyPath: ['runId', 'key', 'chunk'] });
  db.createObjectStore('artifacts', { keyPath: ['runId', 'path'] });
  const now = Date.now();
  void tx.objectStore('experiments').put({
    experimentId: DEFAULT_EXPERIMENT_ID,
    name: DEFAULT_EXPERIMENT_NAME,
    artifactLocation: `${artifactRootOf(db.name)}/${DEFAULT_EXPERIMENT_ID}`,
    lifecycleStage: 'active',
    creationTime: now,
    lastUpdateTime: now,
    tags: {},
  });
}

async function upgradeToV2(tx: UpgradeTransaction): Promise<void> {
  const runs = tx.objectStore('runs');
  runs.createIndex('seq', 'seq');
  // Series summaries from the chunk keys (keys only: no column is read).
  const series = new Map<string, Map<string, SeriesState>>();
  for (const [runId, key, chunk] of await tx.objectStore('chunks').getAllKeys()) {
    let byKey = series.get(runId);
    if (byKey === undefined) series.set(runId, (byKey = new Map()));
    const state = byKey.get(key) ?? { count: 0, chunks: 0 };
    state.chunks = Math.max(state.chunks, chunk + 1);
    byKey.set(key, state);
  }
  // Point counts: full chunks hold CHUNK_POINTS, the tail is read for its length.
  for (const [runId, byKey] of series) {
    for (const [key, state] of byKey) {
      const tail = await tx.objectStore('chunks').get([runId as RunId, key, state.chunks - 1]);
      state.count = (state.chunks - 1) * CHUNK_POINTS + (tail?.values.length ?? 0);
    }
  }
  let seq = 0;
  let cursor = await runs.openCursor();
  while (cursor) {
    const run = cursor.value as StoredRunV1 & Partial<StoredRun>;
    const summary: Dict<SeriesState> = {};
    for (const [key, state] of series.get(run.info.runId) ?? []) summary[key] = state;
    await cursor.update({ ...run, seq: ++seq, series: summary });
    cursor = await cursor.continue();
  }
  await tx.objectStore('meta').put({ key: 'seq', value: seq });
  // v1 code does not bump `seq`, so it must not write a v2 database.
  await tx.objectStore('meta').put({ key: 'minVersion', value: 2 });
}

async function upgradeToV3(db: IDBPDatabase<EdgeflowDB>, tx: UpgradeTransaction): Promise<void> {
  db.createObjectStore('registeredModels', { keyPath: 'name' });
  // v3 only adds a store that v2 code never touches: v2 tabs may keep using the database. Keep
  // (or set, for a database created fresh at v3) the oldest version allowed at 2.
  const meta = tx.objectStore('meta');
  const minVersion = (await meta.get('minVersion'))?.value;
  if (minVersion === undefined || minVersion < 2) await meta.put({ key: 'minVersion', value: 2 });
}

async function upgradeToV4(db: IDBPDatabase<EdgeflowDB>, tx: UpgradeTransaction): Promise<void> {
  db.createObjectStore('loggedModels', { keyPath: 'modelId' }).createIndex('experimentId', 'experimentId');
  await tx.objectStore('meta').put({ key: 'minVersion', value: 4 });
}

async function upgradeToV5(db: IDBPDatabase<EdgeflowDB>, tx: UpgradeTransaction): Promise<void> {
  db.createObjectStore('heads', { keyPath: 'runId' });
  await tx.objectStore('meta').put({ key: 'minVersion', value: 5 });
}
