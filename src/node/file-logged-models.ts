/**
 * MLflow 3 logged models of the Node file store: {@link LoggedModelRecords} over MLflow's layout
 * (mlflow3-models-and-inputs.md §1.5) — `<experiment>/models/<model_id>/meta.yaml`, `params/`,
 * `tags/` (raw value files, nested keys as folders), `metrics/<key>` (one line per point with its
 * run id and dataset) and `artifacts/`. Every rule lives in core's `LoggedModelService`; this file
 * only moves records to and from files, with the one layout module's bytes.
 *
 * Writes run under the store's mutex. `meta.yaml`, params and tags are written as temp file +
 * rename; metric lines are appended. A new model's `meta.yaml` is written last, so a model
 * interrupted while being created is a folder readers skip (as MLflow skips one without
 * `meta.yaml`). A deleted model keeps its folder with `lifecycle_stage: deleted`.
 * @module
 */
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileInfo } from '../core/entities.js';
import { EdgeflowError, describeValue } from '../core/errors.js';
import { parseExperimentId } from '../core/ids.js';
import {
  LOGGED_MODELS_FOLDER,
  META_FILE,
  RunFileKind,
  decodeUtf8,
  encodeRawValue,
  formatModelMetricLine,
  parseModelMetricFile,
  readLoggedModelMeta,
  readYamlEntry,
  serializeLoggedModelMeta,
  type LoggedModelMeta,
} from '../core/formats/file-store/index.js';
import type { LoggedModelMetric } from '../core/logged-models/entities.js';
import type { LoggedModelRecord, LoggedModelRecords, LoggedModelWrite } from '../core/logged-models/logged-model-store.js';
import type { ArtifactData } from '../core/store.js';
import { artifactTarget, listArtifactFolder, ownArtifactFolder, writeArtifact, type ArtifactFolder } from './file-store-artifacts.js';
import type { FileStoreIndex } from './file-store-index.js';
import type { Mutex } from './fs-helpers.js';
import { assertStorable, filesBelow, isFolderName, layoutPathOf, pruneEmptyParents, readIfExists, readValues, subfolders, toStoreError, writeFileAtomic } from './fs-helpers.js';

/** A model read from its folder. */
interface ModelEntry {
  readonly folder: string;
  readonly record: LoggedModelRecord;
}

/** Logged models in `<experiment folder>/models/<model_id>/`. */
export class FileLoggedModelRecords implements LoggedModelRecords {
  readonly #root: string;
  readonly #index: FileStoreIndex;
  readonly #mutex: Mutex;
  /** model id → last known model folder. */
  readonly #folders = new Map<string, string>();

  /**
   * @param mutex the store's write mutex: model writes and run writes are serialized together
   */
  constructor(root: string, index: FileStoreIndex, mutex: Mutex) {
    this.#root = root;
    this.#index = index;
    this.#mutex = mutex;
  }

  async get(modelId: string): Promise<LoggedModelRecord | undefined> {
    return this.#mapErrors(async () => (await this.#find(modelId))?.record);
  }

