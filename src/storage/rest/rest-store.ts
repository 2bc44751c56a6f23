/**
 * `RestStore`: the {@link Store} contract over an MLflow tracking server's REST API (spec §9), in
 * browsers and Node (global `fetch`). Experiments, runs, `log-batch` split to MLflow's limits,
 * metric history with paging, searches with the server's opaque page tokens, artifacts through the
 * server's artifact proxy (`mlflow-artifacts`), and the model registry as `store.registry`.
 *
 * Differences from local stores, all forced by the REST API:
 * - Batches are not atomic across requests (`capabilities.atomicBatches` is false): a batch larger
 *   than one request is checked first (run active, param values, key conflicts) against the run
 *   as the server reports it, then sent request by request; a failure part-way leaves the earlier
 *   requests written, in order.
 * - The server assigns ids: snapshot inputs with `experimentId`/`runId` are refused with
 *   `NOT_IMPLEMENTED` (use `syncRuns`, which maps ids). Other snapshot fields (status, end time,
 *   lifecycle) are applied with follow-up requests; times of creation and deletion are the server's.
 * - No hard delete: `purgeRun`/`purgeExperiment` throw `NOT_IMPLEMENTED` (run `mlflow gc` on the server).
 * - `RunInfo.deletedTime` is not in the API: it is known for deletions made through this store
 *   instance, else null.
 * - Change events (`subscribe`) report writes made through this instance only.
 * - Retries: see `http.ts` and `idempotency.ts`. After a timeout or a dropped connection,
 *   `runs/create` and `log-batch` with metrics first look whether the server applied them
 *   (`write-once.ts`), so a run or a point is never written twice; other writes that are not safe
 *   to repeat fail with `details.ambiguous: true`.
 *
 * @example
 * ```ts
 * const store = new RestStore({ baseUrl: 'https://mlflow.example.com', headers: () => ({ Authorization: `Bearer ${token}` }) });
 * const client = new TrackingClient(store);
 * ```
 * @module
 */
