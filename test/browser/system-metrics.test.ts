/**
 * Browser system metrics in real Chromium: the JS heap, a long task on the main thread, the frame
 * rate, TF.js memory and backend — and `fitWithTracking({ systemMetrics })` logging them under
 * `system/` while a model trains, stopping with the run.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { frameRateProbe, jsHeapProbe, longTaskProbe } from '../../src/system-metrics/index.js';
import { fitWithTracking, tfjsProbe, TFJS_BACKEND_TAG } from '../../src/tfjs/index.js';
import { xorData, xorModel } from '../fixtures/tfjs/xor.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

describe('browser probes', () => {
  it('report the JS heap, a long task and the frame rate as the page lives them', async () => {
    const heap = jsHeapProbe().sample();
    expect(heap['js_heap_used_megabytes']).toBeGreaterThan(0);
    expect(heap['js_heap_limit_megabytes']).toBeGreaterThan(heap['js_heap_used_megabytes']!);

    const longTasks = longTaskProbe();
    longTasks.start!();
    const until = performance.now() + 120;
    while (performance.now() < until) {
      // A 120 ms task: the main thread is busy, as in a training step that blocks it.
    }
    await frame();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(longTasks.sample()['long_tasks_milliseconds']).toBeGreaterThanOrEqual(100);
    expect(longTasks.sample()['long_tasks_milliseconds']).toBe(0);
    longTasks.stop!();

    const frames = frameRateProbe();
    frames.start!();
    for (let i = 0; i < 10; i++) await frame();
    expect(frames.sample()['frames_per_second']).toBeGreaterThan(0);
    frames.stop!();
  });

  it('counts frames only in a window after each sample, a quarter of the interval', async () => {
    const requested: number[] = [];
    const raf = window.requestAnimationFrame;
    window.requestAnimationFrame = (callback) => {
      requested.push(performance.now());
      return raf.call(window, callback);
    };
    try {
      const probe = frameRateProbe();
      probe.start!({ intervalMs: 400 }); // a 100 ms window
      await new Promise((resolve) => setTimeout(resolve, 400));
      // The window is over: the loop asked for frames, then stopped asking.
      const afterWindow = requested.length;
      expect(afterWindow).toBeGreaterThan(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(requested.length).toBe(afterWindow);
      const fps = probe.sample()['frames_per_second']!;
      expect(fps).toBeGreaterThan(0);
      // Sampling opens the next window.
      const before = requested.length;
      await frame();
      await frame();
      expect(requested.length).toBeGreaterThan(before + 1);
      probe.stop!();
      const stopped = requested.length;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(requested.length).toBe(stopped);
    } finally {
      window.requestAnimationFrame = raf;
    }
  });

  it('reports TF.js memory and backend', () => {
    const kept = tf.tensor([1, 2, 3, 4]);
    const probe = tfjsProbe(tf);
    expect(probe.tags!()).toEqual({ [TFJS_BACKEND_TAG]: 'cpu' });
    const values = probe.sample();
    expect(values['tfjs_num_tensors']).toBe(tf.memory().numTensors);
    expect(values['tfjs_memory_megabytes']).toBe(tf.memory().numBytes / 1e6);
    kept.dispose();
  });
});

describe('fitWithTracking({ systemMetrics })', () => {
  it('samples system/ metrics while the model trains and stops with the run', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const model = xorModel(tf);
    const { xs, ys } = xorData(tf, 64);
    const { run } = await fitWithTracking(model, xs, ys, { epochs: 30, batchSize: 8, shuffle: false }, {
      client,
      startRun: { runName: 'sampled' },
      systemMetrics: { intervalMs: 100, tf },
    });
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.data.tags[TFJS_BACKEND_TAG]).toBe('cpu');
    const keys = Object.keys(stored.data.metrics).filter((k) => k.startsWith('system/')).sort();
    expect(keys).toEqual(
      expect.arrayContaining(['system/frames_per_second', 'system/js_heap_used_megabytes', 'system/long_tasks_milliseconds', 'system/tfjs_memory_megabytes', 'system/tfjs_num_tensors']),
    );
    const samples = (await client.getMetricHistory(run.runId, 'system/tfjs_num_tensors')).values.length;
    expect(samples).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await client.getMetricHistory(run.runId, 'system/tfjs_num_tensors')).values.length).toBe(samples);
  });
});
