/**
 * `FileStore`: the Store contract over MLflow's file store, an `mlruns/` folder (spec §1–2), for
 * Node. It writes what MLflow writes, byte for byte, so `mlflow ui --backend-store-uri <root>`
 * opens it, and it reads folders MLflow wrote. Paths, `meta.yaml` bytes, metric lines and raw value
 * files all come from the one layout module (`core/formats/file-store/`).
 *
 * Writes:
 * - `meta.yaml` rewrites are atomic (temp file in the same folder, then `rename`), so a crash never
 *   leaves a half-written `meta.yaml`; params and tags are written the same way; a new run's
 *   `meta.yaml` is written last, so a run interrupted while being created is skipped by readers.
 * - Metric points are appended (`appendFile`), one line each, never rewritten.
 * - Batches are validated and conflict-checked against the run before the first write, but are not
 *   atomic across files (`capabilities.atomicBatches` is false, as for MLflow's file store): a crash
 *   or I/O error part-way leaves the files written so far.
 * - Writes of one store object are serialized by an async mutex; other processes may write too
 *   (metric appends interleave safely; meta rewrites are last-writer-wins, as with MLflow).
 * - Change events report writes made through this object only.
 *
 * Artifacts live where the run's `artifact_uri` says, as MLflow reads them: the run folder's
 * `artifacts/` for the default location (also in an `mlruns/` folder moved or copied from elsewhere),
 * the named folder for another local location; other schemes are refused, and symbolic links are
 * never followed out of the folder (rules in `file-store-artifacts.ts`). Imported experiments and
 * runs (snapshots from bundles or sync) get this store's own locations, not the ones they carry, so
 * an imported bundle never directs writes outside the store.
 *
 * MLflow 3 data lives where MLflow 3 keeps it: logged models in `<experiment>/models/<model_id>/`
 * (`file-logged-models.ts`, under core's `LoggedModelService`), dataset records in
 * `<experiment>/datasets/`, a run's inputs and outputs in its `inputs/` and `outputs/`
 * (`file-run-io.ts`). A metric linked to a model must name an existing model (MLflow writes a
 * "ghost" folder instead); the model's line is appended before the run's.
 *
 * Names are checked against the file system before the first write of a call (at most 255 UTF-8
 * bytes per file name, 4095 per path; no lone surrogates), and raw file-system errors become
 * `EdgeflowError`s whose messages show paths relative to the store root only.
 *
 * @example
 * ```ts
 * import { FileStore } from 'edgeflow/node';
 * const store = await FileStore.open('./mlruns');
 * const client = new TrackingClient(store);
 * ```
 * @module
 */
import { appendFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Experiment, type FileInfo, type KeyValue, type MetricSeries, type Page, type Run, type RunInfo } from '../core/entities.js';
import { EdgeflowError } from '../core/errors.js';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, newExperimentId, newRunId, parseExperimentId, parseRunId, type ExperimentId, type RunId } from '../core/ids.js';
import { emptySeries } from '../core/metric-buffer.js';
import {
  MODELS_FOLDER,
  RunFileKind,
  TRASH_FOLDER,
  decodeUtf8,
  defaultArtifactLocation,
  defaultRunArtifactUri,
  encodeRawValue,
  experimentFolder,
  experimentTagPath,
  formatMetricLine,
  metaPath,
  parseMetricFile,
  runFilePath,
  runFolder,
  serializeExperimentMeta,
  serializeRunMeta,
  type ExperimentMeta,
  type RunMeta,
} from '../core/formats/file-store/index.js';
import { RegistryService } from '../core/registry/registry-service.js';
import { LoggedModelService } from '../core/logged-models/logged-model-service.js';
import { appendModelMetricLines, modelMetricLines } from '../core/logged-models/metrics.js';
import { withModelOutputs } from '../core/logged-models/outputs.js';
import { addRunInputs } from '../core/datasets/run-inputs.js';
import type { LogInputsInput, ModelOutput } from '../core/datasets/entities.js';
import {
  KeyIndex,
  artifactFileNotFound,
  artifactNotFound,
  assertExperimentActive,
  assertExperimentDeletable,
  assertExperimentNameFree,
  assertExperimentRestorable,
  assertExperimentTagExists,
  assertNoKeyConflicts,
  assertRunActive,
  assertRunTagExists,
  experimentIdTaken,
  experimentNotFound,
  initialRunTags,
  newExperiment,
  newParamsOf,
  newRunInfo,
  runIdTaken,
  runNotFound,
} from '../core/rules.js';
import { searchExperimentList, searchRunList } from '../core/search/index.js';
import type {
  ArtifactData,
  CreateExperimentInput,
  CreateRunInput,
  DeleteOptions,
  LogBatchInput,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Store,
  StoreCapabilities,
  StoreChange,
  StoreListener,
  UpdateRunInput,
} from '../core/store.js';
import { runDataChange } from '../core/store.js';
import { SystemTag } from '../core/system-tags.js';
import { assertArtifactPath, assertHistoryIndex, keyProblem } from '../core/validation.js';
import { ChangeEmitter } from '../storage/change-emitter.js';
import { FileRegistryRecords } from './file-registry-records.js';
import { FileLoggedModelRecords } from './file-logged-models.js';
import { writeRunInputs, writeRunOutputs } from './file-run-io.js';
import { artifactFolderOf, artifactTarget, listArtifactFolder, writeArtifact, type ArtifactFolder } from './file-store-artifacts.js';
import { FileStoreIndex, type ExperimentEntry, type RunEntry } from './file-store-index.js';
import {
  Mutex,
  assertStorable,
  exists,
  isFsError,
  pruneEmptyParents,
  readIfExists,
  toStoreError,
  writeFileAtomic,
  type StorableItem,
} from './fs-helpers.js';

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /**
   * Artifact root URI new experiments get their `artifact_location` from (`<root>/<id>`). Default:
   * the `file://` URI of the absolute store root, as MLflow. It only changes the URIs written: the
   * artifacts of runs whose URI comes from it are kept in the run folders.
   */
  readonly artifactRoot?: string;
}

const CAPABILITIES: StoreCapabilities = { readOnly: false, atomicBatches: false, crossContextEvents: false, orderedWrites: false, snapshots: true };

/** A {@link Store} over an `mlruns/` folder. */
export class FileStore implements Store {
  readonly capabilities = CAPABILITIES;
  /** The file-based model registry in `<root>/models/`. */
  readonly registry: RegistryService;
  /** MLflow 3 logged models in `<experiment>/models/<model_id>/`. */
  readonly loggedModels: LoggedModelService;
  /** Absolute path of the store root. */
  readonly root: string;
  readonly #models: FileLoggedModelRecords;
  readonly #index: FileStoreIndex;
  readonly #mutex = new Mutex();
  readonly #events = new ChangeEmitter();
  readonly #artifactRoot: string;

