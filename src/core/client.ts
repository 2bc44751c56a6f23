/**
 * `TrackingClient`: MLflow's `MlflowClient` in TypeScript, over any {@link Store}.
 *
 * Method names follow MLflow's in camelCase, optional arguments go in an options object. Every
 * entry point validates its input before a store is touched. `logMetric`, `logParam` and `setTag`
 * validate synchronously and queue the write (see `LoggingQueue`); `flush()` resolves when all of it
 * is durably stored and reports storage errors. Reads and other mutations first ship what is queued,
 * so a client always reads its own writes.
 * @module
 */
import { dict, hasKey, type Experiment, type FileInfo, type KeyValue, type MetricColumns, type MetricSeries, type Page, type Run, type RunInfo, type RunStatus, type ViewType } from './entities.js';
import { defaultSourceTags, defaultUserId } from './environment.js';
import { EdgeflowError, describeValue } from './errors.js';
import { DEFAULT_EXPERIMENT_ID, parseExperimentId, parseRunId, type ExperimentId, type RunId } from './ids.js';
import {
  MAX_ENTITIES_PER_BATCH,
  MAX_METRICS_PER_BATCH,
  MAX_PARAMS_PER_BATCH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_SEARCH_DATASETS_EXPERIMENTS,
  MAX_TAGS_PER_BATCH,
  MAX_TAG_VALUE_LENGTH,
} from './limits.js';
import { LoggingQueue, type LoggingQueueOptions } from './logging-queue.js';
import { ActiveRun, type StartRunOptions, startRunOptionsSchema } from './run.js';
import { randomRunName } from './run-names.js';
import {
  createExperimentOptionsSchema,
  createRunOptionsSchema,
  experimentNameSchema,
  logBatchInputSchema,
  parseInput,
  searchExperimentsOptionsSchema,
  searchRunsOptionsSchema,
  updateRunOptionsSchema,
} from './schemas.js';
import type { ArtifactData, Store, StoreListener } from './store.js';
import { SystemTag } from './system-tags.js';
import {
  assertArtifactPath,
  assertExperimentName,
  assertExperimentTagValue,
  assertHistoryIndex,
  assertMetricValue,
  assertValidKey,
  assertWellFormedText,
  metricPosition,
  stringifyValue,
} from './validation.js';
import { encodeImage, type ImageInput } from './image.js';
import { dictArtifactText } from './log-dict.js';
import { LoggedModelClient } from './logged-models/logged-model-client.js';
import type { MetricLink } from './logged-models/entities.js';
import { type MetricDataset, splitMetricOptions } from './logged-models/metrics.js';
import { readMetricHistoryFrom } from './store-reads.js';
import type { DatasetSummary, LogInputsInput } from './datasets/entities.js';
import { searchDatasetsOf } from './datasets/run-inputs.js';
import { logInputsSchema } from './datasets/schemas.js';

/** Options of {@link TrackingClient}. */
export interface TrackingClientOptions {
  /** User recorded on new runs. Default: the OS login in Node, `unknown` in browsers. */
  readonly userId?: string;
  /** Tuning of the logging queue. */
  readonly queue?: LoggingQueueOptions;
}

/**
 * Step and timestamp of a metric point: a bare number is the step; omitted, the step is 0 and the
 * timestamp now (MLflow's defaults). Steps are safe integers, timestamps whole ms ≥ 0.
 */
export type MetricOptions =
  | number
  | {
      readonly step?: number;
      readonly timestamp?: number;
      /** MLflow 3: also log the point to this logged model's metrics (the model must exist). */
      readonly modelId?: string;
      /** MLflow 3: the dataset the value was computed on (a `Dataset`, or `{name, digest}`). */
      readonly dataset?: MetricDataset;
    };