import { parseInput } from '../../core/schemas.js';
import { restStoreOptionsSchema } from './rest-options.js';
import { type Experiment, type FileInfo, type KeyValue, type MetricSeries, type Page, type Run, type RunInfo } from '../../core/entities.js';
import { EdgeflowError, describeValue, isEdgeflowError } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { MetricBuffer } from '../../core/metric-buffer.js';
import { PendingWork } from '../../core/pending-work.js';
import { KeyIndex, artifactFileNotFound, artifactNotFound, assertNoKeyConflicts, assertRunActive, newParamsOf } from '../../core/rules.js';
import type {
  ArtifactData,
  CreateExperimentInput,
  CreateRunInput,
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
import { ARTIFACTS_PATH, encodeProxyPath, joinProxyPath, parentOf, proxyRootOf, toFileInfos } from './artifact-paths.js';
import { HttpClient, type HttpOptions, type HttpRequest } from './http.js';
import { MLFLOW_BATCH_LIMITS, splitLogBatch, type BatchLimits } from './log-batch.js';
import { RestRegistryStore } from './rest-registry.js';
import { RestLoggedModelStore } from './rest-logged-models.js';
import { datasetInputToJson, toDatasetSummary, withRunIo } from './wire-mlflow3.js';
import type { DatasetSummary, LogInputsInput, ModelOutput } from '../../core/datasets/entities.js';
import { decodeDouble, decodeInt, keyValueList, listOf, obj, toExperiment, toRun, toRunInfo, tokenOf, type Json } from './wire.js';
import { createdRunFilter, isCreatedBy, sendOnce, unappliedLogBatch } from './write-once.js';

/** Options of {@link RestStore}. */
export interface RestStoreOptions extends HttpOptions {
  /**
   * The tracking server, e.g. `http://127.0.0.1:5000` (the API is below `/api/2.0/mlflow`). From a
   * browser the server must allow the page's origin (CORS; `mlflow server --cors-allowed-origins`).
   */
  readonly baseUrl: string;
  /** How artifacts are moved: `'proxy'` (the only mode) = the server's `mlflow-artifacts` proxy. */
  readonly artifacts?: 'proxy';
  /** Per-request batch limits; default MLflow's (spec §5). Lower values are for tests. */
  readonly batchLimits?: Partial<BatchLimits>;
}

const API = '/api/2.0/mlflow';
const AJAX_API = '/ajax-api/2.0/mlflow';
/** Largest `max_results` for `metrics/get-history` pages (the server's limit). */
export const HISTORY_PAGE_SIZE = 25_000;
const CAPABILITIES: StoreCapabilities = { readOnly: false, atomicBatches: false, crossContextEvents: false, orderedWrites: false, snapshots: false };
const CACHE_LIMIT = 10_000;

/** A {@link Store} over an MLflow tracking server. */
export class RestStore implements Store {
  readonly capabilities = CAPABILITIES;
  /** The server's model registry. */
  readonly registry: RestRegistryStore;
  /** The server's MLflow 3 logged models. */
  readonly loggedModels: RestLoggedModelStore;
  readonly #http: HttpClient;
  readonly #events = new ChangeEmitter();
  readonly #limits: BatchLimits;
  /** How often a write that is not idempotent is sent again after its server was found not to hold it. */
  readonly #resends: number;
  readonly #inFlight = new PendingWork();
  /** run id → experiment id, for change events. */
  readonly #experimentOf = new Map<string, ExperimentId>();
  /** run id → proxy path of its artifact root. */
  readonly #artifactRoots = new Map<string, string>();
  /**
   * When this instance deleted runs and experiments: MLflow's API reports no run deletion time, so
   * `RunInfo.deletedTime` is known for those only (null for deletions made elsewhere).
   */
  readonly #deletedRuns = new Map<string, number>();
  readonly #deletedExperiments = new Map<string, number>();
  readonly #deletedAt = ({ runId, experimentId }: { runId: string; experimentId: string }): number | null =>
    this.#deletedRuns.get(runId) ?? this.#deletedExperiments.get(experimentId) ?? null;

  /** @throws `INVALID_PARAMETER_VALUE` naming the field when an option is unknown or out of range (e.g. a `baseUrl` that is not http(s)). */
  constructor(options: RestStoreOptions) {
    parseInput(restStoreOptionsSchema, options, 'RestStore options');
    this.#http = new HttpClient(options);
    this.#limits = { ...MLFLOW_BATCH_LIMITS, ...options.batchLimits };
    this.#resends = options.retries ?? 3;
    this.registry = new RestRegistryStore(this.#http, (change) => this.#events.emit(change));
    this.loggedModels = new RestLoggedModelStore(this.#http, (change) => this.#events.emit(change), (promise) => this.#track(promise));
  }

  /** Retries made so far (transient failures absorbed). */
  get retries(): number {
    return this.#http.retried;
  }

  // ----------------------------------------------------------------------------------- experiments

  /** @throws `NOT_IMPLEMENTED` when `input.experimentId` is given (the server assigns ids) */
  async createExperiment(input: CreateExperimentInput): Promise<ExperimentId> {
    if (input.experimentId !== undefined) throw idsAreServers('experiment', input.experimentId);
    const json = await this.#post('/experiments/create', {
      name: input.name,
      ...(input.artifactLocation === undefined ? {} : { artifact_location: input.artifactLocation }),
      tags: keyValueList(input.tags),
    });
    const experimentId = String(json['experiment_id']) as ExperimentId;
    if (input.lifecycleStage === 'deleted') await this.deleteExperiment(experimentId);
    this.#emit({ kind: 'experiment', experimentId });
    return experimentId;
  }

  async getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    const json = await this.#get('/experiments/get', { experiment_id: experimentId });
    return toExperiment(obj(json['experiment'], 'experiment'));
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    try {
      const json = await this.#get('/experiments/get-by-name', { experiment_name: name });
      return toExperiment(obj(json['experiment'], 'experiment'));
    } catch (error) {
      if (isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) return null;
      throw error;
    }
  }

  /** Always sends `max_results` (default 1000): the server rejects a search without it. */
  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    const json = await this.#post('/experiments/search', {
      max_results: query.maxResults ?? 1000,
      ...(query.pageToken ? { page_token: query.pageToken } : {}),
      ...(query.filter ? { filter: query.filter } : {}),
      ...(query.orderBy && query.orderBy.length > 0 ? { order_by: query.orderBy } : {}),
      view_type: query.viewType ?? 'ACTIVE_ONLY',
    });
    return page(listOf(json, 'experiments').map(toExperiment), json);
  }

  async renameExperiment(experimentId: ExperimentId, newName: string): Promise<void> {
    await this.#post('/experiments/update', { experiment_id: experimentId, new_name: newName });
    this.#emit({ kind: 'experiment', experimentId });
  }

  /**
   * Soft-deletes an experiment and its active runs. The API takes no deletion time
   * (`capabilities.snapshots` is false): the server records the real one.
   */
  async deleteExperiment(experimentId: ExperimentId): Promise<void> {
    await this.#post('/experiments/delete', { experiment_id: experimentId });
    this.#deletedExperiments.set(experimentId, Date.now());
    this.#emit({ kind: 'experiment', experimentId });
  }

  async restoreExperiment(experimentId: ExperimentId): Promise<void> {
    await this.#post('/experiments/restore', { experiment_id: experimentId });
    this.#deletedExperiments.delete(experimentId);
    for (const [runId, experiment] of this.#experimentOf) if (experiment === experimentId) this.#deletedRuns.delete(runId);
    this.#emit({ kind: 'experiment', experimentId });
  }

  async setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void> {
    await this.#post('/experiments/set-experiment-tag', { experiment_id: experimentId, key: tag.key, value: tag.value });
    this.#emit({ kind: 'experiment', experimentId });
  }

  async deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void> {
    await this.#post('/experiments/delete-experiment-tag', { experiment_id: experimentId, key });
    this.#emit({ kind: 'experiment', experimentId });
  }

  /** @throws `NOT_IMPLEMENTED`: the REST API has no hard delete */
  async purgeExperiment(experimentId: ExperimentId): Promise<void> {
    throw noPurge(`experiment ${experimentId}`);
  }

  // ------------------------------------------------------------------------------------------ runs

  /**
   * Creates a run (`runs/create`, with `user_id` sent explicitly); snapshot status, end time and
   * lifecycle are applied with follow-up requests.
   * @throws `NOT_IMPLEMENTED` when `input.runId` is given (the server assigns ids)
   */
  async createRun(input: CreateRunInput): Promise<Run> {
    if (input.runId !== undefined) throw idsAreServers('run', input.runId);
    const body = {
      experiment_id: input.experimentId,
      user_id: input.userId,
      run_name: input.runName,
      start_time: input.startTime,
      tags: keyValueList(input.tags),
    };
    const json = await sendOnce(() => this.#post('/runs/create', body), () => this.#createdRun(input), this.#resends);
    let run = this.#run(obj(json['run'], 'run'));
    const runId = run.info.runId;
    const terminal = (input.status !== undefined && input.status !== 'RUNNING') || (input.endTime !== undefined && input.endTime !== null);
    if (terminal) {
      await this.#post('/runs/update', {
        run_id: runId,
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.endTime == null ? {} : { end_time: input.endTime }),
      });
    }
    if (input.lifecycleStage === 'deleted') await this.deleteRun(runId);
    if (terminal || input.lifecycleStage === 'deleted') run = await this.getRun(runId);
    this.#emit({ kind: 'run', runId, experimentId: input.experimentId });
    return run;
  }

  async getRun(runId: RunId): Promise<Run> {
    const json = await this.#get('/runs/get', { run_id: runId });
    return this.#run(obj(json['run'], 'run'));
  }

  /** `endTime: null` cannot be expressed in the API (unset = unchanged) and is ignored. */
  async updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo> {
    const json = await this.#post('/runs/update', {
      run_id: runId,
      ...(update.status === undefined ? {} : { status: update.status }),
      ...(update.endTime == null ? {} : { end_time: update.endTime }),
      ...(update.runName ? { run_name: update.runName } : {}),
    });
    const info = toRunInfo(obj(json['run_info'], 'run_info'), this.#deletedAt);
    this.#remember(info.runId, info.experimentId);
    this.#emit({ kind: 'run', runId, experimentId: info.experimentId });
    return info;
  }

  /** Soft-deletes a run. The API takes no deletion time (`capabilities.snapshots` is false). */
  async deleteRun(runId: RunId): Promise<void> {
    await this.#post('/runs/delete', { run_id: runId });
    this.#deletedRuns.set(runId, Date.now());
    await this.#emitRun(runId);
  }

  async restoreRun(runId: RunId): Promise<void> {
    await this.#post('/runs/restore', { run_id: runId });
    this.#deletedRuns.delete(runId);
    await this.#emitRun(runId);
  }

  /** @throws `NOT_IMPLEMENTED`: the REST API has no hard delete */
  async purgeRun(runId: RunId): Promise<void> {
    throw noPurge(`run ${runId}`);
  }

  /**
   * Sends a batch as `runs/log-batch` requests within MLflow's limits, in order. Not atomic across
   * requests: a multi-request batch is checked against the run first (see the module notes).
   */
  async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    let requests = splitLogBatch(runId, batch, this.#limits);
    if (requests.length === 0) return;
    if (requests.length > 1) {
      const run = await this.getRun(runId);
      const fresh = checkBatch(run, batch);
      if (fresh.length !== (batch.params?.length ?? 0)) requests = splitLogBatch(runId, { ...batch, params: fresh }, this.#limits);
    }
    let sent = 0;
    try {
      for (const request of requests) {
        let body = request.body;
        await sendOnce(
          // Params and tags alone are idempotent; metrics are appended, so checked before sending again.
          () => this.#track(this.#http.json({ method: 'POST', path: `${API}/runs/log-batch`, jsonText: body, repeatable: request.metrics === 0 })),
          async () => {
            const rest = await unappliedLogBatch(body, (key) => this.getMetricHistory(runId, key));
            if (rest === undefined) return {};
            body = rest;
            return undefined;
          },
          this.#resends,
        );
        sent++;
      }
    } finally {
      if (sent > 0) {
        await this.#emitRun(runId, {
          metricKeys: (batch.metrics ?? []).map((m) => m.key),
          paramKeys: (batch.params ?? []).map((p) => p.key),
          tagKeys: (batch.tags ?? []).map((t) => t.key),
        });
      }
    }
  }

  async deleteTag(runId: RunId, key: string): Promise<void> {
    await this.#post('/runs/delete-tag', { run_id: runId, key });
    await this.#emitRun(runId, { metricKeys: [], paramKeys: [], tagKeys: [key] });
  }

  /** The whole history, fetched in pages of {@link HISTORY_PAGE_SIZE} (`max_results` is always sent). */
  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    const buffer = new MetricBuffer(key);
    let pageToken: string | undefined;
    do {
      const json = await this.#get('/metrics/get-history', { run_id: runId, metric_key: key, max_results: HISTORY_PAGE_SIZE, page_token: pageToken });
      for (const item of listOf(json, 'metrics')) {
        const value = item['value'];
        buffer.push(
          decodeInt(item['step'] ?? 0, 'metric.step'),
          decodeInt(item['timestamp'] ?? 0, 'metric.timestamp'),
          typeof value === 'number' ? value : decodeDouble(value, 'metric.value'),
        );
      }
      pageToken = tokenOf(json);
    } while (pageToken !== undefined);
    return buffer.toColumns();
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const json = await this.#post('/runs/search', {
      experiment_ids: query.experimentIds,
      ...(query.filter ? { filter: query.filter } : {}),
      run_view_type: query.viewType ?? 'ACTIVE_ONLY',
      max_results: query.maxResults ?? 1000,
      ...(query.orderBy && query.orderBy.length > 0 ? { order_by: query.orderBy } : {}),
      ...(query.pageToken ? { page_token: query.pageToken } : {}),
    });
    return page(listOf(json, 'runs').map((r) => this.#run(r)), json);
  }

  /** `runs/log-inputs`: the server writes each dataset and model once per run (first tags win). */
  async logInputs(runId: RunId, inputs: LogInputsInput): Promise<void> {
    await this.#post('/runs/log-inputs', {
      run_id: runId,
      ...(inputs.datasets?.length ? { datasets: inputs.datasets.map(datasetInputToJson) } : {}),
      ...(inputs.models?.length ? { models: inputs.models.map((m) => ({ model_id: m.modelId })) } : {}),
    });
    await this.#emitRun(runId);
  }

  /** `runs/outputs`: the server keeps the first step of each model. */
  async logOutputs(runId: RunId, outputs: readonly ModelOutput[]): Promise<void> {
    await this.#post('/runs/outputs', { run_id: runId, models: outputs.map((m) => ({ model_id: m.modelId, step: m.step })) });
    await this.#emitRun(runId);
  }

  /** MLflow's UI endpoint `/ajax-api/…/experiments/search-datasets` (the `/api/` route does not exist). */
  async searchDatasets(experimentIds: readonly ExperimentId[]): Promise<DatasetSummary[]> {
    const json = await this.#http.json({ method: 'POST', path: `${AJAX_API}/experiments/search-datasets`, json: { experiment_ids: experimentIds }, repeatable: true });
    return listOf(json, 'dataset_summaries').map(toDatasetSummary);
  }

  // ------------------------------------------------------------------------------------- artifacts

  /** Uploads through the proxy (PUT). The run must be active. */
  async putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    const root = await this.#artifactRoot(runId, true);
    await this.#track(this.#http.json({ method: 'PUT', path: `${ARTIFACTS_PATH}/${encodeProxyPath(root, path)}`, bytes: data }));
    await this.#emitArtifacts(runId, path);
  }

  async listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    const root = await this.#artifactRoot(runId, false);
    const json = await this.#http.json({ method: 'GET', path: ARTIFACTS_PATH, query: { path: joinProxyPath(root, path) } });
    return toFileInfos(path, listOf(json, 'files'));
  }

  /** @throws `RESOURCE_DOES_NOT_EXIST` when there is no file at `path` (checked by listing when the download fails) */
  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    const root = await this.#artifactRoot(runId, false);
    try {
      return await this.#http.bytes({ method: 'GET', path: `${ARTIFACTS_PATH}/${encodeProxyPath(root, path)}`, retry500: false });
    } catch (error) {
      // MLflow's proxy answers a missing file with a 500 from its artifact repository.
      if (isEdgeflowError(error) && !(await this.#exists(runId, path, 'file'))) throw artifactFileNotFound(runId, path, error);
      throw error;
    }
  }

  /** Deletes a file or folder through the proxy (DELETE); checks that it exists first. */
  async deleteArtifact(runId: RunId, path: string): Promise<void> {
    const root = await this.#artifactRoot(runId, true);
    if (!(await this.#exists(runId, path, 'any'))) throw artifactNotFound(runId, path);
    await this.#track(this.#http.json({ method: 'DELETE', path: `${ARTIFACTS_PATH}/${encodeProxyPath(root, path)}` }));
    await this.#emitArtifacts(runId, path);
  }

  // ------------------------------------------------------------------------------------- lifecycle

  subscribe(listener: StoreListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Resolves when the writes in flight have been answered (each write is sent when called). */
  async flush(): Promise<void> {
    await this.#inFlight.drained();
  }

  /** Waits for writes in flight, then aborts anything still running; the store is unusable after. */
  async close(): Promise<void> {
    await this.flush();
    this.#http.close();
    this.#events.clear();
  }

  // --------------------------------------------------------------------------------------- helpers

  /** `{run}` of the run `input` created, when the server holds one (see `write-once.ts`). */
  async #createdRun(input: CreateRunInput): Promise<Json | undefined> {
    const json = await this.#post('/runs/search', {
      experiment_ids: [input.experimentId],
      filter: createdRunFilter(input),
      run_view_type: 'ALL',
      max_results: 1000,
    });
    const run = listOf(json, 'runs').find((candidate) => isCreatedBy(toRun(candidate, this.#deletedAt), input));
    return run === undefined ? undefined : { run };
  }

  #get(path: string, query: HttpRequest['query']): Promise<Json> {
    return this.#http.json({ method: 'GET', path: API + path, query });
  }

  #post(path: string, json: Json): Promise<Json> {
    return this.#track(this.#http.json({ method: 'POST', path: API + path, json }));
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    return this.#inFlight.track(promise);
  }


  #run(json: Json): Run {
    const run = withRunIo(toRun(json, this.#deletedAt), json);
    this.#remember(run.info.runId, run.info.experimentId);
    return run;
  }

  #remember(runId: string, experimentId: ExperimentId): void {
    if (this.#experimentOf.size >= CACHE_LIMIT) this.#experimentOf.clear();
    this.#experimentOf.set(runId, experimentId);
  }

  #emit(change: StoreChange): void {
    this.#events.emit(change);
  }

  /** Emits a run change; looks the experiment up only when someone listens and it is unknown. */
  async #emitRun(runId: RunId, data?: { metricKeys: string[]; paramKeys: string[]; tagKeys: string[] }): Promise<void> {
    if (this.#events.size === 0) return;
    let experimentId = this.#experimentOf.get(runId);
    if (experimentId === undefined) experimentId = (await this.getRun(runId).catch(() => undefined))?.info.experimentId;
    if (experimentId === undefined) return;
    this.#emit(data === undefined ? { kind: 'run', runId, experimentId } : { kind: 'run-data', runId, experimentId, ...data });
  }

  async #emitArtifacts(runId: RunId, path: string): Promise<void> {
    this.#emit({ kind: 'artifacts', runId, path });
  }

  /** The proxy root of a run's artifacts; for writes the run is fetched again to check it is active. */
  async #artifactRoot(runId: RunId, forWrite: boolean): Promise<string> {
    const cached = this.#artifactRoots.get(runId);
    if (cached !== undefined && !forWrite) return cached;
    const run = await this.getRun(runId);
    if (forWrite) assertRunActive(run.info);
    const root = proxyRootOf(runId, run.info.artifactUri);
    if (this.#artifactRoots.size >= CACHE_LIMIT) this.#artifactRoots.clear();
    this.#artifactRoots.set(runId, root);
    return root;
  }

  async #exists(runId: RunId, path: string, kind: 'file' | 'any'): Promise<boolean> {
    const entries = await this.listArtifacts(runId, parentOf(path));
    return entries.some((e) => e.path === path && (kind === 'any' || !e.isDir));
  }
}

