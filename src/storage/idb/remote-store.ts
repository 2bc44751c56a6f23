/**
 * The page side of the IndexedDB store: a {@link Store} whose every method is one message to the
 * worker that owns the database. Nothing here waits per metric point: the client's logging queue
 * already packs points into per-key `Float64Array` columns, and {@link RemoteStore.logBatch}
 * copies them once and moves the copies' buffers to the worker (transfer), which moves them back
 * once written, for the copies of later batches. Histories and artifact bytes come back transferred. Change events arrive on a `MessagePort`.
 *
 * When the worker dies (crash, or terminated: see `worker-connection.ts`), every call in flight
 * rejects with `INTERNAL_ERROR` (`details.resendable`), and the next call starts a new worker on
 * the same database — when the store was opened with a worker factory, as `openIdbStore()` does.
 * @module
 */
import { transfer, type Remote } from 'comlink';
import type { Experiment, FileInfo, KeyValue, MetricSeries, Page, Run, RunInfo } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { ModelStage, ModelVersion, RegisteredModel, RegisteredModelRecord } from '../../core/registry/entities.js';
import type { CreateModelVersionInput, CreateRegisteredModelInput, RegistryStore } from '../../core/registry/registry-store.js';
import type { RegistrySearchQuery } from '../../core/registry/search.js';
import type { LoggedModelStore } from '../../core/logged-models/logged-model-store.js';
import type { ModelOutput } from '../../core/datasets/entities.js';
import { packColumns, type WireBatch } from './batch-wire.js';
import { RemoteLoggedModels } from './remote-logged-models.js';
import { unpackRuns } from './run-table.js';
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
  StoreListener,
  UpdateRunInput,
} from '../../core/store.js';
import { ChangeEmitter } from '../change-emitter.js';
import { deserializeThrown, installTransferHandlers } from '../wire/transfer-handlers.js';
import type { LogInputsInput } from '../../core/datasets/entities.js';
import { reviveModelVersion, reviveRegisteredModel, reviveRegisteredModelRecord, reviveRun, toExperiment } from './records.js';
import type { StorageFigures } from './storage-figures.js';
import { TRANSFER_MIN_NUMBERS } from './schema.js';
import type { IdbWorkerApi, WriteCall, WriteOutcome } from './worker-api.js';
import { WorkerConnection, type WorkerConnectionOptions } from './worker-connection.js';

installTransferHandlers();

const CAPABILITIES: StoreCapabilities = { readOnly: false, atomicBatches: true, crossContextEvents: true, orderedWrites: true, copiesBatches: true, snapshots: true };

/** A {@link Store} backed by an `IdbStore` in a dedicated worker. */
export class RemoteStore implements Store {
  readonly capabilities = CAPABILITIES;
  /** The worker store's model registry: every method is one message to the worker. */
  readonly registry: RegistryStore;
  /** The worker store's MLflow 3 logged models: every method is one message to the worker. */
  readonly loggedModels: LoggedModelStore;
  private readonly __events: ChangeEmitter;
  readonly #spawn: (() => Worker) | undefined;
  readonly #options: WorkerConnectionOptions;
  private readonly __onHide: () => void;
  private __closed = false;
  /** The worker's current life; replaced by the next call after it stopped. */
  #connection: WorkerConnection;
  #restarting: Promise<WorkerConnection> | undefined;
  /** Run creations, batches and files called in this task, sent together at its end (or before any other call). */
  /** Buffers for the copies of batches' columns (the worker gives them back). */
  readonly #spare = new SpareBuffers();
  #writes: { readonly call: WriteCall; readonly buffers: ArrayBuffer[]; readonly settle: (outcome: WriteOutcome) => void; readonly fail: (error: unknown) => void }[] = [];