/** A metric as given to {@link TrackingClient.logBatch}. */
export interface MetricInput {
  readonly key: string;
  readonly value: number;
  /** ms; default now. */
  readonly timestamp?: number;
  /** default 0. */
  readonly step?: number;
  /** MLflow 3: the logged model the point is also logged to. */
  readonly modelId?: string;
  /** MLflow 3: the dataset the value was computed on; name and digest both or neither. */
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** Values accepted for params and tags; converted to strings as MLflow's client does. */
export type LoggableValue = string | number | boolean | bigint | null | undefined;

/** Options of {@link TrackingClient.createRun}. */
export interface CreateRunOptions {
  /** ms; default now. */
  readonly startTime?: number;
  /** Default: tag `mlflow.runName` if given, else a random name. */
  readonly runName?: string;
  readonly tags?: Readonly<Record<string, LoggableValue>>;
  /** Default: the client's user. */
  readonly userId?: string;
}

/** Options of {@link TrackingClient.searchRuns} and {@link TrackingClient.searchExperiments}. */
export interface SearchOptions {
  /** MLflow filter, e.g. `metrics.acc > 0.9 and params.lr = '0.01'`. */
  readonly filter?: string;
  /** e.g. `['metrics.acc DESC', 'start_time']`. */
  readonly orderBy?: readonly string[];
  /** Default `ACTIVE_ONLY`. */
  readonly viewType?: ViewType | 'active_only' | 'deleted_only' | 'all';
  /** Default 1000, at most 50,000. */
  readonly maxResults?: number;
  readonly pageToken?: string;
}

const warnedTruncations = new Set<string>();

function truncated(kind: 'param' | 'tag', key: string, value: string): string {
  const limit = kind === 'param' ? MAX_PARAM_VALUE_LENGTH : MAX_TAG_VALUE_LENGTH;
  if (value.length <= limit) return value;
  if (!warnedTruncations.has(`${kind}:${key}`)) {
    warnedTruncations.add(`${kind}:${key}`);
    console.warn(`edgeflow: ${kind} ${JSON.stringify(key)} value has ${value.length} characters; truncated to ${limit} (as MLflow does).`);
  }
  return value.slice(0, limit);
}

/**
 * Client of a tracking {@link Store}, with MLflow's method names: tracking here, MLflow 3 logged
 * models in {@link LoggedModelClient}, the model registry in its base `ModelRegistryClient`.
 */
export class TrackingClient extends LoggedModelClient {
  private readonly __queue: LoggingQueue;
  private readonly __validKeys = new Set<string>();
  private readonly __artifactWrites = new Set<Promise<unknown>>();
  private __lastRunId: string | undefined;

  constructor(store: Store, options: TrackingClientOptions = {}) {
    super(store, options.userId ?? defaultUserId());
    this.__queue = new LoggingQueue(store, options.queue);
  }

  // ----------------------------------------------------------------------------------- experiments

  /** Creates an experiment; names are unique among active and deleted experiments. */
  async createExperiment(
    name: string,
    options: { artifactLocation?: string; tags?: Readonly<Record<string, LoggableValue>> } = {},
  ): Promise<ExperimentId> {
    assertExperimentName(name);
    const parsed = parseInput(createExperimentOptionsSchema, options, 'createExperiment options');
    const tags = Object.entries(parsed.tags ?? {}).map(([key, value]) => experimentTag(key, value));
    return this.store.createExperiment({
      name,
      tags,
      ...(parsed.artifactLocation === undefined ? {} : { artifactLocation: parsed.artifactLocation }),
    });
  }

  /** @throws `RESOURCE_DOES_NOT_EXIST` */
  async getExperiment(experimentId: string): Promise<Experiment> {
    return this.store.getExperiment(parseExperimentId(experimentId));
  }

  /** The experiment with this name (active or deleted), or null. */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    return this.store.getExperimentByName(parseInput(experimentNameSchema, name, 'experiment name'));
  }

  /** Searches experiments with MLflow's filter grammar (`name LIKE 'x%' and tags.team = 'a'`). */
  async searchExperiments(options: SearchOptions = {}): Promise<Page<Experiment>> {
    const parsed = parseInput(searchExperimentsOptionsSchema, options, 'searchExperiments options');
    return this.store.searchExperiments(parsed);
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    assertExperimentName(newName);
    await this.store.renameExperiment(parseExperimentId(experimentId), newName);
  }