  private constructor(root: string, artifactRoot: string) {
    this.root = root;
    this.#artifactRoot = artifactRoot.replace(/\/+$/u, '');
    this.#index = new FileStoreIndex(root);
    this.registry = new RegistryService(new FileRegistryRecords(root), (change) => this.#emit(change));
    this.#models = new FileLoggedModelRecords(root, this.#index, this.#mutex);
    this.loggedModels = new LoggedModelService(this.#models, (id) => this.getExperiment(id as ExperimentId), (change) => this.#emit(change));
  }

  /**
   * Opens (or creates) the file store at `root`. Like MLflow, it creates `.trash/`, and the
   * `Default` experiment `0` when the root does not exist yet (or is an empty folder).
   */
  static async open(root: string, options: FileStoreOptions = {}): Promise<FileStore> {
    const absolute = resolve(root);
    let fresh = true;
    try {
      fresh = (await readdir(absolute)).length === 0;
    } catch (error) {
      if (!isFsError(error, 'ENOENT')) throw error;
    }
    await mkdir(join(absolute, TRASH_FOLDER), { recursive: true });
    const store = new FileStore(absolute, options.artifactRoot ?? pathToFileURL(absolute).href);
    if (fresh) await store.#writeNewExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, {});
    return store;
  }

  // ----------------------------------------------------------------------------------- experiments

  async createExperiment(input: CreateExperimentInput): Promise<ExperimentId> {
    return this.#write(async () => {
      await this.#assertNameFree(input.name);
      let experimentId = input.experimentId;
      if (experimentId !== undefined) {
        parseExperimentId(experimentId);
        if (experimentId === MODELS_FOLDER) throw EdgeflowError.invalidParameterValue(`Experiment id '${MODELS_FOLDER}' is reserved.`, { details: { experimentId } });
        if (await this.#experimentFolderTaken(experimentId)) throw experimentIdTaken(experimentId);
      } else {
        do experimentId = newExperimentId();
        while (await this.#experimentFolderTaken(experimentId));
      }
      await this.#writeNewExperiment(experimentId, input.name, input);
      this.#emit({ kind: 'experiment', experimentId });
      return experimentId;
    });
  }

  async getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    return (await this.#mapErrors(() => this.#experiment(experimentId))).experiment;
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    for (const entry of await this.#mapErrors(() => this.#index.experiments())) if (entry.meta.name === name) return entry.experiment;
    return null;
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    return searchExperimentList((await this.#mapErrors(() => this.#index.experiments())).map((e) => e.experiment), query);
  }

  async renameExperiment(experimentId: ExperimentId, newName: string): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#experiment(experimentId);
      assertExperimentActive(entry.experiment, 'rename');
      if (entry.meta.name === newName) return;
      await this.#assertNameFree(newName);
      await this.#rewriteExperiment(entry, entry.folder, { name: newName, lastUpdateTime: Date.now() });
    });
  }

  async deleteExperiment(experimentId: ExperimentId, options: DeleteOptions = {}): Promise<void> {
    await this.#write(async () => {
      assertExperimentDeletable(experimentId);
      const entry = await this.#experiment(experimentId);
      assertExperimentActive(entry.experiment, 'delete it');
      const trashed = this.#abs(experimentFolder(experimentId, 'deleted'));
      if (await exists(trashed)) throw EdgeflowError.invalidState(`Cannot delete experiment ${experimentId}: ${this.#rel(trashed)} already exists.`, { details: { experimentId } });
      const now = options.deletedTime ?? Date.now();
      for (const run of await this.#index.runsOf(entry)) {
        if (run.meta.lifecycleStage === 'active') await this.#rewriteRun(run, { lifecycleStage: 'deleted', deletedTime: now });
      }
      await this.#rewriteExperiment(entry, entry.folder, { lifecycleStage: 'deleted', lastUpdateTime: now });
      if (entry.folder !== trashed) await rename(entry.folder, trashed);
      this.#index.forget(entry.folder);
    });
  }

