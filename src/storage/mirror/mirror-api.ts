/**
 * What `mirrorTo` takes and returns: its options (checked with zod, with their defaults: journal,
 * lock, timings) and the {@link Mirror} it returns.
 * @module
 */
import { z } from 'zod';
import { EdgeflowError } from '../../core/errors.js';
import { abortSignalSchema, hasMethods, parseInput, withMethodsSchema } from '../../core/schemas.js';
import type { Store } from '../../core/store.js';
import type { MirrorJournal, MirrorLock, MirrorStatus, MirrorStatusSource } from './contract.js';
import { idbMirrorJournal } from './idb-journal.js';
import { MemoryMirrorJournal } from './memory-journal.js';
import { webLocksMirrorLock } from './web-lock.js';

/** Options of `mirrorTo`. */
export interface MirrorOptions {
  /** Where the outbox and mapping live; default `idbMirrorJournal(`edgeflow-mirror:${id}`)` where IndexedDB exists, else a {@link MemoryMirrorJournal}. */
  readonly journal?: MirrorJournal;
  /** Names the default journal and the lock; default `'default'`. */
  readonly id?: string;
  /** Who sends among contexts of one origin; default `webLocksMirrorLock()` where `navigator.locks` exists; `false` = no lock. */
  readonly lock?: MirrorLock | false;
  /** Experiments (local ids) to mirror; default every experiment. */
  readonly experimentIds?: readonly string[];
  /** Mirror artifacts (default true). */
  readonly artifacts?: boolean;
  /** Mirror the model registry (default true when both stores have one). */
  readonly registry?: boolean;
  /** A point logged while online reaches the server within this many ms (default 2000). */
  readonly maxLagMs?: number;
  /** Waits between attempts while offline: exponential from `initialMs` (default 1000) to `maxMs` (default 60 000), full jitter; a server's `Retry-After` wins. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * A metric batch an earlier mirror left in flight (a reloaded page, a restarted process) is given
   * this many ms after it was sent before the server is read back to see whether it landed (default
   * 5000): a server may still apply a request whose sender is gone.
   */
  readonly inFlightSettleMs?: number;
  /** Aborting it stops the mirror (as `stop()`). */
  readonly signal?: AbortSignal;
}

/** What a `sent` event carries: an acknowledged write of a run. */
export interface MirrorSent {
  readonly runId: string;
  readonly targetRunId?: string;
  /** Metric points in the write. */
  readonly points: number;
}

/**
 * A running mirror. Events: `status` (`CustomEvent<MirrorStatus>`) after every change of
 * {@link Mirror.status}, `sent` (`CustomEvent<MirrorSent>`) after each acknowledged write, `error`
 * (`CustomEvent<EdgeflowError>`) after each failure.
 */