  /** Soft-deletes an experiment and its active runs. */
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.__queue.settle();
    await this.store.deleteExperiment(parseExperimentId(experimentId));
  }

  /** Restores a deleted experiment and its deleted runs. */
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.store.restoreExperiment(parseExperimentId(experimentId));
  }

  async setExperimentTag(experimentId: string, key: string, value: LoggableValue): Promise<void> {
    await this.store.setExperimentTag(parseExperimentId(experimentId), experimentTag(key, value));
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    assertValidKey(key, 'tag');
    await this.store.deleteExperimentTag(parseExperimentId(experimentId), key);
  }

  // ------------------------------------------------------------------------------------------ runs

  /**
   * Creates a run (status RUNNING). `runName` and tag `mlflow.runName` must agree when both are given.
   * Unlike {@link TrackingClient.startRun}, adds no context tags.
   */
  async createRun(experimentId: string, options: CreateRunOptions = {}): Promise<Run> {
    const id = parseExperimentId(experimentId);
    const parsed = parseInput(createRunOptionsSchema, options, 'createRun options');
    const tags = this.__keyValues('tag', parsed.tags ?? {});
    const nameTag = tags.find((t) => t.key === SystemTag.RUN_NAME)?.value;
    if (parsed.runName !== undefined && nameTag !== undefined && parsed.runName !== nameTag) {
      throw EdgeflowError.invalidParameterValue(
        `Both 'runName' (${describeValue(parsed.runName)}) and tag '${SystemTag.RUN_NAME}' (${describeValue(nameTag)}) were given with different values.`,
        { details: { field: 'runName' } },
      );
    }
    const runName = parsed.runName || nameTag || randomRunName();
    const userTag = tags.find((t) => t.key === SystemTag.USER)?.value;
    return this.store.createRun({
      experimentId: id,
      userId: parsed.userId ?? userTag ?? this.userId,
      runName,
      startTime: parsed.startTime ?? Date.now(),
      tags,
    });
  }

  /** The run with its latest metrics, params and tags. @throws `RESOURCE_DOES_NOT_EXIST` */
  async getRun(runId: string): Promise<Run> {
    const id = parseRunId(runId);
    await this.__queue.settle();
    return this.store.getRun(id);
  }

  /** Updates status, end time or name of an active run. */
  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number | null; runName?: string }): Promise<RunInfo> {
    const id = parseRunId(runId);
    const parsed = parseInput(updateRunOptionsSchema, update, 'updateRun options');
    await this.__queue.settle();
    return this.store.updateRun(id, parsed);
  }

  /** Ends a run: sets its status (default FINISHED) and end time (default now). */
  async setTerminated(runId: string, status: RunStatus = 'FINISHED', endTime: number = Date.now()): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime });
  }

  /** Soft-deletes a run: it becomes read-only and leaves active searches. */
  async deleteRun(runId: string): Promise<void> {
    const id = parseRunId(runId);
    await this.__queue.settle();
    await this.store.deleteRun(id);
  }

  async restoreRun(runId: string): Promise<void> {
    await this.store.restoreRun(parseRunId(runId));
  }

  /**
   * Queues a metric point. Validates at once (bad input throws); storage errors surface in
   * {@link TrackingClient.flush}. `options` is the step, or `{step, timestamp}`; defaults step 0, now.
   * @throws `INVALID_PARAMETER_VALUE` for a value that is not a number, or a step or timestamp that
   * is not a safe integer number (`'5'`, `true`, `1n`, `null`)
   */
  logMetric(runId: string, key: string, value: number, options?: MetricOptions): void {
    let step: number;
    let timestamp: number | undefined;
    let link: MetricLink | undefined;
    if (typeof options === 'number' && Number.isSafeInteger(options)) step = options;
    else {
      const split = splitMetricOptions(key, options);
      link = split.link;
      ({ step, timestamp } = metricPosition(key, split.position));
    }
    this.__checkKey(key, 'metric');
    if (typeof value !== 'number') assertMetricValue(key, value);
    if (runId !== this.__lastRunId) {
      parseRunId(runId);
      this.__lastRunId = runId;
    }
    this.__queue.metric(runId as RunId, key, value, timestamp ?? Date.now(), step, link);
  }

  /** Queues a param. Logging a key again with the same value is fine; another value fails. */
  logParam(runId: string, key: string, value: LoggableValue): void {
    this.__checkKey(key, 'param');
    parseRunId(runId);
    this.__queue.param(runId as RunId, key, truncated('param', key, stringifyValue(value, key)));
  }

  /** Queues a tag (tags are mutable). Tag `mlflow.runName` renames the run. */
  setTag(runId: string, key: string, value: LoggableValue): void {
    this.__checkKey(key, 'tag');
    parseRunId(runId);
    this.__queue.tag(runId as RunId, key, truncated('tag', key, stringifyValue(value, key)));
  }

  /** Deletes a run tag. @throws `RESOURCE_DOES_NOT_EXIST` when there is no such tag. */
  async deleteTag(runId: string, key: string): Promise<void> {
    const id = parseRunId(runId);
    assertValidKey(key, 'tag');
    await this.__queue.settle();
    await this.store.deleteTag(id, key);
  }

  /**
   * Logs metrics, params and tags at once, with MLflow's batch limits (≤ 1000 metrics, ≤ 100 params,
   * ≤ 100 tags, ≤ 1000 in all). Validated and conflict-checked before anything is written.
   */
  async logBatch(
    runId: string,
    batch: { metrics?: readonly MetricInput[]; params?: readonly { key: string; value: LoggableValue }[]; tags?: readonly { key: string; value: LoggableValue }[] },
  ): Promise<void> {
    const id = parseRunId(runId);
    const parsed = parseInput(logBatchInputSchema, batch, 'logBatch input');
    const metrics = parsed.metrics ?? [];
    const params = parsed.params ?? [];
    const tags = parsed.tags ?? [];
    if (metrics.length > MAX_METRICS_PER_BATCH || params.length > MAX_PARAMS_PER_BATCH || tags.length > MAX_TAGS_PER_BATCH ||
      metrics.length + params.length + tags.length > MAX_ENTITIES_PER_BATCH) {
      throw EdgeflowError.invalidParameterValue(
        `A batch may hold at most ${MAX_METRICS_PER_BATCH} metrics, ${MAX_PARAMS_PER_BATCH} params, ${MAX_TAGS_PER_BATCH} tags and ` +
          `${MAX_ENTITIES_PER_BATCH} items in all; got ${metrics.length} metrics, ${params.length} params, ${tags.length} tags.`,
        { details: { field: 'batch' } },
      );
    }
    const converted = {
      metrics: metricColumns(metrics),
      params: params.map((p) => ({ key: p.key, value: truncated('param', p.key, stringifyValue(p.value, p.key)) })),
      tags: tags.map((t) => ({ key: t.key, value: truncated('tag', t.key, stringifyValue(t.value, t.key)) })),
    };
    await this.__queue.settle();
    await this.store.logBatch(id, converted);
  }

  /** The whole history of a metric as columns (steps, timestamps, values), in logging order. */
  async getMetricHistory(runId: string, key: string): Promise<MetricSeries> {
    const id = parseRunId(runId);
    assertValidKey(key, 'metric');
    await this.__queue.settle();
    return this.store.getMetricHistory(id, key);
  }

  /**
   * The points of a metric from position `fromIndex` (0-based, logging order) to the end — for a
   * live chart that already holds `fromIndex` points. Uses the store's tail read when it has one,
   * otherwise reads the whole history and slices it. Empty when `fromIndex` is at or past the end.
   * @throws `INVALID_PARAMETER_VALUE` unless `fromIndex` is a whole number ≥ 0
   */
  async getMetricHistoryFrom(runId: string, key: string, fromIndex: number): Promise<MetricSeries> {
    const id = parseRunId(runId);
    assertValidKey(key, 'metric');
    assertHistoryIndex(fromIndex);
    await this.__queue.settle();
    return readMetricHistoryFrom(this.store, id, key, fromIndex);
  }

  /** Searches runs of the given experiments with MLflow's filter grammar, ordering and paging. */
  async searchRuns(experimentIds: string | readonly string[], options: SearchOptions = {}): Promise<Page<Run>> {
    const ids = (typeof experimentIds === 'string' ? [experimentIds] : experimentIds).map(parseExperimentId);
    const parsed = parseInput(searchRunsOptionsSchema, options, 'searchRuns options');
    await this.__queue.settle();
    return this.store.searchRuns({ ...parsed, experimentIds: ids });
  }

  // -------------------------------------------------------------------------------- dataset inputs

  /**
   * MLflow's `log_inputs`: datasets (with input tags such as `mlflow.data.context`) and logged
   * models a run read. Allowed on finished runs (not deleted ones). Written once per (run, dataset
   * name+digest) and (run, model): a repeat is accepted and ignored, the first tags stay.
   * @throws `INVALID_PARAMETER_VALUE` for a dataset over MLflow's limits (name ≤ 500, digest ≤ 36,
   * source ≤ 65,535, schema ≤ 1,048,575, profile ≤ 16,777,215 characters; tag key ≤ 255, value ≤ 500)
   * or a deleted run; `NOT_IMPLEMENTED` when the store holds no inputs
   */
  async logInputs(runId: string, inputs: LogInputsInput): Promise<void> {
    const id = parseRunId(runId);
    const parsed = parseInput(logInputsSchema, inputs, 'logInputs input');
    const store = this.store;
    if (!store.logInputs) throw new EdgeflowError('NOT_IMPLEMENTED', 'This store does not hold dataset inputs.');
    await this.__queue.settle();
    await store.logInputs(id, parsed);
  }

  /**
   * MLflow's `search-datasets`: one summary per distinct (experiment, name, digest, context) of the
   * inputs of the active runs of 1–20 experiments.
   */
  async searchDatasets(experimentIds: string | readonly string[]): Promise<DatasetSummary[]> {
    const ids = (typeof experimentIds === 'string' ? [experimentIds] : experimentIds).map(parseExperimentId);
    if (ids.length === 0 || ids.length > MAX_SEARCH_DATASETS_EXPERIMENTS) {
      throw EdgeflowError.invalidParameterValue(`searchDatasets takes 1 to ${MAX_SEARCH_DATASETS_EXPERIMENTS} experiment ids; got ${ids.length}.`);
    }
    await this.__queue.settle();
    return searchDatasetsOf(this.store, ids);
  }

  // ------------------------------------------------------------------------------------- artifacts

  /** Writes bytes (or a string, as UTF-8) to `artifactPath` in the run's artifacts. */
  async logArtifact(runId: string, artifactPath: string, data: ArtifactData | ArrayBuffer | string): Promise<void> {
    const id = parseRunId(runId);
    const path = assertArtifactPath(artifactPath);
    if (typeof data === 'string') assertWellFormedText(data, `text for ${describeValue(path)}`, 'data');
    const bytes: ArtifactData =
      typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    if (!(bytes instanceof Uint8Array) && !(typeof Blob !== 'undefined' && bytes instanceof Blob)) {
      throw EdgeflowError.invalidParameterValue(`Artifact data for ${describeValue(path)} must be a string, Uint8Array, ArrayBuffer or Blob.`, { details: {
        field: 'data',
      } });
    }
    await this.__track(this.store.putArtifact(id, path, bytes));
  }

  /** Writes `text` as a UTF-8 file (MLflow's `log_text`). */
  async logText(runId: string, text: string, artifactFile: string): Promise<void> {
    if (typeof text !== 'string') throw EdgeflowError.invalidParameterValue('logText: text must be a string.', { details: { field: 'text' } });
    await this.logArtifact(runId, artifactFile, text);
  }

  /**
   * Writes a plain object as MLflow's `log_dict` does: YAML (PyYAML's `yaml.dump`, sorted keys) for
   * `.yaml`/`.yml` files, JSON with indent 2 (Python's `json.dump`) for any other file.
   * @throws `INVALID_PARAMETER_VALUE` naming the part of `value` that is not data.
   */
  async logDict(runId: string, value: unknown, artifactFile: string): Promise<void> {
    parseRunId(runId);
    assertArtifactPath(artifactFile);
    await this.logArtifact(runId, artifactFile, dictArtifactText(value, artifactFile));
  }

  /**
   * Logs an image: encoded bytes (PNG/JPEG `Blob` or `Uint8Array`) as they are, or an `ImageData` /
   * canvas encoded to PNG (browsers). Sets tag `mlflow.loggedImages`.
   */
  async logImage(runId: string, image: ImageInput, artifactFile: string): Promise<void> {
    const bytes = await encodeImage(image);
    await this.logArtifact(runId, artifactFile, bytes);
    this.setTag(runId, SystemTag.LOGGED_IMAGES, 'True');
  }

  /** Files and folders directly inside `path` ('' = the artifact root). */
  async listArtifacts(runId: string, path = ''): Promise<FileInfo[]> {
    const id = parseRunId(runId);
    const folder = assertArtifactPath(path, true);
    await this.__settleArtifacts();
    return this.store.listArtifacts(id, folder);
  }

  /** The bytes of one artifact file. */
  async downloadArtifact(runId: string, path: string): Promise<Uint8Array> {
    const id = parseRunId(runId);
    const file = assertArtifactPath(path);
    await this.__settleArtifacts();
    return this.store.getArtifact(id, file);
  }

  /** One artifact file decoded as UTF-8 (MLflow's `load_text`). */
  async loadText(runId: string, path: string): Promise<string> {
    return new TextDecoder().decode(await this.downloadArtifact(runId, path));
  }

  /** Deletes an artifact file or folder. */
  async deleteArtifact(runId: string, path: string): Promise<void> {
    const id = parseRunId(runId);
    const file = assertArtifactPath(path);
    await this.__settleArtifacts();
    await this.store.deleteArtifact(id, file);
  }

  // ------------------------------------------------------------------------------------ run handles

  /**
   * Starts a run and returns its handle. An unknown `experimentName` is created (as
   * `mlflow.set_experiment`); default experiment `0`. Sets `mlflow.user`, `mlflow.source.*`,
   * `mlflow.parentRunId` for child runs and `mlflow.note.content` from `description`.
   */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const parsed = parseInput(startRunOptionsSchema, options, 'startRun options');
    const experimentId = await this.__resolveExperiment(parsed.experimentId, parsed.experimentName);
    const tags: Record<string, LoggableValue> = { [SystemTag.USER]: this.userId, ...defaultSourceTags() };
    if (parsed.parentRunId !== undefined) {
      await this.getRun(parsed.parentRunId);
      tags[SystemTag.PARENT_RUN_ID] = parsed.parentRunId;
    }
    if (parsed.description !== undefined) tags[SystemTag.NOTE] = parsed.description;
    Object.assign(tags, parsed.tags ?? {});
    const run = await this.createRun(experimentId, {
      tags,
      ...(parsed.runName === undefined ? {} : { runName: parsed.runName }),
      ...(parsed.startTime === undefined ? {} : { startTime: parsed.startTime }),
    });
    return new ActiveRun(this, run.info);
  }

  /**
   * Runs `fn` inside a new run, ending it FINISHED, or FAILED when `fn` throws (the error is rethrown).
   * @returns what `fn` returns
   */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => T | Promise<T>): Promise<T> {
    const run = await this.startRun(options);
    let result: T;
    try {
      result = await fn(run);
    } catch (error) {
      await run.end('FAILED').catch(() => undefined);
      throw error;
    }
    await run.end('FINISHED');
    return result;
  }

  // ------------------------------------------------------------------------------------- lifecycle

  /**
   * Resolves when everything logged so far is durably stored. Rejects with the storage errors of
   * queued writes not reported before: those of run `runId` only when given (other runs keep
   * theirs), else of every run. One failure is thrown as it is; several as one `EdgeflowError`
   * (the first one's code, `details.runIds`, every error in its `cause`, an `AggregateError`).
   */
  async flush(runId?: string): Promise<void> {
    const id = runId === undefined ? undefined : parseRunId(runId);
    await this.__settleArtifacts();
    await this.__queue.flush(id);
  }

  /** Subscribes to the store's change events. */
  subscribe(listener: StoreListener): () => void {
    return this.store.subscribe(listener);
  }

  /** Flushes, then closes the store. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.__queue.dispose();
      await this.store.close();
    }
  }

  // --------------------------------------------------------------------------------------- helpers

  /** @internal Ships queued writes without reporting their errors (for run handles). */
  override async _$settle(): Promise<void> {
    await this.__queue.settle();
  }

  /** @internal True when queued writes of `runId` failed and were not reported yet (for run handles). */
  _$hasQueuedErrors(runId: RunId): boolean {
    return this.__queue.hasErrors(runId);
  }

  private __checkKey(key: string, kind: 'metric' | 'param' | 'tag'): void {
    if (!this.__validKeys.has(key)) {
      assertValidKey(key, kind);
      this.__validKeys.add(key);
    }
  }

  private __keyValues(kind: 'param' | 'tag', values: Readonly<Record<string, unknown>>): KeyValue[] {
    const out: KeyValue[] = [];
    for (const [key, value] of Object.entries(values)) {
      assertValidKey(key, kind);
      out.push({ key, value: truncated(kind, key, stringifyValue(value, key)) });
    }
    return out;
  }

  private async __resolveExperiment(experimentId: string | undefined, experimentName: string | undefined): Promise<ExperimentId> {
    if (experimentId !== undefined) {
      const experiment = await this.store.getExperiment(parseExperimentId(experimentId));
      return experiment.experimentId;
    }
    if (experimentName === undefined) return DEFAULT_EXPERIMENT_ID;
    const existing = await this.store.getExperimentByName(experimentName);
    if (existing === null) {
      try {
        return await this.createExperiment(experimentName);
      } catch (error) {
        // Another tab may have created it in the meantime.
        const raced = await this.store.getExperimentByName(experimentName);
        if (raced === null) throw error;
        return raced.experimentId;
      }
    }
    if (existing.lifecycleStage === 'deleted') {
      throw EdgeflowError.invalidParameterValue(
        `Experiment ${describeValue(experimentName)} is deleted; restore it (restoreExperiment('${existing.experimentId}')) before starting runs in it.`,
        { details: { experimentId: existing.experimentId } },
      );
    }
    return existing.experimentId;
  }

  private __track<T>(write: Promise<T>): Promise<T> {
    this.__artifactWrites.add(write);
    const forget = (): void => {
      this.__artifactWrites.delete(write);
    };
    write.then(forget, forget);
    return write;
  }

  private async __settleArtifacts(): Promise<void> {
    await Promise.allSettled([...this.__artifactWrites]);
  }
}

