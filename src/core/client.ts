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
import { PendingWork } from './pending-work.js';
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
      /** Integer step; default 0. */
      readonly step?: number;
      /** Milliseconds since the Unix epoch; default now. */
      readonly timestamp?: number;
      /** MLflow 3: also log the point to this logged model's metrics (the model must exist). */
      readonly modelId?: string;
      /** MLflow 3: the dataset the value was computed on (a `Dataset`, or `{name, digest}`). */
      readonly dataset?: MetricDataset;
    };

/** A metric as given to {@link TrackingClient.logBatch}. */
export interface MetricInput {
  /** A valid MLflow key. */
  readonly key: string;
  /** Any number, NaN and ±Infinity included. */
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
  /** Run tags; values are written as Python's `str()` writes them. */
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
  /** The `nextPageToken` of the previous page. */
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
 * Client of a tracking {@link Store}, with MLflow's `MlflowClient` methods in camelCase: tracking
 * here, MLflow 3 logged models in {@link LoggedModelClient}, the model registry in its base
 * `ModelRegistryClient`. Every method validates its input before the store sees it; `logMetric`,
 * `logParam` and `setTag` queue their writes (see {@link flush}).
 * @example
 * ```ts
 * const client = new TrackingClient(await openStore('idb:edgeflow'));
 * const run = await client.startRun({ experimentName: 'spirals' });
 * run.logMetric('loss', 0.3, 1);
 * await run.end();
 * ```
 */
export class TrackingClient extends LoggedModelClient {
  readonly #queue: LoggingQueue;
  readonly #validKeys = new Set<string>();
  readonly #artifactWrites = new PendingWork();
  #lastRunId: string | undefined;

  /**
   * @param store - The store every call goes to (see {@link openStore}).
   * @param options - The user recorded on runs and versions, and the logging queue's settings.
   */
  constructor(store: Store, options: TrackingClientOptions = {}) {
    super(store, options.userId ?? defaultUserId());
    this.#queue = new LoggingQueue(store, options.queue);
  }

  // ----------------------------------------------------------------------------------- experiments

  /**
   * Creates an experiment (MLflow's `create_experiment`). Names are unique among active and deleted
   * experiments.
   * @param name - Up to 500 characters.
   * @param options - `artifactLocation` (default: the store's own) and experiment tags.
   * @returns the new experiment's id
   * @throws `RESOURCE_ALREADY_EXISTS` when the name is taken; `INVALID_PARAMETER_VALUE` for a bad name,
   * location or tag
   */
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

  /**
   * The experiment with this id, active or deleted.
   * @param experimentId - The experiment's id.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown id; `INVALID_PARAMETER_VALUE` for a malformed one
   */
  async getExperiment(experimentId: string): Promise<Experiment> {
    return this.store.getExperiment(parseExperimentId(experimentId));
  }

  /**
   * The experiment with this name (active or deleted).
   * @param name - The exact name.
   * @returns the experiment, or `null` when none has the name
   */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    return this.store.getExperimentByName(parseInput(experimentNameSchema, name, 'experiment name'));
  }

  /**
   * Searches experiments with MLflow's filter grammar (`name LIKE 'x%' and tags.team = 'a'`).
   * @param options - Filter, ordering (`name`, `experiment_id`, `creation_time`, `last_update_time`),
   * view type (default active only), page size and token.
   * @returns one page and the token of the next
   * @throws `INVALID_PARAMETER_VALUE` for a bad filter (with its position), order or page token
   */
  async searchExperiments(options: SearchOptions = {}): Promise<Page<Experiment>> {
    const parsed = parseInput(searchExperimentsOptionsSchema, options, 'searchExperiments options');
    return this.store.searchExperiments(parsed);
  }

