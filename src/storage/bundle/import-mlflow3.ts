/**
 * The MLflow 3 part of a bundle import (mlflow3-models-and-inputs.md §1): logged models with their
 * files, and runs' dataset inputs, model inputs and model outputs. Planned against the store without
 * writing, like the rest of the import; written through `store.loggedModels.importLoggedModels`
 * (one atomic write, the import's last) and `store.logInputs` / `store.logOutputs`. A store without
 * them imports everything else and reports these as `'unsupported'`.
 * @module
 */
import type { LogInputsInput, ModelOutput, RunInputs, RunOutputs } from '../../core/datasets/entities.js';
import { isEdgeflowError } from '../../core/errors.js';
import { newLoggedModelId, type ExperimentId, type RunId } from '../../core/ids.js';
import { loggedModelArtifactLocation } from '../../core/logged-models/logged-model-service.js';
import type { LoggedModelRecord } from '../../core/logged-models/logged-model-store.js';
import type { Store } from '../../core/store.js';
import type { ExperimentRecord, SkippedItem } from '../../core/formats/file-store/index.js';

/** What an import did with one kind of MLflow 3 data. */
export interface Mlflow3PartReport {
  /** `'none'`: the bundle holds none; `'unsupported'`: the store cannot hold them (`reason`). */
  readonly status: 'imported' | 'none' | 'unsupported';
  readonly reason?: string;
  /** Logged models written, or runs given inputs/outputs. */
  readonly count: number;
  /** Ids (in the bundle) not written. */
  readonly notImported: readonly string[];
}

/** What an import did with the bundle's MLflow 3 data. */
export interface Mlflow3ImportReport {
  readonly loggedModels: Mlflow3PartReport;
  /** Runs' dataset inputs, model inputs and model outputs. */
  readonly runInputs: Mlflow3PartReport;
  /** Bundle model id → store model id, for models given new ids (`new-ids`). */
  readonly modelIdMap: Readonly<Record<string, string>>;
}

/** A run's MLflow 3 links to write, ids already mapped. */
export interface RunLinks {
  readonly inputs?: LogInputsInput;
  readonly outputs?: readonly ModelOutput[];
}

/** Logged models to write last, with their files. */
export interface LoggedModelPlan {
  readonly records: LoggedModelRecord[];
  readonly artifacts: { readonly modelId: string; readonly path: string; readonly read: () => Promise<Uint8Array> }[];
  /** Models of experiments `replace` purges, to write back if the import fails. */
  readonly backups: LoggedModelRecord[];
  /** Models given a new id: their artifact location is set under their experiment when written. */
  readonly relocate: ReadonlySet<string>;
}

/** New model ids for `new-ids` (every model of the bundle), else none. */
export function newModelIds(experiments: readonly ExperimentRecord[], renew: boolean): Map<string, string> {
  const ids = new Map<string, string>();
  if (renew) for (const e of experiments) for (const m of e.loggedModels) ids.set(m.record.modelId, newLoggedModelId());
  return ids;
}

/** A run's inputs and outputs as they will be written: model ids mapped; undefined when none. */
export function runLinksOf(inputs: RunInputs | undefined, outputs: RunOutputs | undefined, modelIds: ReadonlyMap<string, string>): RunLinks | undefined {
  if (inputs === undefined && outputs === undefined) return undefined;
  const model = (id: string): string => modelIds.get(id) ?? id;
  return {
    ...(inputs === undefined
      ? {}
      : { inputs: { datasets: inputs.datasetInputs, models: inputs.modelInputs.map((m) => ({ modelId: model(m.modelId) })) } }),
    ...(outputs === undefined ? {} : { outputs: outputs.modelOutputs.map((o) => ({ ...o, modelId: model(o.modelId) })) }),
  };
}

/** Whether the store can write runs' inputs and outputs; the reason when not. */
export function runLinksUnsupported(store: Store): string | undefined {
  return store.logInputs === undefined || store.logOutputs === undefined ? 'The store holds no run inputs and outputs (logInputs/logOutputs).' : undefined;
}

/** Writes a run's inputs and outputs (before the run is deleted, if it is: links need an active run). */
export async function writeRunLinks(store: Store, runId: RunId, links: RunLinks | undefined): Promise<void> {
  if (links === undefined || runLinksUnsupported(store) !== undefined) return;
  if (links.inputs !== undefined) await store.logInputs!(runId, links.inputs);
  if (links.outputs !== undefined && links.outputs.length > 0) await store.logOutputs!(runId, links.outputs);
}

/** The report of the run links an import wrote. */
export function runLinksReport(store: Store, runs: readonly { readonly links?: RunLinks; readonly runId: string }[], bundleRuns: number): Mlflow3PartReport {
  const withLinks = runs.filter((r) => r.links !== undefined);
  if (bundleRuns === 0) return { status: 'none', count: 0, notImported: [] };
  const reason = runLinksUnsupported(store);
  if (reason !== undefined) return { status: 'unsupported', reason, count: 0, notImported: withLinks.map((r) => r.runId) };
  return { status: 'imported', count: withLinks.length, notImported: [] };
}

/**
 * Plans the bundle's logged models: the models of experiments the import writes, in the store's
 * experiment ids; `new-ids` gives every model a new id (and maps its source run and metric lines'
 * runs); otherwise a model whose id exists is skipped (reported) — unless `replace` purges its
 * experiment. Models of skipped experiments are skipped with them.
 */
