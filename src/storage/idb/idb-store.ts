/**
 * The IndexedDB {@link Store}: experiments, runs, chunked columnar metric histories and Blob
 * artifacts in one database (see `schema.ts`). Usable directly in a page, and inside the worker
 * that `openIdbStore()` starts by default.
 *
 * Every mutation is one readwrite transaction that reads the current records, applies the rules
 * from core (`rules.ts`) and writes, so a failed rule or a failed write (quota) leaves nothing
 * behind, and two tabs writing the same database serialize in IndexedDB instead of overwriting
 * each other. Run creations, batches and artifact files that arrive while earlier ones commit share
 * one transaction (`write-groups.ts`), each still all or nothing. Durability: {@link IdbStore.createRun},
 * {@link IdbStore.logBatch} and {@link IdbStore.putArtifact} commit with `relaxed` durability (the data is committed and visible to
 * every reader, but the browser may acknowledge before it reaches the disk); all other writes and
 * {@link IdbStore.flush} use `strict`.
 * @module
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { dict, hasKey, type Experiment, type FileInfo, type KeyValue, type MetricColumns, type MetricSeries, type Page, type Run, type RunInfo } from '../../core/entities.js';
import { newExperimentId, newRunId, type ExperimentId, type RunId } from '../../core/ids.js';
import { PendingWork } from '../../core/pending-work.js';
import {
  KeyIndex,
  artifactFileNotFound,
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
  latestOf,
  newExperiment,
  newParamsOf,
  newRunInfo,
  runIdTaken,
  runNotFound,
} from '../../core/rules.js';
import { searchExperimentList, searchRows } from '../../core/search/index.js';
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
} from '../../core/store.js';
import { runDataChange } from '../../core/store.js';
import { RegistryService } from '../../core/registry/registry-service.js';
import type { LogInputsInput } from '../../core/datasets/entities.js';
import { addRunInputs } from '../../core/datasets/run-inputs.js';
import { SystemTag } from '../../core/system-tags.js';
import { assertHistoryIndex } from '../../core/validation.js';
import { ChangeEmitter } from '../change-emitter.js';
import { listArtifacts, pathsToDelete, treeOf } from './artifacts.js';
import { ChangeBroadcast } from './broadcast.js';
import { TailCache, appendColumns, readSeriesFrom } from './chunks.js';
import { Connection } from './connection.js';
import { mapIdbError } from './errors.js';
import { cloneStoredRun, reviveLoggedModelRecord, toDict, toExperiment, toRun } from './records.js';
import type { LoggedModelRecord } from '../../core/logged-models/logged-model-store.js';
import { IdbRegistryRecords } from './registry-records.js';
import { IdbLoggedModelRecords } from './logged-model-records.js';
import { LoggedModelService } from '../../core/logged-models/logged-model-service.js';
import { appendModelMetricLines, modelMetricLines } from '../../core/logged-models/metrics.js';
import { withModelOutputs } from '../../core/logged-models/outputs.js';
import type { ModelOutput } from '../../core/datasets/entities.js';
import { RunCache, type CachedRun } from './run-cache.js';
import type { PackedRunPage } from './run-index.js';
import { ALL_STORES, RECENT_BATCH_IDS, artifactRootOf, runKeyRange, type EdgeflowDB, type StoredRun } from './schema.js';
import { storageFigures, type StorageFigures } from './storage-figures.js';
import { GROUP_STORES, WriteGroups, readNextSeq, type GroupedWrite } from './write-groups.js';

/** Options of {@link IdbStore}. */
export interface IdbStoreOptions {
  /** Database name. Default `edgeflow`. */
  readonly name?: string;
}

type Names = StoreNames<EdgeflowDB>;
type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<EdgeflowDB, Names[], Mode>;

const CAPABILITIES: StoreCapabilities = { readOnly: false, atomicBatches: true, crossContextEvents: true, orderedWrites: true, snapshots: true };

