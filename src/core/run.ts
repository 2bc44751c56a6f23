/**
 * Run handles: the primary logging API (MLflow's `ActiveRun`, without hidden global state).
 * @module
 */
import { z } from 'zod';
import type { FileInfo, Run, RunInfo, RunStatus } from './entities.js';
import { EdgeflowError, describeValue } from './errors.js';
import type { ExperimentId, RunId } from './ids.js';
import type { ImageInput } from './image.js';
import { experimentNameSchema, parseInput, runNameSchema, runStatusSchema, tagsInputSchema, textSchema, timestampSchema } from './schemas.js';
import type { ArtifactData } from './store.js';
import { SystemTag } from './system-tags.js';
import { assertRecord, metricPosition, stringifyValue } from './validation.js';
import type { LoggableValue, MetricOptions, TrackingClient } from './client.js';
import { splitMetricOptions } from './logged-models/metrics.js';
import type { ModelOutputInput } from './logged-models/logged-model-client.js';
import { DATASET_CONTEXT_TAG, type Dataset } from './datasets/entities.js';
import { logInputOptionsSchema } from './datasets/schemas.js';

/** Options of {@link ActiveRun.logInput}. */
export interface LogInputOptions {
  /** The dataset's role in the run (`training`, `eval`, `test`, …): the tag `mlflow.data.context`. */
  readonly context?: string;
  /** More input tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of `startRun`. */
export interface StartRunOptions {
  /** Experiment by id; wins over `experimentName`. */
  readonly experimentId?: string;
  /** Experiment by name; created when unknown. */
  readonly experimentName?: string;
  /** Display name (tag `mlflow.runName`); default: a random one. */
  readonly runName?: string;
  /** Makes this a child run (tag `mlflow.parentRunId`). */
  readonly parentRunId?: string;
  /** Run tags; values are written as Python's `str()` writes them. */
  readonly tags?: Readonly<Record<string, LoggableValue>>;
  /** Markdown note (tag `mlflow.note.content`). */
  readonly description?: string;
  /** ms; default now. */
  readonly startTime?: number;
}

/** zod schema of {@link StartRunOptions}. */
export const startRunOptionsSchema = z
  .object({
    experimentId: z.string().optional(),
    experimentName: experimentNameSchema.optional(),
    runName: runNameSchema.optional(),
    parentRunId: z.string().optional(),
    tags: tagsInputSchema.optional(),
    description: textSchema.optional(),
    startTime: timestampSchema.optional(),
  })
  .strict();

/**
 * A started run. Logging methods validate at once and queue the write (a training loop never
 * waits); `flush()` waits until everything is stored; `end()` ends the run.
 *
 * @example
 * ```ts
 * const run = await client.startRun({ experimentName: 'mnist', runName: 'cnn' });
 * run.logParams({ lr: 0.01, epochs: 5 });
 * for (let step = 0; step < 100; step++) run.logMetric('loss', loss(step), step);
 * await run.end(); // FINISHED
 * ```
 */
export class ActiveRun {
  /** Run metadata as it was when the run started. */
  readonly info: RunInfo;
  readonly #client: TrackingClient;
  readonly #params = new Map<string, string>();
  #ended = false;
  /** Called once when the run ends, before its final status is written (samplers stop here). */
  readonly #onEnd = new Set<() => void>();

  /**
   * Wraps a run that exists; {@link TrackingClient.startRun} is the usual way to get one.
   * @param client - The client the run logs through.
   * @param info - The run's info.
   */
  constructor(client: TrackingClient, info: RunInfo) {
    this.#client = client;
    this.info = info;
  }

  /** The run's id. */
  get runId(): RunId {
    return this.info.runId;
  }

  /** The id of the run's experiment. */
  get experimentId(): ExperimentId {
    return this.info.experimentId;
  }

  /** The client this run logs through. */
  get client(): TrackingClient {
    return this.#client;
  }

  /**
   * Calls `callback` once when the run ends, before its final status is written (so what it logs
   * still belongs to the run). Returns the function that removes it.
   */
  onEnd(callback: () => void): () => void {
    this.#onEnd.add(callback);
    return () => this.#onEnd.delete(callback);
  }

