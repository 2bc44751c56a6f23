import { expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

it('ships queued points when the page is hidden or unloaded, without waiting for the timer', async () => {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { queue: { intervalMs: 60_000 } });
  const { runId } = (await client.createRun('0')).info;
  client.logMetric(runId, 'loss', 0.5, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect((await store.getMetricHistory(runId, 'loss')).values.length).toBe(0);
  window.dispatchEvent(new Event('pagehide'));
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect([...(await store.getMetricHistory(runId, 'loss')).values]).toEqual([0.5]);
  await client.close();
  client.logMetric(runId, 'loss', 0.25, 2);
  window.dispatchEvent(new Event('pagehide'));
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect((await store.getMetricHistory(runId, 'loss')).values.length).toBe(1);
});
