/**
 * The one object the IndexedDB worker exposes with comlink: an {@link IdbStore} behind coarse,
 * batch-sized methods. Metric histories and artifact bytes go back to the page transferred (moved,
 * not copied); change events go to the page on a `MessagePort`.
 * @module
 */
import { proxy, transfer, type ProxyMarked } from 'comlink';
import type { Experiment, FileInfo, KeyValue, MetricSeries, Page, Run, RunInfo } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { RegistryStore } from '../../core/registry/registry-store.js';
import type {
  ArtifactData,
  CreateExperimentInput,
  CreateRunInput,
  DeleteOptions,
  LogBatchInput,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Store,
  StoreChange,
  UpdateRunInput,
} from '../../core/store.js';
import { IdbStore } from './idb-store.js';
import type { StorageFigures } from './storage-figures.js';

/** Options the page sends when it opens the worker's store. */
export interface WorkerOpenOptions {
  readonly name: string;
  /**
   * A Web Lock the worker holds for its whole life: the page asks for the same lock and is granted
   * it when the worker is gone (see `worker-connection.ts`).
   */
  readonly lockName?: string;
}

/** Members of {@link Store} that stay on the page: capabilities, and change events (sent on a port). */
type PageSideMember = 'capabilities' | 'subscribe' | 'registry';

/** Every method of {@link Store} the worker answers, each required (the worker's `IdbStore` has them all). */
export type WorkerStoreMethods = { [K in Exclude<keyof Store, PageSideMember>]-?: NonNullable<Store[K]> };

/**
 * What the worker exposes, derived from {@link Store}: every store method (so a method added to
 * `Store` and not forwarded is a compile error), the model registry as a nested object (comlink
 * calls `remote.registry.method(…)` on it), and the worker's own life cycle.
 */
export interface WorkerStore extends WorkerStoreMethods {
  readonly registry: RegistryStore;
  open(options: WorkerOpenOptions): Promise<void>;
  attachEvents(port: MessagePort): void;
  storageEstimate(): Promise<StorageFigures>;
}

/** The worker side of `RemoteStore`. */
export class IdbWorkerApi implements WorkerStore {
  private __store: IdbStore | undefined;
  private __unsubscribe: (() => void) | undefined;
  /** A failure the next `logBatch` simulates (test hook {@link IdbWorkerApi._$fail}). */
  #failure: WorkerFailure | undefined;

  /** Opens the database (creating or upgrading it), then takes the liveness lock if asked to. */
  async open(options: WorkerOpenOptions): Promise<void> {
    if (this.__store !== undefined) throw EdgeflowError.invalidState('This worker already opened a store.');
    this.__store = await new IdbStore({ name: options.name }).open();
    const { lockName } = options;
    if (lockName !== undefined) {
      await new Promise<void>((held) => {
        void navigator.locks.request(lockName, () => {
          held();
          return new Promise<never>(() => undefined);
        });
      });
    }
  }

  /** Posts every change (this store's and other tabs') on `port`. */
  attachEvents(port: MessagePort): void {
    this.__unsubscribe?.();
    this.__unsubscribe = this.__s.subscribe((change: StoreChange) => port.postMessage(change));
  }