  /**
   * Renames an experiment.
   * @param experimentId - The experiment's id.
   * @param newName - Unique among active and deleted experiments.
   * @throws `RESOURCE_DOES_NOT_EXIST`; `RESOURCE_ALREADY_EXISTS` when the name is taken;
   * `INVALID_PARAMETER_VALUE` for a bad name
   */
  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    assertExperimentName(newName);
    await this.store.renameExperiment(parseExperimentId(experimentId), newName);
  }

  /**
   * Soft-deletes an experiment and its active runs (they can be restored).
   * @param experimentId - The experiment's id.
   * @throws `RESOURCE_DOES_NOT_EXIST`; `INVALID_PARAMETER_VALUE` for the Default experiment `0`
   */
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.#queue.settle();
    await this.store.deleteExperiment(parseExperimentId(experimentId));
  }

  /**
   * Restores a deleted experiment and its deleted runs.
   * @param experimentId - The experiment's id.
   * @throws `RESOURCE_DOES_NOT_EXIST`
   */
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.store.restoreExperiment(parseExperimentId(experimentId));
  }

  /**
   * Sets an experiment tag (values are written as Python's `str()` writes them).
   * @param experimentId - The experiment's id.
   * @param key - A valid MLflow key.
   * @param value - At most 5000 characters once written as text.
   * @throws `RESOURCE_DOES_NOT_EXIST`; `INVALID_PARAMETER_VALUE` for a bad key or a longer value
   */
  async setExperimentTag(experimentId: string, key: string, value: LoggableValue): Promise<void> {
    await this.store.setExperimentTag(parseExperimentId(experimentId), experimentTag(key, value));
  }

  /**
   * Deletes an experiment tag.
   * @param experimentId - The experiment's id.
   * @param key - The tag's key.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment or tag
   */
  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    assertValidKey(key, 'tag');
    await this.store.deleteExperimentTag(parseExperimentId(experimentId), key);
  }

  // ------------------------------------------------------------------------------------------ runs

  /**
   * Creates a run (status RUNNING), as MLflow's `create_run`. Unlike {@link TrackingClient.startRun},
   * adds no context tags and returns the stored run, not a handle.
   * @param experimentId - An active experiment.
   * @param options - Start time, name (default: a random one), tags and user.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment; `INVALID_STATE` for a deleted one;
   * `INVALID_PARAMETER_VALUE` when `runName` and tag `mlflow.runName` disagree, or for a bad tag
   */
  async createRun(experimentId: string, options: CreateRunOptions = {}): Promise<Run> {
    const id = parseExperimentId(experimentId);
    const parsed = parseInput(createRunOptionsSchema, options, 'createRun options');
    const tags = this.#keyValues('tag', parsed.tags ?? {});
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

  /**
   * The run with its latest metrics, params and tags (after the queued writes of this client).
   * @param runId - The run's id.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run; `INVALID_PARAMETER_VALUE` for a malformed id
   */
  async getRun(runId: string): Promise<Run> {
    const id = parseRunId(runId);
    await this.#queue.settle();
    return this.store.getRun(id);
  }

  /**
   * Updates the status, end time or name of a run.
   * @param runId - An active (not deleted) run.
   * @param update - The fields to change.
   * @returns the run's info after the update
   * @throws `RESOURCE_DOES_NOT_EXIST`; `INVALID_PARAMETER_VALUE` for a deleted run or a bad field
   */
  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number | null; runName?: string }): Promise<RunInfo> {
    const id = parseRunId(runId);
    const parsed = parseInput(updateRunOptionsSchema, update, 'updateRun options');
    await this.#queue.settle();
    return this.store.updateRun(id, parsed);
  }

  /**
   * Ends a run (MLflow's `set_terminated`).
   * @param runId - An active run.
   * @param status - Default `FINISHED`.
   * @param endTime - Milliseconds since the epoch; default now.
   * @returns the run's info after the update
   * @throws `RESOURCE_DOES_NOT_EXIST`; `INVALID_PARAMETER_VALUE` for a deleted run or a bad status
   */
  async setTerminated(runId: string, status: RunStatus = 'FINISHED', endTime: number = Date.now()): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime });
  }

  /**
   * Soft-deletes a run: it becomes read-only and leaves active searches until restored.
   * @param runId - The run's id.
   * @throws `RESOURCE_DOES_NOT_EXIST`
   */
  async deleteRun(runId: string): Promise<void> {
    const id = parseRunId(runId);
    await this.#queue.settle();
    await this.store.deleteRun(id);
  }

  /**
   * Restores a deleted run.
   * @param runId - The run's id.
   * @throws `RESOURCE_DOES_NOT_EXIST`
   */
  async restoreRun(runId: string): Promise<void> {
    await this.store.restoreRun(parseRunId(runId));
  }

  /**
   * Queues a metric point. Validates at once (bad input throws here); storage errors surface in
   * {@link TrackingClient.flush}.
   * @param runId - The run's id.
   * @param key - A valid MLflow key.
   * @param value - Any number, NaN and ±Infinity included.
   * @param options - The step, or `{step, timestamp}`; default step 0 and now.
   * @throws `INVALID_PARAMETER_VALUE` for a bad key, a value that is not a number, or a step or
   * timestamp that is not a safe integer number (`'5'`, `true`, `1n`, `null`)
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
    this.#checkKey(key, 'metric');
    if (typeof value !== 'number') assertMetricValue(key, value);
    if (runId !== this.#lastRunId) {
      parseRunId(runId);
      this.#lastRunId = runId;
    }
    this.#queue.metric(runId as RunId, key, value, timestamp ?? Date.now(), step, link);
  }

  /**
   * Queues a param. Params are immutable: the same value again is fine, another value fails at flush.
   * Values longer than 6000 characters are cut, with a warning, as MLflow does.
   * @param runId - The run's id.
   * @param key - A valid MLflow key.
   * @param value - Written as Python's `str()` writes it (`True`, `1e-07`).
   * @throws `INVALID_PARAMETER_VALUE` for a bad key or a value with no string form
   */
  logParam(runId: string, key: string, value: LoggableValue): void {
    this.#checkKey(key, 'param');
    parseRunId(runId);
    this.#queue.param(runId as RunId, key, truncated('param', key, stringifyValue(value, key)));
  }

  /**
   * Queues a run tag (tags are mutable). Tag `mlflow.runName` renames the run. Values longer than
   * 8000 characters are cut, with a warning, as MLflow does.
   * @param runId - The run's id.
   * @param key - A valid MLflow key.
   * @param value - Written as Python's `str()` writes it.
   * @throws `INVALID_PARAMETER_VALUE` for a bad key or a value with no string form
   */
  setTag(runId: string, key: string, value: LoggableValue): void {
    this.#checkKey(key, 'tag');
    parseRunId(runId);
    this.#queue.tag(runId as RunId, key, truncated('tag', key, stringifyValue(value, key)));
  }

  /**
   * Deletes a run tag.
   * @param runId - The run's id.
   * @param key - The tag's key.
   * @throws `RESOURCE_DOES_NOT_EXIST` when there is no such run or tag
   */
  async deleteTag(runId: string, key: string): Promise<void> {
    const id = parseRunId(runId);
    assertValidKey(key, 'tag');
    await this.#queue.settle();
    await this.store.deleteTag(id, key);
  }

  /**
   * Logs metrics, params and tags at once, all or nothing, with MLflow's batch limits (≤ 1000
   * metrics, ≤ 100 params, ≤ 100 tags, ≤ 1000 in all). Validated and conflict-checked before anything
   * is written; unlike `logMetric`, awaited.
   * @param runId - An active run.
   * @param batch - The metrics, params and tags.
   * @throws `INVALID_PARAMETER_VALUE` for a bad item, a batch over the limits, a changed param or a
   * deleted run; `RESOURCE_DOES_NOT_EXIST` for an unknown run
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
    await this.#queue.settle();
    await this.store.logBatch(id, converted);
  }

  /**
   * The whole history of a metric as columns, in logging order.
   * @param runId - The run's id.
   * @param key - The metric's key.
   * @returns `{steps, timestamps, values}` as `Float64Array`s (empty for a key never logged)
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run
   */
  async getMetricHistory(runId: string, key: string): Promise<MetricSeries> {
    const id = parseRunId(runId);
    assertValidKey(key, 'metric');
    await this.#queue.settle();
    return this.store.getMetricHistory(id, key);
  }

  /**
   * The points of a metric from position `fromIndex` (0-based, logging order) to the end, for a live
   * chart that already holds `fromIndex` points. Uses the store's tail read when it has one, otherwise
   * reads the whole history and slices it.
   * @param runId - The run's id.
   * @param key - The metric's key.
   * @param fromIndex - How many points the caller has already.
   * @returns the newer points; empty when `fromIndex` is at or past the end
   * @throws `INVALID_PARAMETER_VALUE` unless `fromIndex` is a whole number ≥ 0;
   * `RESOURCE_DOES_NOT_EXIST` for an unknown run
   */
  async getMetricHistoryFrom(runId: string, key: string, fromIndex: number): Promise<MetricSeries> {
    const id = parseRunId(runId);
    assertValidKey(key, 'metric');
    assertHistoryIndex(fromIndex);
    await this.#queue.settle();
    return readMetricHistoryFrom(this.store, id, key, fromIndex);
  }

  /**
   * Searches runs of the given experiments with MLflow's filter grammar, ordering and paging.
   * @param experimentIds - One experiment id or several.
   * @param options - Filter (`metrics.loss < 0.1 and params.optimizer = 'adam'`), ordering
   * (`['metrics.loss ASC']`), view type, page size (default 1000, at most 50,000) and token.
   * @returns one page of runs and the token of the next
   * @throws `INVALID_PARAMETER_VALUE` for a bad filter (with its position), order or page token
   * @example
   * ```ts
   * const { items } = await client.searchRuns(experimentId, { filter: 'metrics.acc > 0.9', orderBy: ['metrics.acc DESC'] });
   * ```
   */
  async searchRuns(experimentIds: string | readonly string[], options: SearchOptions = {}): Promise<Page<Run>> {
    const ids = (typeof experimentIds === 'string' ? [experimentIds] : experimentIds).map(parseExperimentId);
    const parsed = parseInput(searchRunsOptionsSchema, options, 'searchRuns options');
    await this.#queue.settle();
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
    await this.#queue.settle();
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
    await this.#queue.settle();
    return searchDatasetsOf(this.store, ids);
  }

  // ------------------------------------------------------------------------------------- artifacts

  /**
   * Writes one artifact file.
   * @param runId - An active run.
   * @param artifactPath - A relative path inside the run's artifacts (`plots/loss.png`).
   * @param data - Bytes, a Blob, or a string (written as UTF-8).
   * @throws `INVALID_PARAMETER_VALUE` for a bad path (absolute, `..`, backslashes) or data;
   * `RESOURCE_DOES_NOT_EXIST` for an unknown run; `RESOURCE_EXHAUSTED` when storage is full
   */
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
    await this.#track(this.store.putArtifact(id, path, bytes));
  }

  /**
   * Writes `text` as a UTF-8 file (MLflow's `log_text`).
   * @param runId - An active run.
   * @param text - The file's content.
   * @param artifactFile - A relative path inside the run's artifacts.
   * @throws `INVALID_PARAMETER_VALUE` for a bad path or text that is not a string
   */
  async logText(runId: string, text: string, artifactFile: string): Promise<void> {
    if (typeof text !== 'string') throw EdgeflowError.invalidParameterValue('logText: text must be a string.', { details: { field: 'text' } });
    await this.logArtifact(runId, artifactFile, text);
  }

  /**
   * Writes a plain object as MLflow's `log_dict` does: YAML (PyYAML's `yaml.dump`, sorted keys) for
   * `.yaml`/`.yml` files, JSON with indent 2 (Python's `json.dump`) for any other file.
   * @param runId - An active run.
   * @param value - Plain data: objects, arrays, strings, numbers, booleans, null.
   * @param artifactFile - A relative path inside the run's artifacts.
   * @throws `INVALID_PARAMETER_VALUE` naming the part of `value` that is not data, or for a bad path
   */
  async logDict(runId: string, value: unknown, artifactFile: string): Promise<void> {
    parseRunId(runId);
    assertArtifactPath(artifactFile);
    await this.logArtifact(runId, artifactFile, dictArtifactText(value, artifactFile));
  }

  /**
   * Logs an image: encoded bytes (PNG/JPEG `Blob` or `Uint8Array`) as they are, or an `ImageData` /
   * canvas encoded to PNG (browsers). Sets tag `mlflow.loggedImages`.
   * @param runId - An active run.
   * @param image - The image.
   * @param artifactFile - A relative path inside the run's artifacts (`images/sample.png`).
   * @throws `INVALID_PARAMETER_VALUE` for a bad path or image
   */
  async logImage(runId: string, image: ImageInput, artifactFile: string): Promise<void> {
    const bytes = await encodeImage(image);
    await this.logArtifact(runId, artifactFile, bytes);
    this.setTag(runId, SystemTag.LOGGED_IMAGES, 'True');
  }

  /**
   * The files and folders directly inside a folder of the run's artifacts.
   * @param runId - The run's id.
   * @param path - The folder; `''` (default) is the artifact root.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run; `INVALID_PARAMETER_VALUE` for a bad path
   */
  async listArtifacts(runId: string, path = ''): Promise<FileInfo[]> {
    const id = parseRunId(runId);
    const folder = assertArtifactPath(path, true);
    await this.#settleArtifacts();
    return this.store.listArtifacts(id, folder);
  }

  /**
   * The bytes of one artifact file.
   * @param runId - The run's id.
   * @param path - The file's path inside the run's artifacts.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run or file; `INVALID_PARAMETER_VALUE` for a bad path
   */
  async downloadArtifact(runId: string, path: string): Promise<Uint8Array> {
    const id = parseRunId(runId);
    const file = assertArtifactPath(path);
    await this.#settleArtifacts();
    return this.store.getArtifact(id, file);
  }

  /**
   * One artifact file decoded as UTF-8 (MLflow's `load_text`).
   * @param runId - The run's id.
   * @param path - The file's path inside the run's artifacts.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run or file
   */
  async loadText(runId: string, path: string): Promise<string> {
    return new TextDecoder().decode(await this.downloadArtifact(runId, path));
  }

  /**
   * Deletes an artifact file or folder.
   * @param runId - An active run.
   * @param path - The file's or folder's path inside the run's artifacts.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run or path; `INVALID_PARAMETER_VALUE` for a bad path
   */
  async deleteArtifact(runId: string, path: string): Promise<void> {
    const id = parseRunId(runId);
    const file = assertArtifactPath(path);
    await this.#settleArtifacts();
    await this.store.deleteArtifact(id, file);
  }

  // ------------------------------------------------------------------------------------ run handles

  /**
   * Starts a run and returns its handle. An unknown `experimentName` is created (as
   * `mlflow.set_experiment`); default experiment `0`. Sets `mlflow.user`, `mlflow.source.*`,
   * `mlflow.parentRunId` for child runs and `mlflow.note.content` from `description`.
   * @param options - Experiment (id or name), run name, parent, tags, description, start time.
   * @returns the run's handle, for logging without the run id
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment id or parent run; `INVALID_STATE` for
   * a deleted experiment; `INVALID_PARAMETER_VALUE` for bad options
   * @example
   * ```ts
   * await using run = await client.startRun({ experimentName: 'spirals', runName: 'mlp-64' });
   * run.logParams({ lr: 0.01 });
   * ```
   */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const parsed = parseInput(startRunOptionsSchema, options, 'startRun options');
    const experimentId = await this.#resolveExperiment(parsed.experimentId, parsed.experimentName);
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
   * @param options - As for {@link TrackingClient.startRun}.
   * @param fn - Receives the run's handle.
   * @returns what `fn` returns
   * @throws what `fn` throws; the errors of {@link TrackingClient.startRun} and {@link ActiveRun.end}
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
   * @param runId - Report this run's errors only.
   * @throws the storage errors of queued writes (e.g. `INVALID_PARAMETER_VALUE` for a changed param)
   */
  async flush(runId?: string): Promise<void> {
    const id = runId === undefined ? undefined : parseRunId(runId);
    await this.#settleArtifacts();
    await this.#queue.flush(id);
  }

  /**
   * Subscribes to the store's change events (runs, metrics, experiments, models).
   * @param listener - Called with each {@link StoreChange}.
   * @returns a function that unsubscribes
   */
  subscribe(listener: StoreListener): () => void {
    return this.store.subscribe(listener);
  }

  /**
   * Flushes, then closes the store.
   * @throws the errors of {@link TrackingClient.flush}; the store is closed anyway
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.#queue.dispose();
      await this.store.close();
    }
  }

  // --------------------------------------------------------------------------------------- helpers

  /** @internal Ships queued writes without reporting their errors (for run handles). */
  override async _$settle(): Promise<void> {
    await this.#queue.settle();
  }

  /** @internal True when queued writes of `runId` failed and were not reported yet (for run handles). */
  _$hasQueuedErrors(runId: RunId): boolean {
    return this.#queue.hasErrors(runId);
  }

  #checkKey(key: string, kind: 'metric' | 'param' | 'tag'): void {
    if (!this.#validKeys.has(key)) {
      assertValidKey(key, kind);
      this.#validKeys.add(key);
    }
  }

  #keyValues(kind: 'param' | 'tag', values: Readonly<Record<string, unknown>>): KeyValue[] {
    const out: KeyValue[] = [];
    for (const [key, value] of Object.entries(values)) {
      assertValidKey(key, kind);
      out.push({ key, value: truncated(kind, key, stringifyValue(value, key)) });
    }
    return out;
  }

  async #resolveExperiment(experimentId: string | undefined, experimentName: string | undefined): Promise<ExperimentId> {
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

  #track<T>(write: Promise<T>): Promise<T> {
    return this.#artifactWrites.track(write);
  }

  async #settleArtifacts(): Promise<void> {
    await this.#artifactWrites.settled();
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
