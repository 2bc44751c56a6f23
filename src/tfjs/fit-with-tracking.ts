/**
 * `fitWithTracking` / `fitDatasetWithTracking`: `model.fit` inside a run, so a training that
 * throws ends the run FAILED (a callback never sees the throw).
 * @module
 */
import { parseInput } from '../core/schemas.js';
import { fitWithTrackingOptionsSchema } from './options.js';
import type * as tfjs from '@tensorflow/tfjs';
import type { TrackingClient } from '../core/client.js';
import { EdgeflowError } from '../core/errors.js';
import type { ActiveRun, StartRunOptions } from '../core/run.js';
import type { Dataset } from '../core/datasets/entities.js';
import { browserProbes } from '../system-metrics/probes.js';
import { startSystemMetrics, type SystemMetricsOptions } from '../system-metrics/sampler.js';
import { trackingCallback, type TrackingCallbackOptions } from './callback.js';
import { datasetFromTensors, type TensorsInput } from './dataset.js';
import { tfjsProbe, type TfMemorySource } from './system-metrics.js';

/** Options of {@link fitWithTracking}: the run (or a client to start one) and what to log. */
export interface FitWithTrackingOptions extends Omit<TrackingCallbackOptions, 'model'> {
  /** Log into this run. */
  readonly run?: ActiveRun;
  /** Or start a run with this client … */
  readonly client?: TrackingClient;
  /** … and these options. */
  readonly startRun?: StartRunOptions;
  /**
   * End the run FINISHED after training. Default: true when the run was started here, false for
   * a given `run`. A throw always ends it FAILED.
   */
  readonly endRun?: boolean;
  /**
   * Sample system metrics (`system/…`) while training: `true` for the browser probes every 10 s,
   * or options; with `tf` (the `tf` namespace) TF.js memory and backend too. Takes a last sample
   * when training ends, and stops.
   */
  readonly systemMetrics?: boolean | (Pick<SystemMetricsOptions, 'intervalMs'> & { readonly tf?: TfMemorySource });
  /**
   * Log the training data as a dataset input (context `training`, name `training`) and
   * `validationData` (context `eval`, name `eval`), with MLflow's NumPy digests. Default true.
   */
  readonly logDatasets?: boolean;
}

/** What {@link fitWithTracking} returns. */
export interface TrackedFit {
  /** What `model.fit` returned. */
  readonly history: tfjs.History;
  /** The run the training was logged into. */
  readonly run: ActiveRun;
}

type Callbacks = tfjs.ModelFitArgs['callbacks'];

function withCallback(callbacks: Callbacks, extra: object): Callbacks {
  const list = callbacks === undefined ? [] : Array.isArray(callbacks) ? [...callbacks] : [callbacks];
  // Last, so a list that starts with tf.Callback instances keeps them as they are.
  return [...list, extra] as Callbacks;
}

async function track(
  model: tfjs.LayersModel,
  options: FitWithTrackingOptions,
  extraParams: Record<string, number>,
  train: (callback: object) => Promise<tfjs.History>,
  datasets: () => readonly { dataset: Dataset; context: string }[] = () => [],
): Promise<TrackedFit> {
  parseInput(fitWithTrackingOptionsSchema, options, 'fitWithTracking options');
  const { run: given, client, startRun, endRun, systemMetrics, logDatasets, ...callbackOptions } = options;
  let run: ActiveRun;
  if (given !== undefined) run = given;
  else if (client !== undefined) run = await client.startRun(startRun ?? {});
  else throw EdgeflowError.invalidParameterValue('fitWithTracking: pass { run } or { client } (with optional startRun options).', { details: { field: 'run' } });
  const callback = trackingCallback(run, {
    ...callbackOptions,
    model,
    extraParams: { ...extraParams, ...callbackOptions.extraParams },
    endRun: false,
  });
  const sampling = systemMetrics === undefined || systemMetrics === false ? undefined : systemMetrics === true ? {} : systemMetrics;
  const sampler =
    sampling === undefined
      ? undefined
      : startSystemMetrics(run, {
          ...(sampling.intervalMs === undefined ? {} : { intervalMs: sampling.intervalMs }),
          probes: [...browserProbes(), ...(sampling.tf === undefined ? [] : [tfjsProbe(sampling.tf)])],
        });
  let history: tfjs.History;
  try {
    if (logDatasets ?? true) for (const { dataset, context } of datasets()) await run.logInput(dataset, { context });
    history = await train(callback);
  } catch (error) {
    sampler?.stop();
    if (!run.ended) await run.end('FAILED').catch(() => undefined);
    throw error;
  }
  // A last reading at the end of training (tensors left behind by fit show here).
  sampler?.sampleNow();
  sampler?.stop();
  if (endRun ?? given === undefined) await run.end('FINISHED');
  return { history, run };
}

/**
 * Runs `model.fit(x, y, fitArgs)` with a {@link trackingCallback}; ends the run FAILED (and
 * rethrows) when training throws, FINISHED after it when `endRun`. Also logs `validation_split`,
 * and `x`/`y` and `validationData` as dataset inputs (see `logDatasets`).
 *
 * @param model - The model to train.
 * @param x - `model.fit`'s inputs.
 * @param y - `model.fit`'s targets.
 * @param fitArgs - `model.fit`'s arguments; their own callbacks run too.
 * @param options - The run, or the client and the run to start, and what to log.
 * @returns `model.fit`'s history and the run
 * @example
 * ```ts
 * const { history, run } = await fitWithTracking(model, xs, ys, { epochs: 10, batchSize: 4 }, {
 *   client, startRun: { experimentName: 'xor' }, logModel: true,
 * });
 * ```
 * @throws what `model.fit` throws, after the run was ended FAILED
 */
export function fitWithTracking(
  model: tfjs.LayersModel,
  x: Parameters<tfjs.LayersModel['fit']>[0],
  y: Parameters<tfjs.LayersModel['fit']>[1],
  fitArgs: tfjs.ModelFitArgs = {},
  options: FitWithTrackingOptions,
): Promise<TrackedFit> {
  const extra: Record<string, number> = {};
  if (fitArgs.validationSplit) extra.validation_split = fitArgs.validationSplit;
  const names = { featureNames: model.inputNames, targetNames: model.outputNames };
  const datasets = (): { dataset: Dataset; context: string }[] => {
    const training = { dataset: datasetFromTensors({ name: 'training', features: x, targets: y, ...names }), context: 'training' };
    const validation = fitArgs.validationData;
    if (!Array.isArray(validation)) return [training];
    const [vx, vy] = validation as [TensorsInput, TensorsInput];
    return [training, { dataset: datasetFromTensors({ name: 'eval', features: vx, targets: vy, ...names }), context: 'eval' }];
  };
  return track(model, options, extra, (callback) => model.fit(x, y, { ...fitArgs, callbacks: withCallback(fitArgs.callbacks, callback) }), datasets);
}

/** {@link fitWithTracking} for `model.fitDataset(dataset, args)`. */
export function fitDatasetWithTracking<T extends tfjs.TensorContainer>(
  model: tfjs.LayersModel,
  dataset: tfjs.data.Dataset<T>,
  args: tfjs.ModelFitDatasetArgs<T>,
  options: FitWithTrackingOptions,
): Promise<TrackedFit> {
  return track(model, options, {}, (callback) =>
    model.fitDataset(dataset, { ...args, callbacks: withCallback(args.callbacks, callback) }),
  );
}