  private constructor(
    /** The database name. */
    readonly name: string,
    connection: WorkerConnection,
    spawn: (() => Worker) | undefined,
    events: ChangeEmitter,
    options: WorkerConnectionOptions,
  ) {
    this.#connection = connection;
    this.#spawn = spawn;
    this.#options = options;
    this.__events = events;
    this.registry = new RemoteRegistry((call) => this.__call((r) => call(r.registry)));
    this.loggedModels = new RemoteLoggedModels((call) => this.__call((r) => call(r.loggedModels)));
    // Commit what the worker holds when the page may be going away (bfcache, tab close, app switch).
    this.__onHide = () => {
      if (!this.__closed && this.#connection.stopped === undefined) this.#connection.call((r) => r.flush()).catch(() => undefined);
    };
    if (typeof addEventListener === 'function') addEventListener('pagehide', this.__onHide);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.__onVisibility);
  }

  /**
   * Opens database `name` in a worker running `idb.worker.js`. Given a factory, the store starts a
   * new worker with it whenever the current one stopped; given a worker, a stopped worker leaves
   * the store failing with `INVALID_STATE`. Rejects when the worker fails to start or the database
   * cannot be opened; the worker is then terminated.
   */
  static async open(worker: Worker | (() => Worker), name: string, options: WorkerConnectionOptions = {}): Promise<RemoteStore> {
    const spawn = typeof worker === 'function' ? worker : undefined;
    const events = new ChangeEmitter();
    const connection = await WorkerConnection.start(spawn?.() ?? (worker as Worker), name, (change) => events.emit(change), options);
    return new RemoteStore(name, connection, spawn, events, options);
  }

  /** @internal The worker of the current connection (tests terminate it). */
  get _$worker(): Worker {
    return this.#connection.worker;
  }

  // ----------------------------------------------------------------------------------- experiments

