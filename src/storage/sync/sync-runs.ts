/**
 * `syncRuns(from, to)`: copies runs from one {@link Store} to another — local runs (IndexedDB,
 * memory) to an MLflow server (`RestStore`), or a server's runs into a local store — idempotently
 * and resumably.
 *
 * For each source run: its experiment is found on the target by name (created with the source's
 * tags when missing); the run is created with the same name, start time, user and tags; then
 * params, full metric histories in logging order (≤ 1000 points per write, progress saved after
 * each), changed tags, artifacts (by path and size), and last the status and end time — so a
 * FINISHED run on the target is complete. Progress lives in a {@link SyncState}: a re-run after an
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
import { dict, hasKey, type Dict, type Experiment, type KeyValue, type Run } from '../../core/entities.js';
import { isEdgeflowError } from '../../core/errors.js';
import { parseRunId, type ExperimentId, type RunId } from '../../core/ids.js';
import { MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH } from '../../core/limits.js';
import type { Store } from '../../core/store.js';
import { artifactFiles, collectPages } from '../../core/store-reads.js';
import { SystemTag } from '../../core/system-tags.js';
import { MemorySyncState, type SyncDirection, type SyncRunRecord, type SyncState } from './sync-state.js';

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

const METRIC_CHUNK = MAX_METRICS_PER_BATCH;

/** The tag naming the run a synced copy came from (where it was first logged). */
export const ORIGIN_RUN_ID_TAG = 'edgeflow.origin.runId';

/** The id of the run where `run` was first logged: its origin tag, else its own id. */
function originOf(run: Run): string {
  return run.data.tags[ORIGIN_RUN_ID_TAG] ?? run.info.runId;
}

/** `runs` with every parent (by `mlflow.parentRunId`) before its children; otherwise in order. */
function parentsFirst(runs: readonly Run[]): Run[] {
  const byId = new Map(runs.map((run) => [run.info.runId as string, run]));
  const out: Run[] = [];
  const placed = new Set<string>();
  const place = (run: Run, path: Set<string>): void => {
    const id = run.info.runId;
    if (placed.has(id) || path.has(id)) return;
    path.add(id);
    const parent = byId.get(run.data.tags[SystemTag.PARENT_RUN_ID] ?? '');
    if (parent !== undefined) place(parent, path);
    placed.add(id);
    out.push(run);
  };
  for (const run of runs) place(run, new Set());
  return out;
}

/**
 * Copies runs from `from` to `to`, idempotently and resumably (see the module notes): only what the
 * mapping says is missing is sent, parents before their children.
 * @param from - The source store (e.g. IndexedDB).
 * @param to - The target store (e.g. an MLflow server through `RestStore`).
 * @param options - Direction, which runs, the mapping ({@link SyncState}), progress.
 * @returns counts of what was written
 * @throws the first storage error (after the store's own retries); progress so far is kept in `mapping`
 * @example
 * ```ts
 * const mapping = localStorageSyncState('edgeflow-sync');
 * await syncRuns(await openStore('idb:edgeflow'), await openStore('https://mlflow.example.com'), { mapping });
 * ```
 */
export async function syncRuns(from: Store, to: Store, options: SyncOptions = {}): Promise<SyncReport> {
  const sync = new RunSync(from, to, options);
  return sync.run();
}

class RunSync {
  readonly report: SyncReport = { runsCreated: 0, runsUpdated: 0, metricPoints: 0, artifacts: 0, skipped: 0 };
  private readonly __direction: SyncDirection;
  private readonly __state: SyncState;
  private readonly __experiments = new Map<string, Promise<ExperimentId | null>>();
  private __done = 0;
  private __total = 0;

  constructor(
    private readonly __from: Store,
    private readonly __to: Store,
    private readonly __options: SyncOptions,
  ) {
    this.__direction = __options.direction ?? 'push';
    this.__state = __options.mapping ?? new MemorySyncState();
  }

