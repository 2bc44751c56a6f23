/**
 * The page side of the IndexedDB store: a {@link Store} whose every method is one message to the
 * worker that owns the database. Nothing here waits per metric point: the client's logging queue
 * already packs points into per-key `Float64Array` columns, and {@link RemoteStore.logBatch}
 * moves their buffers to the worker (transfer, not copy). Histories and artifact bytes come back
 * the same way. Change events arrive on a `MessagePort`.
 * @module
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { Experiment, FileInfo, KeyValue, MetricColumns, MetricSeries, Page, Run, RunInfo } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { ModelStage, ModelVersion, RegisteredModel, RegisteredModelRecord } from '../../core/registry/entities.js';
import type { CreateModelVersionInput, CreateRegisteredModelInput, RegistryStore } from '../../core/registry/registry-store.js';
import type { RegistrySearchQuery } from '../../core/registry/search.js';
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
import { ChangeEmitter } from '../change-emitter.js';
import { installTransferHandlers } from '../wire/transfer-handlers.js';
import { reviveModelVersion, reviveRegisteredModel, reviveRegisteredModelRecord, reviveRun, toExperiment } from './records.js';
import type { StorageFigures } from './storage-figures.js';
import type { IdbWorkerApi, RegistryMethod } from './worker-api.js';

installTransferHandlers();

const CAPABILITIES: StoreCapabilities = { readOnly: false, atomicBatches: true, crossContextEvents: true, orderedWrites: true, snapshots: true };

/** A {@link Store} backed by an `IdbStore` in a dedicated worker. */
export class RemoteStore implements Store {
  readonly capabilities = CAPABILITIES;
  /** The worker store's model registry: every method is one message to the worker. */
  readonly registry: RegistryStore;
  private readonly __events = new ChangeEmitter();
  private readonly __port: MessagePort;
  private readonly __onHide: () => void;
  private __closed = false;

  private constructor(
    /** The database name. */
    readonly name: string,
    private readonly __worker: Worker,
    private readonly __remote: Remote<IdbWorkerApi>,
  ) {
    this.registry = new RemoteRegistry((method, args) => this.__call((r) => r.callRegistry(method, args)));
    const { port1, port2 } = new MessageChannel();
    this.__port = port1;
    port1.onmessage = (event: MessageEvent<StoreChange>) => this.__events.emit(event.data);
    this.__remote.attachEvents(transfer(port2, [port2])).catch(() => undefined);
    // Commit what the worker holds when the page may be going away (bfcache, tab close, app switch).
    this.__onHide = () => {
      if (!this.__closed) this.__remote.flush().catch(() => undefined);
    };
    if (typeof addEventListener === 'function') addEventListener('pagehide', this.__onHide);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.__onVisibility);
  }

  /**
   * Opens database `name` in `worker` (a worker running `idb.worker.js`). Rejects when the worker
   * fails to start or the database cannot be opened; the worker is then terminated.
   */
  static async open(worker: Worker, name: string): Promise<RemoteStore> {
    const remote = wrap<IdbWorkerApi>(worker);
    let onError: ((event: ErrorEvent) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      onError = (event: ErrorEvent) =>
        reject(EdgeflowError.internalError(`The IndexedDB worker failed to start: ${event.message || 'script error'}.`, event.error));
      worker.addEventListener('error', onError);
    });
    try {
      await Promise.race([remote.open({ name }), failed]);
    } catch (error) {
      remote[releaseProxy]();
      worker.terminate();
      throw error;
    } finally {
      worker.removeEventListener('error', onError!);
    }
    return new RemoteStore(name, worker, remote);
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

  async createRun(input: CreateRunInput): Promise<Run> {
    return reviveRun(await this.__call((r) => r.createRun(input)));
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
   * Sends the batch to the worker in one message. **The metric columns are moved**: when an array
   * spans its whole buffer, that buffer is transferred and the caller's array is detached (length
   * 0) afterwards; arrays that view part of a buffer, or share one, are copied first. The client's
   * logging queue hands over fresh arrays, so nothing it keeps is affected.
   */
  logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    const { metrics, buffers } = movableColumns(batch.metrics ?? []);
    const message: LogBatchInput = { metrics, params: batch.params ?? [], tags: batch.tags ?? [] };
    return this.__call((r) => r.logBatch(runId, transfer(message, buffers)));
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
  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const page = await this.__call((r) => r.searchRuns(query));
    return { ...page, items: page.items.map(reviveRun) };
  }

  // ------------------------------------------------------------------------------------- artifacts

  /** Bytes are copied into a Blob (which crosses to the worker by reference); the caller's array is untouched. */
  putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    const blob = data instanceof Blob ? data : new Blob([data.slice() as Uint8Array<ArrayBuffer>]);
    return this.__call((r) => r.putArtifact(runId, path, blob));
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
      await this.__remote.close();
    } finally {
      this.__remote[releaseProxy]();
      this.__port.close();
      this.__worker.terminate();
      this.__events.clear();
    }
  }

  private readonly __onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.__onHide();
  };

  private __call<T>(call: (remote: Remote<IdbWorkerApi>) => Promise<T>): Promise<T> {
    if (this.__closed) return Promise.reject(EdgeflowError.invalidState(`The IndexedDB store "${this.name}" is closed.`));
    return call(this.__remote);
  }
}

