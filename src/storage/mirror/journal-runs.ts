/**
 * The live mirror's run records in its {@link MirrorJournal}, and the run pusher's hooks over them.
 *
 * Keys (M1's; the registry pusher keeps its own under `registry/`):
 * - `out/run/<localRunId>` → `{at}`: the run has data not yet on the server (the
 *   outbox). `out/model/<name>` → `{at}`: a registered model to push.
 * - `map/<localRunId>` → {@link RunProgress}: the server's run id and experiment, metric points
 *   sent per key, artifact sizes sent, and the status and end time the server holds.
 * - `flight/<localRunId>` → `{keys, at}`: a metric batch of these keys was sent and its
 *   acknowledgement is not committed yet.
 *
 * After each acknowledged write the mapping — and, on a push's last write, the outbox removal — go
 * in one commit, which also clears the in-flight marker. A run found with a marker (a process
 * killed between the server's answer and the commit, or a commit that failed) has the offsets of
 * the marked keys read back from the server before anything else is sent, so no point goes twice.
 * A marker an earlier mirror left (a reloaded page, a restarted process) less than `settleMs` ago
 * is given the rest of that time first: the server may still be applying a batch whose sender is
 * gone, and reading back before it lands would send its points again.
 * @module
 */
import { dict, type Dict, type RunStatus } from '../../core/entities.js';
import type { Store } from '../../core/store.js';
import { orUndefinedIfMissing } from '../../core/store-reads.js';
import { historyLengths, type RunProgress, type RunPushHooks, type WriteCount } from '../sync/run-pusher.js';
import type { JournalValue, MirrorJournal } from './contract.js';

/** Journal key prefixes of the mirror. */
export const OUTBOX_RUN = 'out/run/';
export const OUTBOX_MODEL = 'out/model/';
export const MAPPING = 'map/';
export const IN_FLIGHT = 'flight/';

/** A mapping record as the journal holds it. */
type MappingValue = { readonly [key: string]: JournalValue };

/** The journal form of a run's progress. */
export function mappingValue(progress: RunProgress): MappingValue {
  return {
    targetRunId: progress.targetRunId,
    targetExperimentId: progress.targetExperimentId,
    metrics: { ...progress.metrics },
    artifacts: { ...progress.artifacts },
    ...(progress.status === undefined ? {} : { status: progress.status }),
    ...(progress.endTime === undefined ? {} : { endTime: progress.endTime }),
  };
}

/** A run's progress from its journal form. */
export function progressOf(value: JournalValue | undefined): RunProgress | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as MappingValue;
  if (typeof record['targetRunId'] !== 'string' || typeof record['targetExperimentId'] !== 'string') return undefined;
  const numbers = (v: JournalValue | undefined): Dict<number> =>
    dict(typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v as MappingValue).filter((e): e is [string, number] => typeof e[1] === 'number') : []);
  const progress: RunProgress = {
    targetRunId: record['targetRunId'],
    targetExperimentId: record['targetExperimentId'],
    metrics: numbers(record['metrics']),
    artifacts: numbers(record['artifacts']),
  };
  if (typeof record['status'] === 'string') progress.status = record['status'] as RunStatus;
  if (typeof record['endTime'] === 'number' || record['endTime'] === null) progress.endTime = record['endTime'];
  return progress;
}

/** What the mirror learns from each committed write. */
export interface JournalRunsEvents {
  /** True while the run has changes not taken by the push in progress (its outbox entry stays). */
  stillPending(localRunId: string): boolean;
  /** After each commit of an acknowledged write; `outboxRemoved` when the commit removed the run's outbox entry. */
  written(localRunId: string, progress: RunProgress, written: WriteCount, outboxRemoved: boolean): void;
}

/** How long {@link JournalRuns} lets a batch an earlier mirror left in flight settle on the server. */
export interface InFlightSettling {
  /** ms after the batch was sent. */
  readonly settleMs: number;
  /** Aborts the wait (the mirror stopping). */
  readonly signal: AbortSignal;
}

/** The run pusher's hooks over a mirror journal (see the module notes). */
export class JournalRuns implements RunPushHooks {
  readonly #journal: MirrorJournal;
  readonly #remote: Store;
  readonly #events: JournalRunsEvents;
  readonly #settling: InFlightSettling;
  /** Runs whose in-flight marker this mirror wrote (its own sends: RestStore settled their ambiguity). */
  readonly #ownMarkers = new Set<string>();

  constructor(journal: MirrorJournal, remote: Store, events: JournalRunsEvents, settling: InFlightSettling) {
    this.#journal = journal;
    this.#remote = remote;
    this.#events = events;
    this.#settling = settling;
  }

  /** The run's mapping; when it has an in-flight marker, its offsets are first read back from the server and committed. */
  async load(localRunId: string): Promise<RunProgress | undefined> {
    const progress = progressOf(await this.#journal.get(MAPPING + localRunId));
    const flight = await this.#journal.get(IN_FLIGHT + localRunId);
    if (flight === undefined) return progress;
    if (!this.#ownMarkers.has(localRunId)) await this.#settle(flight);
    if (progress !== undefined) {
      const keys = (flight as { keys?: JournalValue }).keys;
      const marked = Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : Object.keys(progress.metrics);
      // A copy gone from the server keeps its offsets: the pusher finds it missing and makes it again.
      Object.assign(progress.metrics, (await orUndefinedIfMissing(historyLengths(this.#remote, progress.targetRunId, marked))) ?? {});
    }
    await this.#journal.commit({ delete: [IN_FLIGHT + localRunId], ...(progress === undefined ? {} : { put: [[MAPPING + localRunId, mappingValue(progress)]] }) });
    return progress;
  }

  /** Commits the mapping, clears the in-flight marker and, on the push's last write, the outbox entry. */
  async save(localRunId: string, progress: RunProgress, last: boolean, written: WriteCount): Promise<void> {
    const done = last && !this.#events.stillPending(localRunId);
    await this.#journal.commit({
      delete: [IN_FLIGHT + localRunId, ...(done ? [OUTBOX_RUN + localRunId] : [])],
      put: [[MAPPING + localRunId, mappingValue(progress)]],
    });
    this.#events.written(localRunId, progress, written, done);
  }

  /** Commits the in-flight marker of a metric batch. */
  async beforeMetrics(localRunId: string, _progress: RunProgress, keys: readonly string[]): Promise<void> {
    await this.#journal.commit({ put: [[IN_FLIGHT + localRunId, { keys: [...keys], at: Date.now() }]] });
    this.#ownMarkers.add(localRunId);
  }

  /** Waits until an earlier mirror's batch was sent `settleMs` ago (a marker without a time waits the whole). */
  async #settle(flight: JournalValue): Promise<void> {
    const at = (flight as { at?: JournalValue }).at;
    const sent = typeof at === 'number' ? Math.min(at, Date.now()) : Date.now();
    const wait = sent + this.#settling.settleMs - Date.now();
    if (wait <= 0) return;
    const { signal } = this.#settling;
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The server's id of a local run, from its mapping. */
  async targetIdOf(localRunId: string): Promise<string | undefined> {
    return progressOf(await this.#journal.get(MAPPING + localRunId))?.targetRunId;
  }
}
