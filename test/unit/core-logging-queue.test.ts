import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { LogBatchInput, Store } from '../../src/core/store.js';
import type { RunId } from '../../src/core/ids.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { EdgeflowError } from '../../src/core/errors.js';

/** A MemoryStore that records the batches it receives. */
class RecordingStore extends MemoryStore {
  readonly batches: { runId: string; batch: LogBatchInput }[] = [];
  flushes = 0;
  override async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    this.batches.push({ runId, batch });
    return super.logBatch(runId, batch);
  }
  override async flush(): Promise<void> {
    this.flushes++;
  }
}

describe('logging queue', () => {
  it('ships many points as one columnar batch per run, not one write per point', async () => {
    const store = new RecordingStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 10_000 } });
    const { runId } = (await client.createRun('0')).info;
    for (let i = 0; i < 10_000; i++) {
      client.logMetric(runId, 'loss', i / 10, i);
      client.logMetric(runId, 'acc', 1 - i / 1e5, { step: i, timestamp: 1000 + i });
    }
    client.setTag(runId, 'phase', 'a');
    client.setTag(runId, 'phase', 'b');
    expect(store.batches.length).toBe(0);
    await client.flush();
    expect(store.flushes).toBe(1);
    const metricBatches = store.batches.filter((b) => (b.batch.metrics?.length ?? 0) > 0);
    expect(metricBatches.length).toBe(1);
    const columns = metricBatches[0]!.batch.metrics!;
    expect(columns.map((c) => c.key).sort()).toEqual(['acc', 'loss']);
    const acc = columns.find((c) => c.key === 'acc')!;
    expect(acc.values).toBeInstanceOf(Float64Array);
    expect(acc.values.length).toBe(10_000);
    expect(acc.timestamps[5]).toBe(1005);
    expect(metricBatches[0]!.batch.tags).toEqual([{ key: 'phase', value: 'b' }]);
  });

  it('ships at once when the pending point limit is reached', async () => {
    const store = new RecordingStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 10_000, maxPendingPoints: 100 } });
    const { runId } = (await client.createRun('0')).info;
    for (let i = 0; i < 250; i++) client.logMetric(runId, 'm', i, i);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.batches.length).toBe(2);
    await client.flush();
    expect((await client.getMetricHistory(runId, 'm')).values.length).toBe(250);
  });

  it('sizes each (run, key) buffer like its last batch, so steady logging ships whole buffers without copies', async () => {
    const store = new RecordingStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 10_000, maxPendingPoints: 1000 } });
    const { runId } = (await client.createRun('0')).info;
    for (let i = 0; i < 5000; i++) client.logMetric(runId, 'm', i, i);
    await client.flush();
    const shipped = store.batches.flatMap((b) => b.batch.metrics ?? []);
    expect(shipped.map((c) => c.values.length)).toEqual([1000, 1000, 1000, 1000, 1000]);
    // From the second batch on, the columns are the buffer's own arrays: exact length, whole buffer.
    for (const columns of shipped.slice(1)) expect(columns.values.buffer.byteLength).toBe(1000 * 8);
    expect([...(await client.getMetricHistory(runId, 'm')).values]).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('keeps a failing param from taking the run’s metrics down, and reports it at flush only once', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const { runId } = (await client.createRun('0')).info;
    await client.logBatch(runId, { params: [{ key: 'lr', value: 1 }] });
    client.logParam(runId, 'lr', 2);
    client.logMetric(runId, 'm', 1);
    await expect(client.flush()).rejects.toThrow(/Changing param values/u);
    await client.flush();
    expect((await client.getRun(runId)).data.metrics['m']).toBe(1);
  });

  it('orders queued writes before later status updates', async () => {
    const store = new RecordingStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 10_000 } });
    const run = await client.startRun();
    run.logMetric('m', 1);
    await run.end();
    const stored = await client.getRun(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.data.metrics['m']).toBe(1);
  });

  /** A store that keeps each batch in flight for 5 ms and records how many were in flight at once. */
  function slowStore(orderedWrites: boolean) {
    return new (class SlowStore extends MemoryStore {
      override readonly capabilities = { ...new MemoryStore().capabilities, orderedWrites };
      inFlight = 0;
      maxInFlight = 0;
      readonly firstSteps: number[] = [];
      override async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
        this.firstSteps.push(batch.metrics?.[0]?.steps[0] ?? -1);
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        const apply = super.logBatch(runId, batch);
        await new Promise((resolve) => setTimeout(resolve, 5));
        this.inFlight--;
        return apply;
      }
    })();
  }

  for (const [orderedWrites, maxInFlight, expected] of [[true, 3, 3], [true, undefined, 10], [false, undefined, 1]] as const) {
    it(`keeps ${expected} of 10 batches in flight during a synchronous loop and issues them in logging order (orderedWrites: ${orderedWrites}, maxInFlight: ${maxInFlight ?? 'default'})`, async () => {
      const store = slowStore(orderedWrites);
      const client = new TrackingClient(store, { queue: { intervalMs: 10_000, maxPendingPoints: 100, ...(maxInFlight === undefined ? {} : { maxInFlight }) } });
      const { runId } = (await client.createRun('0')).info;
      // A synchronous loop: batches are issued while it runs, not after it.
      for (let i = 0; i < 1000; i++) client.logMetric(runId, 'm', i, i);
      expect(store.firstSteps.length).toBe(expected);
      await client.flush();
      expect(store.firstSteps).toEqual(Array.from({ length: 10 }, (_, i) => i * 100));
      expect(store.maxInFlight).toBe(expected);
      expect([...(await client.getMetricHistory(runId, 'm')).steps]).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });
  }

  for (const copiesBatches of [true, false]) {
    it(`${copiesBatches ? 'reuses' : 'never reuses'} the column buffers of written batches for later points of their keys, until a flush (copiesBatches: ${copiesBatches})`, async () => {
      const store = new (class extends MemoryStore {
        override readonly capabilities = { ...new MemoryStore().capabilities, copiesBatches };
        readonly buffers: ArrayBufferLike[] = [];
        override logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
          for (const m of batch.metrics ?? []) if (m.key === 'm') this.buffers.push(m.values.buffer);
          return super.logBatch(runId, batch);
        }
      })();
      const client = new TrackingClient(store, { queue: { intervalMs: 10_000, maxPendingPoints: 100 } });
      const { runId } = (await client.createRun('0')).info;
      const written = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
      for (let batch = 0; batch < 3; batch++) {
        for (let i = batch * 100; i < (batch + 1) * 100; i++) client.logMetric(runId, 'm', i / 10, i);
        await written();
      }
      await client.flush();
      for (let i = 300; i < 400; i++) client.logMetric(runId, 'm', i / 10, i);
      await client.flush();
      const [first, second, third, afterFlush] = store.buffers;
      expect(store.buffers).toHaveLength(4);
      expect(second === first && third === first).toBe(copiesBatches);
      expect(afterFlush).not.toBe(first);
      const history = await client.getMetricHistory(runId, 'm');
      expect([...history.steps]).toEqual(Array.from({ length: 400 }, (_, i) => i));
      expect([...history.values]).toEqual(Array.from({ length: 400 }, (_, i) => i / 10));
    });
  }

  it('uses the Store contract only (any backend can sit behind the client)', () => {
    const store: Store = new MemoryStore();
    expect(new TrackingClient(store).store).toBe(store);
  });
});

