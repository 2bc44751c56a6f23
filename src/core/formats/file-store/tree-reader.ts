/**
 * Reads a whole `mlruns/` tree the way MLflow's file stores do, into typed records.
 * @module
 */
import { dict, type Dict } from '../../entities.js';
import { describeValue } from '../../errors.js';
import type { ModelVersionRecord, RegisteredModelRecord } from '../../registry/entities.js';
import { artifactPathProblem, keyProblem } from '../../validation.js';
import type { DecodeBudget } from '../decode-budget.js';
import { readExperimentMeta, type ExperimentMeta } from './experiment-meta.js';
import { fail } from './fields.js';
import { parseMetricFile, type MetricPoints } from './metric-file.js';
import { META_FILE, MODELS_FOLDER, RESERVED_EXPERIMENT_FOLDERS, RunFileKind, TRASH_FOLDER, metaPath } from './paths.js';
import { decodeUtf8, readYamlEntry } from './raw-values.js';
import { checkAlias, readModelName, readModelVersionMeta, readRegisteredModelMeta, type RegisteredModelEntry } from './registry.js';
import { readRunMeta, resolveRunName, type RunMeta } from './run-meta.js';

/** A file of a tree being read: its path relative to the store root and its size in bytes. */
export interface TreeFile {
  readonly path: string;
  readonly size: number;
}

/** An artifact found in a run folder; its bytes are read on demand. */
export interface ArtifactEntry {
  /** Path relative to the run's artifact root. */
  readonly path: string;
  /** Path of the file in the tree. */
  readonly entry: string;
  readonly size: number;
}

/** A run read from a tree. */
export interface RunRecord {
  readonly meta: RunMeta;
  /** Run name resolved with {@link resolveRunName}. */
  readonly runName: string;
  readonly folder: string;
  readonly params: Dict<string>;
  readonly tags: Dict<string>;
  readonly metrics: readonly MetricPoints[];
  readonly artifacts: readonly ArtifactEntry[];
}

/** An experiment read from a tree. */
export interface ExperimentRecord {
  readonly meta: ExperimentMeta;
  readonly folder: string;
  readonly tags: Dict<string>;
  readonly runs: readonly RunRecord[];
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
  /**
   * Files that are valid MLflow data this reader does not import yet (dataset inputs, logged
   * models, traces, run inputs/outputs, stray files).
   */
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
  /** Charged with decoded metric columns (see `MetricFileOptions.budget`). */
  readonly budget?: DecodeBudget;
  /** Called after each run is read. */
  readonly onRun?: (runId: string) => void;
}

interface FolderNode {
  readonly files: Map<string, TreeFile>;
  readonly folders: Map<string, FolderNode>;
}

function newFolder(): FolderNode {
  return { files: new Map(), folders: new Map() };
}

function buildTree(files: readonly TreeFile[]): FolderNode {
  const root = newFolder();
  for (const file of files) {
    const parts = file.path.split('/');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      let child = node.folders.get(part);
      if (!child) {
        child = newFolder();
        node.folders.set(part, child);
      }
      node = child;
    }
    node.files.set(parts[parts.length - 1]!, file);
  }
  return root;
}

function walkFiles(node: FolderNode, prefix: string, out: TreeFile[], keys?: string[]): void {
  for (const [name, file] of node.files) {
    out.push(file);
    keys?.push(prefix + name);
  }
  for (const [name, child] of node.folders) walkFiles(child, `${prefix}${name}/`, out, keys);
}

/** Files below a folder with their keys (relative paths). */
function filesBelow(node: FolderNode | undefined): { file: TreeFile; key: string }[] {
  if (!node) return [];
  const files: TreeFile[] = [];
  const keys: string[] = [];
  walkFiles(node, '', files, keys);
  return files.map((file, i) => ({ file, key: keys[i]! }));
}

async function readRawValues(
  node: FolderNode | undefined,
  read: (path: string) => Promise<Uint8Array>,
): Promise<Dict<string>> {
  const out = dict<string>();
  for (const { file, key } of filesBelow(node)) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(file.path, `invalid key ${describeValue(key)}: it ${problem}.`);
    out[key] = decodeUtf8(await read(file.path), file.path);
  }
  return out;
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
  read: (path: string) => Promise<Uint8Array>,
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
    const runs: RunRecord[] = [];
    for (const [name, runNode] of candidate.node.folders) {
      if (RESERVED_EXPERIMENT_FOLDERS.has(name) && name !== 'tags') {
        const list: TreeFile[] = [];
        walkFiles(runNode, '', list);
        unread.push(...list.map((f) => f.path));
        continue;
      }
      if (name === 'tags') continue;
      const run = await readRunFolder(`${candidate.folder}/${name}`, name, runNode, meta, read, options, mismatch, unread);
      if (!run) continue;
      const seen = seenRuns.get(run.meta.runId);
      if (seen !== undefined) fail(metaPath(run.folder), `run ${run.meta.runId} is also in ${seen}.`);
      seenRuns.set(run.meta.runId, run.folder);
      runs.push(run);
      options.onRun?.(run.meta.runId);
    }
    for (const [name, file] of candidate.node.files) if (name !== META_FILE) unread.push(file.path);
    experiments.push({ meta, folder: candidate.folder, tags, runs });
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
  read: (path: string) => Promise<Uint8Array>,
  options: ReadTreeOptions,
  mismatch: (path: string, reason: string) => void,
  unread: string[],
): Promise<RunRecord | undefined> {
  const metaFile = node.files.get(META_FILE);
  if (!metaFile) {
    const list: TreeFile[] = [];
    walkFiles(node, '', list);
    unread.push(...list.map((f) => f.path));
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
  for (const { file, key } of filesBelow(node.folders.get(RunFileKind.METRICS))) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(file.path, `invalid metric key ${describeValue(key)}: it ${problem}.`);
    const text = decodeUtf8(await read(file.path), file.path);
    metrics.push(parseMetricFile(key, text, file.path, { maxLineLength: options.maxLineLength, budget: options.budget }));
  }
  const artifacts: ArtifactEntry[] = [];
  for (const { file, key } of filesBelow(node.folders.get(RunFileKind.ARTIFACTS))) {
    const problem = artifactPathProblem(key);
    if (problem !== undefined) fail(file.path, `invalid artifact path ${describeValue(key)}: it ${problem}.`);
    artifacts.push({ path: key, entry: file.path, size: file.size });
  }
  for (const [name, file] of node.files) if (name !== META_FILE) unread.push(file.path);
  for (const [name, child] of node.folders) {
    if ((Object.values(RunFileKind) as string[]).includes(name)) continue;
    const list: TreeFile[] = [];
    walkFiles(child, '', list);
    unread.push(...list.map((f) => f.path));
  }
  return { meta, runName: resolveRunName(meta, tags), folder, params, tags, metrics, artifacts };
}

async function readRegisteredModelFolder(
  folder: string,
  folderName: string,
  node: FolderNode,
  read: (path: string) => Promise<Uint8Array>,
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
      const list: TreeFile[] = [];
      walkFiles(child, '', list);
      unread.push(...list.map((f) => f.path));
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
      const list: TreeFile[] = [];
      walkFiles(grandChild, '', list);
      unread.push(...list.map((f) => f.path));
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