/** Checks a batch that will take several requests, as the server would check one request. Returns the new params. */
function checkBatch(run: Run, batch: LogBatchInput): KeyValue[] {
  assertRunActive(run.info);
  const fresh = newParamsOf(run.info.runId, run.data.params, batch.params ?? []);
  assertNoKeyConflicts('param', new KeyIndex(Object.keys(run.data.params)), fresh.map((p) => p.key));
  assertNoKeyConflicts('metric', new KeyIndex(Object.keys(run.data.metrics)), (batch.metrics ?? []).map((m) => m.key));
  assertNoKeyConflicts('tag', new KeyIndex(Object.keys(run.data.tags)), (batch.tags ?? []).map((t) => t.key));
  return fresh;
}

function page<T>(items: T[], json: Json): Page<T> {
  const token = tokenOf(json);
  return token === undefined ? { items } : { items, nextPageToken: token };
}

function idsAreServers(kind: 'experiment' | 'run', id: string): EdgeflowError {
  return new EdgeflowError(
    'NOT_IMPLEMENTED',
    `An MLflow tracking server assigns ${kind} ids; RestStore cannot create ${kind} ${describeValue(id)} with that id. ` +
      'Copy data to a server with syncRuns, which keeps a mapping of ids.',
    { details: { [`${kind}Id`]: id } },
  );
}

function noPurge(what: string): EdgeflowError {
  return new EdgeflowError(
    'NOT_IMPLEMENTED',
    `MLflow's REST API has no permanent delete, so ${what} cannot be purged through RestStore. ` +
      'Delete it (soft delete), then run `mlflow gc` on the server.',
  );
}
