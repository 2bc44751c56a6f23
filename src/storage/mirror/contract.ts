/**
 * The seams of the live mirror (`mirrorTo`): where it keeps its durable outbox and mapping (a
 * {@link MirrorJournal}), how two contexts agree on which one sends (a {@link MirrorLock}), and what
 * it reports ({@link MirrorStatus}, read by `<ef-sync-status>`).
 * @module
 */

/** A JSON value as a journal stores it. */
export type JournalValue = null | boolean | number | string | readonly JournalValue[] | { readonly [key: string]: JournalValue };

/** One atomic change of a {@link MirrorJournal}: puts and deletes applied together. */
export interface JournalCommit {
  /** Entries to write (a key written twice in one commit keeps the last value). */
  readonly put?: ReadonlyArray<readonly [key: string, value: JournalValue]>;
  /** Keys to remove (a missing key is no error). Deletes apply before puts. */
  readonly delete?: readonly string[];
}

/**
 * A durable map of string keys to JSON values with atomic multi-key commits: the mirror's outbox
 * (what is waiting to be sent) and its mapping (local id → server id, how far each history got)
 * live in one journal, so an acknowledgement updates both in one commit.
 *
 * Contract, checked by the journal conformance suite:
 * - `commit` is all or nothing: a crash during it leaves the journal as before or as after, never
 *   in between; once it resolves, the change survives a crashed tab or a killed process.
 * - Commits of one instance apply in call order. Instances over the same place (two tabs on one
 *   IndexedDB journal) see each other's committed entries on their next `entries` call.
 * - Keys are any non-empty strings; `entries(prefix)` returns those starting with `prefix`, sorted by
 *   code point.
 */
export interface MirrorJournal {
  /** Every entry whose key starts with `prefix` (all when omitted), sorted by key. */
  entries(prefix?: string): Promise<Array<[string, JournalValue]>>;
  /** One entry, or undefined. */
  get(key: string): Promise<JournalValue | undefined>;
  /** Applies `change` atomically and durably (see the contract). */
  commit(change: JournalCommit): Promise<void>;
  /** Releases what the journal holds open; it is not used after. */
  close(): Promise<void>;
}

/**
 * Leadership between contexts mirroring the same local store to the same server (two tabs of one
 * origin): only the holder sends. `acquire` resolves with a release function once this context holds
 * the lock, waiting while another holds it; `signal` abandons the wait (the promise rejects with its
 * reason). A holder that dies (tab closed or crashed) loses the lock.
 */
export interface MirrorLock {
  acquire(name: string, signal: AbortSignal): Promise<() => void>;
}

/**
 * Where a mirror is:
 * - `starting`: loading its journal;
 * - `standby`: another context of this origin holds the lock and sends (this one still records what
 *   is pending);
 * - `online`: sending, or caught up;
 * - `offline`: the last attempt failed (network, server 5xx/429); retrying at `retryAt`;
 * - `failed`: the server refused for a reason retrying cannot fix (auth, a bad request); the mirror
 *   waits for `retry()`;
 * - `stopped`: `stop()` was called.
 */
export type MirrorState = 'starting' | 'standby' | 'online' | 'offline' | 'failed' | 'stopped';

/** A mirror's status, as `status` and the `status` event report it. */
export interface MirrorStatus {
  readonly state: MirrorState;
  /** Items waiting to be sent (runs with unsent data, registry entries). 0 when caught up. */
  readonly pending: number;
  /** The last failure; cleared by the next acknowledged write. */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: number };
  /** When the server last acknowledged a write (ms since the epoch). */
  readonly lastSentAt?: number;
  /** When the next attempt is due, while `offline` (ms since the epoch). */
  readonly retryAt?: number;
}

/**
 * What `<ef-sync-status>` needs of a mirror: its status now and a `status` event
 * (`CustomEvent<MirrorStatus>`) after every change of it.
 */
export interface MirrorStatusSource extends EventTarget {
  readonly status: MirrorStatus;
}
