/**
 * Reading an `mlruns/` folder for the Node file store: MLflow's discovery rules (spec §1.1) over
 * the live file system, and an in-process cache of parsed experiments and run summaries.
 *
 * Each cached entry carries a signature of its files (inode, size and mtime of `meta.yaml` and of
 * every file below `tags/`, `params/`, `metrics/`, and a run's `inputs/` and `outputs/`); it is reused while the signature is unchanged,
 * so writes by other processes (MLflow, another edgeflow) are seen on the next read, and the
 * store's own writes also drop the entries they touch. Every format rule comes from the layout
 * module.
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { dict, type Dict, type Experiment, type Metric, type Run } from '../core/entities.js';
import type { ExperimentId, RunId } from '../core/ids.js';
import {
  META_FILE,
  MODELS_FOLDER,
  RESERVED_EXPERIMENT_FOLDERS,
  RunFileKind,
  TRASH_FOLDER,
  decodeUtf8,
  parseMetricFile,
  readExperimentMeta,
  readRunMeta,
  readYamlEntry,
  resolveRunName,
  type ExperimentMeta,
  type RunMeta,
} from '../core/formats/file-store/index.js';
import { latestOf } from '../core/rules.js';
import { RUN_IO_FOLDERS, readRunIo } from './file-run-io.js';
import { filesBelow, isFsError, isTempName, layoutPathOf, readIfExists, readValues, subfolders } from './fs-helpers.js';

/** An experiment as read from its folder. */
export interface ExperimentEntry {
  readonly meta: ExperimentMeta;
  /** Absolute folder (`<root>/<id>` or `<root>/.trash/<id>`). */
  readonly folder: string;
  readonly experiment: Experiment;
}

/** A run as read from its folder, with what the rules need. */
export interface RunEntry {
  readonly meta: RunMeta;
  readonly folder: string;
  readonly run: Run;
  readonly params: Dict<string>;
  readonly tags: Dict<string>;
  readonly metricKeys: readonly string[];
}

interface Cached<T> {
  readonly signature: string;
  readonly value: T | undefined;
}

const RUN_SIGNATURE_FOLDERS = [RunFileKind.METRICS, RunFileKind.PARAMS, RunFileKind.TAGS, ...RUN_IO_FOLDERS] as const;

/** The signature of `meta.yaml` plus every file below `folders` of `base`. */
async function signatureOf(base: string, folders: readonly string[]): Promise<string> {
  const parts: string[] = [];
  const add = async (path: string, label: string): Promise<void> => {
    try {
      const s = await stat(path);
      parts.push(`${label}:${s.ino}:${s.size}:${s.mtimeMs}`);
    } catch (error) {
      if (!isFsError(error, 'ENOENT', 'ENOTDIR')) throw error;
    }
  };
  await add(join(base, META_FILE), META_FILE);
  for (const folder of folders) {
    for (const [key, path] of await filesBelow(join(base, folder))) await add(path, `${folder}/${key}`);
  }
  return parts.join('|');
}


/** Discovery and cached reads of one `mlruns/` root. */
export class FileStoreIndex {
  readonly #experiments = new Map<string, Cached<ExperimentEntry>>();
  readonly #runs = new Map<string, Cached<RunEntry>>();
  /** run id → last known run folder. */
  readonly #runFolders = new Map<string, string>();

  constructor(readonly root: string) {}