/** A checked experiment tag: a valid key and a value of at most 5000 characters. */
function experimentTag(key: string, value: unknown): KeyValue {
  assertValidKey(key, 'tag');
  const text = stringifyValue(value, key);
  assertExperimentTagValue(key, text);
  return { key, value: text };
}

/** Groups MLflow-shaped metrics by key and link (model, dataset) into columns, keeping their order. */
function metricColumns(metrics: readonly (MetricInput & { timestamp?: number | undefined; step?: number | undefined })[]): (MetricColumns & { link?: MetricLink })[] {
  const groups = dict<{ key: string; link: MetricLink | undefined; steps: number[]; timestamps: number[]; values: number[] }>();
  const now = Date.now();
  for (const m of metrics) {
    const link = m.modelId === undefined && m.datasetName === undefined && m.datasetDigest === undefined
      ? undefined
      : { ...(m.modelId === undefined ? {} : { modelId: m.modelId }), ...(m.datasetName === undefined ? {} : { datasetName: m.datasetName }), ...(m.datasetDigest === undefined ? {} : { datasetDigest: m.datasetDigest }) };
    const group = link === undefined ? m.key : JSON.stringify([m.key, link.modelId, link.datasetName, link.datasetDigest]);
    if (!hasKey(groups, group)) groups[group] = { key: m.key, link, steps: [], timestamps: [], values: [] };
    const cols = groups[group]!;
    cols.steps.push(m.step ?? 0);
    cols.timestamps.push(m.timestamp ?? now);
    cols.values.push(m.value);
  }
  return Object.values(groups).map(({ key, link, ...cols }) => ({
    key,
    steps: Float64Array.from(cols.steps),
    timestamps: Float64Array.from(cols.timestamps),
    values: Float64Array.from(cols.values),
    ...(link === undefined ? {} : { link }),
  }));
}
