/**
 * Trains a small MLP with TensorFlow.js (CPU backend) on a generated 2-D data set and tracks it:
 * params, per-epoch and per-batch metrics (through edgeflow's TF.js callback), a decision
 * boundary image, predictions as CSV, the config as JSON, a Markdown note and the model itself.
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { TrackingClient } from '../src/core/client.js';
import { trackingCallback } from '../src/tfjs/callback.js';
import { moons, shuffle, spiral, type Dataset } from './data.js';

/** What the form asks for. */
export interface TrainConfig {
  readonly dataset: 'spiral' | 'moons';
  readonly hidden: number;
  readonly layers: number;
  readonly activation: 'relu' | 'tanh';
  readonly learningRate: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly noise: number;
}

/** Progress reported while training. */
export interface TrainProgress {
  readonly runId: string;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss?: number;
  readonly acc?: number;
}

let backendReady: Promise<void> | undefined;

/** Uses the CPU backend: deterministic, no WebGL needed, works headless and offline. */
function ready(): Promise<void> {
  backendReady ??= tf.setBackend('cpu').then(() => tf.ready());
  return backendReady;
}

function makeData(config: TrainConfig): Dataset {
  const raw = config.dataset === 'spiral' ? spiral(200, 3, config.noise) : moons(300, config.noise);
  return shuffle(raw);
}

function buildModel(config: TrainConfig, classes: number): tf.Sequential {
  const model = tf.sequential();
  for (let i = 0; i < config.layers; i++) {
    model.add(tf.layers.dense({ units: config.hidden, activation: config.activation, ...(i === 0 ? { inputShape: [2] } : {}) }));
  }
  model.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const CLASS_COLORS = [
  [78, 121, 167],
  [242, 142, 43],
  [89, 161, 79],
];

/** The model's decision regions with the data points, on a canvas. */
function decisionBoundary(model: tf.Sequential, data: Dataset, size = 240): HTMLCanvasElement {
  const grid = 80;
  const coords = new Float32Array(grid * grid * 2);
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const k = gy * grid + gx;
      coords[2 * k] = (gx / (grid - 1)) * 2.4 - 1.2;
      coords[2 * k + 1] = 1.2 - (gy / (grid - 1)) * 2.4;
    }
  }
  const classes = tf.tidy(() => (model.predict(tf.tensor2d(coords, [grid * grid, 2])) as tf.Tensor).argMax(-1).dataSync());
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  const cell = size / grid;
  for (let k = 0; k < grid * grid; k++) {
    const [r, g, b] = CLASS_COLORS[classes[k]! % CLASS_COLORS.length]!;
    ctx.fillStyle = `rgba(${r},${g},${b},0.28)`;
    ctx.fillRect((k % grid) * cell, Math.floor(k / grid) * cell, cell + 0.5, cell + 0.5);
  }
  for (let i = 0; i < data.labels.length; i++) {
    const [r, g, b] = CLASS_COLORS[data.labels[i]! % CLASS_COLORS.length]!;
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.beginPath();
    ctx.arc(((data.xs[2 * i]! + 1.2) / 2.4) * size, ((1.2 - data.xs[2 * i + 1]!) / 2.4) * size, 2, 0, Math.PI * 2);
    ctx.fill();
  }
  return canvas;
}

/** Trains one run; resolves with its id. `signal` stops training after the current batch. */
export async function train(
  client: TrackingClient,
  config: TrainConfig,
  onProgress: (p: TrainProgress) => void,
  signal: AbortSignal,
): Promise<string> {
  await ready();
  const data = makeData(config);
  const model = buildModel(config, data.classes);
  const run = await client.startRun({
    experimentName: `${config.dataset} classifier`,
    runName: `${config.activation}-${config.layers}x${config.hidden}-lr${config.learningRate}`,
    tags: { framework: 'tfjs', backend: 'cpu', dataset: config.dataset },
    description:
      `## ${config.dataset} · ${config.layers}×${config.hidden} ${config.activation}\n\n` +
      `Trained **in this browser tab** with TensorFlow.js (CPU backend) on ${data.labels.length} generated points ` +
      `(noise ${config.noise}). Adam, learning rate \`${config.learningRate}\`, batch size ${config.batchSize}.\n\n` +
      `- per-batch metrics: \`batch_loss\`, \`batch_acc\`\n- per-epoch metrics: \`loss\`, \`acc\`, \`val_loss\`, \`val_acc\``,
  });
  const runId = run.info.runId;
  const xs = tf.tensor2d(data.xs, [data.labels.length, 2]);
  const ys = tf.tensor1d(data.labels, 'float32');
  const callback = trackingCallback(run, {
    model,
    extraParams: { dataset: config.dataset, noise: config.noise, hidden_units: config.hidden, hidden_layers: config.layers, activation: config.activation, learning_rate: config.learningRate },
    logEveryNBatches: 1,
    logModel: true,
  });
  let failed: unknown;
  try {
    await model.fit(xs, ys, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      validationSplit: 0.2,
      shuffle: true,
      callbacks: [
        callback,
        {
          onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
            onProgress({ runId, epoch: epoch + 1, epochs: config.epochs, ...(logs?.['loss'] === undefined ? {} : { loss: logs['loss'] }), ...(logs?.['acc'] === undefined ? {} : { acc: logs['acc'] }) });
            if (signal.aborted) model.stopTraining = true;
            // Let the page paint between epochs (the CPU backend trains on the main thread).
            await new Promise((resolve) => setTimeout(resolve, 0));
          },
        },
      ],
    });
    await client.logImage(runId, decisionBoundary(model, data), 'plots/decision_boundary.png');
    const predictions = tf.tidy(() => (model.predict(xs) as tf.Tensor).argMax(-1).dataSync());
    const rows = ['x,y,label,predicted'];
    for (let i = 0; i < data.labels.length; i++) rows.push(`${data.xs[2 * i]!.toFixed(4)},${data.xs[2 * i + 1]!.toFixed(4)},${data.labels[i]},${predictions[i]}`);
    await client.logText(runId, rows.join('\n') + '\n', 'predictions.csv');
    await client.logDict(runId, config, 'config.json');
    await client.logDict(runId, { dataset: config.dataset, points: data.labels.length, classes: data.classes, noise: config.noise }, 'data/dataset.yaml');
  } catch (error) {
    failed = error;
  } finally {
    xs.dispose();
    ys.dispose();
    model.dispose();
  }
  await run.end(failed !== undefined ? 'FAILED' : signal.aborted ? 'KILLED' : 'FINISHED');
  if (failed !== undefined) throw failed;
  return runId;
}