export interface Mirror extends MirrorStatusSource {
  readonly status: MirrorStatus;
  /**
   * Resolves when nothing is pending (everything logged before the call is on the server); rejects
   * with the last error when the mirror is failed/stopped, or after timeoutMs. It flushes the local
   * store, not a `TrackingClient`'s logging queue (call `client.flush()` first); a `standby` mirror
   * resolves only once it leads and has caught up.
   * @throws `INVALID_PARAMETER_VALUE` for a bad `timeoutMs`; `INVALID_STATE` after `stop()`
   */
  flush(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Leaves `failed` and tries again now. */
  retry(): void;
  /**
   * Compares every local run of the mirrored experiments with its mapping again (a full pass): finds
   * a change committed locally in the instant before a crash to a run already complete on the server.
   * Resolves once the runs are queued (`flush()` then waits for them).
   */
  resync(): Promise<void>;
  /** Stops sending, releases the lock, closes the journal (if the mirror opened it). Pending items stay in the journal. */
  stop(): Promise<void>;
}

/** The options with their defaults in place. */
export interface ResolvedMirrorOptions {
  readonly id: string;
  readonly journal: MirrorJournal;
  /** True when the mirror opened the journal (and closes it on stop). */
  readonly ownsJournal: boolean;
  readonly lock: MirrorLock | undefined;
  readonly experimentIds: ReadonlySet<string> | undefined;
  readonly artifacts: boolean;
  readonly registry: boolean;
  readonly maxLagMs: number;
  /** Quiet time after the last change before a push. */
  readonly debounceMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly inFlightSettleMs: number;
  readonly signal: AbortSignal | undefined;
}

const schema = z
  .object({
    journal: withMethodsSchema<MirrorJournal>(['entries', 'get', 'commit', 'close'], 'a MirrorJournal (entries, get, commit, close)').optional(),
    id: z.string().min(1).max(200).optional(),
    lock: z.union([z.literal(false), withMethodsSchema<MirrorLock>(['acquire'], 'a MirrorLock (acquire) or false')]).optional(),
    experimentIds: z.array(z.string().min(1)).optional(),
    artifacts: z.boolean().optional(),
    registry: z.boolean().optional(),
    maxLagMs: z.number().int().min(50).max(3_600_000).optional(),
    backoff: z
      .object({ initialMs: z.number().finite().min(1).optional(), maxMs: z.number().finite().min(1).optional() })
      .strict()
      .refine((b) => (b.initialMs ?? 1000) <= (b.maxMs ?? 60_000), 'backoff.initialMs is at most backoff.maxMs')
      .optional(),
    inFlightSettleMs: z.number().int().min(0).max(600_000).optional(),
    signal: abortSignalSchema.optional(),
  })
  .strict();

/** Checks a store argument: a Store that can be written. */
function assertWritableStore(store: unknown, field: 'store' | 'remote'): asserts store is Store {
  if (!hasMethods(store, ['subscribe', 'getRun', 'logBatch', 'createRun']) || typeof (store as Store).capabilities !== 'object') {
    throw EdgeflowError.invalidParameterValue(`mirrorTo needs a Store as \`${field}\`.`, { details: { field } });
  }
  if ((store as Store).capabilities.readOnly) {
    throw EdgeflowError.invalidParameterValue(`mirrorTo cannot use a read-only store as \`${field}\`.`, { details: { field } });
  }
}

/**
 * Checks the arguments of `mirrorTo` and fills in the defaults.
 * @throws `INVALID_PARAMETER_VALUE` for a bad option, a read-only store, or `registry: true` where a store has no registry
 */
export function resolveMirrorOptions(store: unknown, remote: unknown, options: unknown): ResolvedMirrorOptions {
  assertWritableStore(store, 'store');
  assertWritableStore(remote, 'remote');
  const parsed = parseInput(schema, options ?? {}, 'mirrorTo options');
  const bothHaveRegistry = store.registry !== undefined && remote.registry !== undefined;
  if (parsed.registry === true && !bothHaveRegistry) {
    throw EdgeflowError.invalidParameterValue('mirrorTo: `registry: true` needs a model registry in both stores.', { details: { field: 'registry' } });
  }
  const id = parsed.id ?? 'default';
  const maxLagMs = parsed.maxLagMs ?? 2000;
  const hasIndexedDb = typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined';
  const journal = parsed.journal ?? (hasIndexedDb ? idbMirrorJournal(`edgeflow-mirror:${id}`) : new MemoryMirrorJournal());
  return {
    id,
    journal,
    ownsJournal: parsed.journal === undefined,
    lock: parsed.lock === false ? undefined : (parsed.lock ?? webLocksMirrorLock()),
    experimentIds: parsed.experimentIds === undefined ? undefined : new Set(parsed.experimentIds),
    artifacts: parsed.artifacts ?? true,
    registry: parsed.registry ?? bothHaveRegistry,
    maxLagMs,
    debounceMs: Math.min(200, Math.floor(maxLagMs / 4)),
    backoff: { initialMs: parsed.backoff?.initialMs ?? 1000, maxMs: parsed.backoff?.maxMs ?? 60_000 },
    inFlightSettleMs: parsed.inFlightSettleMs ?? 5000,
    signal: parsed.signal,
  };
}
