/**
 * The module-level API for people coming from `mlflow.*`: one default client, an active-run
 * stack, and the familiar functions (`setExperiment`, `startRun`, `logMetric`, `endRun`, …).
 *
 * Explicit run handles (`client.startRun()`) are the primary API: a global "current run" breaks
 * when async work runs concurrently. This module is a convenience over them.
 *
 * In Node it honours `MLFLOW_TRACKING_URI`, `MLFLOW_EXPERIMENT_ID` / `MLFLOW_EXPERIMENT_NAME` and
 * `MLFLOW_RUN_ID` (resume that run) as MLflow does.
 * @module
 */
import { TrackingClient, type LoggableValue, type MetricOptions } from './core/client.js';
import type { Experiment, RunStatus } from './core/entities.js';
import { nodeProcess } from './core/environment.js';
import { EdgeflowError, describeValue } from './core/errors.js';
import { parseRunId } from './core/ids.js';
import type { ImageInput } from './core/image.js';
import { ActiveRun, type StartRunOptions } from './core/run.js';
import type { ArtifactData, Store } from './core/store.js';
import { defaultTrackingUri, openStore } from './storage/open-store.js';

let trackingUri: string | undefined;
let clientPromise: Promise<TrackingClient> | undefined;
let activeExperiment: { experimentId: string } | undefined;
const runStack: ActiveRun[] = [];

/**
 * Sets the store the module-level API uses, by URI; the store opens on first use.
 * @param uri - `idb:<name>`, `memory:`, `file:./mlruns` (Node), `https://…` (MLflow), a bundle, or a
 * registered scheme.
 * @example
 * ```ts
 * setTrackingUri('memory:');
 * await startRun();
 * logMetric('loss', 0.5, 1);
 * await endRun();
 * ```
 */
export function setTrackingUri(uri: string): void {
  trackingUri = uri;
  clientPromise = undefined;
  activeExperiment = undefined;
}

/**
 * The URI set with {@link setTrackingUri}, or the default one.
 * @returns the URI; by default {@link defaultTrackingUri}'s
 */
export function getTrackingUri(): string {
  return trackingUri ?? defaultTrackingUri();
}

/**
 * Uses a store object (any {@link Store}) for the module-level API instead of a URI.
 * @param store - The store.
 */
export function setTrackingStore(store: Store): void {
  trackingUri = undefined;
  clientPromise = Promise.resolve(new TrackingClient(store));
  activeExperiment = undefined;
}

/**
 * The default client of the module-level API, opening its store on first use.
 * @returns the client
 * @throws `INVALID_PARAMETER_VALUE` when the tracking URI names an unknown scheme
 */
export function getClient(): Promise<TrackingClient> {
  clientPromise ??= openStore(getTrackingUri()).then((store) => new TrackingClient(store));
  return clientPromise;
}

/**
 * Makes an experiment the active one, creating it when the name is unknown (`mlflow.set_experiment`).
 * @param target - A name, or `{ experimentId }`.
 * @returns the experiment
 * @throws `INVALID_PARAMETER_VALUE` when it is deleted; `RESOURCE_DOES_NOT_EXIST` for an unknown id
 */
export async function setExperiment(target: string | { experimentId: string }): Promise<Experiment> {
  const client = await getClient();
  let experiment: Experiment;
  if (typeof target === 'string') {
    const existing = await client.getExperimentByName(target);
    experiment = existing ?? (await client.getExperiment(await client.createExperiment(target)));
  } else {
    experiment = await client.getExperiment(target.experimentId);
  }
  if (experiment.lifecycleStage !== 'active') {
    throw EdgeflowError.invalidParameterValue(`Cannot set a deleted experiment (${describeValue(experiment.name)}) as the active experiment.`, { details: {
      experimentId: experiment.experimentId,
    } });
  }
  activeExperiment = { experimentId: experiment.experimentId };
  return experiment;
}

/** Options of the module-level {@link startRun}. */
export interface FluentStartRunOptions extends StartRunOptions {
  /** Start the run as a child of the active run. */
  readonly nested?: boolean;
  /** Resume this existing run instead of creating one. */
  readonly runId?: string;
}

/**
 * Starts (or resumes, with `runId` or `MLFLOW_RUN_ID`) a run and makes it the active run. The
 * experiment is the option's, else the active one ({@link setExperiment}), else
 * `MLFLOW_EXPERIMENT_ID` / `MLFLOW_EXPERIMENT_NAME`, else `0`.
 * @param options - Those of {@link TrackingClient.startRun}, plus `nested` and `runId`.
 * @returns the run's handle (also reachable as {@link activeRun})
 * @throws `INVALID_STATE` when a run is active and `nested` is not set; `RESOURCE_DOES_NOT_EXIST`
 * for an unknown run to resume
 */