describe('logging queue: batches sent again', () => {
  /** A store whose next `failures` logBatch/flush calls fail as a stopped worker's calls do (after writing, when `applied`). */
  class StoppingStore extends RecordingStore {
    failures = 0;
    applied = true;
    readonly batchIds: (string | undefined)[] = [];
    readonly #seen = new Set<string>();
    override async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
      this.batchIds.push(batch.batchId);
      const known = batch.batchId !== undefined && this.#seen.has(batch.batchId);
      if (this.failures > 0 && !this.applied) return this.#stop();
      if (!known) await super.logBatch(runId, batch);
      if (batch.batchId !== undefined) this.#seen.add(batch.batchId);
      if (this.failures > 0) return this.#stop();
    }
    override async flush(): Promise<void> {
      if (this.failures > 0) return this.#stop();
      await super.flush();
    }
    #stop(): never {
      this.failures--;
      throw new EdgeflowError('INTERNAL_ERROR', 'The IndexedDB worker stopped (gone) before answering.', { details: { resendable: true } });
    }
  }

  for (const applied of [true, false]) {
    it(`sends a batch again with the same id after a resendable failure (${applied ? 'it had been written' : 'it had not'}), and stores it once`, async () => {
      const store = new StoppingStore();
      const client = new TrackingClient(store, { queue: { intervalMs: 10_000 } });
      const { runId } = (await client.createRun('0')).info;
      for (let i = 0; i < 10; i++) client.logMetric(runId, 'm', i, i);
      store.applied = applied;
      store.failures = 2;
      await client.flush();
      expect(store.batchIds.length).toBe(3);
      expect(new Set(store.batchIds).size).toBe(1);
      expect(store.batchIds[0]).toMatch(/^[0-9a-f]{32}\.\d+$/u);
      expect([...(await client.getMetricHistory(runId, 'm')).steps]).toEqual(Array.from({ length: 10 }, (_, i) => i));
    });
  }

  it('keeps the error when the batch keeps failing, and retries a flush whose worker stopped', async () => {
    const store = new StoppingStore();
    const client = new TrackingClient(store, { queue: { intervalMs: 10_000 } });
    const { runId } = (await client.createRun('0')).info;
    client.logMetric(runId, 'm', 1);
    store.applied = false;
    store.failures = 4;
    await expect(client.flush(runId)).rejects.toMatchObject({ details: { resendable: true } });
    expect(store.batchIds.length).toBe(4);
    store.failures = 2;
    await client.flush();
    expect(store.flushes).toBe(2);
  });
});
