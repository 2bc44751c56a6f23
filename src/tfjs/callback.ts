/**
 * Training callbacks that persist what TF.js' `model.fit`/`fitDataset` report (tfjs-vis'
 * `fitCallbacks`, but into a run): params at train begin, metrics per epoch and every N batches,
 * the model summary, optionally the final model, and the run's end status.
 * @module
 */
import { parseInput } from '../core/schemas.js';
import { trackingCallbackOptionsSchema } from './options.js';
import type * as tfjs from '@tensorflow/tfjs';
import type { LoggableValue } from '../core/client.js';
import { isEdgeflowError } from '../core/errors.js';
import type { ActiveRun } from '../core/run.js';
import { logModel, type LogModelOptions } from './log-model.js';

/** Options of {@link trackingCallback}. */
export interface TrackingCallbackOptions {
  /** The model being trained (TF.js does not hand it to plain callback objects). */
  readonly model: tfjs.LayersModel;
  /** Log training params at train begin. Default true. */
  readonly logParams?: boolean;
  /** More params to log with them (e.g. `{ dataset: 'xor-v2' }`). */
  readonly extraParams?: Readonly<Record<string, LoggableValue>>;
  /** Log the epoch-end logs (`loss`, `acc`, `val_loss`, …) at step = epoch. Default true. */
  readonly logEpochMetrics?: boolean;
  /**
   * Also log the batch-end logs every N batches, as `batch_<name>` at step = global batch index
   * (0-based, counting on across epochs): batches 0, N, 2N, … Default 0 (off).
   */
  readonly logEveryNBatches?: number;
  /** Log `model.summary()` as the text artifact `model_summary.txt`. Default true. */
  readonly logSummary?: boolean;
  /** Log the trained model with {@link logModel} at train end (`true`: artifact path `model`). Default false. */
  readonly logModel?: boolean | (LogModelOptions & { readonly artifactPath?: string });
  /** End the run FINISHED at train end. Default false. */
  readonly endRun?: boolean;
}

/**
 * A callback for `model.fit`/`fitDataset`. It is a `tf.CustomCallbackArgs` object (TF.js wraps it
 * in a `CustomCallback`) and also has the `BaseCallback` methods, so it works in a list after
 * `tf.callbacks.earlyStopping()` too.
 */
export interface TrackingCallback extends tfjs.CustomCallbackArgs {
  /** Logs the training params and the model summary. */
  onTrainBegin(logs?: tfjs.Logs): Promise<void>;
  /** Waits for pending writes (rethrowing the first failure), then logs the model and ends the run when asked. */
  onTrainEnd(logs?: tfjs.Logs): Promise<void>;
  /** Logs the epoch's metrics at step = epoch. */
  onEpochEnd(epoch: number, logs?: tfjs.Logs): Promise<void>;
  /** Logs `batch_<name>` metrics every `logEveryNBatches` batches. */
  onBatchEnd(batch: number, logs?: tfjs.Logs): Promise<void>;
  /** Part of TF.js' callback protocol; logs nothing. */
  onEpochBegin(epoch: number, logs?: tfjs.Logs): Promise<void>;
  /** Part of TF.js' callback protocol; logs nothing. */
  onBatchBegin(batch: number, logs?: tfjs.Logs): Promise<void>;
  /** Called by TF.js with `fit`'s params (epochs, batch size, …), logged as training params. */
  setParams(params: Record<string, unknown>): void;
  /** Called by TF.js with the model being trained. */
  setModel(model: unknown): void;
  /** Set by TF.js; not used. */
  validationData: unknown;
  /** Batches seen since the callback was made (the next batch step). */
  readonly globalStep: number;
}

type FitParams = { epochs?: number; batchSize?: number | null; steps?: number | null; initialEpoch?: number | null };

function toSnakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/gu, '$1_$2').toLowerCase();
}

function lossName(loss: unknown): string {
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function') return loss.name || 'custom';
  if (Array.isArray(loss)) return loss.map(lossName).join(',');
  if (typeof loss === 'object' && loss !== null) return Object.entries(loss).map(([k, v]) => `${k}:${lossName(v)}`).join(',');
  return String(loss);
}

/** Counts the trainable parameters (TF.js' summary "Trainable params"). */
export function countTrainableParams(model: tfjs.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
}

/**
 * The params the callback logs: `epochs`, `batch_size`, `steps_per_epoch` (when TF.js knows them),
 * `initial_epoch` (when > 0), `opt_name` and `opt_<config key in snake_case>` (e.g.
 * `opt_learning_rate`), `loss`, `metrics` (comma-separated), `num_layers`, `trainable_params`,
 * `total_params`.
 */