  /** Drops cached entries of `folder` and everything below it (after the store writes there). */
  forget(folder: string): void {
    for (const map of [this.#experiments, this.#runs]) {
      for (const key of [...map.keys()]) if (key === folder || key.startsWith(folder + sep)) map.delete(key);
    }
  }

  /** Folders of every experiment candidate: `{id, folder}` for `<root>/*` and `<root>/.trash/*`. */
  async experimentFolders(): Promise<{ id: string; folder: string }[]> {
    const out: { id: string; folder: string }[] = [];
    for (const name of await subfolders(this.root)) {
      if (name !== TRASH_FOLDER && name !== MODELS_FOLDER && !isTempName(name)) out.push({ id: name, folder: join(this.root, name) });
    }
    const trash = join(this.root, TRASH_FOLDER);
    for (const name of await subfolders(trash)) if (!isTempName(name)) out.push({ id: name, folder: join(trash, name) });
    return out;
  }

  /** Every readable experiment, active and deleted. */
  async experiments(): Promise<ExperimentEntry[]> {
    const out: ExperimentEntry[] = [];
    const seen = new Set<string>();
    for (const { id, folder } of await this.experimentFolders()) {
      if (seen.has(id)) continue;
      const entry = await this.experimentAt(folder, id);
      if (entry !== undefined) {
        seen.add(id);
        out.push(entry);
      }
    }
    return out;
  }

  /** The experiment `id` (active folder first, then `.trash`), or undefined. */
  async experiment(id: ExperimentId): Promise<ExperimentEntry | undefined> {
    return (await this.experimentAt(join(this.root, id), id)) ?? (await this.experimentAt(join(this.root, TRASH_FOLDER, id), id));
  }

  /** Reads the experiment in `folder` if MLflow would: a non-empty `meta.yaml` whose id is the folder name. */
  async experimentAt(folder: string, id: string): Promise<ExperimentEntry | undefined> {
    const signature = await signatureOf(folder, ['tags']);
    const cached = this.#experiments.get(folder);
    if (cached !== undefined && cached.signature === signature) return cached.value;
    let value: ExperimentEntry | undefined;
    const metaFile = join(folder, META_FILE);
    const where = layoutPathOf(this.root, metaFile);
    const bytes = signature === '' ? undefined : await readIfExists(metaFile);
    const data = bytes === undefined || bytes.length === 0 ? null : readYamlEntry(bytes, where);
    if (data !== null) {
      const meta = readExperimentMeta(data, where);
      if (meta.experimentId === id) {
        const tags = await readValues(join(folder, 'tags'), this.root);
        value = { meta, folder, experiment: Object.freeze({ ...meta, tags: Object.freeze(tags) }) };
      }
    }
    this.#experiments.set(folder, { signature, value });
    return value;
  }

  /** Every readable run of an experiment. */
  async runsOf(experiment: ExperimentEntry): Promise<RunEntry[]> {
    const out: RunEntry[] = [];
    for (const name of await subfolders(experiment.folder)) {
      if (RESERVED_EXPERIMENT_FOLDERS.has(name) || isTempName(name)) continue;
      const entry = await this.runAt(join(experiment.folder, name), name, experiment.meta.experimentId);
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  /** The run `runId` wherever it is (a run is found by scanning every experiment folder), or undefined. */
  async run(runId: RunId): Promise<RunEntry | undefined> {
    const known = this.#runFolders.get(runId);
    if (known !== undefined) {
      const entry = await this.runAt(known, runId);
      if (entry !== undefined) return entry;
      this.#runFolders.delete(runId);
    }
    for (const { id, folder } of await this.experimentFolders()) {
      const runFolder = join(folder, runId);
      const entry = await this.runAt(runFolder, runId, id);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /**
   * Reads the run in `folder` if MLflow would: a `meta.yaml` whose `run_id` is the folder name and
   * whose `experiment_id` is the experiment folder's name.
   */
  async runAt(folder: string, runId: string, experimentId?: string): Promise<RunEntry | undefined> {
    const signature = await signatureOf(folder, RUN_SIGNATURE_FOLDERS);
    const cached = this.#runs.get(folder);
    if (cached !== undefined && cached.signature === signature) return cached.value;
    const value = signature === '' ? undefined : await this.#readRun(folder, runId, experimentId ?? folder.split(sep).at(-2) ?? '');
    this.#runs.set(folder, { signature, value });
    if (value !== undefined) this.#runFolders.set(runId, folder);
    return value;
  }

  async #readRun(folder: string, runId: string, experimentId: string): Promise<RunEntry | undefined> {
    const metaFile = join(folder, META_FILE);
    const where = layoutPathOf(this.root, metaFile);
    const bytes = await readIfExists(metaFile);
    if (bytes === undefined || bytes.length === 0) return undefined;
    const data = readYamlEntry(bytes, where);
    if (data === null) return undefined;
    const meta = readRunMeta(data, where);
    if (meta.runId !== runId || meta.experimentId !== experimentId) return undefined;
    const params = await readValues(join(folder, RunFileKind.PARAMS), this.root);
    const tags = await readValues(join(folder, RunFileKind.TAGS), this.root);
    const metrics = dict<number>();
    const latestMetrics = dict<Metric>();
    const metricKeys: string[] = [];
    for (const [key, path] of await filesBelow(join(folder, RunFileKind.METRICS))) {
      const text = await readIfExists(path);
      if (text === undefined) continue;
      metricKeys.push(key);
      const file = layoutPathOf(this.root, path);
      const latest = latestOf(undefined, parseMetricFile(key, decodeUtf8(text, file), file));
      if (latest === undefined) continue;
      metrics[key] = latest.value;
      latestMetrics[key] = Object.freeze(latest);
    }
    const run: Run = Object.freeze({
      info: Object.freeze({ ...meta, runName: resolveRunName(meta, tags) }),
      data: Object.freeze({
        metrics: Object.freeze(metrics),
        latestMetrics: Object.freeze(latestMetrics),
        params: Object.freeze(dict(Object.entries(params))),
        tags: Object.freeze(dict(Object.entries(tags))),
      }),
      ...(await readRunIo(this.root, dirname(folder), folder)),
    });
    return { meta, folder, run, params, tags, metricKeys };
  }
}

/** Lists `folder` for {@link FileStoreIndex} users that need names of files and folders. */
export async function listFolder(folder: string): Promise<{ name: string; isDir: boolean; size: number }[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isFsError(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  const out: { name: string; isDir: boolean; size: number }[] = [];
  for (const entry of entries) {
    if (isTempName(entry.name)) continue;
    if (entry.isDirectory()) out.push({ name: entry.name, isDir: true, size: 0 });
    else if (entry.isFile()) out.push({ name: entry.name, isDir: false, size: (await stat(join(folder, entry.name))).size });
  }
  return out;
}
