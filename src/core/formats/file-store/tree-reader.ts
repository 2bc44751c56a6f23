/**
 * Reads a whole `mlruns/` tree the way MLflow's file stores do, into typed records.
 * @module
 */
import { dict, type Dict } from '../../entities.js';
import { describeValue } from '../../errors.js';
import type { ModelVersionRecord, RegisteredModelRecord } from '../../registry/entities.js';
import type { Dataset, RunInputs, RunOutputs } from '../../datasets/entities.js';
import { keyProblem } from '../../validation.js';
import { metadataCost, type DecodeBudget } from '../decode-budget.js';
import { readExperimentMeta, type ExperimentMeta } from './experiment-meta.js';
import { fail } from './fields.js';
import { parseMetricFile, type MetricPoints } from './metric-file.js';
import { readDatasetFolders, readLoggedModelFolders, readRunInputsOutputs, type LoggedModelEntry, type Mlflow3ReadContext } from './mlflow3-folders.js';
import {
  DATASETS_FOLDER,
  LOGGED_MODELS_FOLDER,
  META_FILE,
  MODELS_FOLDER,
  RESERVED_EXPERIMENT_FOLDERS,
  RUN_INPUTS_FOLDER,
  RUN_OUTPUTS_FOLDER,
  RunFileKind,
  TRASH_FOLDER,
  metaPath,
} from './paths.js';
import { decodeUtf8, readYamlEntry } from './raw-values.js';
import { checkAlias, readModelName, readModelVersionMeta, readRegisteredModelMeta, type RegisteredModelEntry } from './registry.js';
import { readRunMeta, resolveRunName, type RunMeta } from './run-meta.js';
import {
  buildTree,
  filesBelow,
  listArtifacts,
  pathsBelow,
  readRawValues,
  type ArtifactEntry,
  type FolderNode,
  type ReadTreeFile,
  type TreeFile,
} from './tree-nodes.js';

/** A run read from a tree. */
export interface RunRecord {
  readonly meta: RunMeta;
  /** Run name resolved with {@link resolveRunName}. */
  readonly runName: string;
  readonly folder: string;
  readonly params: Dict<string>;
  readonly tags: Dict<string>;
  readonly metrics: readonly MetricPoints[];
  /** The metric files, when read with `metricFiles: 'list'` (then `metrics` is empty). */
  readonly metricFiles?: readonly { readonly key: string; readonly file: TreeFile }[];
  readonly artifacts: readonly ArtifactEntry[];
  /** MLflow 3 dataset and model inputs; absent when none. */
  readonly inputs?: RunInputs;
  /** MLflow 3 model outputs; absent when none. */
  readonly outputs?: RunOutputs;
}

/** An experiment read from a tree. */
export interface ExperimentRecord {
  readonly meta: ExperimentMeta;
  readonly folder: string;
  readonly tags: Dict<string>;
  readonly runs: readonly RunRecord[];
  /** MLflow 3 logged models (`models/<model_id>/`), deleted ones included. */
  readonly loggedModels: readonly LoggedModelEntry[];
  /** MLflow 3 dataset records (`datasets/<id>/`) by folder id. */
  readonly datasets: ReadonlyMap<string, Dataset>;
}

/** Something MLflow's reader would skip, and why. */
export interface SkippedItem {
  readonly path: string;
  readonly reason: string;
}

/** Everything read from a file-store tree. */
export interface FileStoreSnapshot {
  readonly experiments: readonly ExperimentRecord[];
  /** The model registry: every model with all its versions (soft-deleted ones included). */
  readonly registeredModels: readonly RegisteredModelEntry[];
  /** Folders MLflow's reader skips (no or empty meta.yaml, mismatched ids under `onMismatch: 'skip'`). */
  readonly skipped: readonly SkippedItem[];
  /** Files that are valid MLflow data this reader does not import (traces, stray files). */
  readonly unread: readonly string[];
}

