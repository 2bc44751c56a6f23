/**
 * Chunked columnar metric histories: one record per (run, key, chunk of {@link CHUNK_POINTS}
 * points) holding `Float64Array` columns. Appending rewrites only the open tail chunk and adds full
 * chunks after it; reading concatenates the chunks of one key into exact-length columns. A series
 * of at most {@link INLINE_POINTS} points has no chunk record: its points are its head, in the
 * run's one heads record (each IndexedDB request costs about 0.1–0.2 ms, so a run created with 20
 * one-point metrics writes two records instead of 21).
 * @module
 */
import type { IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { MetricColumns, MetricSeries } from '../../core/entities.js';
import type { RunId } from '../../core/ids.js';
import type { Dict } from '../../core/entities.js';
import { headOf, packedHeads } from './records.js';
import { CHUNK_POINTS, INLINE_POINTS, type EdgeflowDB, type SeriesState, type StoredChunk } from './schema.js';

type ChunkStore<Mode extends IDBTransactionMode> = IDBPObjectStore<EdgeflowDB, StoreNames<EdgeflowDB>[], 'chunks', Mode>;

/** The key range of every chunk of one (run, key), or of those from chunk `fromChunk` on. */
export function seriesRange(runId: RunId, key: string, fromChunk = 0): IDBKeyRange {
  return IDBKeyRange.bound([runId, key, fromChunk], [runId, key, Infinity]);
}


function slice(columns: MetricColumns, start: number, end: number, runId: RunId, chunk: number): StoredChunk {
  return {
    runId,
    key: columns.key,
    chunk,
    steps: columns.steps.slice(start, end),
    timestamps: columns.timestamps.slice(start, end),
    values: columns.values.slice(start, end),
  };
}

function joined(a: Float64Array, b: Float64Array, bStart: number, bEnd: number): Float64Array {
  const out = new Float64Array(a.length + (bEnd - bStart));
  out.set(a);
  out.set(b.subarray(bStart, bEnd), a.length);
  return out;
}

/** The columns of a head (see `StoredHeads`): views into it. */
function headColumns(key: string, head: Float64Array): MetricColumns {
  const n = head.length / 3;
  return { key, steps: head.subarray(0, n), timestamps: head.subarray(n, 2 * n), values: head.subarray(2 * n) };
}

/** `b`'s columns after `a`'s, in new arrays. */
function concatenated(a: MetricColumns, b: MetricColumns): MetricColumns {
  const n = b.values.length;
  return { key: b.key, steps: joined(a.steps, b.steps, 0, n), timestamps: joined(a.timestamps, b.timestamps, 0, n), values: joined(a.values, b.values, 0, n) };
}

/** An inline head holding the points of `head` (may be undefined) and then those of `columns`. */
function extendedHead(head: Float64Array | undefined, columns: MetricColumns): Float64Array {
  const old = head === undefined ? 0 : head.length / 3;
  const n = old + columns.values.length;
  const out = new Float64Array(3 * n);
  const parts = [columns.steps, columns.timestamps, columns.values];
  for (let c = 0; c < 3; c++) {
    if (head !== undefined) out.set(head.subarray(c * old, (c + 1) * old), c * n);
    out.set(parts[c]!, c * n + old);
  }
  return out;
}

/**
 * Appends `columns` to the series whose summary is `state` (updated in place) inside a readwrite
 * transaction over `chunks`. While the series fits in {@link INLINE_POINTS}, its points go to
 * `heads[key]` (replaced, never changed; `heads` is the run's heads dict, or undefined when the
 * series has chunks already) and no chunk is written; the append that outgrows it writes the
 * head's points and the new ones as chunks and removes the head. `knownTail` is the current tail
 * chunk when the caller knows it (see {@link TailCache}); otherwise an open tail is read. Resolves,
 * with the new last chunk (undefined while in the head), once every put was handed to `issue`
 * (which must handle the request's rejection: a failed put aborts the transaction).
 */
export async function appendColumns(
  store: ChunkStore<'readwrite'>,
  runId: RunId,
  state: SeriesState,
  appended: MetricColumns,
  issue: (request: Promise<unknown>) => void,
  knownTail: StoredChunk | undefined,
  heads: Dict<Float64Array> | undefined,
): Promise<StoredChunk | undefined> {
  if (appended.values.length === 0) return knownTail;
  const key = appended.key;
  if (state.chunks === 0) {
    if (heads === undefined) throw new Error('edgeflow: appending to a series kept in its head needs the run’s heads');
    const head = state.count > 0 ? heads[key] : undefined;
    if (state.count + appended.values.length <= INLINE_POINTS) {
      heads[key] = extendedHead(head, appended);
      state.count += appended.values.length;
      return undefined;
    }
    delete heads[key];
    state.count = 0;
    if (head !== undefined) appended = concatenated(headColumns(key, head), appended);
  }
  const columns = appended;
  const n = columns.values.length;
  let offset = 0;
  let last: StoredChunk | undefined;
  if (state.chunks > 0 && state.count < state.chunks * CHUNK_POINTS) {
    const tailIndex = state.chunks - 1;
    const tail = knownTail?.chunk === tailIndex ? knownTail : await store.get([runId, columns.key, tailIndex]);
    const held = tail?.values.length ?? 0;
    const take = Math.min(CHUNK_POINTS - held, n);
    const empty = new Float64Array(0);
    last = {
      runId,
      key: columns.key,
      chunk: tailIndex,
      steps: joined(tail?.steps ?? empty, columns.steps, 0, take),
      timestamps: joined(tail?.timestamps ?? empty, columns.timestamps, 0, take),
      values: joined(tail?.values ?? empty, columns.values, 0, take),
    };
    issue(store.put(last));
    state.count = tailIndex * CHUNK_POINTS + held + take;
    offset = take;
  }
  while (offset < n) {
    const end = Math.min(offset + CHUNK_POINTS, n);
    last = slice(columns, offset, end, runId, state.chunks);
    issue(store.put(last));
    state.chunks += 1;
    state.count += end - offset;
    offset = end;
  }
  return last;
}

/**
 * The last chunk this store wrote for each recent (run, key), so the next append skips reading it
 * back. An entry is used only while the run still carries the change stamp (`seq`) written with it:
 * any other write to the run — from this store or another tab — changes the stamp and the entry
 * is ignored. Holds at most `limit` entries (oldest dropped first).
 */
export class TailCache {
  private readonly __tails = new Map<string, { seq: number; chunk: StoredChunk }>();

  constructor(private readonly __limit = 256) {}

  /** The cached tail of (run, key) when the run's stamp is still `seq`. */
  get(runId: RunId, key: string, seq: number): StoredChunk | undefined {
    const entry = this.__tails.get(`${runId}\u0000${key}`);
    return entry !== undefined && entry.seq === seq ? entry.chunk : undefined;
  }

  /** Remembers `chunk` as the tail of its (run, key), written together with stamp `seq`. */
  set(seq: number, chunk: StoredChunk): void {
    const id = `${chunk.runId}\u0000${chunk.key}`;
    this.__tails.delete(id);
    this.__tails.set(id, { seq, chunk });
    if (this.__tails.size > this.__limit) this.__tails.delete(this.__tails.keys().next().value!);
  }

  /** Moves the entries of `runId` stamped `from` to stamp `to` (this store wrote the run, and nothing else did in between). */
  restamp(runId: RunId, from: number, to: number): void {
    for (const entry of this.__tails.values()) if (entry.seq === from && entry.chunk.runId === runId) entry.seq = to;
  }

  clear(): void {
    this.__tails.clear();
  }
}

/**
 * Reads the points of one (run, key) — whose summary in the run record is `state`, undefined when
 * never logged — from position `fromIndex` (a whole number ≥ 0) to the end as exact-length
 * columns. A series kept in its head is read from the run's heads record; otherwise only chunks from
 * `floor(fromIndex / CHUNK_POINTS)` on are read: every chunk but the tail holds exactly
 * {@link CHUNK_POINTS} points, so chunk `c` starts at `c * CHUNK_POINTS`. Empty when `fromIndex` is
 * at or past the end.
 */
export async function readSeriesFrom(
  tx: IDBPTransaction<EdgeflowDB, StoreNames<EdgeflowDB>[], IDBTransactionMode>,
  runId: RunId,
  key: string,
  state: SeriesState | undefined,
  fromIndex: number,
): Promise<MetricSeries> {
  if (state !== undefined && state.chunks === 0 && state.count > 0) {
    const head = headOf(packedHeads(await tx.objectStore('heads').get(runId)), key);
    const { steps, timestamps, values } = headColumns(key, head ?? new Float64Array(0));
    return { key, steps: steps.slice(fromIndex), timestamps: timestamps.slice(fromIndex), values: values.slice(fromIndex) };
  }
  const first = Math.floor(fromIndex / CHUNK_POINTS);
  const chunks = await tx.objectStore('chunks').getAll(seriesRange(runId, key, first));
  /** Where the wanted points of `chunk` start in its columns. */
  const skip = (chunk: StoredChunk): number => Math.min(chunk.values.length, Math.max(0, fromIndex - chunk.chunk * CHUNK_POINTS));
  if (chunks.length === 1 && skip(chunks[0]!) === 0) {
    const [only] = chunks as [StoredChunk];
    return { key, steps: only.steps, timestamps: only.timestamps, values: only.values };
  }
  let total = 0;
  for (const chunk of chunks) total += chunk.values.length - skip(chunk);
  const steps = new Float64Array(total);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const chunk of chunks) {
    const from = skip(chunk);
    steps.set(chunk.steps.subarray(from), at);
    timestamps.set(chunk.timestamps.subarray(from), at);
    values.set(chunk.values.subarray(from), at);
    at += chunk.values.length - from;
  }
  return { key, steps, timestamps, values };
}