  async list(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    return this.#mapErrors(async () => {
      const out: LoggedModelRecord[] = [];
      for (const experimentId of new Set(experimentIds)) {
        const experiment = await this.#index.experiment(parseExperimentId(experimentId));
        if (experiment === undefined) continue;
        const models = join(experiment.folder, LOGGED_MODELS_FOLDER);
        for (const modelId of await subfolders(models)) {
          const entry = await this.#read(join(models, modelId), modelId, experimentId);
          if (entry !== undefined) out.push(entry.record);
        }
      }
      return out;
    });
  }

  async update(modelIds: readonly string[], change: (current: ReadonlyMap<string, LoggedModelRecord | undefined>) => LoggedModelWrite): Promise<void> {
    await this.#mutex.run(() => this.updateLocked(modelIds, change));
  }

  /**
   * {@link update} for a caller that already holds the store's mutex (a run batch that appends
   * linked metric lines). `change` may throw to abort before anything is written.
   */
  async updateLocked(modelIds: readonly string[], change: (current: ReadonlyMap<string, LoggedModelRecord | undefined>) => LoggedModelWrite): Promise<LoggedModelRecord[]> {
    return this.#mapErrors(async () => {
      const entries = new Map<string, ModelEntry | undefined>();
      for (const id of modelIds) entries.set(id, await this.#find(id));
      const write = change(new Map(Array.from(entries, ([id, entry]) => [id, entry?.record] as const)));
      const targets: { folder: string; record: LoggedModelRecord; before: LoggedModelRecord | undefined }[] = [];
      for (const record of write.put) {
        const before = entries.get(record.modelId) ?? (await this.#find(record.modelId));
        targets.push({ folder: before?.folder ?? (await this.#newFolder(record)), record, before: before?.record });
      }
      for (const { folder, record } of targets) assertStorable(this.#root, filesOf(layoutPathOf(this.#root, folder), record));
      for (const target of targets) await this.#write(target.folder, target.record, target.before);
      return write.put.slice();
    });
  }

  async putArtifact(modelId: string, path: string, data: ArtifactData): Promise<void> {
    await this.#mutex.run(() => this.#inArtifacts(modelId, (folder) => writeArtifact(folder, path, data)));
  }

  async listArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    return this.#inArtifacts(modelId, (folder) => listArtifactFolder(folder, path));
  }

  async getArtifact(modelId: string, path: string): Promise<Uint8Array> {
    return this.#inArtifacts(modelId, async (folder) => {
      const bytes = path === '' ? undefined : await readIfExists(await artifactTarget(folder, path));
      if (bytes === undefined) throw EdgeflowError.resourceDoesNotExist(`No artifact file ${describeValue(path)} in logged model ${modelId}.`, { details: { modelId, path } });
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  async #inArtifacts<T>(modelId: string, fn: (folder: ArtifactFolder) => Promise<T>): Promise<T> {
    const entry = await this.#mapErrors(() => this.#find(modelId));
    if (entry === undefined) throw EdgeflowError.resourceDoesNotExist(`Logged model with ID '${modelId}' not found.`, { details: { modelId } });
    const folder = await this.#mapErrors(() => ownArtifactFolder(this.#root, modelId, join(entry.folder, RunFileKind.ARTIFACTS)));
    return this.#mapErrors(() => fn(folder));
  }

  /** The model `modelId` in any experiment folder (active or deleted), or undefined. */
  async #find(modelId: string): Promise<ModelEntry | undefined> {
    if (!isFolderName(modelId)) return undefined;
    const known = this.#folders.get(modelId);
    if (known !== undefined) {
      const entry = await this.#read(known, modelId);
      if (entry !== undefined) return entry;
      this.#folders.delete(modelId);
    }
    for (const { id, folder } of await this.#index.experimentFolders()) {
      const entry = await this.#read(join(folder, LOGGED_MODELS_FOLDER, modelId), modelId, id);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** Reads a model folder if MLflow would: a non-empty `meta.yaml` whose ids match its folders. */
  async #read(folder: string, modelId: string, experimentId = dirname(dirname(folder)).split(/[\\/]/u).at(-1)): Promise<ModelEntry | undefined> {
    const metaFile = join(folder, META_FILE);
    const where = layoutPathOf(this.#root, metaFile);
    const bytes = await readIfExists(metaFile);
    const data = bytes === undefined || bytes.length === 0 ? null : readYamlEntry(bytes, where);
    if (data === null) return undefined;
    const meta = readLoggedModelMeta(data, where);
    if (meta.modelId !== modelId || meta.experimentId !== experimentId) return undefined;
    const metricLines: LoggedModelMetric[] = [];
    const files = (await filesBelow(join(folder, RunFileKind.METRICS))).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, path] of files) {
      const text = await readIfExists(path);
      const file = layoutPathOf(this.#root, path);
      if (text !== undefined) metricLines.push(...parseModelMetricFile(key, modelId, decodeUtf8(text, file), file));
    }
    const record: LoggedModelRecord = {
      ...meta,
      params: await readValues(join(folder, RunFileKind.PARAMS), this.#root),
      tags: await readValues(join(folder, RunFileKind.TAGS), this.#root),
      metricLines,
    };
    this.#folders.set(modelId, folder);
    return { folder, record };
  }

  async #newFolder(record: LoggedModelRecord): Promise<string> {
    const experiment = await this.#index.experiment(parseExperimentId(record.experimentId));
    if (experiment === undefined) throw EdgeflowError.resourceDoesNotExist(`No Experiment with id=${record.experimentId} exists`, { details: { experimentId: record.experimentId } });
    if (!isFolderName(record.modelId)) throw EdgeflowError.invalidParameterValue(`Invalid logged model id ${describeValue(record.modelId)}.`, { details: { modelId: record.modelId } });
    return join(experiment.folder, LOGGED_MODELS_FOLDER, record.modelId);
  }

  /** Writes what differs from `before` (everything for a new model, its `meta.yaml` last). */
  async #write(folder: string, record: LoggedModelRecord, before: LoggedModelRecord | undefined): Promise<void> {
    await mkdir(folder, { recursive: true });
    for (const kind of [RunFileKind.PARAMS, RunFileKind.TAGS] as const) {
      const values = kind === RunFileKind.PARAMS ? record.params : record.tags;
      const old = kind === RunFileKind.PARAMS ? before?.params : before?.tags;
      for (const [key, value] of Object.entries(values)) {
        if (old?.[key] !== value) await writeFileAtomic(valueFile(folder, kind, key), encodeRawValue(value));
      }
      for (const key of Object.keys(old ?? {})) {
        if (Object.hasOwn(values, key)) continue;
        const file = valueFile(folder, kind, key);
        await rm(file, { force: true });
        await pruneEmptyParents(file, join(folder, kind));
      }
    }
    const added = new Map<string, string>();
    for (const line of record.metricLines.slice(before?.metricLines.length ?? 0)) added.set(line.key, (added.get(line.key) ?? '') + formatModelMetricLine(line));
    for (const [key, lines] of added) {
      const file = valueFile(folder, RunFileKind.METRICS, key);
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, lines);
    }
    await mkdir(join(folder, RunFileKind.ARTIFACTS), { recursive: true });
    const meta = serializeLoggedModelMeta(metaOf(record));
    if (before === undefined || meta !== serializeLoggedModelMeta(metaOf(before))) await writeFileAtomic(join(folder, META_FILE), meta);
    this.#folders.set(record.modelId, folder);
  }

  async #mapErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, [this.#root]);
    }
  }
}

function metaOf(record: LoggedModelRecord): LoggedModelMeta {
  const { params: _params, tags: _tags, metricLines: _lines, ...meta } = record;
  return meta;
}

function valueFile(folder: string, kind: string, key: string): string {
  return join(folder, kind, ...key.split('/'));
}

/** The files a record needs, for the file-system checks made before the first write. */
function filesOf(folder: string, record: LoggedModelRecord): { what: string; name: string; path: string; text?: string }[] {
  return [
    { what: 'Logged model id', name: record.modelId, path: `${folder}/${META_FILE}` },
    ...Object.entries(record.params).map(([key, text]) => ({ what: 'Logged model param key', name: key, path: `${folder}/${RunFileKind.PARAMS}/${key}`, text })),
    ...Object.entries(record.tags).map(([key, text]) => ({ what: 'Logged model tag key', name: key, path: `${folder}/${RunFileKind.TAGS}/${key}`, text })),
    ...[...new Set(record.metricLines.map((l) => l.key))].map((key) => ({ what: 'Logged model metric key', name: key, path: `${folder}/${RunFileKind.METRICS}/${key}` })),
  ];
}
