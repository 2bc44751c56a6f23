/**
 * Writing an import's planned experiments and runs into a store: runs in windows whose writes are
 * issued together (on a store with ordered writes, the IndexedDB worker store receives a window in
 * few messages and commits it in shared transactions), data only to runs the import created, and
 * every write settled before a failure is reported (so the importer rolls back what exists).
 * @internal
 * @module
 */
import type { Dict, KeyValue, MetricColumns } from '../../core/entities.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH } from '../../core/limits.js';
import type { CreateRunInput, Store } from '../../core/store.js';
import type { ExperimentMeta, MetricPoints, RunMeta } from '../../core/formats/file-store/index.js';
import { writeRunLinks, type RunLinks } from './import-mlflow3.js';

/** A run to write, with artifact bytes on demand. */
export interface RunPlan {
  readonly meta: RunMeta;
  readonly runName: string;
  readonly params: Dict<string>;
  readonly tags: Dict<string>;
  readonly metrics: readonly MetricPoints[];
  readonly artifacts: readonly { readonly path: string; readonly read: () => Promise<Uint8Array> }[];
  /** MLflow 3 dataset/model inputs and model outputs. */
  readonly links?: RunLinks;
  /** A run of the target store written back as it was (`replace` keeps what the bundle does not carry); not counted as imported. */
  readonly restored?: boolean;
}

/** An experiment to write (or to write into) and its runs. */
export interface ExperimentPlan {
  readonly meta: ExperimentMeta;
  readonly tags: Dict<string>;
  /** Write into this existing experiment instead of creating one. */
  readonly reuse: boolean;
  readonly runs: RunPlan[];
}

function byKey(d: Dict<string>): KeyValue[] {
  return Object.entries(d).map(([key, value]) => ({ key, value }));
}

/** What {@link writePlans} wrote (restored runs not counted). */
interface WriteTotals {
  points: number;
  artifacts: number;
  bytes: number;
  params: number;
  tags: number;
}

/** Most runs whose writes are issued together (one message to an IndexedDB worker, shared transactions). */
const RUNS_PER_WINDOW = 25;
/** Artifact bytes after which a window is issued early: what an import holds at once is about two windows. */
const WINDOW_BYTES = 64 * 1024 ** 2;

/**
 * Issues writes in order. On a store whose writes apply in the order issued (`orderedWrites`) they
 * go at once, without waiting for each other: the IndexedDB store then sends the writes called in
 * one task in one message and commits them in shared transactions. Elsewhere each waits for the
 * one before (a failed write stops the ones after it).
 */
class WriteQueue {
  readonly #ordered: boolean;
  #issued: Promise<unknown>[] = [];
  #tail: Promise<unknown> = Promise.resolve();

  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  /** Starts `write` now (ordered store) or after the writes before it (other stores). */
  issue(write: () => Promise<unknown>): void {
    const issued = this.#ordered ? write() : (this.#tail = this.#tail.then(write));
    issued.catch(() => undefined);
    this.#issued.push(issued);
  }