  async restoreExperiment(experimentId: ExperimentId): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#experiment(experimentId);
      assertExperimentRestorable(entry.experiment);
      const active = this.#abs(experimentFolder(experimentId, 'active'));
      if (entry.folder !== active) {
        if (await exists(active)) throw EdgeflowError.invalidState(`Cannot restore experiment ${experimentId}: ${this.#rel(active)} already exists.`, { details: { experimentId } });
        await rename(entry.folder, active);
        this.#index.forget(entry.folder);
      }
      const moved = (await this.#index.experimentAt(active, experimentId))!;
      await this.#rewriteExperiment(moved, active, { lifecycleStage: 'active', lastUpdateTime: Date.now() });
      for (const run of await this.#index.runsOf(moved)) {
        if (run.meta.lifecycleStage === 'deleted') await this.#rewriteRun(run, { lifecycleStage: 'active', deletedTime: null });
      }
    });
  }

  async setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#experiment(experimentId);
      assertExperimentActive(entry.experiment, 'set a tag');
      assertNoKeyConflicts('tag', new KeyIndex(Object.keys(entry.experiment.tags)), [tag.key]);
      const file = experimentTagPath(this.#rel(entry.folder), tag.key);
      assertStorable(this.root, [keyFile('Experiment tag key', tag.key, file, tag.value)]);
      await writeFileAtomic(this.#abs(file), encodeRawValue(tag.value));
      this.#index.forget(entry.folder);
      this.#emit({ kind: 'experiment', experimentId });
    });
  }

  async deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#experiment(experimentId);
      assertExperimentActive(entry.experiment, 'delete a tag');
      assertExperimentTagExists(experimentId, entry.experiment.tags, key);
      await this.#removeValueFile(this.#abs(experimentTagPath(this.#rel(entry.folder), key)), join(entry.folder, 'tags'));
      this.#index.forget(entry.folder);
      this.#emit({ kind: 'experiment', experimentId });
    });
  }

  async purgeExperiment(experimentId: ExperimentId): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#experiment(experimentId);
      await rm(entry.folder, { recursive: true, force: true });
      this.#index.forget(entry.folder);
      this.#emit({ kind: 'experiment', experimentId });
    });
  }

  // ------------------------------------------------------------------------------------------ runs

  async createRun(input: CreateRunInput): Promise<Run> {
    return this.#write(async () => {
      const experiment = await this.#experiment(input.experimentId);
      assertExperimentActive(experiment.experiment, 'create a run');
      const runId = input.runId ?? newRunId();
      parseRunId(runId);
      if ((await this.#index.run(runId)) !== undefined) throw runIdTaken(runId);
      const tags = initialRunTags(input);
      const folder = runFolder(this.#rel(experiment.folder), runId);
      assertStorable(this.root, [
        { what: 'User id', name: input.userId, path: metaPath(folder) },
        ...Object.entries(tags).map(([key, value]) => keyFile('Tag key', key, runFilePath(folder, RunFileKind.TAGS, key), value)),
      ]);
      // Never the snapshot's own URI: where a run's artifacts go is this store's decision (see the module notes).
      const meta: RunMeta = newRunInfo(input, runId, defaultRunArtifactUri(experiment.meta.artifactLocation, runId));
      for (const kind of [RunFileKind.METRICS, RunFileKind.PARAMS, RunFileKind.ARTIFACTS, RunFileKind.TAGS]) {
        await mkdir(this.#abs(`${folder}/${kind}`), { recursive: true });
      }
      for (const [key, value] of Object.entries(tags)) await writeFileAtomic(this.#abs(runFilePath(folder, RunFileKind.TAGS, key)), encodeRawValue(value));
      // meta.yaml last: a run folder without it is skipped by every reader, so a crash here leaves no half run.
      await writeFileAtomic(this.#abs(metaPath(folder)), serializeRunMeta(meta, { fresh: true }));
      this.#emit({ kind: 'run', runId, experimentId: input.experimentId });
      return (await this.#run(runId)).run;
    });
  }

  async getRun(runId: RunId): Promise<Run> {
    return (await this.#mapErrors(() => this.#run(runId))).run;
  }

  async updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo> {
    return this.#write(async () => {
      const entry = await this.#run(runId);
      assertRunActive(entry.run.info);
      const changes: { -readonly [K in keyof RunMeta]?: RunMeta[K] } = {};
      if (update.status !== undefined) changes.status = update.status;
      if (update.endTime !== undefined) changes.endTime = update.endTime;
      if (update.runName !== undefined && update.runName !== '') {
        changes.runName = update.runName;
        const file = runFilePath(this.#rel(entry.folder), RunFileKind.TAGS, SystemTag.RUN_NAME);
        assertStorable(this.root, [{ what: 'Run name', name: update.runName, path: file }]);
        await writeFileAtomic(this.#abs(file), encodeRawValue(update.runName));
      }
      await this.#rewriteRun(entry, changes);
      return (await this.#run(runId)).run.info;
    });
  }

  async deleteRun(runId: RunId, options: DeleteOptions = {}): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#run(runId);
      await this.#rewriteRun(entry, { lifecycleStage: 'deleted', deletedTime: options.deletedTime ?? Date.now() });
    });
  }

  async restoreRun(runId: RunId): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#run(runId);
      await this.#rewriteRun(entry, { lifecycleStage: 'active', deletedTime: null });
    });
  }

  async purgeRun(runId: RunId): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#run(runId);
      await rm(entry.folder, { recursive: true, force: true });
      this.#index.forget(entry.folder);
      this.#emit({ kind: 'run', runId, experimentId: entry.meta.experimentId });
    });
  }

  /**
   * Validates the whole batch (run active, param immutability, key-folder conflicts) before the
   * first write, then writes params, metric lines and tags. Not atomic across files.
   */
  async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#run(runId);
      assertRunActive(entry.run.info);
      const params = newParamsOf(runId, entry.params, batch.params ?? []);
      const metrics = batch.metrics ?? [];
      const tags = batch.tags ?? [];
      assertNoKeyConflicts('param', new KeyIndex(Object.keys(entry.params)), params.map((p) => p.key));
      assertNoKeyConflicts('metric', new KeyIndex(entry.metricKeys), metrics.map((m) => m.key));
      assertNoKeyConflicts('tag', new KeyIndex(Object.keys(entry.tags)), tags.map((t) => t.key));
      if (params.length === 0 && metrics.length === 0 && tags.length === 0) return;
      const folder = this.#rel(entry.folder);
      assertStorable(this.root, [
        ...params.map(({ key, value }) => keyFile('Param key', key, runFilePath(folder, RunFileKind.PARAMS, key), value)),
        ...metrics.map(({ key }) => keyFile('Metric key', key, runFilePath(folder, RunFileKind.METRICS, key))),
        ...tags.map(({ key, value }) => keyFile('Tag key', key, runFilePath(folder, RunFileKind.TAGS, key), value)),
      ]);
      // Linked points: every model must exist (checked before the first write), its lines are appended first.
      const modelLines = modelMetricLines(runId, metrics);
      const models = modelLines.size === 0 ? [] : await this.#models.updateLocked([...modelLines.keys()], (current) => ({ put: appendModelMetricLines(current, modelLines) }));
      try {
        for (const { key, value } of params) await writeFileAtomic(this.#abs(runFilePath(folder, RunFileKind.PARAMS, key)), encodeRawValue(value));
        for (const columns of metrics) {
          let lines = '';
          for (let i = 0; i < columns.values.length; i++) lines += formatMetricLine(columns.timestamps[i]!, columns.values[i]!, columns.steps[i]!);
          const file = this.#abs(runFilePath(folder, RunFileKind.METRICS, columns.key));
          await mkdir(dirname(file), { recursive: true });
          await appendFile(file, lines);
        }
        let renamed: string | undefined;
        for (const { key, value } of tags) {
          await writeFileAtomic(this.#abs(runFilePath(folder, RunFileKind.TAGS, key)), encodeRawValue(value));
          if (key === SystemTag.RUN_NAME) renamed = value;
        }
        if (renamed !== undefined && renamed !== entry.meta.runName) await this.#rewriteRun(entry, { runName: renamed });
      } finally {
        this.#index.forget(entry.folder);
      }
      this.#emit(runDataChange(runId, entry.meta.experimentId, { metrics, params, tags }));
      for (const model of models) this.#emit({ kind: 'logged-model', modelId: model.modelId, experimentId: model.experimentId });
    });
  }

  /** Records the models a run produced (`<run>/outputs/<model_id>/meta.yaml`); a model already listed keeps its first step. */
  async logOutputs(runId: RunId, outputs: readonly ModelOutput[]): Promise<void> {
    await this.#writeRunRecords(runId, async (entry) => {
      const existing = entry.run.outputs?.modelOutputs ?? [];
      const merged = withModelOutputs(existing, outputs);
      if (merged === existing) return false;
      await writeRunOutputs(entry.folder, merged.slice(existing.length));
      return true;
    });
  }

  /** Records a run's dataset and model inputs; one already recorded keeps its first record (write-once). */
  async logInputs(runId: RunId, inputs: LogInputsInput): Promise<void> {
    await this.#writeRunRecords(runId, async (entry) => {
      const current = entry.run.inputs;
      const next = addRunInputs(current, inputs);
      if (next === current || next === undefined) return false;
      const added = {
        datasets: next.datasetInputs.filter((d) => !(current?.datasetInputs ?? []).includes(d)),
        models: next.modelInputs.filter((m) => !(current?.modelInputs ?? []).includes(m)),
      };
      await writeRunInputs(dirname(entry.folder), entry.folder, runId, added);
      return true;
    });
  }

  /** Runs `write` on an active run (true when it wrote), then drops the run's cached entry and announces it. */
  async #writeRunRecords(runId: RunId, write: (entry: RunEntry) => Promise<boolean>): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#run(runId);
      assertRunActive(entry.run.info);
      let wrote: boolean;
      try {
        wrote = await write(entry);
      } finally {
        this.#index.forget(entry.folder);
      }
      if (wrote) this.#emit({ kind: 'run', runId, experimentId: entry.meta.experimentId });
    });
  }

  async deleteTag(runId: RunId, key: string): Promise<void> {
    await this.#write(async () => {
      const entry = await this.#run(runId);
      assertRunActive(entry.run.info);
      assertRunTagExists(runId, entry.tags, key);
      const tagsFolder = join(entry.folder, RunFileKind.TAGS);
      await this.#removeValueFile(this.#abs(runFilePath(this.#rel(entry.folder), RunFileKind.TAGS, key)), tagsFolder);
      this.#index.forget(entry.folder);
      this.#emit(runDataChange(runId, entry.meta.experimentId, { tags: [{ key }] }));
    });
  }

  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    return this.#mapErrors(async () => {
      const entry = await this.#run(runId);
      if (keyProblem(key) !== undefined) return emptySeries(key);
      const layoutPath = runFilePath(this.#rel(entry.folder), RunFileKind.METRICS, key);
      const bytes = await readIfExists(this.#abs(layoutPath));
      if (bytes === undefined) return emptySeries(key);
      const points = parseMetricFile(key, decodeUtf8(bytes, layoutPath), layoutPath);
      return { key, steps: points.steps, timestamps: points.timestamps, values: points.values };
    });
  }

  /** Reads the whole metric file (its lines are not indexed) and keeps the points from `fromIndex` on. */
  async getMetricHistoryFrom(runId: RunId, key: string, fromIndex: number): Promise<MetricSeries> {
    assertHistoryIndex(fromIndex);
    const all = await this.getMetricHistory(runId, key);
    if (fromIndex === 0) return all;
    return { key, steps: all.steps.slice(fromIndex), timestamps: all.timestamps.slice(fromIndex), values: all.values.slice(fromIndex) };
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const runs: Run[] = [];
    for (const id of new Set(query.experimentIds)) {
      const experiment = await this.#mapErrors(() => this.#index.experiment(parseExperimentId(id)));
      if (experiment === undefined) continue;
      for (const entry of await this.#mapErrors(() => this.#index.runsOf(experiment))) runs.push(entry.run);
    }
    return searchRunList(runs, query);
  }

  // ------------------------------------------------------------------------------------- artifacts

  async putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    assertArtifactPath(path);
    await this.#write(() =>
      this.#inArtifacts(runId, true, async (folder) => {
        await writeArtifact(folder, path, data);
        this.#emit({ kind: 'artifacts', runId, path });
      }),
    );
  }

  async listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    return this.#inArtifacts(runId, false, (folder) => listArtifactFolder(folder, path));
  }

  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    return this.#inArtifacts(runId, false, async (folder) => {
      const bytes = await readIfExists(await artifactTarget(folder, path));
      if (bytes === undefined) throw artifactFileNotFound(runId, path);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  async deleteArtifact(runId: RunId, path: string): Promise<void> {
    await this.#write(() =>
      this.#inArtifacts(runId, true, async (folder) => {
        const target = await artifactTarget(folder, path);
        if (!(await exists(target))) throw artifactNotFound(runId, path);
        await rm(target, { recursive: true, force: true });
        await pruneEmptyParents(target, folder.folder);
        this.#emit({ kind: 'artifacts', runId, path });
      }),
    );
  }

  // ------------------------------------------------------------------------------------- lifecycle

  subscribe(listener: StoreListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Resolves when every write accepted so far has reached the file system. */
  async flush(): Promise<void> {
    await this.#mutex.idle();
  }

  async close(): Promise<void> {
    await this.#mutex.idle();
    this.#events.clear();
  }

  // --------------------------------------------------------------------------------------- helpers

  #write<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run(() => this.#mapErrors(fn));
  }

  /** Runs `fn`, turning raw file-system errors into `EdgeflowError`s without absolute paths. */
  async #mapErrors<T>(fn: () => Promise<T>, roots: readonly string[] = [this.root]): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, roots);
    }
  }

  /** Runs `fn` on the artifact folder of run `runId` (active when `forWrite`), errors shown relative to it. */
  async #inArtifacts<T>(runId: RunId, forWrite: boolean, fn: (folder: ArtifactFolder) => Promise<T>): Promise<T> {
    const entry = await this.#mapErrors(() => this.#run(runId));
    if (forWrite) assertRunActive(entry.run.info);
    const ownUri = defaultRunArtifactUri(defaultArtifactLocation(this.#artifactRoot, entry.meta.experimentId), entry.meta.runId);
    const folder = await this.#mapErrors(() => artifactFolderOf(this.root, ownUri, entry));
    return this.#mapErrors(() => fn(folder), [folder.folder, this.root]);
  }

  #emit(change: StoreChange): void {
    this.#events.emit(change);
  }

  /** Absolute path of a layout path (relative to the root, `/`-separated). */
  #abs(layoutPath: string): string {
    return join(this.root, ...layoutPath.split('/'));
  }

  /** Layout path of an absolute path inside the root. */
  #rel(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/');
  }

  async #experiment(experimentId: ExperimentId): Promise<ExperimentEntry> {
    const entry = await this.#index.experiment(parseExperimentId(experimentId));
    if (entry === undefined) throw experimentNotFound(experimentId);
    return entry;
  }

  async #run(runId: RunId): Promise<RunEntry> {
    const entry = await this.#index.run(parseRunId(runId));
    if (entry === undefined) throw runNotFound(runId);
    return entry;
  }

  async #experimentFolderTaken(experimentId: string): Promise<boolean> {
    return (await exists(this.#abs(experimentFolder(experimentId, 'active')))) || exists(this.#abs(experimentFolder(experimentId, 'deleted')));
  }

  async #assertNameFree(name: string): Promise<void> {
    assertExperimentNameFree(name, await this.getExperimentByName(name));
  }

  async #writeNewExperiment(experimentId: ExperimentId, name: string, input: Partial<CreateExperimentInput>): Promise<void> {
    // An imported experiment (a snapshot: it brings its id) gets this store's location, not the one it carries.
    const artifactLocation = (input.experimentId === undefined ? input.artifactLocation : undefined) ?? defaultArtifactLocation(this.#artifactRoot, experimentId);
    const meta: ExperimentMeta = newExperiment({ ...input, name }, experimentId, artifactLocation);
    const folder = experimentFolder(experimentId, meta.lifecycleStage);
    assertStorable(this.root, [
      { what: 'Experiment name', name, path: metaPath(folder) },
      ...(input.tags ?? []).map(({ key, value }) => keyFile('Experiment tag key', key, experimentTagPath(folder, key), value)),
    ]);
    await mkdir(this.#abs(folder), { recursive: true });
    for (const { key, value } of input.tags ?? []) await writeFileAtomic(this.#abs(experimentTagPath(folder, key)), encodeRawValue(value));
    await writeFileAtomic(this.#abs(metaPath(folder)), serializeExperimentMeta(meta));
  }

  /** Rewrites an experiment's meta.yaml as MLflow does (with the stale `tags:` mapping). */
  async #rewriteExperiment(entry: ExperimentEntry, folder: string, changes: Partial<ExperimentMeta>): Promise<void> {
    const meta: ExperimentMeta = { ...entry.meta, ...changes };
    await writeFileAtomic(join(folder, 'meta.yaml'), serializeExperimentMeta(meta, { staleTags: { ...entry.experiment.tags } }));
    this.#index.forget(folder);
    this.#emit({ kind: 'experiment', experimentId: meta.experimentId });
  }

  async #rewriteRun(entry: RunEntry, changes: Partial<RunMeta>): Promise<void> {
    const meta: RunMeta = { ...entry.meta, ...changes };
    await writeFileAtomic(this.#abs(metaPath(this.#rel(entry.folder))), serializeRunMeta(meta));
    this.#index.forget(entry.folder);
    this.#emit({ kind: 'run', runId: meta.runId, experimentId: meta.experimentId });
  }

  async #removeValueFile(file: string, folder: string): Promise<void> {
    try {
      await rm(file);
    } catch (error) {
      if (!isFsError(error, 'ENOENT')) throw error;
    }
    await pruneEmptyParents(file, folder);
  }
}

/** A key file for {@link assertStorable}: `layoutPath` below the store root, holding `text` if given. */
function keyFile(what: string, key: string, layoutPath: string, text?: string): StorableItem {
  return text === undefined ? { what, name: key, path: layoutPath } : { what, name: key, path: layoutPath, text };
}
