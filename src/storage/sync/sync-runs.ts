/**
 * `syncRuns(from, to)`: copies runs from one {@link Store} to another — local runs (IndexedDB,
 * memory) to an MLflow server (`RestStore`), or a server's runs into a local store — idempotently
 * and resumably.
 *
 * For each source run: its experiment is found on the target by name (created with the source's
 * tags when missing); the run is created with the same name, start time, user and tags; then
 * params, changed tags and the metric histories in logging order, packed into `logBatch` writes
 * within MLflow's limits (points of several keys in one write, progress saved after each), the
 * dataset inputs the target lacks, artifacts (by path and size), and last the status and end time —
 * so a FINISHED run on the target is complete (`run-pusher.ts`, shared with the live mirror). Progress lives in a {@link SyncState}: a re-run after an
 * interruption resumes from the recorded offsets and adds nothing twice; a run with nothing new is
 * `skipped`.
 *
 * Ids: by default the target is asked to keep the source's ids (a local store can; an MLflow
 * server cannot and assigns its own — the state maps them). Runs that came from the other
 * direction (a pulled run, when pushing) are skipped, so a push-then-pull round trip does not
 * duplicate anything.
 *
 * Nesting: parents are copied before their children, and a child's `mlflow.parentRunId` names the
 * parent's id on the target (a parent not copied yet is left out until it is).
 *
 * Origin: a run the target gives its own id carries the tag `edgeflow.origin.runId` — the id of the
 * run where it was first logged (the source's own origin tag, else its id). Without a kept mapping, a
 * run is looked up on the target by that tag (or by id) before one is created, so a second push
 * with a fresh mapping adds to the runs it made the first time instead of duplicating them.
 *
 * @example
 * ```ts
 * const state = new MemorySyncState({ initial: localStorage.getItem('sync') ?? undefined, onChange: (j) => localStorage.setItem('sync', JSON.stringify(j)) });
 * const report = await syncRuns(localStore, new RestStore({ baseUrl }), { mapping: state });
 * ```
 * @module
 */
import { z } from 'zod';
import type { Experiment, Run } from '../../core/entities.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { abortSignalSchema, functionSchema, parseInput, withMethodsSchema } from '../../core/schemas.js';
import { collectPages, orUndefinedIfMissing } from '../../core/store-reads.js';
import { parentsFirst } from './push-plan.js';
import { RunPusher, type RunProgress, type WriteCount } from './run-pusher.js';
import { MemorySyncState, type SyncDirection, type SyncState } from './sync-state.js';

export { ORIGIN_RUN_ID_TAG } from './run-pusher.js';

/** Options of {@link syncRuns}. */
export interface SyncOptions {
  /** Experiments of `from` to copy; default all active ones. */
  readonly experimentIds?: readonly string[];
  /** Only these runs of `from` (overrides `experimentIds`). */
  readonly runIds?: readonly string[];
  /** Labels the mapping (`push` local → server, the default; `pull` server → local). */
  readonly direction?: SyncDirection;
  /** Where the id mapping and progress are kept; default a fresh in-memory state (no resume across calls). */
  readonly mapping?: SyncState;
  /** Ask the target to keep source ids (default true; stores that cannot assign their own). */
  readonly preserveIds?: boolean;
  /** Copy artifacts (default true). */
  readonly artifacts?: boolean;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly signal?: AbortSignal;
}

const syncOptionsSchema = z
  .object({
    experimentIds: z.array(z.string().min(1)).optional(),
    runIds: z.array(z.string().min(1)).optional(),
    direction: z.enum(['push', 'pull']).optional(),
    mapping: withMethodsSchema<SyncState>(['get', 'put', 'list'], 'a SyncState (get, put, list)').optional(),
    preserveIds: z.boolean().optional(),
    artifacts: z.boolean().optional(),
    onProgress: functionSchema().optional(),
    signal: abortSignalSchema.optional(),
  })
  .strict();

/** What a sync did. */
export interface SyncReport {
  /** Runs created on the target. */
  runsCreated: number;
  /** Runs that existed on the target and received something. */
  runsUpdated: number;
  /** Metric points written to the target. */
  metricPoints: number;
  /** Artifact files written to the target. */
  artifacts: number;
  /** Runs left as they were: already in sync, deleted on the target, or from the other direction. */
  skipped: number;
}

/** Reported after each write and each run. */
export interface SyncProgress extends Readonly<SyncReport> {
  readonly runsDone: number;
  readonly runsTotal: number;
  readonly sourceRunId: string;
  readonly targetRunId?: string;
}