/** A {@link Store} over IndexedDB. */
export class IdbStore implements Store {
  readonly capabilities = CAPABILITIES;
  /** The database name. */
  readonly name: string;
  /**
   * The model registry, in the same database (`registeredModels`): one strict transaction per
   * operation; its changes reach subscribers here and in other tabs.
   */
  readonly registry: RegistryService;
  /** MLflow 3 logged models, in the same database (`loggedModels`, files in `artifacts`). */
  readonly loggedModels: LoggedModelService;
  private readonly __connection: Connection;
  private readonly __events = new ChangeEmitter();
  private readonly __broadcast: ChangeBroadcast;
  private readonly __cache = new RunCache();
  private readonly __tails = new TailCache();
  readonly #pending = new PendingWork();
  private readonly __artifactRoot: string;
  private __blockedWarned = false;
  readonly #groups = new WriteGroups({
    begin: () => this.__transaction(GROUP_STORES, 'readwrite', 'relaxed'),
    committed: (written, changes) => {
      for (const [runId, before] of written.seqBefore) this.__tails.restamp(runId, before, written.seq);
      for (const tail of written.tails) this.__tails.set(written.seq, tail);
      this.__announce(changes);
    },
    mapError: (error, what) => mapIdbError(error, what),
  });

  constructor(options: IdbStoreOptions = {}) {
    this.name = options.name ?? 'edgeflow';
    this.__artifactRoot = artifactRootOf(this.name);
    this.__connection = new Connection(this.name, {
      onBlocked: () => {
        if (this.__blockedWarned) return;
        this.__blockedWarned = true;
        console.warn(`edgeflow: opening IndexedDB "${this.name}" waits until other connections (another tab?) close it.`);
      },
    });
    this.__broadcast = new ChangeBroadcast(this.name, (change) => this.__events.emit(change));
    const transactions = {
      read: <T>(what: string, stores: readonly Names[], body: (tx: Tx<'readonly'>) => Promise<T>) => this.__read(what, stores, body),
      write: <T>(what: string, stores: readonly Names[], durability: IDBTransactionDurability, body: (tx: Tx<'readwrite'>) => Promise<T>) =>
        this.__write(what, stores, durability, (tx) => body(tx)),
    };
    this.registry = new RegistryService(new IdbRegistryRecords(transactions), (change) => this.__announce([change]));
    this.loggedModels = new LoggedModelService(new IdbLoggedModelRecords(transactions), (id) => this.getExperiment(id as ExperimentId), (change) => this.__announce([change]));
  }

  /** Opens (and creates or upgrades) the database now instead of on first use. */
  async open(): Promise<this> {
    await this.__connection.get();
    return this;
  }

  // ----------------------------------------------------------------------------------- experiments

  async createExperiment(input: CreateExperimentInput): Promise<ExperimentId> {
    return this.__write('create an experiment', ['experiments'], 'strict', async (tx, emit) => {
      const experiments = tx.objectStore('experiments');
      await assertNameFree(tx, input.name);
      let experimentId = input.experimentId;
      if (experimentId !== undefined) {
        if ((await experiments.getKey(experimentId)) !== undefined) throw experimentIdTaken(experimentId);
      } else {
        do experimentId = newExperimentId();
        while ((await experiments.getKey(experimentId)) !== undefined);
      }
      await experiments.add(newExperiment(input, experimentId, input.artifactLocation ?? `${this.__artifactRoot}/${experimentId}`));
      emit({ kind: 'experiment', experimentId });
      return experimentId;
    });
  }

  async getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    return this.__read('read an experiment', ['experiments'], async (tx) => toExperiment(await getExperimentIn(tx, experimentId)));
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    return this.__read('find an experiment by name', ['experiments'], async (tx) => {
      const found = await tx.objectStore('experiments').index('name').get(name);
      return found === undefined ? null : toExperiment(found);
    });
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    const all = await this.__read('search experiments', ['experiments'], (tx) => tx.objectStore('experiments').getAll());
    return searchExperimentList(all.map(toExperiment), query);
  }

  async renameExperiment(experimentId: ExperimentId, newName: string): Promise<void> {
    await this.__write('rename an experiment', ['experiments'], 'strict', async (tx, emit) => {
      const experiment = await getExperimentIn(tx, experimentId);
      assertExperimentActive(experiment, 'rename');
      if (experiment.name === newName) return;
      await assertNameFree(tx, newName);
      await tx.objectStore('experiments').put({ ...experiment, name: newName, lastUpdateTime: Date.now() });
      emit({ kind: 'experiment', experimentId });
    });
  }

  async deleteExperiment(experimentId: ExperimentId, options: DeleteOptions = {}): Promise<void> {
    assertExperimentDeletable(experimentId);
    await this.__setExperimentStage(experimentId, 'deleted', options.deletedTime);
  }

  async restoreExperiment(experimentId: ExperimentId): Promise<void> {
    await this.__setExperimentStage(experimentId, 'active');
  }

  async setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void> {
    await this.__write('set an experiment tag', ['experiments'], 'strict', async (tx, emit) => {
      const experiment = await getExperimentIn(tx, experimentId);
      assertExperimentActive(experiment, 'set a tag');
      const tags = toDict(experiment.tags);
      tags[tag.key] = tag.value;
      await tx.objectStore('experiments').put({ ...experiment, tags });
      emit({ kind: 'experiment', experimentId });
    });
  }

  async deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void> {
    await this.__write('delete an experiment tag', ['experiments'], 'strict', async (tx, emit) => {
      const experiment = await getExperimentIn(tx, experimentId);
      assertExperimentActive(experiment, 'delete a tag');
      const tags = toDict(experiment.tags);
      assertExperimentTagExists(experimentId, tags, key);
      delete tags[key];
      await tx.objectStore('experiments').put({ ...experiment, tags });
      emit({ kind: 'experiment', experimentId });
    });
  }

  async purgeExperiment(experimentId: ExperimentId): Promise<void> {
    await this.__write('purge an experiment', ['meta', 'experiments', 'runs', 'chunks', 'heads', 'artifacts', 'loggedModels'], 'strict', async (tx, emit) => {
      await getExperimentIn(tx, experimentId);
      const runIds = await tx.objectStore('runs').index('experimentId').getAllKeys(experimentId);
      await Promise.all(runIds.map((runId) => deleteRunData(tx, runId)));
      const modelIds = await tx.objectStore('loggedModels').index('experimentId').getAllKeys(experimentId);
      await Promise.all(modelIds.flatMap((id) => [tx.objectStore('loggedModels').delete(id), tx.objectStore('artifacts').delete(runKeyRange(id as RunId))]));
      await tx.objectStore('experiments').delete(experimentId);
      await markPurge(tx);
      emit({ kind: 'experiment', experimentId });
    });
  }

  // ------------------------------------------------------------------------------------------ runs

  /** Shares a relaxed transaction with other run creations and batches (see `write-groups.ts`). */
  async createRun(input: CreateRunInput): Promise<Run> {
    const runId = input.runId ?? newRunId();
    return this.#grouped({
      what: 'create a run',
      runIds: [runId],
      body: async (ctx, emit) => {
        const experiment = await ctx.experiment(input.experimentId);
        if (experiment === undefined) throw experimentNotFound(input.experimentId);
        assertExperimentActive(experiment, 'create a run');
        if ((await ctx.run(runId)) !== undefined) throw runIdTaken(runId);
        const stored: StoredRun = {
          info: newRunInfo(input, runId, input.artifactUri ?? `${experiment.artifactLocation}/${runId}/artifacts`),
          params: dict(),
          tags: initialRunTags(input),
          latest: dict(),
          seq: ctx.seq,
          series: dict(),
        };
        ctx.putRun(stored);
        emit({ kind: 'run', runId, experimentId: input.experimentId });
        return toRun(stored);
      },
    });
  }

  async getRun(runId: RunId): Promise<Run> {
    return this.__read('read a run', ['runs'], async (tx) => toRun(await getRunIn(tx, runId)));
  }

  async updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo> {
    return this.__write('update a run', ['meta', 'runs'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      assertRunActive(run.info);
      const info = run.info as { -readonly [K in keyof RunInfo]: RunInfo[K] };
      if (update.status !== undefined) info.status = update.status;
      if (update.endTime !== undefined) info.endTime = update.endTime;
      if (update.runName !== undefined && update.runName !== '') {
        info.runName = update.runName;
        run.tags[SystemTag.RUN_NAME] = update.runName;
      }
      await putRun(tx, run);
      emit({ kind: 'run', runId, experimentId: info.experimentId });
      return Object.freeze({ ...info });
    });
  }

  async deleteRun(runId: RunId, options: DeleteOptions = {}): Promise<void> {
    await this.__updateInfo('delete a run', runId, { lifecycleStage: 'deleted', deletedTime: options.deletedTime ?? Date.now() });
  }

  async restoreRun(runId: RunId): Promise<void> {
    await this.__updateInfo('restore a run', runId, { lifecycleStage: 'active', deletedTime: null });
  }

  async purgeRun(runId: RunId): Promise<void> {
    await this.__write('purge a run', ['meta', 'runs', 'chunks', 'heads', 'artifacts'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      await deleteRunData(tx, runId);
      await markPurge(tx);
      emit({ kind: 'run', runId, experimentId: run.info.experimentId });
    });
  }

  /**
   * Writes params, metrics and tags all or nothing, in a relaxed transaction it may share with
   * other run creations and batches (see `write-groups.ts`): call {@link IdbStore.flush} for a
   * strict, on-disk acknowledgement. A batch whose `batchId` is among the run's recent ones was
   * applied already and is skipped.
   */
  async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    await this.#grouped({
      what: `log a batch to run ${runId}`,
      runIds: [runId],
      body: async (ctx, emit) => {
        const run = await ctx.run(runId);
        if (run === undefined) throw runNotFound(runId);
        // Sent again after its worker died, but it had committed: written once.
        if (batch.batchId !== undefined && run.batchIds?.includes(batch.batchId)) return;
        assertRunActive(run.info);
        const params = newParamsOf(runId, run.params, batch.params ?? []);
        const metrics = batch.metrics ?? [];
        const tags = batch.tags ?? [];
        assertNoKeyConflicts('param', new KeyIndex(Object.keys(run.params)), params.map((p) => p.key));
        assertNoKeyConflicts('metric', new KeyIndex(Object.keys(run.series)), metrics.map((m) => m.key));
        assertNoKeyConflicts('tag', new KeyIndex(Object.keys(run.tags)), tags.map((t) => t.key));
        // Linked points' model lines, checked (the models exist) before anything is written.
        const modelLines = modelMetricLines(runId, metrics);
        const models = modelLines.size === 0 ? [] : appendModelMetricLines(await readLoggedModels(ctx.tx, modelLines.keys()), modelLines);
        if (params.length === 0 && metrics.length === 0 && tags.length === 0) return;

        for (const { key, value } of params) run.params[key] = value;
        const chunks = ctx.tx.objectStore('chunks');
        // Keys append concurrently (one tail read each); columns of one key in order.
        const byKey = new Map<string, MetricColumns[]>();
        for (const columns of metrics) {
          const list = byKey.get(columns.key);
          if (list === undefined) byKey.set(columns.key, [columns]);
          else list.push(columns);
        }
        // New keys and keys of at most INLINE_POINTS points live in the run's heads record.
        const inHeads = [...byKey.keys()].some((key) => !hasKey(run.series, key) || run.series[key]!.chunks === 0);
        const heads = inHeads ? await ctx.heads(runId) : undefined;
        await Promise.all(
          Array.from(byKey, async ([key, list]) => {
            const state = hasKey(run.series, key) ? { ...run.series[key]! } : { count: 0, chunks: 0 };
            let latest = hasKey(run.latest, key) ? run.latest[key] : undefined;
            // A series without chunks (new, or in the heads record) has no tail to look up.
            let tail = state.chunks === 0 ? undefined : ctx.tail(runId, key, run.seq, (seq) => this.__tails.get(runId, key, seq));
            for (const columns of list) {
              tail = await appendColumns(chunks, runId, state, columns, issue, tail, heads);
              latest = latestOf(latest, columns);
            }
            run.series[key] = state;
            if (latest !== undefined) run.latest[key] = latest;
            if (tail !== undefined) ctx.setTail(tail);
          }),
        );
        let renamed = false;
        for (const { key, value } of tags) {
          run.tags[key] = value;
          if (key === SystemTag.RUN_NAME) {
            (run.info as { runName: string }).runName = value;
            renamed = true;
          }
        }
        if (batch.batchId !== undefined) run.batchIds = [...(run.batchIds ?? []), batch.batchId].slice(-RECENT_BATCH_IDS);
        ctx.putRun(run);
        for (const model of models) issue(ctx.tx.objectStore('loggedModels').put(model));
        const experimentId = run.info.experimentId;
        if (renamed) emit({ kind: 'run', runId, experimentId });
        emit(runDataChange(runId, experimentId, { metrics, params, tags }));
        for (const model of models) emit({ kind: 'logged-model', modelId: model.modelId, experimentId: model.experimentId });
      },
    });
  }

  async logInputs(runId: RunId, inputs: LogInputsInput): Promise<void> {
    await this.__write('log run inputs', ['meta', 'runs'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      assertRunActive(run.info);
      const next = addRunInputs(run.inputs, inputs);
      if (next === run.inputs || next === undefined) return;
      run.inputs = next;
      await putRun(tx, run);
      emit({ kind: 'run', runId, experimentId: run.info.experimentId });
    });
  }

  /** Records the models a run produced; a model already listed keeps its first step. */
  async logOutputs(runId: RunId, outputs: readonly ModelOutput[]): Promise<void> {
    await this.__write('log run outputs', ['meta', 'runs'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      assertRunActive(run.info);
      const existing = run.outputs ?? [];
      const merged = withModelOutputs(existing, outputs);
      if (merged === existing) return;
      run.outputs = [...merged];
      await putRun(tx, run);
      emit({ kind: 'run', runId, experimentId: run.info.experimentId });
    });
  }

  async deleteTag(runId: RunId, key: string): Promise<void> {
    await this.__write('delete a run tag', ['meta', 'runs'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      assertRunActive(run.info);
      assertRunTagExists(runId, run.tags, key);
      delete run.tags[key];
      await putRun(tx, run);
      emit(runDataChange(runId, run.info.experimentId, { tags: [{ key }] }));
    });
  }

  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    return this.__read('read a metric history', ['runs', 'chunks', 'heads'], async (tx) => {
      const run = await getRunIn(tx, runId);
      return readSeriesFrom(tx, runId, key, run.series[key], 0);
    });
  }

  /** Reads only the chunks holding points from `fromIndex` on (see {@link readSeriesFrom}). */
  async getMetricHistoryFrom(runId: RunId, key: string, fromIndex: number): Promise<MetricSeries> {
    assertHistoryIndex(fromIndex);
    return this.__read('read a metric history', ['runs', 'chunks', 'heads'], async (tx) => {
      const run = await getRunIn(tx, runId);
      return readSeriesFrom(tx, runId, key, run.series[key], fromIndex);
    });
  }

  /** Searches the run cache (`run-cache.ts`); when many runs changed, then writes a new compact run index. */
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    return this.#searchCached(query, (page) => ({ ...page, items: page.items.map((row) => this.__cache.run(row)) }));
  }

  /** {@link IdbStore.searchRuns} with the page's runs packed, for the worker to transfer them. */
  searchRunsPacked(query: SearchRunsQuery): Promise<PackedRunPage> {
    return this.#searchCached(query, ({ items, ...rest }) => ({ ...rest, runs: this.__cache.pack(items) }));
  }

  /** Searches the cache, and turns the page into `T` with `take` in the same task (its rows are positions in the cache as it is then). */
  async #searchCached<T>(query: SearchRunsQuery, take: (page: Page<CachedRun>) => T): Promise<T> {
    this.#groups.startOpen();
    const db = await this.__guard('search runs', async () => {
      const opened = await this.__connection.get();
      await this.__cache.refresh(opened);
      return opened;
    });
    const taken = take(searchRows(this.__cache.runs(), query, this.__cache.fields));
    void this.#saveRunIndex(db, false);
    return taken;
  }

  // ------------------------------------------------------------------------------------- artifacts

  /** Shares a relaxed transaction with other run creations, batches and files (see `write-groups.ts`). */
  async putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    // A Blob is stored by reference and read lazily; bytes are copied into one so later changes
    // to the caller's array do not reach the store.
    const blob = data instanceof Blob ? data : new Blob([data.slice() as Uint8Array<ArrayBuffer>]);
    await this.#grouped({
      what: 'write an artifact',
      runIds: [runId],
      body: async (ctx, emit) => {
        const run = await ctx.run(runId);
        if (run === undefined) throw runNotFound(runId);
        assertRunActive(run.info);
        const paths = await ctx.artifactPaths(runId);
        treeOf([...paths].filter((p) => p !== path)).put(path, new Uint8Array(0));
        paths.add(path);
        issue(ctx.tx.objectStore('artifacts').put({ runId, path, size: blob.size, blob }));
        emit({ kind: 'artifacts', runId, path });
      },
    });
  }

  async listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    return this.__read('list artifacts', ['runs', 'artifacts'], async (tx) => {
      await getRunIn(tx, runId);
      return listArtifacts(await tx.objectStore('artifacts').getAll(runKeyRange(runId)), path);
    });
  }

  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    const record = await this.__read('read an artifact', ['runs', 'artifacts'], async (tx) => {
      await getRunIn(tx, runId);
      const found = await tx.objectStore('artifacts').get([runId, path]);
      if (found === undefined) throw artifactFileNotFound(runId, path);
      return found;
    });
    return this.__guard('read an artifact', async () => new Uint8Array(await record.blob.arrayBuffer()));
  }

  async deleteArtifact(runId: RunId, path: string): Promise<void> {
    await this.__write('delete an artifact', ['runs', 'artifacts'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      assertRunActive(run.info);
      const artifacts = tx.objectStore('artifacts');
      const paths = (await artifacts.getAllKeys(runKeyRange(runId))).map(([, p]) => p);
      await Promise.all(pathsToDelete(runId, paths, path).map((p) => artifacts.delete([runId, p])));
      emit({ kind: 'artifacts', runId, path });
    });
  }

  // ------------------------------------------------------------------------------------- lifecycle

  /** Subscribes to changes made through this store and, over `BroadcastChannel`, by other tabs. */
  subscribe(listener: StoreListener): () => void {
    return this.__events.subscribe(listener);
  }

  /**
   * Resolves once every write accepted so far has committed and a `durability: 'strict'`
   * transaction over all object stores, queued after them, has completed.
   */
  async flush(): Promise<void> {
    await this.#pending.settled();
    await this.__write('flush', ALL_STORES, 'strict', async (tx) => {
      await tx.objectStore('meta').put({ key: 'flush', value: Date.now() });
    });
    await this.#saveRunIndex(await this.__connection.get(), true);
  }

  /** How much the origin stores and may store (`navigator.storage.estimate()`), and whether it is persistent. */
  async storageEstimate(): Promise<StorageFigures> {
    return storageFigures();
  }

  /** Waits for pending writes, then closes the database and the change channel. */
  async close(): Promise<void> {
    await this.#pending.settled();
    this.__connection.close();
    this.__broadcast.close();
    this.__events.clear();
    this.__cache.clear();
    this.__tails.clear();
  }

  // --------------------------------------------------------------------------------------- helpers

  private async __setExperimentStage(experimentId: ExperimentId, stage: 'active' | 'deleted', deletedTime?: number): Promise<void> {
    const what = stage === 'deleted' ? 'delete an experiment' : 'restore an experiment';
    await this.__write(what, ['meta', 'experiments', 'runs'], 'strict', async (tx, emit) => {
      const experiment = await getExperimentIn(tx, experimentId);
      if (stage === 'deleted') assertExperimentActive(experiment, 'delete it');
      else assertExperimentRestorable(experiment);
      const now = deletedTime ?? Date.now();
      const from = stage === 'deleted' ? 'active' : 'deleted';
      const runs = await tx.objectStore('runs').index('experimentId').getAll(experimentId);
      const changed = runs.filter((r) => r.info.lifecycleStage === from);
      if (changed.length > 0) {
        const seq = await nextSeq(tx);
        await Promise.all(
          changed.map((run) => {
            run.info = { ...run.info, lifecycleStage: stage, deletedTime: stage === 'deleted' ? now : null };
            run.seq = seq;
            return tx.objectStore('runs').put(run);
          }),
        );
      }
      await tx.objectStore('experiments').put({ ...experiment, lifecycleStage: stage, lastUpdateTime: now });
      for (const run of changed) emit({ kind: 'run', runId: run.info.runId, experimentId });
      emit({ kind: 'experiment', experimentId });
    });
  }

  private async __updateInfo(what: string, runId: RunId, changes: Partial<RunInfo>): Promise<void> {
    await this.__write(what, ['meta', 'runs'], 'strict', async (tx, emit) => {
      const run = await getRunIn(tx, runId);
      run.info = { ...run.info, ...changes };
      await putRun(tx, run);
      emit({ kind: 'run', runId, experimentId: run.info.experimentId });
    });
  }

  /** A transaction on the current connection, reopening once when a version change closed it. */
  private async __transaction<Mode extends IDBTransactionMode>(stores: readonly Names[], mode: Mode, durability?: IDBTransactionDurability): Promise<Tx<Mode>> {
    for (let attempt = 0; ; attempt++) {
      const db: IDBPDatabase<EdgeflowDB> = await this.__connection.get();
      try {
        return db.transaction([...stores], mode, durability === undefined ? undefined : { durability }) as Tx<Mode>;
      } catch (error) {
        if (attempt > 0 || (error as { name?: unknown }).name !== 'InvalidStateError') throw error;
        this.__connection.drop(db);
      }
    }
  }

  /** Runs `body` in a readonly transaction; errors become EdgeflowErrors. */
  private __read<T>(what: string, stores: readonly Names[], body: (tx: Tx<'readonly'>) => Promise<T>): Promise<T> {
    this.#groups.startOpen();
    return this.__guard(what, async () => {
      const tx = await this.__transaction(stores, 'readonly');
      try {
        return await body(tx);
      } finally {
        tx.done.catch(() => undefined);
      }
    });
  }

  /**
   * Runs `body` in one readwrite transaction and resolves after it committed; on any failure the
   * transaction is aborted (nothing is written) and the error mapped. Changes `body` reports are
   * emitted only after the commit.
   */
  private __write<T>(
    what: string,
    stores: readonly Names[],
    durability: IDBTransactionDurability,
    body: (tx: Tx<'readwrite'>, emit: (change: StoreChange) => void) => Promise<T>,
  ): Promise<T> {
    this.#groups.startOpen();
    const operation = this.__guard(what, async () => {
      const changes: StoreChange[] = [];
      const tx = await this.__transaction(stores, 'readwrite', durability);
      let result: T;
      try {
        result = await body(tx, (change) => changes.push(change));
        await tx.done;
      } catch (error) {
        tx.done.catch(() => undefined);
        try {
          tx.abort();
        } catch {
          // already finished or aborting
        }
        // A request that failed aborts the transaction; every later request then fails with
        // AbortError. Report the root cause (e.g. QuotaExceededError, ConstraintError).
        throw isAbortError(error) && tx.error !== null ? tx.error : error;
      }
      this.__announce(changes);
      return result;
    });
    return this.#track(operation);
  }

  /** Queues a write that may share its transaction with others (see `write-groups.ts`). */
  #grouped<T>(write: GroupedWrite<T>): Promise<T> {
    return this.#track(this.#groups.submit(write));
  }

  /** Keeps `operation` among the pending writes that {@link IdbStore.flush} and `close` wait for. */
  #track<T>(operation: Promise<T>): Promise<T> {
    return this.#pending.track(operation);
  }

  /**
   * Brings the compact run index up to date when many runs changed since it was written (after
   * refreshing the cache when `refresh`). A cache only: a failure is ignored, as the next cold
   * search then reads the run records instead.
   */
  #saveRunIndex(db: IDBPDatabase<EdgeflowDB>, refresh: boolean): Promise<void> {
    const saved = (refresh ? this.__cache.refresh(db) : Promise.resolve()).then(() => this.__cache.saveIndex(db));
    return this.#track(saved.catch(() => undefined));
  }

  /** Tells local subscribers and, over `BroadcastChannel` in one message, other tabs about the changes of a commit. */
  private __announce(changes: readonly StoreChange[]): void {
    for (const change of changes) this.__events.emit(change);
    this.__broadcast.post(changes);
  }

  private async __guard<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw mapIdbError(error, what);
    }
  }
}

