/**
 * The one run pusher behind `syncRuns` and the live mirror (`mirrorTo`): brings one target run up
 * to date with one source run, sending only what the recorded {@link RunProgress} says the target
 * lacks, and hands the progress back after every acknowledged write.
 *
 * One push: the target experiment (by name, created when missing) and the target run (from the
 * progress, else adopted by id or origin tag, else created); then `logBatch` requests that pack
 * the missing params, the changed tags and the new metric points of several keys within MLflow's
 * limits (each key's points in logging order); the dataset inputs the target lacks; artifacts by
 * size; last the status and end time. The caller keeps the progress where it likes (`SyncState`,
 * a mirror journal) through {@link RunPushHooks}.
 * @module
 */
import { dict, hasKey, TERMINAL_RUN_STATUSES, type Dict, type KeyValue, type MetricColumns, type Run, type RunStatus } from '../../core/entities.js';
import { isEdgeflowError } from '../../core/errors.js';
import { parseRunId, type ExperimentId, type RunId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { artifactFiles, orUndefinedIfMissing, readMetricHistoryFrom } from '../../core/store-reads.js';
import { SystemTag } from '../../core/system-tags.js';
import { differing, missing, missingInputs, packBatches, pairs } from './push-plan.js';

/** The tag naming the run a synced copy came from (where it was first logged). */
export const ORIGIN_RUN_ID_TAG = 'edgeflow.origin.runId';

/** How far a source run got on the target. Mutated by the pusher as writes are acknowledged. */
export interface RunProgress {
  /** The copy's id on the target. */
  readonly targetRunId: string;
  /** The copy's experiment on the target. */
  readonly targetExperimentId: string;
  /** Metric points sent, per key: a prefix of the source history. */
  readonly metrics: Dict<number>;
  /** Artifact files sent: path → size in bytes. */
  readonly artifacts: Dict<number>;
  /** The status the target holds, once sent (or found there). */
  status?: RunStatus;
  /** The end time the target holds, once sent (or found there). */
  endTime?: number | null;
}

/** What a write did, for reports. */
export interface WriteCount {
  readonly points: number;
  readonly artifacts: number;
}

/** Where the pusher keeps its progress and how it names other runs on the target. */
export interface RunPushHooks {
  /** The saved progress of a source run, or undefined when it was never pushed. */
  load(sourceRunId: string): Promise<RunProgress | undefined>;
  /**
   * Called after every acknowledged write (and after adopting a target run) with the progress to
   * keep; `last` when no other write of this push follows. The push waits for it.
   */
  save(sourceRunId: string, progress: RunProgress, last: boolean, written: WriteCount): Promise<void>;
  /** Called before a `logBatch` with metric points is sent, with the keys it holds. */
  beforeMetrics?(sourceRunId: string, progress: RunProgress, keys: readonly string[]): Promise<void>;
  /** The target's id of another source run (a parent), or undefined when it has none yet. */
  targetIdOf(sourceRunId: string): Promise<string | undefined>;
}

/** Options of {@link RunPusher}. */
export interface RunPusherOptions {
  /** Ask the target to keep source ids (default true; stores that cannot assign their own). */
  readonly preserveIds?: boolean;
  /** Copy artifacts (default true). */
  readonly artifacts?: boolean;
  readonly signal?: AbortSignal;
}

/** What may have changed in a source run since its last push. */
export interface PushScope {
  /** Keys whose histories may have grown; default every key of the run. */
  readonly metricKeys?: Iterable<string>;
  /**
   * Only metric points were logged (no params, tags, inputs, artifacts or status): a run pushed
   * before gets its new points without reading the target run first.
   */
  readonly metricsOnly?: boolean;
}

/** How a push ended. */
export type PushOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/** One write of a push. */
interface Step {
  readonly send: () => Promise<WriteCount>;
  /** Metric keys of a `logBatch` (announced through `beforeMetrics`). */
  readonly metricKeys?: readonly string[];
}

/** Pushes source runs to a target, one run per call (see the module notes). */
export class RunPusher {
  readonly #from: Store;
  readonly #to: Store;
  readonly #options: RunPusherOptions;
  readonly #hooks: RunPushHooks;
  readonly #experiments = new Map<string, Promise<ExperimentId | null>>();

  constructor(from: Store, to: Store, hooks: RunPushHooks, options: RunPusherOptions = {}) {
    this.#from = from;
    this.#to = to;
    this.#hooks = hooks;
    this.#options = options;
  }

  /**
   * Brings the target copy of `source` up to date.
   * @param source - The source run as read now.
   * @param scope - What may have changed (default everything).
   * @returns `skipped` when its experiment or the copy is deleted on the target
   */
  async push(source: Run, scope: PushScope = {}): Promise<PushOutcome> {
    const sourceRunId = source.info.runId;
    let progress = await this.#hooks.load(sourceRunId);
    if (scope.metricsOnly === true && progress !== undefined) {
      try {
        const steps = this.#metricSteps(progress, await this.#newPoints(source, progress, scope.metricKeys ?? Object.keys(source.data.metrics)));
        await this.#run(sourceRunId, progress, steps);
        return steps.length > 0 ? 'updated' : 'unchanged';
      } catch (error) {
        // The copy may be gone or deleted on the target: the full push below looks.
        if (!isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST') && !isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')) throw error;
        progress = await this.#hooks.load(sourceRunId);
      }
    }
    let target = progress === undefined ? undefined : await orUndefinedIfMissing(this.#to.getRun(progress.targetRunId as RunId));
    let created = false;
    const fresh = progress === undefined || target === undefined;
    if (progress === undefined || target === undefined) {
      const experimentId = await this.targetExperiment(source.info.experimentId);
      if (experimentId === null) return 'skipped';
      const made = (await this.#findCopy(source, experimentId)) ?? (await this.#createRun(source, experimentId));
      target = made.run;
      created = !made.adopted;
      progress = { targetRunId: target.info.runId, targetExperimentId: experimentId, ...made.progress };
    }
    if (target.info.lifecycleStage !== 'active') return 'skipped';
    progress.status = target.info.status;
    progress.endTime = target.info.endTime;
    const steps = await this.#plan(source, target, progress, scope.metricKeys);
    if (fresh) await this.#hooks.save(sourceRunId, progress, steps.length === 0, NOTHING);
    await this.#run(sourceRunId, progress, steps);
    if (created) return 'created';
    return steps.length > 0 ? 'updated' : 'unchanged';
  }

  /** Sends `steps` in order, saving the progress after each (announcing metric batches first). */
  async #run(sourceRunId: string, progress: RunProgress, steps: readonly Step[]): Promise<void> {
    for (let i = 0; i < steps.length; i++) {
      this.#options.signal?.throwIfAborted();
      const step = steps[i]!;
      if (step.metricKeys !== undefined) await this.#hooks.beforeMetrics?.(sourceRunId, progress, step.metricKeys);
      const written = await step.send();
      await this.#hooks.save(sourceRunId, progress, i === steps.length - 1, written);
    }
  }

  /** The target experiment with the source experiment's name (created when missing); null when it is deleted there. */
  targetExperiment(sourceExperimentId: ExperimentId): Promise<ExperimentId | null> {
    let found = this.#experiments.get(sourceExperimentId);
    if (found === undefined) {
      found = this.#findOrCreateExperiment(sourceExperimentId);
      this.#experiments.set(sourceExperimentId, found);
      found.catch(() => this.#experiments.delete(sourceExperimentId));
    }
    return found;
  }

  async #findOrCreateExperiment(sourceExperimentId: ExperimentId): Promise<ExperimentId | null> {
    const experiment = await this.#from.getExperiment(sourceExperimentId);
    const existing = await this.#to.getExperimentByName(experiment.name);
    if (existing !== null) return existing.lifecycleStage === 'active' ? existing.experimentId : null;
    const input = { name: experiment.name, tags: pairs(experiment.tags) };
    if (this.#options.preserveIds !== false) {
      try {
        return await this.#to.createExperiment({ ...input, experimentId: experiment.experimentId });
      } catch (error) {
        if (!isEdgeflowError(error, 'NOT_IMPLEMENTED') && !isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
      }
    }
    return this.#to.createExperiment(input);
  }

  /** The writes that bring `target` up to `source`, in order. */
  async #plan(source: Run, target: Run, progress: RunProgress, metricKeys: Iterable<string> | undefined): Promise<Step[]> {
    const targetRunId = progress.targetRunId as RunId;
    const params = missing(source.data.params, target.data.params);
    const tags = differing(await this.#targetTags(source, targetRunId), target.data.tags);
    const series = await this.#newPoints(source, progress, metricKeys ?? Object.keys(source.data.metrics));
    const steps = this.#metricSteps(progress, series, params, tags);
    const inputs = missingInputs(source, target);
    if (inputs.length > 0 && this.#to.logInputs !== undefined) {
      steps.push({ send: async () => (await this.#to.logInputs!(targetRunId, { datasets: inputs }), NOTHING) });
    }
    if (this.#options.artifacts !== false) {
      for (const file of await artifactFiles(this.#from, source.info.runId)) {
        if (hasKey(progress.artifacts, file.path) && progress.artifacts[file.path] === file.fileSize) continue;
        steps.push({
          send: async () => {
            const bytes = await this.#from.getArtifact(source.info.runId, file.path);
            await this.#to.putArtifact(targetRunId, file.path, bytes);
            progress.artifacts[file.path] = bytes.byteLength;
            return { points: 0, artifacts: 1 };
          },
        });
      }
    }
    const { status, endTime } = source.info;
    if (status !== target.info.status || (endTime !== null && endTime !== target.info.endTime)) {
      steps.push({
        send: async () => {
          const info = await this.#to.updateRun(targetRunId, { status, ...(endTime === null ? {} : { endTime }) });
          progress.status = info.status;
          progress.endTime = info.endTime;
          return NOTHING;
        },
      });
    }
    return steps;
  }

  /** `logBatch` writes of `series` (with `params` and `tags`), each advancing the progress of its keys. */
  #metricSteps(progress: RunProgress, series: readonly MetricColumns[], params: readonly KeyValue[] = [], tags: readonly KeyValue[] = []): Step[] {
    return packBatches(params, tags, series).map((batch) => ({
      ...(batch.metrics.length > 0 ? { metricKeys: batch.metrics.map((m) => m.key) } : {}),
      send: async () => {
        await this.#to.logBatch(progress.targetRunId as RunId, batch);
        let points = 0;
        for (const m of batch.metrics) {
          progress.metrics[m.key] = (progress.metrics[m.key] ?? 0) + m.values.length;
          points += m.values.length;
        }
        return { points, artifacts: 0 };
      },
    }));
  }

  /** The points of `keys` the target lacks (from the recorded offsets), keys in code-point order. */
  async #newPoints(source: Run, progress: RunProgress, keys: Iterable<string>): Promise<MetricColumns[]> {
    const out: MetricColumns[] = [];
    for (const key of [...new Set(keys)].sort()) {
      const offset = hasKey(progress.metrics, key) ? progress.metrics[key]! : 0;
      const tail = await readMetricHistoryFrom(this.#from, source.info.runId, key, offset);
      if (tail.values.length > 0) out.push({ key, steps: tail.steps, timestamps: tail.timestamps, values: tail.values });
    }
    return out;
  }

  /** The source's tags as the target run holds them: the parent id mapped, no self-naming origin. */
  async #targetTags(source: Run, targetRunId?: string): Promise<Dict<string>> {
    const tags = dict(Object.entries(source.data.tags));
    const parent = tags[SystemTag.PARENT_RUN_ID];
    if (parent !== undefined) {
      const mapped = await this.#hooks.targetIdOf(parent);
      if (mapped === undefined) delete tags[SystemTag.PARENT_RUN_ID];
      else tags[SystemTag.PARENT_RUN_ID] = mapped;
    }
    if (tags[ORIGIN_RUN_ID_TAG] === targetRunId) delete tags[ORIGIN_RUN_ID_TAG];
    return tags;
  }

  /**
   * A copy of `source` already on the target, made by an earlier push whose progress was lost: the
   * run with its origin's id, or a run whose origin tag is the same. Its progress is read back.
   */
  async #findCopy(source: Run, experimentId: ExperimentId): Promise<Made | undefined> {
    let origin: RunId;
    try {
      origin = parseRunId(originOf(source));
    } catch {
      return undefined; // an origin tag that is no run id: nothing to look for
    }
    // Ids are unique across stores: a target run with the origin's id is the run itself.
    let run = await orUndefinedIfMissing(this.#to.getRun(origin));
    if (run === undefined) {
      const filter = `tags.\`${ORIGIN_RUN_ID_TAG}\` = '${origin}'`;
      [run] = (await this.#to.searchRuns({ experimentIds: [experimentId], filter, viewType: 'ALL', maxResults: 1 })).items;
    }
    return run === undefined ? undefined : { run, adopted: true, progress: await progressOn(this.#to, run) };
  }

  /**
   * Creates the target run. With `preserveIds`, a target that already holds the source id (an
   * earlier push whose progress was lost) is adopted, its progress read back from the target.
   */
  async #createRun(source: Run, experimentId: ExperimentId): Promise<Made> {
    const tags = await this.#targetTags(source);
    const input = { experimentId, userId: source.info.userId, runName: source.info.runName, startTime: source.info.startTime, tags: pairs(tags) };
    const empty = { metrics: dict<number>(), artifacts: dict<number>() };
    if (this.#options.preserveIds !== false) {
      try {
        return { run: await this.#to.createRun({ ...input, runId: source.info.runId }), adopted: false, progress: empty };
      } catch (error) {
        if (isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) {
          const run = await this.#to.getRun(source.info.runId);
          return { run, adopted: true, progress: await progressOn(this.#to, run) };
        }
        if (!isEdgeflowError(error, 'NOT_IMPLEMENTED')) throw error;
      }
    }
    const origin = { key: ORIGIN_RUN_ID_TAG, value: originOf(source) };
    return { run: await this.#to.createRun({ ...input, tags: [...input.tags.filter((t) => t.key !== origin.key), origin] }), adopted: false, progress: empty };
  }
}

interface Made {
  readonly run: Run;
  readonly adopted: boolean;
  readonly progress: Pick<RunProgress, 'metrics' | 'artifacts'>;
}

const NOTHING: WriteCount = { points: 0, artifacts: 0 };

/** True when the target holds the run's final status and end time (nothing more is expected). */
export function isComplete(progress: Pick<RunProgress, 'status' | 'endTime'>): boolean {
  return progress.status !== undefined && TERMINAL_RUN_STATUSES.has(progress.status) && progress.endTime != null;
}

/** The id of the run where `run` was first logged: its origin tag, else its own id. */
function originOf(run: Run): string {
  return run.data.tags[ORIGIN_RUN_ID_TAG] ?? run.info.runId;
}

/** How many points of each of `keys` the target run holds. */
export async function historyLengths(store: Store, runId: string, keys: Iterable<string>): Promise<Dict<number>> {
  const lengths = dict<number>();
  for (const key of keys) lengths[key] = (await store.getMetricHistory(runId as RunId, key)).values.length;
  return lengths;
}

/** What a target run already holds: metric points per key and artifact sizes. */
async function progressOn(store: Store, run: Run): Promise<Pick<RunProgress, 'metrics' | 'artifacts'>> {
  const metrics = await historyLengths(store, run.info.runId, Object.keys(run.data.metrics));
  const artifacts = dict<number>();
  for (const file of await artifactFiles(store, run.info.runId)) artifacts[file.path] = file.fileSize ?? 0;
  return { metrics, artifacts };
}