  async run(): Promise<SyncReport> {
    const runs = parentsFirst(await this.__selectRuns());
    const opposite = this.__direction === 'push' ? 'pull' : 'push';
    const linked = new Set((await this.__state.list()).filter((r) => r.direction === opposite).map((r) => r.targetRunId));
    this.__total = runs.length;
    for (const run of runs) {
      this.__options.signal?.throwIfAborted();
      if (run.info.lifecycleStage !== 'active' || linked.has(run.info.runId)) this.report.skipped++;
      else await this.__syncRun(run);
      this.__done++;
      this.__progress(run.info.runId);
    }
    return { ...this.report };
  }

  private async __selectRuns(): Promise<Run[]> {
    if (this.__options.runIds !== undefined) {
      return Promise.all(this.__options.runIds.map((id) => this.__from.getRun(id as RunId)));
    }
    const experimentIds = this.__options.experimentIds ?? (await this.__activeExperiments()).map((e) => e.experimentId);
    const runs: Run[] = [];
    for (const experimentId of experimentIds) {
      runs.push(
        ...(await collectPages((pageToken) =>
          this.__from.searchRuns({ experimentIds: [experimentId as ExperimentId], orderBy: ['start_time ASC'], maxResults: 1000, pageToken }),
        )),
      );
    }
    return runs;
  }

  private __activeExperiments(): Promise<Experiment[]> {
    return collectPages((pageToken) => this.__from.searchExperiments({ maxResults: 1000, pageToken }));
  }


  private async __syncRun(source: Run): Promise<void> {
    const sourceRunId = source.info.runId;
    let record = await this.__state.get(this.__direction, sourceRunId);
    let target = record === undefined ? undefined : await orUndefined(this.__to.getRun(record.targetRunId as RunId));
    let created = false;
    if (record === undefined || target === undefined) {
      const experimentId = await this.__targetExperiment(source.info.experimentId);
      if (experimentId === null) {
        this.report.skipped++;
        return;
      }
      const made = (await this.__findCopy(source, experimentId)) ?? (await this.__createRun(source, experimentId));
      target = made.run;
      created = !made.adopted;
      record = { direction: this.__direction, sourceRunId, targetRunId: target.info.runId, targetExperimentId: experimentId, ...made.progress };
      await this.__state.put(record);
      if (created) this.report.runsCreated++;
    }
    if (target.info.lifecycleStage !== 'active') {
      this.report.skipped++;
      return;
    }
    const targetRunId = target.info.runId;
    let changed = false;
    changed = (await this.__sendPairs(targetRunId, 'params', missing(source.data.params, target.data.params))) || changed;
    changed = (await this.__sendMetrics(source, record)) || changed;
    const tags = await this.__targetTags(source, targetRunId);
    changed = (await this.__sendPairs(targetRunId, 'tags', differing(tags, target.data.tags))) || changed;
    if (this.__options.artifacts !== false) changed = (await this.__sendArtifacts(sourceRunId, record)) || changed;
    const { status, endTime } = source.info;
    if (status !== target.info.status || (endTime !== null && endTime !== target.info.endTime)) {
      await this.__to.updateRun(targetRunId as RunId, { status, ...(endTime === null ? {} : { endTime }) });
      changed = true;
    }
    if (!created) {
      if (changed) this.report.runsUpdated++;
      else this.report.skipped++;
    }
  }