  createExperiment(input: CreateExperimentInput): Promise<ExperimentId> {
    return this.__call((r) => r.createExperiment(input));
  }
  async getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    return toExperiment(await this.__call((r) => r.getExperiment(experimentId)));
  }
  async getExperimentByName(name: string): Promise<Experiment | null> {
    const found = await this.__call((r) => r.getExperimentByName(name));
    return found === null ? null : toExperiment(found);
  }
  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    const page = await this.__call((r) => r.searchExperiments(query));
    return { ...page, items: page.items.map(toExperiment) };
  }
  renameExperiment(experimentId: ExperimentId, newName: string): Promise<void> {
    return this.__call((r) => r.renameExperiment(experimentId, newName));
  }
  deleteExperiment(experimentId: ExperimentId, options?: DeleteOptions): Promise<void> {
    return this.__call((r) => r.deleteExperiment(experimentId, options));
  }
  restoreExperiment(experimentId: ExperimentId): Promise<void> {
    return this.__call((r) => r.restoreExperiment(experimentId));
  }
  setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void> {
    return this.__call((r) => r.setExperimentTag(experimentId, tag));
  }
  deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void> {
    return this.__call((r) => r.deleteExperimentTag(experimentId, key));
  }
  purgeExperiment(experimentId: ExperimentId): Promise<void> {
    return this.__call((r) => r.purgeExperiment(experimentId));
  }

  // ------------------------------------------------------------------------------------------ runs

  /** Sent with the other run creations and batches called in the same task, in one message. */
  async createRun(input: CreateRunInput): Promise<Run> {
    const outcome = await this.#write({ kind: 'createRun', input }, []);
    return reviveRun(outcome.run!);
  }
  async getRun(runId: RunId): Promise<Run> {
    return reviveRun(await this.__call((r) => r.getRun(runId)));
  }
  async updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo> {
    return Object.freeze(await this.__call((r) => r.updateRun(runId, update)));
  }
  deleteRun(runId: RunId, options?: DeleteOptions): Promise<void> {
    return this.__call((r) => r.deleteRun(runId, options));
  }
  restoreRun(runId: RunId): Promise<void> {
    return this.__call((r) => r.restoreRun(runId));
  }
  purgeRun(runId: RunId): Promise<void> {
    return this.__call((r) => r.purgeRun(runId));
  }

  /**
   * Sends the batch to the worker in one message. The metric columns are copied once, into one
   * array (`batch-wire.ts`); when large, into a buffer an earlier batch's columns came back in (when
   * there is one), and moved (transferred). The caller's arrays stay intact, so a batch can be sent
   * again after its worker stopped (with the same `batchId`, it is written once). Sent with the
   * other run creations and batches called in the same task, in one message.
   */
  async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    const columns = packColumns(batch.metrics ?? [], (length) => (length >= TRANSFER_MIN_NUMBERS ? this.#spare.take(length) : new Float64Array(length)));
    const buffers = columns.points.length >= TRANSFER_MIN_NUMBERS ? [columns.points.buffer] : [];
    const message: WireBatch = {
      columns,
      params: batch.params ?? [],
      tags: batch.tags ?? [],
      ...(batch.batchId === undefined ? {} : { batchId: batch.batchId }),
    };
    await this.#write({ kind: 'logBatch', runId, batch: message }, buffers);
  }

  /**
   * Queues a write for the next {@link RemoteStore.#sendWrites}; rejects with what it threw in the
   * worker. A write that transfers columns is sent at once, with the writes queued before it: the
   * worker then starts on a large batch while the caller's task goes on (a synchronous training loop
   * would otherwise hold every batch until it ends), and grouping it saves nothing.
   */
  #write(call: WriteCall, buffers: ArrayBuffer[]): Promise<WriteOutcome & { ok: true }> {
    return new Promise((resolve, reject) => {
      const settle = (outcome: WriteOutcome): void => (outcome.ok ? resolve(outcome) : reject(deserializeThrown(outcome.error)));
      this.#writes.push({ call, buffers, settle, fail: reject });
      if (buffers.length > 0) this.#sendWrites();
      else if (this.#writes.length === 1) queueMicrotask(() => this.#sendWrites());
    });
  }

  /** Sends the queued writes in one message, keeping their order among all calls. */
  #sendWrites(): void {
    const writes = this.#writes;
    if (writes.length === 0) return;
    this.#writes = [];
    const calls = writes.map((w) => w.call);
    this.__call((r) => r.writeMany(transfer(calls, writes.flatMap((w) => w.buffers)))).then(
      ({ outcomes, spare }) => {
        this.#spare.add(spare);
        outcomes.forEach((outcome, i) => writes[i]!.settle(outcome));
      },
      (error: unknown) => {
        for (const w of writes) w.fail(error);
      },
    );
  }
  logInputs(runId: RunId, inputs: LogInputsInput): Promise<void> {
    return this.__call((r) => r.logInputs(runId, inputs));
  }

  logOutputs(runId: RunId, outputs: readonly ModelOutput[]): Promise<void> {
    return this.__call((r) => r.logOutputs(runId, outputs));
  }
  deleteTag(runId: RunId, key: string): Promise<void> {
    return this.__call((r) => r.deleteTag(runId, key));
  }
  /** The columns arrive transferred from the worker (no copy). */
  getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    return this.__call((r) => r.getMetricHistory(runId, key));
  }
  /** Only the tail is read and sent; its columns arrive transferred from the worker. */
  getMetricHistoryFrom(runId: RunId, key: string, fromIndex: number): Promise<MetricSeries> {
    return this.__call((r) => r.getMetricHistoryFrom(runId, key, fromIndex));
  }
  /** The page's runs arrive packed, their buffers transferred, and are built here once. */
  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const { runs, ...rest } = await this.__call((r) => r.searchRunsPacked(query));
    const items = unpackRuns(runs);
    if (items === undefined) throw EdgeflowError.invalidState('The IndexedDB worker answered a search in a layout this page does not read (mixed edgeflow versions?).');
    return { ...rest, items };
  }

  // ------------------------------------------------------------------------------------- artifacts

  /**
   * Bytes are copied (the caller's array is untouched) and the worker makes the Blob it stores; a
   * Blob crosses by reference. Sent with the other run creations, batches and files called in the
   * same task.
   */
  async putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    const own = data instanceof Blob ? data : data.slice();
    const buffers = own instanceof Uint8Array && own.length >= TRANSFER_MIN_BYTES ? [own.buffer as ArrayBuffer] : [];
    await this.#write({ kind: 'putArtifact', runId, path, data: own }, buffers);
  }
  listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    return this.__call((r) => r.listArtifacts(runId, path));
  }
  getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    return this.__call((r) => r.getArtifact(runId, path));
  }
  deleteArtifact(runId: RunId, path: string): Promise<void> {
    return this.__call((r) => r.deleteArtifact(runId, path));
  }

  // ------------------------------------------------------------------------------------- lifecycle

  /** Subscribes to changes made through this store and, over `BroadcastChannel`, in other tabs. */
  subscribe(listener: StoreListener): () => void {
    return this.__events.subscribe(listener);
  }

  /** Resolves after the worker's strict-durability flush transaction completed (see `IdbStore.flush`). */
  flush(): Promise<void> {
    this.#spare.clear();
    return this.__call((r) => r.flush());
  }

  /** `navigator.storage` figures of the origin. */
  storageEstimate(): Promise<StorageFigures> {
    return this.__call((r) => r.storageEstimate());
  }

  /** Lets the worker finish pending writes and close the database, then terminates it. */
  async close(): Promise<void> {
    if (this.__closed) return;
    this.__closed = true;
    if (typeof removeEventListener === 'function') removeEventListener('pagehide', this.__onHide);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.__onVisibility);
    try {
      await this.#restarting?.catch(() => undefined);
      await this.#connection.close();
    } finally {
      this.__events.clear();
    }
  }

  private readonly __onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.__onHide();
  };

  private __call<T>(call: (remote: Remote<IdbWorkerApi>) => Promise<T>): Promise<T> {
    this.#sendWrites();
    if (this.__closed) return Promise.reject(EdgeflowError.invalidState(`The IndexedDB store "${this.name}" is closed.`));
    if (this.#connection.stopped === undefined) return this.#connection.call(call);
    return this.#restart().then((connection) => connection.call(call));
  }

  /** One new worker for every call made while the last one is stopped (calls keep their order). */
  #restart(): Promise<WorkerConnection> {
    if (this.#spawn === undefined) {
      return Promise.reject(
        EdgeflowError.invalidState(
          `The IndexedDB worker of "${this.name}" stopped, and this RemoteStore was opened with a Worker, not a factory, so it cannot start another. Open the store again (openIdbStore does this by itself).`,
        ),
      );
    }
    const spawn = this.#spawn;
    this.#restarting ??= WorkerConnection.start(spawn(), this.name, (change) => this.__events.emit(change), this.#options)
      .then((connection) => {
        if (this.__closed) void connection.close();
        this.#connection = connection;
        return connection;
      })
      .finally(() => {
        this.#restarting = undefined;
      });
    return this.#restarting;
  }
}

