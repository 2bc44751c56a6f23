/**
 * Importing a bundle zip into any Store, all-or-nothing: the zip is checked by the zip guard, every
 * metadata file parsed and validated, conflicts resolved, and only then is anything written —
 * experiments and runs first, the model registry last in one atomic `importRegisteredModels`. If a
 * write fails, what was created is purged and what `replace` removed is written back, so the
 * store ends as it was.
 * @module
 */
import { parseInput } from '../../core/schemas.js';
import { importBundleOptionsSchema } from './bundle-options.js';
import { dict, type Run } from '../../core/entities.js';
import { EdgeflowError, describeValue, isEdgeflowError } from '../../core/errors.js';
import { newExperimentId, newRunId, type ExperimentId, type RunId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { artifactFiles, collectPages, orUndefinedIfMissing } from '../../core/store-reads.js';
import { SystemTag } from '../../core/system-tags.js';
import type { MetricPoints, SkippedItem } from '../../core/formats/file-store/index.js';
import type { TruncatedValue } from '../../core/formats/api-rules.js';
import { asResourceExhausted } from '../../core/formats/decode-budget.js';
import type { ModelVersionRecord, RegisteredModelRecord } from '../../core/registry/entities.js';
import type { RegistryStore } from '../../core/registry/registry-store.js';
import { assertModelName } from '../../core/registry/validation.js';
import { readBundle, type BundleLayout, type BundleLimits, type BundleProgress } from './read-bundle.js';
import { writePlans, type ExperimentPlan, type RunPlan } from './write-plans.js';
import {
  newModelIds,
  planLoggedModels,
  restoreLoggedModels,
  runLinksOf,
  runLinksReport,
  writeLoggedModels,
  type Mlflow3ImportReport,
} from './import-mlflow3.js';

/** What to do with experiments and runs that already exist in the target store. */
export type ImportConflictPolicy = 'skip' | 'replace' | 'new-ids';

/** Options of {@link importBundle}. */
export interface ImportBundleOptions {
  /**
   * `'skip'` (default): keep what exists — runs whose id exists are skipped, an experiment whose id
   * exists receives the bundle's new runs, one whose name belongs to another experiment is skipped
   * with its runs, a registered model whose name exists is left alone. `'replace'`: the bundle
   * wins for what it carries — runs and registered models with the same ids/names are replaced, an
   * experiment with the same id takes the bundle's name, times and tags (its other tags stay) and
   * keeps every run the bundle does not carry, exactly as it was (and its lifecycle stage, when it
   * has such runs); everything is put back if the import fails. `'new-ids'`: everything gets fresh ids (experiment
   * and model names made unique with a ` (n)` suffix; `mlflow.parentRunId` tags remapped; model
   * versions whose run is in the bundle point at the run's new id, `runs:/` sources included).
   */
  readonly onConflict?: ImportConflictPolicy;
  /**
   * Import the bundle's model registry (default true). Stores without a registry (or whose registry
   * cannot write whole records) import the runs and report the registry as not imported.
   */
  readonly includeModels?: boolean;
  /** Called as the import reads the zip, writes runs, and rolls back after a failure. */
  readonly onProgress?: (progress: BundleProgress) => void;
  /** Overrides of `DEFAULT_BUNDLE_LIMITS` (zip guard limits and the decoded-size budget). */
  readonly limits?: Partial<BundleLimits>;
  /** Longest metric-file line accepted, in characters. Default 4096. */
  readonly maxLineLength?: number;
  /** See `ReadTreeOptions.onMismatch` (default `'reject'`; `'skip'` does what MLflow's reader does). */
  readonly onMismatch?: 'skip' | 'reject';
}

/** What {@link importBundle} did. */
export interface ImportReport {
  /** The layout the bundle was read as (MLflow `mlruns/` or mlflow-export-import). */
  readonly layout: BundleLayout;
  /** Experiments created. */
  readonly experiments: number;
  /** Runs created. */
  readonly runs: number;
  /** Metric points written. */
  readonly metricPoints: number;
  /** Params written. */
  readonly params: number;
  /** Run tags written. */
  readonly tags: number;
  /** Artifact files written. */
  readonly artifacts: number;
  /** Bytes of the artifact files written. */
  readonly artifactBytes: number;
  /** Experiments and runs left out, with the reason. */
  readonly skipped: readonly SkippedItem[];
  /** Bundle id → id in the store, for every imported experiment and run whose id changed. */
  readonly idMap: Readonly<Record<string, string>>;
  /** What became of the bundle's model registry. */
  readonly registry: RegistryImportReport;
  /** What became of the bundle's MLflow 3 logged models and run inputs/outputs. */
  readonly mlflow3: Mlflow3ImportReport;
  /** Entries that are MLflow data this importer does not read yet. */
  readonly unread: readonly string[];
  /** Param and tag values longer than the API keeps, truncated as MLflow's client truncates them. */
  readonly truncated: readonly TruncatedValue[];
}

/** What {@link importBundle} did with the bundle's model registry. */
export interface RegistryImportReport {
  /**
   * `'imported'`: written (models skipped under `skip` are listed in `notImported` and `skipped`);
   * `'none'`: the bundle holds no registered model; `'excluded'`: `includeModels: false`;
   * `'unsupported'`: the store has no registry, or one that cannot write whole records (`reason`).
   */
  readonly status: 'imported' | 'none' | 'excluded' | 'unsupported';
  /** Why nothing was imported, for `'excluded'` and `'unsupported'`. */
  readonly reason?: string;
  /** Names of the models written, as they are in the store. */
  readonly models: readonly string[];
  /** Model versions written (soft-deleted ones included). */
  readonly versions: number;
  /** Names (in the bundle) of its models that were not written. */
  readonly notImported: readonly string[];
  /** Bundle name → store name, for models renamed by `new-ids`. */
  readonly renamed: Readonly<Record<string, string>>;
}


/** Reads a stored run completely (for `replace` backups). */
async function backupRun(store: Store, run: Run): Promise<RunPlan> {
  const metrics: MetricPoints[] = [];
  for (const key of Object.keys(run.data.metrics)) {
    const s = await store.getMetricHistory(run.info.runId, key);
    metrics.push({ key, timestamps: s.timestamps, values: s.values, steps: s.steps });
  }
  const artifacts: { path: string; read: () => Promise<Uint8Array> }[] = [];
  for (const { path } of await artifactFiles(store, run.info.runId)) {
    const bytes = await store.getArtifact(run.info.runId, path);
    artifacts.push({ path, read: () => Promise.resolve(bytes) });
  }
  return {
    meta: run.info,
    runName: run.info.runName,
    params: dict(Object.entries(run.data.params)),
    tags: dict(Object.entries(run.data.tags)),
    metrics,
    artifacts,
    links: runLinksOf(run.inputs, run.outputs, new Map()),
  };
}

/** Points versions whose run got a new id at it: `run_id`, and `runs:/<old>/…` sources and storage locations. */
function relinkVersions(versions: readonly ModelVersionRecord[], newRunIds: ReadonlyMap<string, RunId>): ModelVersionRecord[] {
  const relink = (uri: string | null): string | null => {
    if (uri === null) return null;
    const match = /^runs:\/([^/]+)(\/.*)?$/u.exec(uri);
    const to = match === null ? undefined : newRunIds.get(match[1]!);
    return to === undefined ? uri : `runs:/${to}${match![2] ?? ''}`;
  };
  return versions.map((v) => ({
    ...v,
    runId: (v.runId === null ? undefined : newRunIds.get(v.runId)) ?? v.runId,
    source: relink(v.source)!,
    storageLocation: relink(v.storageLocation),
  }));
}

interface RegistryPlan {
  readonly registry: RegistryStore;
  /** Records to write, named as they will be in the store. */
  readonly records: RegisteredModelRecord[];
  /** Existing models `replace` removes first, with their records to put back on failure. */
  readonly replaced: RegisteredModelRecord[];
}

/**
 * Resolves the bundle's registry against the store without writing: which models to write, under
 * which names, which existing ones `replace` removes.
 */
async function planRegistry(
  store: Store,
  models: readonly { readonly path: string; readonly record: RegisteredModelRecord }[],
  policy: ImportConflictPolicy,
  includeModels: boolean,
  newRunIds: ReadonlyMap<string, RunId>,
  skipped: SkippedItem[],
): Promise<{ plan?: RegistryPlan; report: RegistryImportReport }> {
  const all = models.map((m) => m.record.name);
  const report = { models: [] as string[], versions: 0, notImported: [] as string[], renamed: {} as Record<string, string> };
  if (models.length === 0) return { report: { status: 'none', ...report } };
  if (!includeModels) {
    return { report: { status: 'excluded', reason: 'includeModels is false.', ...report, notImported: all } };
  }
  const registry = store.registry;
  if (registry === undefined) {
    return { report: { status: 'unsupported', reason: 'The store has no model registry.', ...report, notImported: all } };
  }
  try {
    // Nothing to write: only asks whether the registry writes whole records at all.
    await registry.importRegisteredModels([]);
  } catch (error) {
    if (!isEdgeflowError(error, 'NOT_IMPLEMENTED')) throw error;
    const reason = `The store's registry cannot import records: ${error.message}`;
    return { report: { status: 'unsupported', reason, ...report, notImported: all } };
  }
  const taken = async (name: string): Promise<boolean> => (await orUndefinedIfMissing(registry.getRegisteredModel(name))) !== undefined;
  const records: RegisteredModelRecord[] = [];
  const toReplace: string[] = [];
  const used = new Set<string>();
  for (const { path, record } of models) {
    let name = record.name;
    if (policy === 'new-ids') {
      for (let n = 2; used.has(name) || (await taken(name)); n++) name = `${record.name} (${n})`;
      if (name !== record.name) {
        assertModelName(name);
        report.renamed[record.name] = name;
      }
    } else if (await taken(name)) {
      if (policy === 'skip') {
        skipped.push({ path, reason: `registered model ${describeValue(name)} exists` });
        report.notImported.push(name);
        continue;
      }
      toReplace.push(name);
    }
    used.add(name);
    records.push({ ...record, name, versions: newRunIds.size > 0 ? relinkVersions(record.versions, newRunIds) : record.versions });
  }
  const replaced = toReplace.length > 0 ? await registry.exportRegisteredModels(toReplace) : [];
  report.models.push(...records.map((r) => r.name));
  report.versions = records.reduce((n, r) => n + r.versions.length, 0);
  return { plan: { registry, records, replaced }, report: { status: 'imported', ...report } };
}


/**
 * Imports a bundle (MLflow `mlruns/` tree, with or without the `mlruns/` folder, or an
 * mlflow-export-import export) into `store`, all-or-nothing. The zip is checked as hostile first.
 * @param store - The store to write.
 * @param zip - The zip's bytes or a Blob.
 * @param options - What to do with experiments and runs that exist (`onConflict`), limits, progress.
 * @returns what was imported, what was skipped and why, and the ids that changed
 * @throws `INVALID_PARAMETER_VALUE` naming the entry for anything hostile or malformed (nothing is
 * written then); `RESOURCE_EXHAUSTED` when the bundle needs more memory than its limits allow (or
 * memory runs out anyway); `RESOURCE_ALREADY_EXISTS` when `replace` meets a name owned by an
 * experiment not in the bundle; the store's own error, after rolling back, when a write fails
 * @example
 * ```ts
 * const report = await importBundle(store, file, { onConflict: 'new-ids' });
 * ```
 */
export async function importBundle(
  store: Store,
  zip: Blob | Uint8Array | ArrayBuffer,
  options: ImportBundleOptions = {},
): Promise<ImportReport> {
  parseInput(importBundleOptionsSchema, options, 'bundle import options');
  try {
    return await importAllOrNothing(store, zip, options);
  } catch (error) {
    throw asResourceExhausted(error, 'the bundle');
  }
}

async function importAllOrNothing(store: Store, zip: Blob | Uint8Array | ArrayBuffer, options: ImportBundleOptions): Promise<ImportReport> {
  const policy = options.onConflict ?? 'skip';
  if (!store.capabilities.snapshots) {
    // All-or-nothing needs items recreated as they were and purged on failure.
    throw new EdgeflowError(
      'NOT_IMPLEMENTED',
      'This store cannot recreate runs as they were or purge them (capabilities.snapshots is false), so a bundle cannot be imported into it all-or-nothing. ' +
        'Import into a local store and push the runs with syncRuns instead.',
    );
  }
  const bundle = await readBundle(zip, {
    limits: options.limits,
    maxLineLength: options.maxLineLength,
    onMismatch: options.onMismatch,
    onProgress: options.onProgress,
  });
  const { snapshot } = bundle;
  const skipped: SkippedItem[] = [...snapshot.skipped];
  const idMap: Record<string, string> = {};
  const readArtifact = (entry: string) => () => bundle.zip.read(bundle.prefix + entry);

  // ---- plan: resolve conflicts against the store without writing
  const plans: ExperimentPlan[] = [];
  const backups: ExperimentPlan[] = [];
  const toPurgeExperiments: ExperimentId[] = [];
  const toPurgeRuns: Run[] = [];
  const usedNames = new Set<string>();
  const newRunIds = new Map<string, RunId>();
  const bundleRunIds = new Set<string>(snapshot.experiments.flatMap((e) => e.runs.map((r) => r.meta.runId)));
  const modelIds = newModelIds(snapshot.experiments, policy === 'new-ids');

  for (const exp of snapshot.experiments) {
    let meta = exp.meta;
    let tags = exp.tags;
    let reuse = false;
    let ownRuns: RunPlan[] = [];
    const byId = await orUndefinedIfMissing(store.getExperiment(meta.experimentId));
    const byName = await store.getExperimentByName(meta.name);
    if (policy === 'new-ids') {
      let name = meta.name;
      for (let n = 2; (await store.getExperimentByName(name)) !== null || usedNames.has(name); n++) name = `${meta.name} (${n})`;
      const experimentId = newExperimentId();
      idMap[meta.experimentId] = experimentId;
      meta = { ...meta, experimentId, name, artifactLocation: '' };
    } else if (policy === 'skip') {
      if (byName && byName.experimentId !== meta.experimentId) {
        skipped.push({ path: exp.folder, reason: `experiment name ${describeValue(meta.name)} belongs to experiment ${byName.experimentId}` });
        continue;
      }
      if (byId) {
        if (byId.lifecycleStage === 'deleted' && exp.runs.length > 0) {
          skipped.push({ path: exp.folder, reason: `experiment ${meta.experimentId} exists and is deleted` });
          continue;
        }
        reuse = true;
      }
    } else {
      if (byName && byName.experimentId !== meta.experimentId && !snapshot.experiments.some((e) => e.meta.experimentId === byName.experimentId)) {
        throw EdgeflowError.resourceAlreadyExists(
          `Cannot replace: experiment name ${describeValue(meta.name)} belongs to experiment ${byName.experimentId}, which is not in the bundle.`,
          { details: { entry: exp.folder } },
        );
      }
      if (byId) {
        // Recreated with the bundle's metadata; the runs the bundle does not carry are written back.
        toPurgeExperiments.push(byId.experimentId);
        const runs = await collectPages((pageToken) => store.searchRuns({ experimentIds: [byId.experimentId], viewType: 'ALL', maxResults: 50_000, pageToken }));
        const backup: ExperimentPlan = { meta: byId, tags: dict(Object.entries(byId.tags)), reuse: false, runs: await Promise.all(runs.map((r) => backupRun(store, r))) };
        backups.push(backup);
        ownRuns = backup.runs.filter((r) => !bundleRunIds.has(r.meta.runId)).map((r) => ({ ...r, restored: true }));
        tags = dict([...Object.entries(byId.tags), ...Object.entries(exp.tags)]);
        if (ownRuns.length > 0) meta = { ...meta, lifecycleStage: byId.lifecycleStage };
      }
    }
    usedNames.add(meta.name);
    const runs: RunPlan[] = [];
    // Asked all at once: a worker store answers them together.
    const found = await Promise.all(exp.runs.map((run) => orUndefinedIfMissing(store.getRun(run.meta.runId))));
    for (const [i, run] of exp.runs.entries()) {
      let runMeta = { ...run.meta, experimentId: meta.experimentId };
      const existing = found[i];
      if (policy === 'new-ids') {
        const runId = newRunId();
        newRunIds.set(run.meta.runId, runId);
        idMap[run.meta.runId] = runId;
        runMeta = { ...runMeta, runId, artifactUri: '' };
      } else if (existing) {
        if (policy === 'skip') {
          skipped.push({ path: run.folder, reason: `run ${run.meta.runId} exists` });
          continue;
        }
        if (existing.info.experimentId !== run.meta.experimentId || !byId) {
          if (!toPurgeExperiments.includes(existing.info.experimentId)) toPurgeRuns.push(existing);
        }
      }
      runs.push({
        meta: runMeta,
        runName: run.runName,
        params: run.params,
        tags: run.tags,
        metrics: run.metrics,
        artifacts: run.artifacts.map((a) => ({ path: a.path, read: readArtifact(a.entry) })),
        links: runLinksOf(run.inputs, run.outputs, modelIds),
      });
    }
    plans.push({ meta, tags, reuse, runs: [...ownRuns, ...runs] });
  }
  if (newRunIds.size > 0) {
    for (const plan of plans) {
      for (const run of plan.runs) {
        const parent = run.tags[SystemTag.PARENT_RUN_ID];
        const mapped = parent === undefined ? undefined : newRunIds.get(parent);
        if (mapped !== undefined) run.tags[SystemTag.PARENT_RUN_ID] = mapped;
      }
    }
  }
  const runBackups: { experimentId: ExperimentId; run: RunPlan }[] = [];
  for (const run of toPurgeRuns) {
    // A run in an experiment `replace` recreates goes (and comes back) with its experiment.
    if (!toPurgeExperiments.includes(run.info.experimentId)) runBackups.push({ experimentId: run.info.experimentId, run: await backupRun(store, run) });
  }
  const registry = await planRegistry(store, snapshot.registeredModels, policy, options.includeModels ?? true, newRunIds, skipped);
  const plannedExperiments = new Set<string>(plans.map((p) => p.meta.experimentId));
  const targetExperiment = (id: string): ExperimentId | undefined => {
    const target = (idMap[id] ?? id) as ExperimentId;
    return plannedExperiments.has(target) ? target : undefined;
  };
  const loggedModels = await planLoggedModels(store, snapshot.experiments, targetExperiment, toPurgeExperiments, modelIds, newRunIds, skipped, readArtifact);

  // ---- write, rolling back on failure
  const total = plans.reduce((n, p) => n + p.runs.filter((r) => r.restored !== true).length, 0);
  let done = 0;
  const progress = (n: number): void => {
    done += n;
    options.onProgress?.({ phase: 'write', done, total });
  };
  const created = { experiments: [] as ExperimentId[], runs: [] as RunId[] };
  let purgedExperiments: ExperimentId[] = [];
  let purgedRuns: typeof runBackups = [];
  const removedModels: RegisteredModelRecord[] = [];
  let modelsWritten = false;
  try {
    for (const id of toPurgeExperiments) {
      await store.purgeExperiment(id);
      purgedExperiments.push(id);
    }
    for (const backup of runBackups) {
      await store.purgeRun(backup.run.meta.runId);
      purgedRuns.push(backup);
    }
    const totals = await writePlans(store, plans, created, progress);
    // The registry last: one atomic write, after every run it may link to exists.
    if (registry.plan !== undefined && registry.plan.records.length > 0) {
      const { registry: target, records, replaced } = registry.plan;
      for (const record of replaced) {
        await target.deleteRegisteredModel(record.name);
        removedModels.push(record);
      }
      await target.importRegisteredModels(records);
      modelsWritten = true;
    }
    // Logged models last: one atomic write, after the runs and experiments they belong to.
    await writeLoggedModels(store, loggedModels.plan);
    return {
      layout: bundle.layout,
      experiments: created.experiments.length,
      runs: total,
      metricPoints: totals.points,
      params: totals.params,
      tags: totals.tags,
      artifacts: totals.artifacts,
      artifactBytes: totals.bytes,
      skipped,
      idMap,
      registry: registry.report,
      mlflow3: {
        ...loggedModels.report,
        runInputs: runLinksReport(
          store,
          plans.flatMap((p) => p.runs.filter((r) => r.restored !== true).map((r) => ({ runId: r.meta.runId, links: r.links }))),
          snapshot.experiments.reduce((n, e) => n + e.runs.filter((r) => r.inputs !== undefined || r.outputs !== undefined).length, 0),
        ),
      },
      unread: snapshot.unread,
      truncated: bundle.truncated,
    };
  } catch (error) {
    options.onProgress?.({ phase: 'rollback', done: 0 });
    if (registry.plan !== undefined) {
      const target = registry.plan.registry;
      if (modelsWritten) for (const record of registry.plan.records) await target.deleteRegisteredModel(record.name).catch(() => undefined);
      if (removedModels.length > 0) await target.importRegisteredModels(removedModels).catch(() => undefined);
    }
    for (const runId of created.runs.reverse()) await store.purgeRun(runId).catch(() => undefined);
    for (const experimentId of created.experiments.reverse()) await store.purgeExperiment(experimentId).catch(() => undefined);
    const restore = { experiments: [] as ExperimentId[], runs: [] as RunId[] };
    await writePlans(store, backups.filter((b) => purgedExperiments.includes(b.meta.experimentId)), restore, () => undefined);
    for (const { experimentId, run } of purgedRuns) {
      const target = await store.getExperiment(experimentId);
      await writePlans(store, [{ meta: target, tags: dict(), reuse: true, runs: [run] }], restore, () => undefined);
    }
    await restoreLoggedModels(store, loggedModels.plan);
    purgedExperiments = [];
    purgedRuns = [];
    throw error;
  }
}