  /** The target experiment with the source experiment's name (created when missing); null when it is deleted there. */
  private __targetExperiment(sourceExperimentId: ExperimentId): Promise<ExperimentId | null> {
    let found = this.__experiments.get(sourceExperimentId);
    if (found === undefined) {
      found = (async () => {
        const experiment = await this.__from.getExperiment(sourceExperimentId);
        const existing = await this.__to.getExperimentByName(experiment.name);
        if (existing !== null) return existing.lifecycleStage === 'active' ? existing.experimentId : null;
        const input = { name: experiment.name, tags: pairs(experiment.tags) };
        if (this.__options.preserveIds !== false) {
          try {
            return await this.__to.createExperiment({ ...input, experimentId: experiment.experimentId });
          } catch (error) {
            if (!isEdgeflowError(error, 'NOT_IMPLEMENTED') && !isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
          }
        }
        return this.__to.createExperiment(input);
      })();
      this.__experiments.set(sourceExperimentId, found);
    }
    return found;
  }

  /** The source's tags as the target run holds them: the parent id mapped, no self-naming origin. */
  private async __targetTags(source: Run, targetRunId?: string): Promise<Dict<string>> {
    const tags = dict(Object.entries(source.data.tags));
    const parent = tags[SystemTag.PARENT_RUN_ID];
    if (parent !== undefined) {
      const mapped = await this.__targetIdOf(parent);
      if (mapped === undefined) delete tags[SystemTag.PARENT_RUN_ID];
      else tags[SystemTag.PARENT_RUN_ID] = mapped;
    }
    if (tags[ORIGIN_RUN_ID_TAG] === targetRunId) delete tags[ORIGIN_RUN_ID_TAG];
    return tags;
  }

  /** The target's id of source run `sourceRunId`: from the mapping (either direction), else the same id if the target has it. */
  private async __targetIdOf(sourceRunId: string): Promise<string | undefined> {
    const record = await this.__state.get(this.__direction, sourceRunId);
    if (record !== undefined) return record.targetRunId;
    const back = (await this.__state.list()).find((r) => r.direction !== this.__direction && r.targetRunId === sourceRunId);
    if (back !== undefined) return back.sourceRunId;
    return (await orUndefined(this.__to.getRun(sourceRunId as RunId)))?.info.runId;
  }

  /**
   * A copy of `source` already on the target, made by an earlier sync whose mapping was lost: the
   * run with its origin's id, or a run whose origin tag is the same. Its progress is read back.
   */
  private async __findCopy(source: Run, experimentId: ExperimentId): Promise<{ run: Run; adopted: boolean; progress: Pick<SyncRunRecord, 'metrics' | 'artifacts'> } | undefined> {
    let origin: RunId;
    try {
      origin = parseRunId(originOf(source));
    } catch {
      return undefined; // an origin tag that is no run id: nothing to look for
    }
    // Ids are unique across stores: a target run with the origin's id is the run itself.
    let run = await orUndefined(this.__to.getRun(origin));
    if (run === undefined) {
      const filter = `tags.\`${ORIGIN_RUN_ID_TAG}\` = '${origin}'`;
      [run] = (await this.__to.searchRuns({ experimentIds: [experimentId], filter, viewType: 'ALL', maxResults: 1 })).items;
    }
    return run === undefined ? undefined : { run, adopted: true, progress: await progressOn(this.__to, run) };
  }

  /**
   * Creates the target run. With `preserveIds`, a target that already holds the source id (a
   * previous sync whose state was lost) is adopted, its progress read back from the target.
   */
  private async __createRun(
    source: Run,
    experimentId: ExperimentId,
  ): Promise<{ run: Run; adopted: boolean; progress: Pick<SyncRunRecord, 'metrics' | 'artifacts'> }> {
    const tags = await this.__targetTags(source);
    const input = {
      experimentId,
      userId: source.info.userId,
      runName: source.info.runName,
      startTime: source.info.startTime,
      tags: pairs(tags),
    };
    const empty = { metrics: dict<number>(), artifacts: dict<number>() };
    if (this.__options.preserveIds !== false) {
      try {
        return { run: await this.__to.createRun({ ...input, runId: source.info.runId }), adopted: false, progress: empty };
      } catch (error) {
        if (isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) {
          const run = await this.__to.getRun(source.info.runId);
          return { run, adopted: true, progress: await progressOn(this.__to, run) };
        }
        if (!isEdgeflowError(error, 'NOT_IMPLEMENTED')) throw error;
      }
    }
    const origin = { key: ORIGIN_RUN_ID_TAG, value: originOf(source) };
    return { run: await this.__to.createRun({ ...input, tags: [...input.tags.filter((t) => t.key !== origin.key), origin] }), adopted: false, progress: empty };
  }

  private async __sendPairs(targetRunId: string, kind: 'params' | 'tags', items: KeyValue[]): Promise<boolean> {
    const size = kind === 'params' ? MAX_PARAMS_PER_BATCH : MAX_TAGS_PER_BATCH;
    for (let i = 0; i < items.length; i += size) {
      await this.__to.logBatch(targetRunId as RunId, { [kind]: items.slice(i, i + size) });
    }
    return items.length > 0;
  }

  /** Sends what the target lacks of each history, ≤ 1000 points per write, saving the offset after each. */
  private async __sendMetrics(source: Run, record: SyncRunRecord): Promise<boolean> {
    let sent = false;
    for (const key of Object.keys(source.data.metrics).sort()) {
      const history = await this.__from.getMetricHistory(source.info.runId, key);
      const total = history.values.length;
      for (let start = hasKey(record.metrics, key) ? record.metrics[key]! : 0; start < total; start += METRIC_CHUNK) {
        this.__options.signal?.throwIfAborted();
        const end = Math.min(total, start + METRIC_CHUNK);
        await this.__to.logBatch(record.targetRunId as RunId, {
          metrics: [{ key, steps: history.steps.subarray(start, end), timestamps: history.timestamps.subarray(start, end), values: history.values.subarray(start, end) }],
        });
        record.metrics[key] = end;
        await this.__state.put(record);
        this.report.metricPoints += end - start;
        sent = true;
        this.__progress(source.info.runId, record.targetRunId);
      }
    }
    return sent;
  }

  private async __sendArtifacts(sourceRunId: RunId, record: SyncRunRecord): Promise<boolean> {
    let sent = false;
    for (const file of await artifactFiles(this.__from, sourceRunId)) {
      if (hasKey(record.artifacts, file.path) && record.artifacts[file.path] === file.fileSize) continue;
      this.__options.signal?.throwIfAborted();
      const bytes = await this.__from.getArtifact(sourceRunId, file.path);
      await this.__to.putArtifact(record.targetRunId as RunId, file.path, bytes);
      record.artifacts[file.path] = bytes.byteLength;
      await this.__state.put(record);
      this.report.artifacts++;
      sent = true;
      this.__progress(sourceRunId, record.targetRunId);
    }
    return sent;
  }

  private __progress(sourceRunId: string, targetRunId?: string): void {
    this.__options.onProgress?.({ ...this.report, runsDone: this.__done, runsTotal: this.__total, sourceRunId, ...(targetRunId === undefined ? {} : { targetRunId }) });
  }
}

function pairs(dict: Readonly<Record<string, string>>): KeyValue[] {
  return Object.keys(dict).map((key) => ({ key, value: dict[key]! }));
}

/** Source entries whose key the target lacks (params are immutable: an equal value is already there). */
function missing(source: Readonly<Record<string, string>>, target: Readonly<Record<string, string>>): KeyValue[] {
  return pairs(source).filter(({ key }) => !hasKey(target, key));
}

/** Source entries the target lacks or holds with another value (tags are mutable). */
function differing(source: Readonly<Record<string, string>>, target: Readonly<Record<string, string>>): KeyValue[] {
  return pairs(source).filter(({ key, value }) => !hasKey(target, key) || target[key] !== value);
}

async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  }
}


/** What a target run already holds: metric points per key and artifact sizes. */
async function progressOn(store: Store, run: Run): Promise<Pick<SyncRunRecord, 'metrics' | 'artifacts'>> {
  const metrics = dict<number>();
  for (const key of Object.keys(run.data.metrics)) metrics[key] = (await store.getMetricHistory(run.info.runId, key)).values.length;
  const artifacts = dict<number>();
  for (const file of await artifactFiles(store, run.info.runId)) artifacts[file.path] = file.fileSize ?? 0;
  return { metrics, artifacts };
}