export async function planLoggedModels(
  store: Store,
  experiments: readonly ExperimentRecord[],
  targetExperiment: (bundleExperimentId: string) => ExperimentId | undefined,
  purgedExperiments: readonly string[],
  modelIds: ReadonlyMap<string, string>,
  newRunIds: ReadonlyMap<string, RunId>,
  skipped: SkippedItem[],
  readEntry: (entry: string) => () => Promise<Uint8Array>,
): Promise<{ plan?: LoggedModelPlan; report: Omit<Mlflow3ImportReport, 'runInputs'> }> {
  const all = experiments.flatMap((e) => e.loggedModels.map((m) => m.record.modelId));
  const modelIdMap = Object.fromEntries(modelIds);
  if (all.length === 0) return { report: { loggedModels: { status: 'none', count: 0, notImported: [] }, modelIdMap } };
  const target = store.loggedModels;
  if (target === undefined) {
    const reason = 'The store holds no logged models.';
    return { report: { loggedModels: { status: 'unsupported', reason, count: 0, notImported: all }, modelIdMap } };
  }
  const run = (id: string | null): string | null => (id === null ? null : (newRunIds.get(id) ?? id));
  const records: LoggedModelRecord[] = [];
  const artifacts: LoggedModelPlan['artifacts'] = [];
  const notImported: string[] = [];
  // Ids taken in the experiments written into (deleted models included: get hides them).
  const targets = experiments.map((e) => targetExperiment(e.meta.experimentId)).filter((id): id is ExperimentId => id !== undefined);
  const present = await Promise.all(targets.map((id) => store.getExperiment(id).then(() => id, () => undefined)));
  const taken = new Set((await target.exportLoggedModels(present.filter((id) => id !== undefined))).map((r) => r.modelId));
  for (const experiment of experiments) {
    const experimentId = targetExperiment(experiment.meta.experimentId);
    for (const { folder, record, artifacts: files } of experiment.loggedModels) {
      if (experimentId === undefined) {
        notImported.push(record.modelId);
        continue;
      }
      const modelId = modelIds.get(record.modelId) ?? record.modelId;
      const exists = taken.has(modelId) || (await modelExists(store, modelId));
      if (modelId === record.modelId && !purgedExperiments.includes(experimentId) && exists) {
        skipped.push({ path: folder, reason: `logged model ${modelId} exists` });
        notImported.push(record.modelId);
        continue;
      }
      records.push({
        ...record,
        modelId,
        experimentId,
        sourceRunId: run(record.sourceRunId),
        metricLines: record.metricLines.map((l) => ({ ...l, modelId, runId: run(l.runId) })),
      });
      for (const file of files) artifacts.push({ modelId, path: file.path, read: readEntry(file.entry) });
    }
  }
  const backups = purgedExperiments.length > 0 ? await target.exportLoggedModels(purgedExperiments) : [];
  return {
    plan: { records, artifacts, backups, relocate: new Set(modelIds.values()) },
    report: { loggedModels: { status: 'imported', count: records.length, notImported }, modelIdMap },
  };
}

async function modelExists(store: Store, modelId: string): Promise<boolean> {
  try {
    await store.loggedModels!.getLoggedModel(modelId);
    return true;
  } catch (error) {
    // A deleted model of another experiment reads as missing, yet its id is taken: the atomic
    // import then refuses it (RESOURCE_ALREADY_EXISTS) and the whole import rolls back.
    if (isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) return false;
    throw error;
  }
}

async function relocated(store: Store, record: LoggedModelRecord): Promise<LoggedModelRecord> {
  const experiment = await store.getExperiment(record.experimentId as ExperimentId);
  return { ...record, artifactLocation: loggedModelArtifactLocation(experiment, record.modelId) };
}

/**
 * Writes the planned models in one atomic import, then their files. A deleted model with files is
 * written active, given its files, then deleted (files go only to live models).
 */
export async function writeLoggedModels(store: Store, plan: LoggedModelPlan | undefined): Promise<void> {
  const target = store.loggedModels;
  if (plan === undefined || target === undefined || plan.records.length === 0) return;
  const withFiles = new Set(plan.artifacts.map((a) => a.modelId));
  const reopen = plan.records.filter((r) => r.lifecycleStage === 'deleted' && withFiles.has(r.modelId));
  const records = await Promise.all(plan.records.map((r) => (plan.relocate.has(r.modelId) ? relocated(store, r) : r)));
  await target.importLoggedModels(records.map((r) => (reopen.some((d) => d.modelId === r.modelId) ? { ...r, lifecycleStage: 'active' } : r)));
  for (const file of plan.artifacts) await target.putLoggedModelArtifact(file.modelId, file.path, await file.read());
  for (const record of reopen) await target.deleteLoggedModel(record.modelId);
}

/** Writes back the models of experiments `replace` purged (after the import failed and the experiments are back). */
export async function restoreLoggedModels(store: Store, plan: LoggedModelPlan | undefined): Promise<void> {
  if (plan === undefined || plan.backups.length === 0 || store.loggedModels === undefined) return;
  await store.loggedModels.importLoggedModels(plan.backups).catch(() => undefined);
}