/** Sends one call to the worker's registry (through the store's connection, so dead-worker handling applies). */
type RegistryCall = <T>(call: (registry: Remote<IdbWorkerApi>['registry']) => Promise<T>) => Promise<T>;

/**
 * The page side of the worker store's registry: each method is one message to the worker's registry. Errors
 * arrive intact (the transfer handlers); dicts in results are rebuilt as null-prototype objects.
 */
class RemoteRegistry implements RegistryStore {
  readonly #send: RegistryCall;

  constructor(send: RegistryCall) {
    this.#send = send;
  }

  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    return this.#send((r) => r.createRegisteredModel(input)).then(reviveRegisteredModel);
  }
  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.#send((r) => r.getRegisteredModel(name)).then(reviveRegisteredModel);
  }
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.#send((r) => r.renameRegisteredModel(name, newName)).then(reviveRegisteredModel);
  }
  updateRegisteredModel(name: string, description: string | null): Promise<RegisteredModel> {
    return this.#send((r) => r.updateRegisteredModel(name, description)).then(reviveRegisteredModel);
  }
  deleteRegisteredModel(name: string): Promise<void> {
    return this.#send((r) => r.deleteRegisteredModel(name));
  }
  async searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    const page = await this.#send((r) => r.searchRegisteredModels(query));
    return { ...page, items: page.items.map(reviveRegisteredModel) };
  }
  setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    return this.#send((r) => r.setRegisteredModelTag(name, tag));
  }
  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.#send((r) => r.deleteRegisteredModelTag(name, key));
  }
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return this.#send((r) => r.createModelVersion(input)).then(reviveModelVersion);
  }
  getModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.#send((r) => r.getModelVersion(name, version)).then(reviveModelVersion);
  }
  updateModelVersion(name: string, version: number, description: string | null): Promise<ModelVersion> {
    return this.#send((r) => r.updateModelVersion(name, version, description)).then(reviveModelVersion);
  }
  deleteModelVersion(name: string, version: number): Promise<void> {
    return this.#send((r) => r.deleteModelVersion(name, version));
  }
  transitionModelVersionStage(name: string, version: number, stage: ModelStage, archiveExistingVersions: boolean): Promise<ModelVersion> {
    return this.#send((r) => r.transitionModelVersionStage(name, version, stage, archiveExistingVersions)).then(reviveModelVersion);
  }
  setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void> {
    return this.#send((r) => r.setModelVersionTag(name, version, tag));
  }
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.#send((r) => r.deleteModelVersionTag(name, version, key));
  }
  async getLatestVersions(name: string, stages?: readonly ModelStage[]): Promise<ModelVersion[]> {
    return (await this.#send((r) => (stages === undefined ? r.getLatestVersions(name) : r.getLatestVersions(name, stages)))).map(reviveModelVersion);
  }
  async searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    const page = await this.#send((r) => r.searchModelVersions(query));
    return { ...page, items: page.items.map(reviveModelVersion) };
  }
  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    return this.#send((r) => r.setRegisteredModelAlias(name, alias, version));
  }
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    return this.#send((r) => r.deleteRegisteredModelAlias(name, alias));
  }
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.#send((r) => r.getModelVersionByAlias(name, alias)).then(reviveModelVersion);
  }
  importRegisteredModels(records: readonly RegisteredModelRecord[]): Promise<void> {
    return this.#send((r) => r.importRegisteredModels(records));
  }
  async exportRegisteredModels(names?: readonly string[]): Promise<RegisteredModelRecord[]> {
    return (await this.#send((r) => (names === undefined ? r.exportRegisteredModels() : r.exportRegisteredModels(names)))).map(reviveRegisteredModelRecord);
  }
}