/** Options of {@link readFileStoreTree}. */
export interface ReadTreeOptions {
  /**
   * What to do with an experiment whose `meta.yaml` id differs from its folder, a run whose
   * `experiment_id` differs from its experiment folder, or a run whose `run_id` differs from its
   * folder. `'skip'` does what MLflow's reader does for the first two (skip with a warning,
   * reported in `skipped`) and skips the third too (MLflow cannot find such a run by id);
   * `'reject'` (default) fails with `INVALID_PARAMETER_VALUE` naming the file.
   */
  readonly onMismatch?: 'skip' | 'reject';
  readonly maxLineLength?: number;
  /**
   * Charged with decoded metric columns (see `MetricFileOptions.budget`). The `read` callback
   * charges each file it reads ({@link metadataCost}); a metric file's charge is given back once
   * its points are in columns, since its bytes and text are garbage then.
   */
  readonly budget?: DecodeBudget;
  /** Called after each run is read. */
  readonly onRun?: (runId: string) => void;
  /**
   * `'list'`: run metric files are not read, only listed in `RunRecord.metricFiles` (their keys
   * checked), for a reader that parses them when asked. Default `'parse'`.
   */
  readonly metricFiles?: 'parse' | 'list';
}

/**
 * Reads an `mlruns/` tree (paths relative to its root) the way MLflow's file stores do: every
 * folder of the root except `.trash` and `models` is an experiment candidate, every folder of
 * `.trash` a deleted one, and every folder of an experiment except `tags`, `datasets`, `traces` and
 * `models` a run candidate. Experiment folders without (or with an empty) `meta.yaml` are skipped
 * as MLflow skips them; run folders without `meta.yaml` are skipped silently; an empty run
 * `meta.yaml` is an error (it breaks MLflow's listing). Run ids must be unique across the tree.
 * The registry under `models/` is read into core registry records ({@link RegisteredModelEntry}),
 * names, stages, statuses and aliases checked (an alias must point at a live version). Artifacts
 * are listed, not read.
 * @param read Returns the bytes of a file of `files`.
 * @throws `INVALID_PARAMETER_VALUE` naming the offending file.
 */
