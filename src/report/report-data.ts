/**
 * The data of a self-contained report: experiments, runs, params, tags and whole metric
 * histories, as plain JSON (non-finite metric values as the strings `NaN`, `Infinity`,
 * `-Infinity`). Collected from any store, loaded into a `MemoryStore` by the page.
 * @module
 */
import type { Dict, Experiment, Run, RunInfo } from '../core/entities.js';
import type { ExperimentId, RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { collectPages } from '../core/store-reads.js';
import { SystemTag } from '../core/system-tags.js';

/** Id of the `<script type="application/json">` element holding the data. */
export const REPORT_DATA_ID = 'edgeflow-report-data';

/** A metric value in JSON. */
export type JsonDouble = number | 'NaN' | 'Infinity' | '-Infinity';

/** One run of a report. */
export interface ReportRun {
  readonly info: RunInfo;
  readonly params: Dict<string>;
  readonly tags: Dict<string>;
  readonly metrics: readonly { readonly key: string; readonly steps: number[]; readonly timestamps: number[]; readonly values: JsonDouble[] }[];
}

/** Everything a report page shows. */
export interface ReportData {
  readonly format: 'edgeflow-report';
  readonly version: 1;
  readonly title: string;
  /** ms */
  readonly createdAt: number;
  readonly experiments: readonly Experiment[];
  readonly runs: readonly ReportRun[];
}

/** What to put in a report. */
export interface ReportSelection {
  /** Experiments whose active runs are included; default every active experiment. */
  readonly experimentIds?: readonly string[];
  /** Exactly these runs (their experiments come along); wins over `experimentIds` for runs. */
  readonly runIds?: readonly string[];
  /** Page title; default `edgeflow report`. */
  readonly title?: string;
}

const toJsonDouble = (v: number): JsonDouble => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
const fromJsonDouble = (v: JsonDouble): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);


/** Reads the selected experiments and runs (with whole metric histories) from `store`. */
export async function collectReportData(store: Store, selection: ReportSelection = {}): Promise<ReportData> {
  let runs: Run[];
  const experiments = new Map<string, Experiment>();
  if (selection.experimentIds !== undefined) {
    for (const id of selection.experimentIds) experiments.set(id, await store.getExperiment(id as ExperimentId));
  }
  if (selection.runIds !== undefined) {
    runs = [];
    for (const id of selection.runIds) runs.push(await store.getRun(id as RunId));
    for (const run of runs) {
      if (!experiments.has(run.info.experimentId)) experiments.set(run.info.experimentId, await store.getExperiment(run.info.experimentId));
    }
  } else {
    if (selection.experimentIds === undefined) {
      for (const e of await collectPages((pageToken) => store.searchExperiments({ maxResults: 1000, pageToken }))) experiments.set(e.experimentId, e);
    }
    const experimentIds = [...experiments.keys()] as ExperimentId[];
    runs = experimentIds.length === 0 ? [] : await collectPages((pageToken) => store.searchRuns({ experimentIds, maxResults: 1000, pageToken }));
  }
  const reportRuns: ReportRun[] = [];
  for (const run of runs) {
    const metrics: ReportRun['metrics'][number][] = [];
    for (const key of Object.keys(run.data.metrics).sort()) {
      const s = await store.getMetricHistory(run.info.runId, key);
      metrics.push({ key, steps: Array.from(s.steps), timestamps: Array.from(s.timestamps), values: Array.from(s.values, toJsonDouble) });
    }
    reportRuns.push({ info: run.info, params: { ...run.data.params }, tags: { ...run.data.tags }, metrics });
  }
  return {
    format: 'edgeflow-report',
    version: 1,
    title: selection.title ?? 'edgeflow report',
    createdAt: Date.now(),
    experiments: [...experiments.values()].map((e) => ({ ...e, tags: { ...e.tags } })),
    runs: reportRuns,
  };
}

/** Writes report data into an empty store (the page's `MemoryStore`), keeping ids, times and stages. */
export async function loadReportData(store: Store, data: ReportData): Promise<void> {
  const deletedExperiments: Experiment[] = [];
  for (const e of data.experiments) {
    const existing = await store.getExperiment(e.experimentId).catch(() => undefined);
    if (existing === undefined) {
      await store.createExperiment({
        name: e.name,
        experimentId: e.experimentId,
        artifactLocation: e.artifactLocation,
        tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
        creationTime: e.creationTime ?? undefined,
        lastUpdateTime: e.lastUpdateTime,
      });
    } else {
      for (const [key, value] of Object.entries(e.tags)) await store.setExperimentTag(e.experimentId, { key, value });
    }
    if (e.lifecycleStage === 'deleted') deletedExperiments.push(e);
  }
  for (const r of data.runs) {
    const { info } = r;
    await store.createRun({
      experimentId: info.experimentId,
      userId: info.userId,
      runName: info.runName,
      startTime: info.startTime,
      tags: [],
      runId: info.runId,
      status: info.status,
      endTime: info.endTime,
      artifactUri: info.artifactUri,
    });
    await store.logBatch(info.runId, {
      params: Object.entries(r.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(r.tags)
        .filter(([key]) => key !== SystemTag.RUN_NAME)
        .map(([key, value]) => ({ key, value })),
      metrics: r.metrics.map((m) => ({
        key: m.key,
        steps: Float64Array.from(m.steps),
        timestamps: Float64Array.from(m.timestamps),
        values: Float64Array.from(m.values, fromJsonDouble),
      })),
    });
    if (info.lifecycleStage === 'deleted') await store.deleteRun(info.runId, { deletedTime: info.deletedTime ?? undefined });
  }
  for (const e of deletedExperiments) await store.deleteExperiment(e.experimentId, { deletedTime: e.lastUpdateTime ?? undefined });
}