type RegistryResult<M extends RegistryMethod> = Awaited<ReturnType<RegistryStore[M]>>;

/** Sends one registry call to the worker. */
type RegistryCall = (method: RegistryMethod, args: readonly unknown[]) => Promise<unknown>;

/**
 * The page side of the worker store's registry: each method is one `callRegistry` message. Errors
 * arrive intact (the transfer handlers); dicts in results are rebuilt as null-prototype objects.
 */
class RemoteRegistry implements RegistryStore {
  constructor(private readonly __send: RegistryCall) {}

  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    return this.__call('createRegisteredModel', [input]).then(reviveRegisteredModel);
  }
  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.__call('getRegisteredModel', [name]).then(reviveRegisteredModel);
  }
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.__call('renameRegisteredModel', [name, newName]).then(reviveRegisteredModel);
  }
  updateRegisteredModel(name: string, description: string | null): Promise<RegisteredModel> {
    return this.__call('updateRegisteredModel', [name, description]).then(reviveRegisteredModel);
  }
  deleteRegisteredModel(name: string): Promise<void> {
    return this.__call('deleteRegisteredModel', [name]);
  }
  async searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    const page = await this.__call('searchRegisteredModels', [query]);
    return { ...page, items: page.items.map(reviveRegisteredModel) };
  }
  setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    return this.__call('setRegisteredModelTag', [name, tag]);
  }
  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.__call('deleteRegisteredModelTag', [name, key]);
  }
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return this.__call('createModelVersion', [input]).then(reviveModelVersion);
  }
  getModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.__call('getModelVersion', [name, version]).then(reviveModelVersion);
  }
  updateModelVersion(name: string, version: number, description: string | null): Promise<ModelVersion> {
    return this.__call('updateModelVersion', [name, version, description]).then(reviveModelVersion);
  }
  deleteModelVersion(name: string, version: number): Promise<void> {
    return this.__call('deleteModelVersion', [name, version]);
  }
  transitionModelVersionStage(name: string, version: number, stage: ModelStage, archiveExistingVersions: boolean): Promise<ModelVersion> {
    return this.__call('transitionModelVersionStage', [name, version, stage, archiveExistingVersions]).then(reviveModelVersion);
  }
  setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void> {
    return this.__call('setModelVersionTag', [name, version, tag]);
  }
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.__call('deleteModelVersionTag', [name, version, key]);
  }
  async getLatestVersions(name: string, stages?: readonly ModelStage[]): Promise<ModelVersion[]> {
    return (await this.__call('getLatestVersions', stages === undefined ? [name] : [name, stages])).map(reviveModelVersion);
  }
  async searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    const page = await this.__call('searchModelVersions', [query]);
    return { ...page, items: page.items.map(reviveModelVersion) };
  }
  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    return this.__call('setRegisteredModelAlias', [name, alias, version]);
  }
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    return this.__call('deleteRegisteredModelAlias', [name, alias]);
  }
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.__call('getModelVersionByAlias', [name, alias]).then(reviveModelVersion);
  }
  importRegisteredModels(records: readonly RegisteredModelRecord[]): Promise<void> {
    return this.__call('importRegisteredModels', [records]);
  }
  async exportRegisteredModels(names?: readonly string[]): Promise<RegisteredModelRecord[]> {
    return (await this.__call('exportRegisteredModels', names === undefined ? [] : [names])).map(reviveRegisteredModelRecord);
  }

  /** The typed call: the arguments of `method`, its result as the worker returns it. */
  private __call<M extends RegistryMethod>(method: M, args: Parameters<RegistryStore[M]>): Promise<RegistryResult<M>> {
    return this.__send(method, args) as Promise<RegistryResult<M>>;
  }
}

/** Columns whose buffers can be transferred, and those buffers (each once). */
function movableColumns(metrics: readonly MetricColumns[]): { metrics: MetricColumns[]; buffers: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>();
  const own = (array: Float64Array): Float64Array => {
    const buffer = array.buffer;
    if (buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength && !buffers.has(buffer)) {
      if (buffer.byteLength > 0) buffers.add(buffer);
      return array;
    }
    const copy = array.slice();
    buffers.add(copy.buffer);
    return copy;
  };
  const out = metrics.map((m) => ({ key: m.key, steps: own(m.steps), timestamps: own(m.timestamps), values: own(m.values) }));
  return { metrics: out, buffers: [...buffers] };
}
