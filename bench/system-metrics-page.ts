/**
 * The page side of `bench/system-metrics.ts`: trains a small MLP (TF.js, cpu backend) batch by
 * batch and times each training step, in rounds alternating between no sampler and a sampler of
 * every browser probe plus TF.js memory, so both see the same machine load.
 */
import * as tf from '@tensorflow/tfjs';
import { TrackingClient } from '../src/core/client.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { browserProbes, startSystemMetrics } from '../src/system-metrics/index.js';
import { tfjsProbe } from '../src/tfjs/index.js';
import { median } from './report.js';

/** Median step ms without and with the sampler (`intervalMs`), over `rounds` alternating rounds of `steps` steps. */
async function stepTimes(rounds: number, steps: number, intervalMs: number): Promise<{ without: number; with: number; samples: number }> {
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
  let samples = 0;
  for (let round = 0; round < 2 * rounds; round++) {
    const sampled = round % 2 === 1;
    const run = await client.startRun({ runName: sampled ? 'with' : 'without' });
    const sampler = sampled ? startSystemMetrics(run, { intervalMs, probes: [...browserProbes(), tfjsProbe(tf)] }) : undefined;
    for (let step = 0; step < steps; step++) {
      const t0 = performance.now();
      const loss = (await model.trainOnBatch(xs, ys)) as number;
      run.logMetric('loss', loss, step);
      (sampled ? times.with : times.without).push(performance.now() - t0);
      // Yield, as fit() does between batches, so the sampler's timer and frames get their turn.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    samples += sampler?.samples ?? 0;
    await run.end();
  }
  return { without: median(times.without), with: median(times.with), samples };
}

Object.assign(window, { systemMetricsBench: { stepTimes } });
document.documentElement.dataset['ready'] = 'true';