  /** True once {@link ActiveRun.end} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Queues a metric point (see {@link TrackingClient.logMetric}).
   * @param key - A valid MLflow key.
   * @param value - Any number, NaN and ±Infinity included.
   * @param options - The step, or `{step, timestamp, modelId, dataset}`; default step 0 and now.
   *   MLflow 3: `modelId` also logs the point to that logged model, `dataset` records the data.
   * @throws `INVALID_PARAMETER_VALUE` for a bad key, value, step or timestamp
   */
  logMetric(key: string, value: number, options?: MetricOptions): void {
    this.#client.logMetric(this.info.runId, key, value, options);
  }

  /**
   * Queues several metrics at the same step and time (an omitted timestamp is one "now" for all).
   * @param metrics - Key → value.
   * @param options - As in {@link ActiveRun.logMetric}.
   * @throws `INVALID_PARAMETER_VALUE` for a bad key, value, step or timestamp
   */
  logMetrics(metrics: Readonly<Record<string, number>>, options?: MetricOptions): void {
    assertRecord(metrics, 'metrics');
    const keys = Object.keys(metrics);
    const { position, link } = splitMetricOptions(keys.join(', '), options);
    const { step, timestamp } = metricPosition(keys.join(', '), position);
    const at = { step, timestamp: timestamp ?? Date.now(), ...(link?.modelId === undefined ? {} : { modelId: link.modelId }),
      ...(link?.datasetName === undefined ? {} : { dataset: { name: link.datasetName, digest: link.datasetDigest! } }) };
    for (const key of keys) this.#client.logMetric(this.info.runId, key, metrics[key]!, at);
  }

  /** Records logged models this run produced (MLflow 3 `log_outputs`); a repeat keeps the first step. */
  async logOutputs(models: readonly ModelOutputInput[]): Promise<void> {
    await this.#client.logOutputs(this.info.runId, models);
  }

  /**
   * Queues a param (params are immutable).
   * @param key - A valid MLflow key.
   * @param value - Written as Python's `str()` writes it.
   * @throws `INVALID_PARAMETER_VALUE` at once when this run already logged the key with another
   * value, for a bad key, or a value with no string form
   */
  logParam(key: string, value: LoggableValue): void {
    const text = stringifyValue(value, key);
    const previous = this.#params.get(key);
    if (previous !== undefined && previous !== text) {
      throw EdgeflowError.invalidParameterValue(
        `Changing param values is not allowed. Param ${describeValue(key)} was already logged with value ${describeValue(previous)} for run ID='${this.info.runId}'. Attempted logging new value ${describeValue(text)}.`,
        { details: { field: 'params', key } },
      );
    }
    this.#client.logParam(this.info.runId, key, value);
    this.#params.set(key, text);
  }

  /**
   * Queues several params.
   * @param params - Key → value.
   * @throws as {@link ActiveRun.logParam}
   */
  logParams(params: Readonly<Record<string, LoggableValue>>): void {
    assertRecord(params, 'params');
    for (const key of Object.keys(params)) this.logParam(key, params[key]);
  }

  /**
   * Queues a tag (tags are mutable).
   * @param key - A valid MLflow key.
   * @param value - Written as Python's `str()` writes it.
   * @throws `INVALID_PARAMETER_VALUE` for a bad key or a value with no string form
   */
  setTag(key: string, value: LoggableValue): void {
    this.#client.setTag(this.info.runId, key, value);
  }

  /**
   * Queues several tags.
   * @param tags - Key → value.
   * @throws as {@link ActiveRun.setTag}
   */
  setTags(tags: Readonly<Record<string, LoggableValue>>): void {
    assertRecord(tags, 'tags');
    for (const key of Object.keys(tags)) this.setTag(key, tags[key]);
  }

  /**
   * Deletes a tag of this run.
   * @param key - The tag's key.
   * @throws `RESOURCE_DOES_NOT_EXIST` when there is no such tag
   */
  async deleteTag(key: string): Promise<void> {
    await this.#client.deleteTag(this.info.runId, key);
  }

  /**
   * Sets the run's Markdown note (tag `mlflow.note.content`).
   * @param markdown - The note.
   */
  setNote(markdown: string): void {
    this.setTag(SystemTag.NOTE, markdown);
  }

  /**
   * Logs a dataset this run read, as `mlflow.log_input` does: `context` (`training`, `eval`, …) is
   * stored as the input tag `mlflow.data.context` after your `tags`. Write-once per dataset name and
   * digest: logging it again (even with another context) keeps the first record.
   */
  async logInput(dataset: Dataset, options: LogInputOptions = {}): Promise<void> {
    const { context, tags } = parseInput(logInputOptionsSchema, options, 'logInput options');
    const inputTags = Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
    if (context !== undefined) inputTags.push({ key: DATASET_CONTEXT_TAG, value: context });
    await this.#client.logInputs(this.info.runId, { datasets: [{ dataset, tags: inputTags }] });
  }

