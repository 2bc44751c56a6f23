/**
 * The system-metrics sampler: `system/…` metrics at steps 0, 1, 2 … every interval through the
 * run's queue, probe tags once, non-finite values left out, stopped by the run's end (its last
 * samples stored with the run) or by `stop()`, and options validated.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { startSystemMetrics, type SystemProbe } from '../../src/system-metrics/index.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A probe counting its samples, reporting them as `count` (and NaN as `broken`). */
function countingProbe(): SystemProbe & { started: number; stopped: number; sampled: number } {
  const probe = {
    started: 0,
    stopped: 0,
    sampled: 0,
    start: () => void probe.started++,
    stop: () => void probe.stopped++,
    tags: () => ({ 'edgeflow.probe': 'counting' }),
    sample: () => ({ count: ++probe.sampled, broken: Number.NaN }),
  };
  return probe;
}

async function started() {
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const run = await client.startRun({ runName: 'sampled' });
  return { store, client, run };
}

describe('startSystemMetrics', () => {
  it('logs system/<name> at steps 0, 1, 2 every interval, sets probe tags once, leaves out non-finite values', async () => {
    const { client, run } = await started();
    const probe = countingProbe();
    const sampler = startSystemMetrics(run, { intervalMs: 1000, probes: [probe] });
    expect(probe.started).toBe(1);
    vi.advanceTimersByTime(3500);
    expect(sampler.samples).toBe(3);
    await run.flush();
    const history = await client.getMetricHistory(run.runId, 'system/count');
    expect([...history.steps]).toEqual([0, 1, 2]);
    expect([...history.values]).toEqual([1, 2, 3]);
    const stored = await client.getRun(run.runId);
    expect(Object.keys(stored.data.metrics)).toEqual(['system/count']);
    expect(stored.data.tags['edgeflow.probe']).toBe('counting');
    sampler.stop();
  });

  it('stops when the run ends: what it sampled is stored with the run, nothing after', async () => {
    const { client, run } = await started();
    const probe = countingProbe();
    const sampler = startSystemMetrics(run, { intervalMs: 500, probes: [probe] });
    vi.advanceTimersByTime(1000);
    await run.end();
    expect(sampler.stopped).toBe(true);
    expect(probe.stopped).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(probe.sampled).toBe(2);
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect((await client.getMetricHistory(run.runId as RunId, 'system/count')).values.length).toBe(2);
    sampler.stop();
    expect(probe.stopped).toBe(1);
  });

  it('refuses intervals under 100 ms and probes without sample()', async () => {
    const { run } = await started();
    for (const options of [{ intervalMs: 10 }, { intervalMs: Number.NaN }, { probes: [{}] }, { every: 5 }]) {
      let error: unknown;
      try {
        startSystemMetrics(run, options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdgeflowError);
      expect((error as EdgeflowError).code).toBe('INVALID_PARAMETER_VALUE');
    }
  });
});