  createExperiment(input: CreateExperimentInput): Promise<ExperimentId> {
    return this.__s.createExperiment(input);
  }
  getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    return this.__s.getExperiment(experimentId);
  }
  getExperimentByName(name: string): Promise<Experiment | null> {
    return this.__s.getExperimentByName(name);
  }
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    return this.__s.searchExperiments(query);
  }
  renameExperiment(experimentId: ExperimentId, newName: string): Promise<void> {
    return this.__s.renameExperiment(experimentId, newName);
  }
  deleteExperiment(experimentId: ExperimentId, options?: DeleteOptions): Promise<void> {
    return this.__s.deleteExperiment(experimentId, options);
  }
  restoreExperiment(experimentId: ExperimentId): Promise<void> {
    return this.__s.restoreExperiment(experimentId);
  }
  setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void> {
    return this.__s.setExperimentTag(experimentId, tag);
  }
  deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void> {
    return this.__s.deleteExperimentTag(experimentId, key);
  }
  purgeExperiment(experimentId: ExperimentId): Promise<void> {
    return this.__s.purgeExperiment(experimentId);
  }
  createRun(input: CreateRunInput): Promise<Run> {
    return this.__s.createRun(input);
  }
  getRun(runId: RunId): Promise<Run> {
    return this.__s.getRun(runId);
  }
  updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo> {
    return this.__s.updateRun(runId, update);
  }
  deleteRun(runId: RunId, options?: DeleteOptions): Promise<void> {
    return this.__s.deleteRun(runId, options);
  }
  restoreRun(runId: RunId): Promise<void> {
    return this.__s.restoreRun(runId);
  }
  purgeRun(runId: RunId): Promise<void> {
    return this.__s.purgeRun(runId);
  }
  /** The batch's column buffers arrive transferred from the page. */
  async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure === 'crash-in-next-batch') return crash();
    await this.__s.logBatch(runId, batch);
    if (failure === 'exit-after-next-batch') {
      self.close();
      return new Promise<never>(() => undefined);
    }
  }
  deleteTag(runId: RunId, key: string): Promise<void> {
    return this.__s.deleteTag(runId, key);
  }
  /** The columns are transferred to the page. */
  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    const series = await this.__s.getMetricHistory(runId, key);
    return transfer(series, uniqueBuffers([series.steps, series.timestamps, series.values]));
  }
  /** The tail columns are transferred to the page. */
  async getMetricHistoryFrom(runId: RunId, key: string, fromIndex: number): Promise<MetricSeries> {
    const series = await this.__s.getMetricHistoryFrom(runId, key, fromIndex);
    return transfer(series, uniqueBuffers([series.steps, series.timestamps, series.values]));
  }
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    return this.__s.searchRuns(query);
  }
  putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    return this.__s.putArtifact(runId, path, data);
  }
  listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    return this.__s.listArtifacts(runId, path);
  }
  /** The bytes are transferred to the page. */
  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    const bytes = await this.__s.getArtifact(runId, path);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  }
  deleteArtifact(runId: RunId, path: string): Promise<void> {
    return this.__s.deleteArtifact(runId, path);
  }
  /**
   * The store's model registry. The page calls its methods through comlink
   * (`remote.registry.createModelVersion(…)`: one message each); marked as a proxy, it is never cloned.
   */
  get registry(): RegistryStore & ProxyMarked {
    return proxy(this.__s.registry);
  }
  flush(): Promise<void> {
    return this.__s.flush();
  }
  storageEstimate(): Promise<StorageFigures> {
    return this.__s.storageEstimate();
  }
  /** Closes the store; the page terminates the worker afterwards. */
  async close(): Promise<void> {
    this.__unsubscribe?.();
    await this.__store?.close();
  }

  /** @internal Answers at once: the page's liveness ping where Web Locks are missing. */
  _$ping(): true {
    return true;
  }

  /**
   * @internal Test hook: how the next `logBatch` fails. `'crash-in-next-batch'`: an uncaught error,
   * then the thread stays busy (no later message is answered); `'exit-after-next-batch'`: the
   * worker ends right after the batch committed, before it answers.
   */
  _$fail(mode: WorkerFailure): void {
    this.#failure = mode;
  }

  private get __s(): IdbStore {
    if (this.__store === undefined) throw EdgeflowError.invalidState('The IndexedDB worker has no open store (call open() first).');
    return this.__store;
  }
}

/** @internal A failure the worker can be told to simulate (tests). */
export type WorkerFailure = 'crash-in-next-batch' | 'exit-after-next-batch';

/** A crash in the middle of a call: an uncaught error, then a thread that answers nothing more. */
function crash(): Promise<never> {
  queueMicrotask(() => {
    throw new Error('edgeflow test: the IndexedDB worker crashed');
  });
  queueMicrotask(() => {
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      // busy: the page sees the error and terminates this worker meanwhile
    }
  });
  return new Promise<never>(() => undefined);
}

/** The distinct whole buffers behind some typed arrays (a buffer may be listed once in a transfer). */
export function uniqueBuffers(arrays: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const array of arrays) if (array.buffer instanceof ArrayBuffer && array.buffer.byteLength > 0) out.add(array.buffer);
  return [...out];
}