/** Artifact bytes shorter than this are cloned with the message instead of transferred (as `TRANSFER_MIN_NUMBERS`). */
const TRANSFER_MIN_BYTES = 64 * 1024;
/** Most spare column buffers a store keeps (see {@link SpareBuffers}). */
const MAX_SPARE_BUFFERS = 48;

/**
 * Column buffers the worker gave back after writing their batches, for the copies of later
 * batches: writing memory used before costs a fraction of writing new memory (which the system
 * maps and zeroes page by page). Dropped on `flush()`, when logging likely pauses.
 */
class SpareBuffers {
  #buffers: ArrayBuffer[] = [];

  /** Keeps `buffers` (up to {@link MAX_SPARE_BUFFERS} in all). */
  add(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) if (this.#buffers.length < MAX_SPARE_BUFFERS) this.#buffers.push(buffer);
  }

  /** An array of `length` numbers: over the smallest spare buffer that holds them (taken out of the spares), else new. */
  take(length: number): Float64Array<ArrayBuffer> {
    const bytes = length * Float64Array.BYTES_PER_ELEMENT;
    let best = -1;
    this.#buffers.forEach((buffer, i) => {
      if (buffer.byteLength >= bytes && (best < 0 || buffer.byteLength < this.#buffers[best]!.byteLength)) best = i;
    });
    return best < 0 ? new Float64Array(length) : new Float64Array(this.#buffers.splice(best, 1)[0]!, 0, length);
  }

  clear(): void {
    this.#buffers = [];
  }
}
