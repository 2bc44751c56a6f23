/**
 * What `syncRuns` remembers between calls: for each source run, the run it became on the target
 * and how far it got (metric points sent per key, artifact files sent). A re-run reads it to
 * resume exactly where an interruption stopped, so nothing is sent twice.
 *
 * {@link SyncState} is the persistence seam; {@link MemorySyncState} keeps it in memory and hands
 * a JSON snapshot to `onChange` after every change, for the caller to store (a file, IndexedDB,
 * `localStorage` — {@link localStorageSyncState} does the latter).
 * @module
 */
import { dict, type Dict } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';

/** `push` = local → server, `pull` = server → local; the two are recorded apart. */
export type SyncDirection = 'push' | 'pull';

/** Progress of one source run on the target. */
export interface SyncRunRecord {
  /** Whether the run was pushed or pulled. */
  readonly direction: SyncDirection;
  /** The run's id in the source store. */
  readonly sourceRunId: string;
  /** The copy's id in the target store. */
  readonly targetRunId: string;
  /** The copy's experiment in the target store. */
  readonly targetExperimentId: string;
  /** Metric points sent, per key: always a prefix of the source history (histories only grow). */
  readonly metrics: Dict<number>;
  /** Artifact files sent: path → size in bytes (a file whose size changed is sent again). */
  readonly artifacts: Dict<number>;
}

/** Where sync progress is kept. One state per (source store, target store) pair. */
export interface SyncState {
  /**
   * The progress of one source run.
   * @returns the record, or undefined when the run was never synced in that direction
   */
  get(direction: SyncDirection, sourceRunId: string): Promise<SyncRunRecord | undefined>;
  /** Saves a record (replacing the one of the same direction and source run). */
  put(record: SyncRunRecord): Promise<void>;
  /** Every record, both directions. */
  list(): Promise<SyncRunRecord[]>;
}

/** The JSON form of a {@link MemorySyncState}. */
export interface SyncStateJSON {
  /** The format's version. */
  readonly version: 1;
  /** One record per synced run and direction. */
  readonly runs: readonly SyncRunRecord[];
}

/** Options of {@link MemorySyncState}. */
export interface MemorySyncStateOptions {
  /** A snapshot to start from (what `onChange` last received). */
  readonly initial?: SyncStateJSON | string;
  /** Called after every change with the snapshot to persist; awaited before sync continues. */
  readonly onChange?: (json: SyncStateJSON) => void | Promise<void>;
}

function copyRecord(record: SyncRunRecord): SyncRunRecord {
  return {
    direction: record.direction,
    sourceRunId: record.sourceRunId,
    targetRunId: record.targetRunId,
    targetExperimentId: record.targetExperimentId,
    metrics: dict(Object.entries(record.metrics ?? {})),
    artifacts: dict(Object.entries(record.artifacts ?? {})),
  };
}

/** A {@link SyncState} in memory, serializable with `toJSON()`. */
export class MemorySyncState implements SyncState {
  private readonly __records = new Map<string, SyncRunRecord>();
  private readonly __onChange: MemorySyncStateOptions['onChange'];

  /**
   * @param options - A snapshot to start from, and where to persist changes.
   * @throws `INVALID_PARAMETER_VALUE` for a snapshot in an unknown format
   */
  constructor(options: MemorySyncStateOptions = {}) {
    this.__onChange = options.onChange;
    if (options.initial !== undefined) {
      const json = typeof options.initial === 'string' ? (JSON.parse(options.initial) as SyncStateJSON) : options.initial;
      if (json.version !== 1 || !Array.isArray(json.runs)) {
        throw EdgeflowError.invalidParameterValue('Unknown sync state format: expected {"version": 1, "runs": [...]}.', { details: { field: 'initial' } });
      }
      for (const record of json.runs) this.__records.set(keyOf(record.direction, record.sourceRunId), copyRecord(record));
    }
  }

  /**
   * The progress of one source run.
   * @param direction - `push` or `pull`.
   * @param sourceRunId - The run's id in the source store.
   * @returns a copy of the record, or undefined
   */
  async get(direction: SyncDirection, sourceRunId: string): Promise<SyncRunRecord | undefined> {
    const record = this.__records.get(keyOf(direction, sourceRunId));
    return record === undefined ? undefined : copyRecord(record);
  }

  /**
   * Saves a record, then awaits `onChange` with the new snapshot.
   * @param record - Replaces the record of the same direction and source run.
   */
  async put(record: SyncRunRecord): Promise<void> {
    this.__records.set(keyOf(record.direction, record.sourceRunId), copyRecord(record));
    await this.__onChange?.(this.toJSON());
  }

  /** Copies of every record. */
  async list(): Promise<SyncRunRecord[]> {
    return [...this.__records.values()].map(copyRecord);
  }

  /** A plain-JSON snapshot (`JSON.stringify` it to store it). */
  toJSON(): SyncStateJSON {
    return {
      version: 1,
      runs: [...this.__records.values()].map((r) => ({ ...r, metrics: { ...r.metrics }, artifacts: { ...r.artifacts } })),
    };
  }
}

function keyOf(direction: SyncDirection, sourceRunId: string): string {
  return `${direction}:${sourceRunId}`;
}

/**
 * A {@link MemorySyncState} kept in `localStorage` under `key` (browsers): loaded now, saved after
 * every change.
 * @throws `NOT_IMPLEMENTED` where there is no `localStorage`
 */
export function localStorageSyncState(key: string): MemorySyncState {
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  if (storage === undefined) throw new EdgeflowError('NOT_IMPLEMENTED', 'localStorageSyncState needs localStorage (a browser page).');
  const saved = storage.getItem(key);
  return new MemorySyncState({
    ...(saved === null ? {} : { initial: saved }),
    onChange: (json) => storage.setItem(key, JSON.stringify(json)),
  });
}
