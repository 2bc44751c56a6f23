/**
 * The one object the IndexedDB worker exposes with comlink: an {@link IdbStore} behind coarse,
 * batch-sized methods, typed as {@link WorkerStore} (derived from `Store`). Most methods are
 * forwarded as they are, from one compiler-checked list; batches carry test hooks, and metric
 * histories and artifact bytes go back to the page transferred (moved, not copied); change events
 * go to the page on a `MessagePort`.
 * @module
 */
import { proxy, transfer, type ProxyMarked } from 'comlink';
import type { MetricSeries } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';
import type { RunId } from '../../core/ids.js';
import type { RegistryStore } from '../../core/registry/registry-store.js';
import type { LoggedModelStore } from '../../core/logged-models/logged-model-store.js';
import type { ArtifactData, CreateRunInput, LogBatchInput, SearchRunsQuery, Store, StoreChange } from '../../core/store.js';
import { serializeThrown, type WireThrown } from '../wire/transfer-handlers.js';
import type { Run } from '../../core/entities.js';
import { unpackColumns, type WireBatch } from './batch-wire.js';
import { IdbStore } from './idb-store.js';
import { compactBuffers, type PackedRunPage } from './run-index.js';
import { TRANSFER_MIN_NUMBERS } from './schema.js';
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
type PageSideMember = 'capabilities' | 'subscribe' | 'registry' | 'loggedModels' | NotYetInWorker;

/** MLflow 3's `searchDatasets` stays on the page: the client derives it from the runs' inputs. */
type NotYetInWorker = 'searchDatasets';

/** Every method of {@link Store} the worker answers, each required (the worker's `IdbStore` has them all). */
export type WorkerStoreMethods = { [K in Exclude<keyof Store, PageSideMember>]-?: NonNullable<Store[K]> };

/**
 * What the worker exposes, derived from {@link Store}: every store method (so a method added to
 * `Store` and not forwarded is a compile error), the model registry and the logged models as nested
 * objects (comlink calls `remote.registry.method(…)` on them), and the worker's own life cycle.
 */
export interface WorkerStore extends WorkerStoreMethods {
  readonly registry: RegistryStore;
  readonly loggedModels: LoggedModelStore;
  /** `searchRuns` with the page's runs packed and their buffers transferred (the page unpacks them: `unpackRuns`). */
  searchRunsPacked(query: SearchRunsQuery): Promise<PackedRunPage>;
  /** Several run creations, batches and artifact files in one message (see `RemoteStore`); one outcome each, in order. */
  writeMany(writes: readonly WriteCall[]): Promise<WrittenMany>;
  open(options: WorkerOpenOptions): Promise<void>;
  attachEvents(port: MessagePort): void;
  storageEstimate(): Promise<StorageFigures>;
}

/** The worker's own methods: its life cycle, and the store methods it does more than forward. */
type OwnMethod = 'registry' | 'loggedModels' | 'open' | 'attachEvents' | 'close' | 'logBatch' | 'writeMany' | 'getMetricHistory' | 'getMetricHistoryFrom' | 'getArtifact' | 'searchRunsPacked';

/** One write of {@link WorkerStore.writeMany}. */
export type WriteCall =
  | { readonly kind: 'createRun'; readonly input: CreateRunInput }
  | { readonly kind: 'logBatch'; readonly runId: RunId; readonly batch: WireBatch }
  | { readonly kind: 'putArtifact'; readonly runId: RunId; readonly path: string; readonly data: ArtifactData };

/** What became of one {@link WriteCall}: its result, or what it threw (wire form). */
export type WriteOutcome = { readonly ok: true; readonly run?: Run } | { readonly ok: false; readonly error: WireThrown };

/** The answer to {@link WorkerStore.writeMany}. */
export interface WrittenMany {
  /** One per write, in order. */
  readonly outcomes: WriteOutcome[];
  /**
   * The transferred buffers of the batches' metric columns, moved back once the batches settled
   * (the store keeps no view of them): the page copies later batches into them, as writing memory
   * used before costs a fraction of writing new memory.
   */
  readonly spare: ArrayBuffer[];
}

/** The store methods the worker forwards as they are. */
type PlainForward = Exclude<keyof WorkerStore, OwnMethod>;

/**
 * Every plain forward, as a record: a method added to `Store` is a key the compiler asks for here
 * (or an own method above).
 */