// ------------------------------------------------------------------------- transaction helpers

function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

async function getExperimentIn(tx: Tx<IDBTransactionMode>, experimentId: ExperimentId): Promise<Experiment> {
  const experiment = await tx.objectStore('experiments').get(experimentId);
  if (experiment === undefined) throw experimentNotFound(experimentId);
  return experiment;
}

/** The logged-model records of `modelIds` in this transaction (undefined when absent). */
async function readLoggedModels(tx: Tx<IDBTransactionMode>, modelIds: Iterable<string>): Promise<Map<string, LoggedModelRecord | undefined>> {
  const ids = [...modelIds];
  const found = await Promise.all(ids.map((id) => tx.objectStore('loggedModels').get(id)));
  return new Map(ids.map((id, i) => [id, found[i] === undefined ? undefined : reviveLoggedModelRecord(found[i])] as const));
}

async function assertNameFree(tx: Tx<IDBTransactionMode>, name: string): Promise<void> {
  assertExperimentNameFree(name, await tx.objectStore('experiments').index('name').get(name));
}

/** A working copy of a stored run (null-prototype dicts). */
async function getRunIn(tx: Tx<IDBTransactionMode>, runId: RunId): Promise<StoredRun> {
  const run = await tx.objectStore('runs').get(runId);
  if (run === undefined) throw runNotFound(runId);
  return cloneStoredRun(run);
}