export async function readFileStoreTree(
  files: readonly TreeFile[],
  read: ReadTreeFile,
  options: ReadTreeOptions = {},
): Promise<FileStoreSnapshot> {
  const onMismatch = options.onMismatch ?? 'reject';
  const root = buildTree(files);
  const skipped: SkippedItem[] = [];
  const unread: string[] = [];
  const experiments: ExperimentRecord[] = [];
  const seenRuns = new Map<string, string>();
  const seenExperiments = new Map<string, string>();

  const mismatch = (path: string, reason: string): void => {
    if (onMismatch === 'reject') fail(path, reason);
    skipped.push({ path, reason });
  };
  const context: Mlflow3ReadContext = { read, skipped, unread, mismatch, maxLineLength: options.maxLineLength, budget: options.budget };
  const seenModels = new Map<string, string>();

  const candidates: { folder: string; node: FolderNode; deleted: boolean }[] = [];
  for (const [name, node] of root.folders) {
    if (name === TRASH_FOLDER) {
      for (const [id, trashed] of node.folders) candidates.push({ folder: `${TRASH_FOLDER}/${id}`, node: trashed, deleted: true });
      for (const file of node.files.values()) unread.push(file.path);
    } else if (name !== MODELS_FOLDER) {
      candidates.push({ folder: name, node, deleted: false });
    }
  }
  for (const file of root.files.values()) unread.push(file.path);

  for (const candidate of candidates) {
    const folderName = candidate.folder.slice(candidate.folder.lastIndexOf('/') + 1);
    const metaFile = candidate.node.files.get(META_FILE);
    if (!metaFile || metaFile.size === 0) {
      skipped.push({ path: candidate.folder, reason: metaFile ? 'empty meta.yaml' : 'no meta.yaml' });
      continue;
    }
    const data = readYamlEntry(await read(metaFile.path), metaFile.path);
    if (data === null) {
      skipped.push({ path: candidate.folder, reason: 'empty meta.yaml' });
      continue;
    }
    const meta = readExperimentMeta(data, metaFile.path);
    if (meta.experimentId !== folderName) {
      mismatch(metaFile.path, `experiment_id ${describeValue(meta.experimentId)} does not match its folder ${describeValue(folderName)}.`);
      continue;
    }
    const previous = seenExperiments.get(meta.experimentId);
    if (previous !== undefined) fail(metaFile.path, `experiment ${meta.experimentId} is also in ${previous}.`);
    seenExperiments.set(meta.experimentId, candidate.folder);
    const tags = await readRawValues(candidate.node.folders.get('tags'), read);
    const datasets = await readDatasetFolders(`${candidate.folder}/${DATASETS_FOLDER}`, candidate.node.folders.get(DATASETS_FOLDER), context);
    const loggedModels = await readLoggedModelFolders(
      `${candidate.folder}/${LOGGED_MODELS_FOLDER}`,
      candidate.node.folders.get(LOGGED_MODELS_FOLDER),
      meta.experimentId,
      context,
    );
    for (const model of loggedModels) {
      const seen = seenModels.get(model.record.modelId);
      if (seen !== undefined) fail(metaPath(model.folder), `logged model ${model.record.modelId} is also in ${seen}.`);
      seenModels.set(model.record.modelId, model.folder);
    }
    const runs: RunRecord[] = [];
    for (const [name, runNode] of candidate.node.folders) {
      if (name === 'tags' || name === DATASETS_FOLDER || name === LOGGED_MODELS_FOLDER) continue;
      if (RESERVED_EXPERIMENT_FOLDERS.has(name)) {
        unread.push(...pathsBelow(runNode));
        continue;
      }
      const run = await readRunFolder(`${candidate.folder}/${name}`, name, runNode, meta, datasets, context, options.metricFiles === 'list');
      if (!run) continue;
      const seen = seenRuns.get(run.meta.runId);
      if (seen !== undefined) fail(metaPath(run.folder), `run ${run.meta.runId} is also in ${seen}.`);
      seenRuns.set(run.meta.runId, run.folder);
      runs.push(run);
      options.onRun?.(run.meta.runId);
    }
    for (const [name, file] of candidate.node.files) if (name !== META_FILE) unread.push(file.path);
    experiments.push({ meta, folder: candidate.folder, tags, runs, loggedModels, datasets });
  }

  const registeredModels: RegisteredModelEntry[] = [];
  const models = root.folders.get(MODELS_FOLDER);
  if (models) {
    for (const [name, node] of models.folders) {
      const model = await readRegisteredModelFolder(`${MODELS_FOLDER}/${name}`, name, node, read, skipped, unread);
      if (model) registeredModels.push({ path: `${MODELS_FOLDER}/${name}`, record: model });
    }
    for (const file of models.files.values()) unread.push(file.path);
  }
  return { experiments, registeredModels, skipped, unread };
}