  /** Waits for every write issued so far; throws the first failure, once all settled. */
  async drain(): Promise<void> {
    const settled = await Promise.allSettled(this.#issued.splice(0));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}

/** A run's metric columns as batches of at most {@link MAX_METRICS_PER_BATCH} points, several keys a batch. */
function metricBatches(metrics: readonly MetricPoints[]): MetricColumns[][] {
  const batches: MetricColumns[][] = [];
  let batch: MetricColumns[] = [];
  let room = MAX_METRICS_PER_BATCH;
  for (const m of metrics) {
    for (let i = 0; i < m.values.length; ) {
      const end = Math.min(i + room, m.values.length);
      batch.push({ key: m.key, steps: m.steps.subarray(i, end), timestamps: m.timestamps.subarray(i, end), values: m.values.subarray(i, end) });
      room -= end - i;
      i = end;
      if (room === 0) {
        batches.push(batch);
        batch = [];
        room = MAX_METRICS_PER_BATCH;
      }
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** A run's creation input: its snapshot, deleted at once only when it carries no data. */
function creationOf(experimentId: ExperimentId, run: RunPlan): CreateRunInput {
  const meta = run.meta;
  return {
    experimentId,
    userId: meta.userId,
    runName: run.runName,
    startTime: meta.startTime,
    tags: byKey(run.tags),
    runId: meta.runId,
    status: meta.status,
    endTime: meta.endTime,
    lifecycleStage: snapshotDeleted(run) ? 'deleted' : 'active',
    deletedTime: snapshotDeleted(run) ? meta.deletedTime : null,
    ...(meta.artifactUri !== '' ? { artifactUri: meta.artifactUri } : {}),
  };
}

/** A deleted run without data is created deleted; one with data is deleted once its data is written. */
function snapshotDeleted(run: RunPlan): boolean {
  const hasData =
    Object.keys(run.params).length > 0 || run.metrics.some((m) => m.values.length > 0) || run.artifacts.length > 0 || run.links !== undefined;
  return run.meta.lifecycleStage === 'deleted' && !hasData;
}

/**
 * Issues, in order and without waiting, every write of a run this import created: params, metrics,
 * files (read beforehand), inputs and outputs, deletion; and counts what it writes.
 */
function issueRunData(queue: WriteQueue, store: Store, run: RunPlan, files: readonly Uint8Array[], totals: WriteTotals): void {
  const { runId, lifecycleStage, deletedTime } = run.meta;
  const paramList = byKey(run.params);
  for (let i = 0; i < paramList.length; i += MAX_PARAMS_PER_BATCH) {
    const params = paramList.slice(i, i + MAX_PARAMS_PER_BATCH);
    queue.issue(() => store.logBatch(runId, { params }));
  }
  for (const metrics of metricBatches(run.metrics)) queue.issue(() => store.logBatch(runId, { metrics }));
  run.artifacts.forEach((artifact, i) => queue.issue(() => store.putArtifact(runId, artifact.path, files[i]!)));
  queue.issue(() => writeRunLinks(store, runId, run.links));
  if (lifecycleStage === 'deleted' && !snapshotDeleted(run)) {
    queue.issue(() => store.deleteRun(runId, deletedTime !== null ? { deletedTime } : {}));
  }
  if (run.restored === true) return;
  totals.tags += Object.keys(run.tags).length;
  totals.params += paramList.length;
  for (const m of run.metrics) totals.points += m.values.length;
  totals.artifacts += files.length;
  for (const bytes of files) totals.bytes += bytes.length;
}

/**
 * Writes planned experiments; records every created id for rollback. Runs go in windows (at most
 * {@link RUNS_PER_WINDOW} runs or {@link WINDOW_BYTES} of files): a window's files are read from
 * the zip while the window before it is written; its runs are created, and once every creation
 * succeeded (data never goes to a run this import did not create), all their data is issued at
 * once. Resolves or throws only once every write it issued settled.
 */
export async function writePlans(
  store: Store,
  plans: readonly ExperimentPlan[],
  created: { experiments: ExperimentId[]; runs: RunId[] },
  progress: (n: number) => void,
): Promise<WriteTotals> {
  const totals: WriteTotals = { points: 0, artifacts: 0, bytes: 0, params: 0, tags: 0 };
  const queue = new WriteQueue(store.capabilities.orderedWrites);
  let unreported = 0;
  /** Waits for every write issued, then reports the runs they completed. */
  const settle = async (): Promise<void> => {
    await queue.drain();
    for (; unreported > 0; unreported--) progress(1);
  };
  try {
    for (const plan of plans) {
      const experimentId = plan.meta.experimentId;
      const deleted = plan.meta.lifecycleStage === 'deleted';
      if (!plan.reuse) {
        // A deleted experiment with runs is created active, filled, then deleted (runs cannot be
        // created in a deleted experiment); without runs its snapshot is kept exactly.
        const snapshotDeletedExperiment = deleted && plan.runs.length === 0;
        await store.createExperiment({
          name: plan.meta.name,
          ...(plan.meta.artifactLocation !== '' ? { artifactLocation: plan.meta.artifactLocation } : {}),
          tags: byKey(plan.tags),
          ...(plan.meta.creationTime !== null ? { creationTime: plan.meta.creationTime } : {}),
          experimentId,
          lifecycleStage: snapshotDeletedExperiment ? 'deleted' : 'active',
          lastUpdateTime: plan.meta.lastUpdateTime,
        });
        created.experiments.push(experimentId);
        totals.tags += Object.keys(plan.tags).length;
      }
      let window: { run: RunPlan; files: Uint8Array[] }[] = [];
      let windowBytes = 0;
      const issueWindow = async (): Promise<void> => {
        const runs = window;
        window = [];
        windowBytes = 0;
        for (const { run } of runs) {
          const { runId } = run.meta;
          queue.issue(() => store.createRun(creationOf(experimentId, run)).then(() => created.runs.push(runId)));
        }
        await settle();
        for (const { run, files } of runs) issueRunData(queue, store, run, files, totals);
        unreported += runs.filter(({ run }) => run.restored !== true).length;
      };
      for (const run of plan.runs) {
        const files: Uint8Array[] = [];
        for (const artifact of run.artifacts) {
          const bytes = await artifact.read();
          files.push(bytes);
          windowBytes += bytes.length;
        }
        window.push({ run, files });
        if (window.length >= RUNS_PER_WINDOW || windowBytes >= WINDOW_BYTES) await issueWindow();
      }
      await issueWindow();
      await settle();
      if (deleted && !plan.reuse && plan.runs.length > 0) {
        await store.deleteExperiment(experimentId, plan.meta.lastUpdateTime !== null ? { deletedTime: plan.meta.lastUpdateTime } : {});
      }
    }
  } finally {
    // On a failure, every write issued settles before the caller rolls back.
    await queue.drain().catch(() => undefined);
  }
  return totals;
}
