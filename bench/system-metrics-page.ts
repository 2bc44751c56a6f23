/**
 * The page side of `bench/system-metrics.ts`: trains a small MLP (TF.js, cpu backend) batch by
 * batch and times each training step, in rounds alternating between no sampler and a sampler of
 * every browser probe plus TF.js memory, so both see the same machine load. It also times the
 * sampler's own code (each sample, each frame callback of the frame-rate probe): a figure the
 * machine's noise does not blur.
 */
import * as tf from '@tensorflow/tfjs';
import { TrackingClient } from '../src/core/client.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { browserProbes, startSystemMetrics } from '../src/system-metrics/index.js';
import { tfjsProbe } from '../src/tfjs/index.js';
import { median } from './report.js';

/** What {@link stepTimes} measured. */
interface StepTimes {
  /** Median step ms without and with the sampler. */
  readonly without: number;
  readonly with: number;
  /** Median over adjacent round pairs of (round wall time with the sampler / without). */
  readonly roundRatio: number;
  /** ms the sampler's own code ran (samples, frame callbacks) / ms of the rounds it ran in. */
  readonly selfCostFraction: number;
  /** Of that: ms in frame callbacks, ms in samples. */
  readonly frameMs: number;
  readonly sampleMs: number;
  readonly samples: number;
}

/**
 * Calls of `requestAnimationFrame` callbacks timed while `timing.on`: the frame-rate probe's
 * per-frame work, which the sampler's interval does not see.
 */
function timeFrameCallbacks(timing: { on: boolean; ms: number }): void {
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    raf((time) => {
      if (!timing.on) return callback(time);
      const t0 = performance.now();
      callback(time);
      timing.ms += performance.now() - t0;
    });
}

/** Step and round times without and with the sampler (`intervalMs`), over `rounds` alternating round pairs of `steps` steps. */
async function stepTimes(rounds: number, steps: number, intervalMs: number): Promise<StepTimes> {
  await tf.setBackend('cpu');
  await tf.ready();
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 4, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([64, 32]);
  const ys = tf.oneHot(tf.randomUniform([64], 0, 4, 'int32'), 4);
  const client = new TrackingClient(new MemoryStore());
  const times = { without: [] as number[], with: [] as number[] };
  const roundMs = { without: [] as number[], with: [] as number[] };
  const selfCost = { on: false, ms: 0 };
  let sampleMs = 0;
  timeFrameCallbacks(selfCost);
  let sampledMs = 0;
  let samples = 0;
  for (let round = 0; round < 2 * rounds; round++) {
    const sampled = round % 2 === 1;
    const run = await client.startRun({ runName: sampled ? 'with' : 'without' });
    const roundStart = performance.now();
    selfCost.on = sampled;
    const sampler = sampled ? startSystemMetrics(run, { intervalMs, probes: [...browserProbes(), tfjsProbe(tf)] }) : undefined;
    if (sampler !== undefined) {
      const sampleNow = sampler.sampleNow.bind(sampler);
      sampler.sampleNow = () => {
        const t0 = performance.now();
        sampleNow();
        sampleMs += performance.now() - t0;
      };
    }
    for (let step = 0; step < steps; step++) {
      const t0 = performance.now();
      const loss = (await model.trainOnBatch(xs, ys)) as number;
      run.logMetric('loss', loss, step);
      (sampled ? times.with : times.without).push(performance.now() - t0);
      // Yield, as fit() does between batches, so the sampler's timer and frames get their turn.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    samples += sampler?.samples ?? 0;
    sampler?.stop();
    selfCost.on = false;
    const elapsed = performance.now() - roundStart;
    (sampled ? roundMs.with : roundMs.without).push(elapsed);
    if (sampled) sampledMs += elapsed;
    await run.end();
  }
  const pairRatios = roundMs.with.map((ms, i) => ms / roundMs.without[i]!);
  return { without: median(times.without), with: median(times.with), roundRatio: median(pairRatios), selfCostFraction: (selfCost.ms + sampleMs) / sampledMs, frameMs: selfCost.ms, sampleMs, samples };
}

Object.assign(window, { systemMetricsBench: { stepTimes } });
document.documentElement.dataset['ready'] = 'true';