/**
 * Copies runs from `from` to `to`, idempotently and resumably (see the module notes): only what the
 * mapping says is missing is sent, parents before their children.
 * @param from - The source store (e.g. IndexedDB).
 * @param to - The target store (e.g. an MLflow server through `RestStore`).
 * @param options - Direction, which runs, the mapping ({@link SyncState}), progress.
 * @returns counts of what was written
 * @throws `INVALID_PARAMETER_VALUE` for bad options, before anything is read; the first storage error
 * (after the store's own retries), with progress so far kept in `mapping`
 * @example
 * ```ts
 * const mapping = localStorageSyncState('edgeflow-sync');
 * await syncRuns(await openStore('idb:edgeflow'), await openStore('https://mlflow.example.com'), { mapping });
 * ```
 */
export async function syncRuns(from: Store, to: Store, options: SyncOptions = {}): Promise<SyncReport> {
  parseInput(syncOptionsSchema, options, 'syncRuns options');
  const sync = new RunSync(from, to, options);
  return sync.run();
}

class RunSync {
  readonly report: SyncReport = { runsCreated: 0, runsUpdated: 0, metricPoints: 0, artifacts: 0, skipped: 0 };
  readonly #from: Store;
  readonly #to: Store;
  readonly #options: SyncOptions;
  readonly #direction: SyncDirection;
  readonly #state: SyncState;
  readonly #pusher: RunPusher;
  #done = 0;
  #total = 0;

  constructor(from: Store, to: Store, options: SyncOptions) {
    this.#from = from;
    this.#to = to;
    this.#options = options;
    this.#direction = options.direction ?? 'push';
    this.#state = options.mapping ?? new MemorySyncState();
    this.#pusher = new RunPusher(
      from,
      to,
      {
        load: (sourceRunId) => this.#state.get(this.#direction, sourceRunId),
        save: (sourceRunId, progress, _last, written) => this.#save(sourceRunId, progress, written),
        targetIdOf: (sourceRunId) => this.#targetIdOf(sourceRunId),
      },
      options,
    );
  }

  async run(): Promise<SyncReport> {
    const runs = parentsFirst(await this.#selectRuns());
    const opposite = this.#direction === 'push' ? 'pull' : 'push';
    const linked = new Set((await this.#state.list()).filter((r) => r.direction === opposite).map((r) => r.targetRunId));
    this.#total = runs.length;
    for (const run of runs) {
      this.#options.signal?.throwIfAborted();
      if (run.info.lifecycleStage !== 'active' || linked.has(run.info.runId)) this.report.skipped++;
      else {
        const outcome = await this.#pusher.push(run);
        if (outcome === 'created') this.report.runsCreated++;
        else if (outcome === 'updated') this.report.runsUpdated++;
        else this.report.skipped++;
      }
      this.#done++;
      this.#progress(run.info.runId);
    }
    return { ...this.report };
  }

  async #selectRuns(): Promise<Run[]> {
    if (this.#options.runIds !== undefined) {
      return Promise.all(this.#options.runIds.map((id) => this.#from.getRun(id as RunId)));
    }
    const experimentIds = this.#options.experimentIds ?? (await this.#activeExperiments()).map((e) => e.experimentId);
    const runs: Run[] = [];
    for (const experimentId of experimentIds) {
      runs.push(
        ...(await collectPages((pageToken) =>
          this.#from.searchRuns({ experimentIds: [experimentId as ExperimentId], orderBy: ['start_time ASC'], maxResults: 1000, pageToken }),
        )),
      );
    }
    return runs;
  }

  #activeExperiments(): Promise<Experiment[]> {
    return collectPages((pageToken) => this.#from.searchExperiments({ maxResults: 1000, pageToken }));
  }

  /** Keeps the progress of a write and reports it (the mapping keeps no status). */
  async #save(sourceRunId: string, progress: RunProgress, written: WriteCount): Promise<void> {
    const { targetRunId, targetExperimentId, metrics, artifacts } = progress;
    await this.#state.put({ direction: this.#direction, sourceRunId, targetRunId, targetExperimentId, metrics, artifacts });
    this.report.metricPoints += written.points;
    this.report.artifacts += written.artifacts;
    if (written.points > 0 || written.artifacts > 0) this.#progress(sourceRunId, targetRunId);
  }

  /** The target's id of source run `sourceRunId`: from the mapping (either direction), else the same id if the target has it. */
  async #targetIdOf(sourceRunId: string): Promise<string | undefined> {
    const record = await this.#state.get(this.#direction, sourceRunId);
    if (record !== undefined) return record.targetRunId;
    const back = (await this.#state.list()).find((r) => r.direction !== this.#direction && r.targetRunId === sourceRunId);
    if (back !== undefined) return back.sourceRunId;
    return (await orUndefinedIfMissing(this.#to.getRun(sourceRunId as RunId)))?.info.runId;
  }

  #progress(sourceRunId: string, targetRunId?: string): void {
    this.#options.onProgress?.({ ...this.report, runsDone: this.#done, runsTotal: this.#total, sourceRunId, ...(targetRunId === undefined ? {} : { targetRunId }) });
  }
}