export function trainingParams(model: tfjs.LayersModel, params: FitParams | undefined): Record<string, LoggableValue> {
  const out: Record<string, LoggableValue> = {};
  if (params?.epochs != null) out.epochs = params.epochs;
  if (params?.batchSize != null) out.batch_size = params.batchSize;
  if (params?.steps != null) out.steps_per_epoch = params.steps;
  if (params?.initialEpoch != null && params.initialEpoch > 0) out.initial_epoch = params.initialEpoch;
  const optimizer = model.optimizer as (tfjs.Optimizer & { getClassName?: () => string }) | undefined;
  if (optimizer) {
    out.opt_name = optimizer.getClassName?.() ?? optimizer.constructor.name;
    for (const [key, value] of Object.entries(optimizer.getConfig())) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[`opt_${toSnakeCase(key)}`] = value as LoggableValue;
    }
  }
  if (model.loss !== undefined) out.loss = lossName(model.loss);
  const metrics = (model.metricsNames ?? []).filter((n) => n !== 'loss' && !n.endsWith('_loss'));
  if (metrics.length > 0) out.metrics = metrics.join(',');
  out.num_layers = model.layers.length;
  out.trainable_params = countTrainableParams(model);
  out.total_params = model.countParams();
  return out;
}

/** Epoch/batch logs may hold scalar tensors when TF.js calls us directly (not through CustomCallback). */
async function resolveLogs(logs: tfjs.Logs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    if (typeof value === 'number') out[key] = value;
    else if (typeof value === 'object' && value !== null && typeof (value as tfjs.Tensor).data === 'function') {
      out[key] = (await (value as tfjs.Tensor).data())[0] ?? NaN;
    }
  }
  return out;
}

function warnParamConflict(error: unknown): void {
  if (!isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')) throw error;
  console.warn(`edgeflow: training params not logged again: ${error.message}`);
}

/**
 * A `model.fit`/`fitDataset` callback that logs into `run` (see {@link TrackingCallbackOptions}).
 * Logging is queued: no batch waits for storage. It cannot see a throw inside `fit`; use
 * {@link fitWithTracking} to end the run FAILED then.
 *
 * Logged: params (see {@link trainingParams}) + `extraParams`; metrics under TF.js' log names
 * (`loss`, `acc`, `val_loss`, `val_acc`, …) at step = epoch; `batch_<name>` every N batches;
 * `model_summary.txt`.
 *
 * @param run - The run to log into.
 * @param options - The model (for params and the summary), extra params, batch logging, whether to
 * log the model and to end the run when training ends.
 * @returns the callback to pass in `callbacks`
 * @example
 * ```ts
 * const run = await client.startRun({ experimentName: 'xor' });
 * await model.fit(xs, ys, { epochs: 20, callbacks: trackingCallback(run, { model, endRun: true }) });
 * ```
 */
export function trackingCallback(run: ActiveRun, options: TrackingCallbackOptions): TrackingCallback {
  parseInput(trackingCallbackOptionsSchema, options, 'trackingCallback options');
  let model: tfjs.LayersModel = options.model;
  let params: FitParams | undefined;
  let globalStep = 0;
  const every = options.logEveryNBatches ?? 0;
  const pending: Promise<unknown>[] = [];
  const failures: unknown[] = [];
  const track = (write: Promise<unknown>): void => {
    pending.push(write.catch((error: unknown) => failures.push(error)));
  };

  const callback: TrackingCallback = {
    validationData: null,
    get globalStep() {
      return globalStep;
    },
    setParams(p) {
      params = p as FitParams;
    },
    setModel(m) {
      if (m !== null && typeof m === 'object' && 'layers' in m) model = m as tfjs.LayersModel;
    },
    // `this` is TF.js' CustomCallback when TF.js wraps this object; it carries the fit params.
    async onTrainBegin(this: unknown) {
      params ??= (this as { params?: FitParams } | undefined)?.params;
      if (options.logParams ?? true) {
        const values = { ...trainingParams(model, params), ...options.extraParams };
        for (const [key, value] of Object.entries(values)) {
          try {
            run.logParam(key, value);
          } catch (error) {
            warnParamConflict(error);
          }
        }
      }
      if (options.logSummary ?? true) {
        const lines: string[] = [];
        try {
          model.summary(undefined, undefined, (message?: unknown, ...rest: unknown[]) => {
            lines.push([message, ...rest].map(String).join(' '));
          });
        } catch {
          // An unbuilt model has no summary; there is nothing to log.
        }
        if (lines.length > 0) track(run.logText(`${lines.join('\n')}\n`, 'model_summary.txt'));
      }
    },
    async onEpochBegin() {},
    async onBatchBegin() {},
    async onBatchEnd(_batch, logs) {
      const step = globalStep++;
      if (every <= 0 || step % every !== 0) return;
      const values = await resolveLogs(logs);
      const metrics: Record<string, number> = {};
      for (const [key, value] of Object.entries(values)) if (key !== 'batch' && key !== 'size') metrics[`batch_${key}`] = value;
      run.logMetrics(metrics, { step });
    },
    async onEpochEnd(epoch, logs) {
      if (!(options.logEpochMetrics ?? true)) return;
      run.logMetrics(await resolveLogs(logs), { step: epoch });
    },
    async onTrainEnd() {
      await Promise.all(pending);
      pending.length = 0;
      if (failures.length > 0) throw failures.splice(0)[0];
      if (options.logModel) {
        const { artifactPath = 'model', ...logOptions } = options.logModel === true ? {} : options.logModel;
        await logModel(run, model, artifactPath, logOptions);
      }
      if (options.endRun) await run.end('FINISHED');
    },
  };
  return callback;
}