/**
 * Issues a write request without waiting for it: a failure aborts the transaction, and the
 * transaction's own error (the root cause) is what `__write` reports. Saves one round trip to the
 * database per write.
 */
function issue(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

/** Bumps the change counter and returns the new value. */
async function nextSeq(tx: Tx<'readwrite'>): Promise<number> {
  const seq = await readNextSeq(tx);
  issue(tx.objectStore('meta').put({ key: 'seq', value: seq }));
  return seq;
}

/** Writes `run` stamped with `seq` (read with {@link readNextSeq} in this transaction) and the counter. */
function writeRun(tx: Tx<'readwrite'>, run: StoredRun, seq: number): void {
  run.seq = seq;
  issue(tx.objectStore('meta').put({ key: 'seq', value: seq }));
  issue(tx.objectStore('runs').put(run));
}

async function putRun(tx: Tx<'readwrite'>, run: StoredRun): Promise<void> {
  writeRun(tx, run, await readNextSeq(tx));
}

async function markPurge(tx: Tx<'readwrite'>): Promise<void> {
  const seq = await nextSeq(tx);
  await tx.objectStore('meta').put({ key: 'purgeSeq', value: seq });
}

async function deleteRunData(tx: Tx<'readwrite'>, runId: RunId): Promise<void> {
  await Promise.all([
    tx.objectStore('runs').delete(runId),
    tx.objectStore('chunks').delete(runKeyRange(runId)),
    tx.objectStore('heads').delete(runId),
    tx.objectStore('artifacts').delete(runKeyRange(runId)),
  ]);
}