  /**
   * Writes one artifact file (see {@link TrackingClient.logArtifact}).
   * @param artifactPath - A relative path inside the run's artifacts.
   * @param data - Bytes, a Blob, or a string (written as UTF-8).
   * @throws `INVALID_PARAMETER_VALUE` for a bad path or data
   */
  logArtifact(artifactPath: string, data: ArtifactData | ArrayBuffer | string): Promise<void> {
    return this.#client.logArtifact(this.info.runId, artifactPath, data);
  }

  /**
   * Writes `text` as a UTF-8 file (MLflow's `log_text`).
   * @param text - The file's content.
   * @param artifactFile - A relative path inside the run's artifacts.
   * @throws `INVALID_PARAMETER_VALUE` for a bad path
   */
  logText(text: string, artifactFile: string): Promise<void> {
    return this.#client.logText(this.info.runId, text, artifactFile);
  }

  /**
   * Writes plain data as JSON, or YAML for `.yaml`/`.yml` (see {@link TrackingClient.logDict}).
   * @param value - Plain data.
   * @param artifactFile - A relative path inside the run's artifacts.
   * @throws `INVALID_PARAMETER_VALUE` naming the part of `value` that is not data, or for a bad path
   */
  logDict(value: unknown, artifactFile: string): Promise<void> {
    return this.#client.logDict(this.info.runId, value, artifactFile);
  }

  /**
   * Logs an image (see {@link TrackingClient.logImage}).
   * @param image - PNG/JPEG bytes, `ImageData` or a canvas.
   * @param artifactFile - A relative path inside the run's artifacts.
   * @throws `INVALID_PARAMETER_VALUE` for a bad path or image
   */
  logImage(image: ImageInput, artifactFile: string): Promise<void> {
    return this.#client.logImage(this.info.runId, image, artifactFile);
  }

  /**
   * The files and folders directly inside a folder of this run's artifacts.
   * @param path - The folder; `''` (default) is the artifact root.
   * @throws `INVALID_PARAMETER_VALUE` for a bad path
   */
  listArtifacts(path = ''): Promise<FileInfo[]> {
    return this.#client.listArtifacts(this.info.runId, path);
  }

  /** The run as stored now (latest metrics, params, tags). */
  getRun(): Promise<Run> {
    return this.#client.getRun(this.info.runId);
  }

  /**
   * Starts a child run of this run in the same experiment (tag `mlflow.parentRunId`).
   * @param options - Run name, tags, description, start time.
   * @returns the child's handle
   */
  startChildRun(options: Omit<StartRunOptions, 'parentRunId' | 'experimentId' | 'experimentName'> = {}): Promise<ActiveRun> {
    return this.#client.startRun({ ...options, experimentId: this.info.experimentId, parentRunId: this.info.runId });
  }

  /**
   * Resolves when everything logged so far is durably stored; rejects with the errors of this
   * run's queued writes not reported before (other runs' errors stay for their own flush or end).
   */
  flush(): Promise<void> {
    return this.#client.flush(this.info.runId);
  }

  /**
   * Ends the run with `status` at `endTime`, after everything queued for it has been written; then
   * flushes. A run whose queued writes failed is never ended FINISHED: it is ended FAILED instead (so
   * the stored run says its data is incomplete) and `end()` rejects.
   * @param status - Default `FINISHED`.
   * @param endTime - Milliseconds since the epoch; default now.
   * @throws the storage errors of this run's queued writes not reported before;
   * `INVALID_PARAMETER_VALUE` for a bad status
   */
  async end(status: RunStatus = 'FINISHED', endTime: number = Date.now()): Promise<void> {
    parseInput(runStatusSchema, status, 'run status');
    const callbacks = [...this.#onEnd];
    this.#onEnd.clear();
    for (const callback of callbacks) callback();
    await this.#client._$settle();
    const final = status === 'FINISHED' && this.#client._$hasQueuedErrors(this.info.runId) ? 'FAILED' : status;
    await this.#client.updateRun(this.info.runId, { status: final, endTime });
    this.#ended = true;
    await this.#client.flush(this.info.runId);
  }

  /** `await using run = await client.startRun()` ends the run FINISHED when the scope exits. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#ended) await this.end();
  }
}
