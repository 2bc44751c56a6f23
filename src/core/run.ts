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
import { DATASET_CONTEXT_TAG, type Dataset } from './datasets/entities.js';
import { logInputOptionsSchema } from './datasets/schemas.js';

/** Options of {@link ActiveRun.logInput}. */
export interface LogInputOptions {
  /** The dataset's role in the run (`training`, `eval`, `test`, …): the tag `mlflow.data.context`. */
  readonly context?: string;
  /** More input tags. */
  readonly tags?: Readonly<Record<string, string>>;
}
import { splitMetricOptions } from './logged-models/metrics.js';
import type { ModelOutputInput } from './logged-models/logged-model-client.js';

/** Options of `startRun`. */
export interface StartRunOptions {
  /** Experiment by id; wins over `experimentName`. */
  readonly experimentId?: string;
  /** Experiment by name; created when unknown. */
  readonly experimentName?: string;
  readonly runName?: string;
  /** Makes this a child run (tag `mlflow.parentRunId`). */
  readonly parentRunId?: string;
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
  private readonly __client: TrackingClient;
  private readonly __params = new Map<string, string>();
  private __ended = false;

  constructor(client: TrackingClient, info: RunInfo) {
    this.__client = client;
    this.info = info;
  }

  get runId(): RunId {
    return this.info.runId;
  }

  get experimentId(): ExperimentId {
    return this.info.experimentId;
  }

  /** The client this run logs through. */
  get client(): TrackingClient {
    return this.__client;
  }

  /** True once {@link ActiveRun.end} was called. */
  get ended(): boolean {
    return this.__ended;
  }

  /**
   * Queues a metric point; `options` is the step or `{step, timestamp, modelId, dataset}` (default
   * step 0, now; MLflow 3: `modelId` also logs it to that logged model, `dataset` records the data).
   */
  logMetric(key: string, value: number, options?: MetricOptions): void {
    this.__client.logMetric(this.info.runId, key, value, options);
  }

  /**
   * Queues several metrics at the same step and time (`options` as in {@link ActiveRun.logMetric};
   * an omitted timestamp is one "now" for all of them).
   */
  logMetrics(metrics: Readonly<Record<string, number>>, options?: MetricOptions): void {
    assertRecord(metrics, 'metrics');
    const keys = Object.keys(metrics);
    const { position, link } = splitMetricOptions(keys.join(', '), options);
    const { step, timestamp } = metricPosition(keys.join(', '), position);
    const at = { step, timestamp: timestamp ?? Date.now(), ...(link?.modelId === undefined ? {} : { modelId: link.modelId }),
      ...(link?.datasetName === undefined ? {} : { dataset: { name: link.datasetName, digest: link.datasetDigest! } }) };
    for (const key of keys) this.__client.logMetric(this.info.runId, key, metrics[key]!, at);
  }

  /** Records logged models this run produced (MLflow 3 `log_outputs`); a repeat keeps the first step. */
  async logOutputs(models: readonly ModelOutputInput[]): Promise<void> {
    await this.__client.logOutputs(this.info.runId, models);
  }

  /** Queues a param; throws at once when this run already logged the key with another value. */
  logParam(key: string, value: LoggableValue): void {
    const text = stringifyValue(value, key);
    const previous = this.__params.get(key);
    if (previous !== undefined && previous !== text) {
      throw EdgeflowError.invalidParameterValue(
        `Changing param values is not allowed. Param ${describeValue(key)} was already logged with value ${describeValue(previous)} for run ID='${this.info.runId}'. Attempted logging new value ${describeValue(text)}.`,
        { details: { field: 'params', key } },
      );
    }
    this.__client.logParam(this.info.runId, key, value);
    this.__params.set(key, text);
  }

  /** Queues several params. */
  logParams(params: Readonly<Record<string, LoggableValue>>): void {
    assertRecord(params, 'params');
    for (const key of Object.keys(params)) this.logParam(key, params[key]);
  }

  /** Queues a tag. */
  setTag(key: string, value: LoggableValue): void {
    this.__client.setTag(this.info.runId, key, value);
  }

  /** Queues several tags. */
  setTags(tags: Readonly<Record<string, LoggableValue>>): void {
    assertRecord(tags, 'tags');
    for (const key of Object.keys(tags)) this.setTag(key, tags[key]);
  }

  async deleteTag(key: string): Promise<void> {
    await this.__client.deleteTag(this.info.runId, key);
  }

  /** Sets the run's Markdown note (tag `mlflow.note.content`). */
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
    await this.__client.logInputs(this.info.runId, { datasets: [{ dataset, tags: inputTags }] });
  }

  logArtifact(artifactPath: string, data: ArtifactData | ArrayBuffer | string): Promise<void> {
    return this.__client.logArtifact(this.info.runId, artifactPath, data);
  }

  logText(text: string, artifactFile: string): Promise<void> {
    return this.__client.logText(this.info.runId, text, artifactFile);
  }

  logDict(value: unknown, artifactFile: string): Promise<void> {
    return this.__client.logDict(this.info.runId, value, artifactFile);
  }

  logImage(image: ImageInput, artifactFile: string): Promise<void> {
    return this.__client.logImage(this.info.runId, image, artifactFile);
  }

  listArtifacts(path = ''): Promise<FileInfo[]> {
    return this.__client.listArtifacts(this.info.runId, path);
  }

  /** The run as stored now (latest metrics, params, tags). */
  getRun(): Promise<Run> {
    return this.__client.getRun(this.info.runId);
  }

  /** Starts a child run of this run in the same experiment. */
  startChildRun(options: Omit<StartRunOptions, 'parentRunId' | 'experimentId' | 'experimentName'> = {}): Promise<ActiveRun> {
    return this.__client.startRun({ ...options, experimentId: this.info.experimentId, parentRunId: this.info.runId });
  }

  /**
   * Resolves when everything logged so far is durably stored; rejects with the errors of this
   * run's queued writes not reported before (other runs' errors stay for their own flush or end).
   */
  flush(): Promise<void> {
    return this.__client.flush(this.info.runId);
  }

  /**
   * Ends the run with `status` (default FINISHED) at `endTime` (default now), after everything
   * queued for it has been written; then flushes and rejects with the errors of this run's queued
   * writes not reported before. A run whose queued writes failed is never ended FINISHED: it is
   * ended FAILED instead (so the stored run says its data is incomplete) and `end()` rejects.
   */
  async end(status: RunStatus = 'FINISHED', endTime: number = Date.now()): Promise<void> {
    parseInput(runStatusSchema, status, 'run status');
    await this.__client._$settle();
    const final = status === 'FINISHED' && this.__client._$hasQueuedErrors(this.info.runId) ? 'FAILED' : status;
    await this.__client.updateRun(this.info.runId, { status: final, endTime });
    this.__ended = true;
    await this.__client.flush(this.info.runId);
  }

  /** `await using run = await client.startRun()` ends the run FINISHED when the scope exits. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.__ended) await this.end();
  }
}