async function readRunFolder(
  folder: string,
  folderName: string,
  node: FolderNode,
  experiment: ExperimentMeta,
  datasets: ReadonlyMap<string, Dataset>,
  context: Mlflow3ReadContext,
  listMetrics: boolean,
): Promise<RunRecord | undefined> {
  const { read, mismatch, unread } = context;
  const metaFile = node.files.get(META_FILE);
  if (!metaFile) {
    unread.push(...pathsBelow(node));
    return undefined;
  }
  const data = readYamlEntry(await read(metaFile.path), metaFile.path);
  if (data === null) fail(metaFile.path, 'empty run meta.yaml (MLflow cannot list this experiment).');
  const meta = readRunMeta(data, metaFile.path);
  if (meta.experimentId !== experiment.experimentId) {
    mismatch(metaFile.path, `experiment_id ${describeValue(meta.experimentId)} does not match the experiment folder ${describeValue(experiment.experimentId)}.`);
    return undefined;
  }
  if (meta.runId !== folderName) {
    mismatch(metaFile.path, `run_id ${describeValue(meta.runId)} does not match its folder ${describeValue(folderName)}.`);
    return undefined;
  }
  const params = await readRawValues(node.folders.get(RunFileKind.PARAMS), read);
  const tags = await readRawValues(node.folders.get(RunFileKind.TAGS), read);
  const metrics: MetricPoints[] = [];
  const metricFiles = filesBelow(node.folders.get(RunFileKind.METRICS));
  for (const { file, key } of metricFiles) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(file.path, `invalid metric key ${describeValue(key)}: it ${problem}.`);
    if (listMetrics) continue;
    const text = decodeUtf8(await read(file.path), file.path);
    metrics.push(parseMetricFile(key, text, file.path, { maxLineLength: context.maxLineLength, budget: context.budget }));
    context.budget?.release(metadataCost(file.path, file.size));
  }
  const artifacts = listArtifacts(node.folders.get(RunFileKind.ARTIFACTS));
  const inputsOutputs = await readRunInputsOutputs(folder, node, datasets, context);
  for (const [name, file] of node.files) if (name !== META_FILE) unread.push(file.path);
  for (const [name, child] of node.folders) {
    if ((Object.values(RunFileKind) as string[]).includes(name) || name === RUN_INPUTS_FOLDER || name === RUN_OUTPUTS_FOLDER) continue;
    unread.push(...pathsBelow(child));
  }
  const listed = listMetrics ? { metricFiles } : {};
  return { meta, runName: resolveRunName(meta, tags), folder, params, tags, metrics, ...listed, artifacts, ...inputsOutputs };
}

async function readRegisteredModelFolder(
  folder: string,
  folderName: string,
  node: FolderNode,
  read: ReadTreeFile,
  skipped: SkippedItem[],
  unread: string[],
): Promise<RegisteredModelRecord | undefined> {
  const metaFile = node.files.get(META_FILE);
  readModelName(folderName, metaFile?.path ?? folder);
  const data = metaFile && metaFile.size > 0 ? readYamlEntry(await read(metaFile.path), metaFile.path) : null;
  if (!metaFile || data === null) {
    // MLflow's registry lists such a folder and then fails to read it; skip it, reported.
    skipped.push({ path: folder, reason: 'no meta.yaml' });
    return undefined;
  }
  const meta = readRegisteredModelMeta(data, metaFile.path);
  if (meta.name !== folderName) fail(metaFile.path, `name ${describeValue(meta.name)} does not match its folder ${describeValue(folderName)}.`);
  const tags = await readRawValues(node.folders.get('tags'), read);
  const versions: ModelVersionRecord[] = [];
  for (const [name, child] of node.folders) {
    if (name === 'tags' || name === 'aliases') continue;
    const versionMeta = child.files.get(META_FILE);
    if (!/^version-\d+$/u.test(name) || !versionMeta) {
      unread.push(...pathsBelow(child));
      continue;
    }
    const vm = readModelVersionMeta(readYamlEntry(await read(versionMeta.path), versionMeta.path), versionMeta.path);
    if (`version-${vm.version.version}` !== name) {
      fail(versionMeta.path, `version ${vm.version.version} does not match its folder ${describeValue(name)}.`);
    }
    if (vm.name !== meta.name) fail(versionMeta.path, `name ${describeValue(vm.name)} is not the model's name ${describeValue(meta.name)}.`);
    versions.push({ ...vm.version, tags: await readRawValues(child.folders.get('tags'), read) });
    for (const [childName, file] of child.files) if (childName !== META_FILE) unread.push(file.path);
    for (const [childName, grandChild] of child.folders) {
      if (childName === 'tags') continue;
      unread.push(...pathsBelow(grandChild));
    }
  }
  versions.sort((a, b) => a.version - b.version);
  const aliases = dict<number>();
  for (const { file, key } of filesBelow(node.folders.get('aliases'))) {
    const text = decodeUtf8(await read(file.path), file.path).trim();
    const version = /^\d{1,15}$/u.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(version) || version < 1) fail(file.path, `an alias file must hold a version number (got ${describeValue(text)}).`);
    checkAlias(key, version, versions, file.path);
    aliases[key] = version;
  }
  for (const [name, file] of node.files) if (name !== META_FILE) unread.push(file.path);
  return { ...meta, tags, aliases, versions };
}