const PLAIN_FORWARDS: Readonly<Record<PlainForward, true>> = {
  createExperiment: true,
  getExperiment: true,
  getExperimentByName: true,
  searchExperiments: true,
  renameExperiment: true,
  deleteExperiment: true,
  restoreExperiment: true,
  setExperimentTag: true,
  deleteExperimentTag: true,
  purgeExperiment: true,
  createRun: true,
  getRun: true,
  updateRun: true,
  deleteRun: true,
  restoreRun: true,
  purgeRun: true,
  deleteTag: true,
  logInputs: true,
  searchRuns: true,
  putArtifact: true,
  listArtifacts: true,
  deleteArtifact: true,
  logOutputs: true,
  flush: true,
  storageEstimate: true,
};

/** The worker side of `RemoteStore`: the own methods; the plain forwards are added below. */
class WorkerApi implements Pick<WorkerStore, OwnMethod> {
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

  /**
   * Posts every change (this store's and other tabs') on `port`: the changes of one task in one
   * message (a group's commit announces hundreds at once), in order.
   */
  attachEvents(port: MessagePort): void {
    this.__unsubscribe?.();
    let queued: StoreChange[] = [];
    this.__unsubscribe = this.__s.subscribe((change: StoreChange) => {
      if (queued.push(change) > 1) return;
      queueMicrotask(() => {
        const changes = queued;
        queued = [];
        port.postMessage(changes);
      });
    });
  }

  /** Logs a batch; runs the test hooks. */
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
  /**
   * Hands every write to the store at once (a batch's columns arrive packed, `batch-wire.ts`, their
   * buffer transferred from the page when large), so that they share write groups (`write-groups.ts`),
   * and answers when all settled: one message for what would be one call each.
   */
  async writeMany(writes: readonly WriteCall[]): Promise<WrittenMany> {
    const settled = await Promise.allSettled(
      writes.map((write) => {
        if (write.kind === 'createRun') return this.__s.createRun(write.input);
        if (write.kind === 'putArtifact') return this.__s.putArtifact(write.runId, write.path, write.data);
        const { columns, ...batch } = write.batch;
        return this.logBatch(write.runId, { ...batch, metrics: unpackColumns(columns) });
      }),
    );
    const outcomes = settled.map((outcome): WriteOutcome => {
      if (outcome.status === 'rejected') return { ok: false, error: serializeThrown(outcome.reason) };
      return outcome.value === undefined ? { ok: true } : { ok: true, run: outcome.value };
    });
    const spare = writes.flatMap((write) => (write.kind === 'logBatch' && write.batch.columns.points.length >= TRANSFER_MIN_NUMBERS ? [write.batch.columns.points.buffer] : []));
    return transfer({ outcomes, spare }, spare);
  }
  /** The packed runs' buffers are transferred to the page. */
  async searchRunsPacked(query: SearchRunsQuery): Promise<PackedRunPage> {
    const page = await this.__s.searchRunsPacked(query);
    return transfer(page, compactBuffers(page.runs));
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
  /** The bytes are transferred to the page. */
  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    const bytes = await this.__s.getArtifact(runId, path);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  }
  /**
   * The store's model registry. The page calls its methods through comlink
   * (`remote.registry.createModelVersion(…)`: one message each); marked as a proxy, it is never cloned.
   */
  get registry(): RegistryStore & ProxyMarked {
    return proxy(this.__s.registry);
  }
  /** The store's MLflow 3 logged models, called through comlink like {@link WorkerApi.registry}. */
  get loggedModels(): LoggedModelStore & ProxyMarked {
    return proxy(this.__s.loggedModels);
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

  static {
    for (const method of Object.keys(PLAIN_FORWARDS) as PlainForward[]) {
      Object.defineProperty(this.prototype, method, {
        value(this: WorkerApi, ...args: unknown[]): unknown {
          const store = this.__s;
          return (store[method] as (...a: unknown[]) => unknown).apply(store, args);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  private get __s(): IdbStore {
    if (this.__store === undefined) throw EdgeflowError.invalidState('The IndexedDB worker has no open store (call open() first).');
    return this.__store;
  }
}

/** The one object the IndexedDB worker exposes: a {@link WorkerStore}, plus test hooks. */
export type IdbWorkerApi = WorkerApi & Pick<WorkerStore, PlainForward>;
/** Creates the object the worker exposes (`expose(new IdbWorkerApi())`). */
export const IdbWorkerApi = WorkerApi as new () => IdbWorkerApi;

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