export async function startRun(options: FluentStartRunOptions = {}): Promise<ActiveRun> {
  const client = await getClient();
  const { nested, runId: resumeId, ...rest } = options;
  const parent = runStack.at(-1);
  if (parent !== undefined && !nested) {
    throw EdgeflowError.invalidState(
      `Run ${parent.runId} is already active. End it with endRun(), or start a child with startRun({ nested: true }).`,
      { details: { runId: parent.runId } },
    );
  }
  const env = nodeProcess()?.env ?? {};
  const existingId = resumeId ?? (runStack.length === 0 ? env['MLFLOW_RUN_ID'] : undefined);
  let run: ActiveRun;
  if (existingId) {
    const existing = await client.getRun(parseRunId(existingId));
    const info = existing.info.status === 'RUNNING' ? existing.info : await client.updateRun(existing.info.runId, { status: 'RUNNING', endTime: null });
    run = new ActiveRun(client, info);
  } else {
    const experimentId = rest.experimentId ?? (rest.experimentName ? undefined : activeExperiment?.experimentId ?? env['MLFLOW_EXPERIMENT_ID']);
    const experimentName = rest.experimentName ?? (experimentId === undefined ? env['MLFLOW_EXPERIMENT_NAME'] : undefined);
    run = await client.startRun({
      ...rest,
      ...(experimentId === undefined ? {} : { experimentId }),
      ...(experimentName === undefined ? {} : { experimentName }),
      ...(nested && parent ? { parentRunId: parent.runId } : {}),
    });
  }
  runStack.push(run);
  return run;
}

/**
 * Ends the active run and makes its parent active again; does nothing when no run is active.
 * @param status - Default `FINISHED`.
 * @throws the errors of {@link ActiveRun.end}
 */
export async function endRun(status: RunStatus = 'FINISHED'): Promise<void> {
  const run = runStack.pop();
  if (run !== undefined) await run.end(status);
}

/**
 * The active run.
 * @returns its handle, or undefined when none is active
 */
export function activeRun(): ActiveRun | undefined {
  return runStack.at(-1);
}

function requireRun(): ActiveRun {
  const run = runStack.at(-1);
  if (run === undefined) throw EdgeflowError.invalidState('No active run: call `await startRun()` first.');
  return run;
}

/**
 * Queues a param on the active run.
 * @param key - A valid MLflow key.
 * @param value - Written as Python's `str()` writes it.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` as {@link ActiveRun.logParam}
 */
export function logParam(key: string, value: LoggableValue): void {
  requireRun().logParam(key, value);
}

/**
 * Queues params on the active run.
 * @param params - Key → value.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` as {@link ActiveRun.logParam}
 */
export function logParams(params: Readonly<Record<string, LoggableValue>>): void {
  requireRun().logParams(params);
}

/**
 * Queues a metric point on the active run.
 * @param key - A valid MLflow key.
 * @param value - Any number.
 * @param options - The step, or `{step, timestamp}`; default step 0 and now.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad key, value, step or timestamp
 */
export function logMetric(key: string, value: number, options?: MetricOptions): void {
  requireRun().logMetric(key, value, options);
}

/**
 * Queues metrics on the active run, at one step and time.
 * @param metrics - Key → value.
 * @param options - As in {@link logMetric}.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad key, value, step or timestamp
 */
export function logMetrics(metrics: Readonly<Record<string, number>>, options?: MetricOptions): void {
  requireRun().logMetrics(metrics, options);
}

/**
 * Queues a tag on the active run.
 * @param key - A valid MLflow key.
 * @param value - Written as Python's `str()` writes it.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad key or value
 */
export function setTag(key: string, value: LoggableValue): void {
  requireRun().setTag(key, value);
}

/**
 * Queues tags on the active run.
 * @param tags - Key → value.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad key or value
 */
export function setTags(tags: Readonly<Record<string, LoggableValue>>): void {
  requireRun().setTags(tags);
}

/**
 * Writes an artifact file of the active run.
 * @param artifactPath - A relative path inside the run's artifacts.
 * @param data - Bytes, a Blob, or a string (written as UTF-8).
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad path or data
 */
export function logArtifact(artifactPath: string, data: ArtifactData | ArrayBuffer | string): Promise<void> {
  return requireRun().logArtifact(artifactPath, data);
}

/**
 * Writes a text artifact of the active run (MLflow's `log_text`).
 * @param text - The file's content.
 * @param artifactFile - A relative path inside the run's artifacts.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad path
 */
export function logText(text: string, artifactFile: string): Promise<void> {
  return requireRun().logText(text, artifactFile);
}

/**
 * Writes plain data as a JSON artifact, or YAML for `.yaml`/`.yml` (MLflow's `log_dict`).
 * @param value - Plain data.
 * @param artifactFile - A relative path inside the run's artifacts.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for data that is not plain, or a bad path
 */
export function logDict(value: unknown, artifactFile: string): Promise<void> {
  return requireRun().logDict(value, artifactFile);
}

/**
 * Writes an image artifact of the active run.
 * @param image - PNG/JPEG bytes, `ImageData` or a canvas.
 * @param artifactFile - A relative path inside the run's artifacts.
 * @throws `INVALID_STATE` when no run is active (call `await startRun()` first); `INVALID_PARAMETER_VALUE` for a bad path or image
 */
export function logImage(image: ImageInput, artifactFile: string): Promise<void> {
  return requireRun().logImage(image, artifactFile);
}

/**
 * Resolves when everything logged through the default client is durably stored.
 * @throws the storage errors of queued writes, as {@link TrackingClient.flush}
 */
export async function flush(): Promise<void> {
  await (await getClient()).flush();
}
