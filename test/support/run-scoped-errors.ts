/**
 * Errors of queued writes belong to their run: the same tests over every store they are run with
 * (memory in Node, memory and IndexedDB-through-the-worker in Chromium).
 */
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import type { ActiveRun } from '../../src/core/run.js';
import type { Store } from '../../src/core/store.js';

/** Makes queued writes of `run` fail: logs param `lr` directly, then queues another value for it. */
async function breakQueuedWrites(run: ActiveRun): Promise<void> {
  await run.client.logBatch(run.runId, { params: [{ key: 'lr', value: '1' }] });
  run.client.logParam(run.runId, 'lr', '2');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The run-scoped error tests over stores made by `open`. */
export function describeRunScopedErrors(name: string, open: () => Promise<Store>): void {
  describe(`queued write errors belong to their run (${name})`, () => {
    async function threeRuns(): Promise<{ client: TrackingClient; a: ActiveRun; b: ActiveRun; c: ActiveRun }> {
      const client = new TrackingClient(await open(), { queue: { intervalMs: 5 } });
      const [a, b, c] = await Promise.all([client.startRun({ runName: 'a' }), client.startRun({ runName: 'b' }), client.startRun({ runName: 'c' })]);
      return { client, a, b, c };
    }

    it('a failed write of B rejects neither A.end() nor C.flush(); B.end() rejects with it and ends B FAILED', async () => {
      const { client, a, b, c } = await threeRuns();
      for (let step = 0; step < 50; step++) for (const run of [a, b, c]) run.logMetric('loss', step / 10, step);
      await breakQueuedWrites(b);
      await a.end();
      await c.flush();
      const error = await caught(b.end());
      expect(error).toBeInstanceOf(EdgeflowError);
      expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/Changing param values/u) });
      const [storedA, storedB, storedC] = await Promise.all([a.getRun(), b.getRun(), c.getRun()]);
      expect([storedA.info.status, storedB.info.status, storedC.info.status]).toEqual(['FINISHED', 'FAILED', 'RUNNING']);
      for (const run of [a, b, c]) expect((await client.getMetricHistory(run.runId, 'loss')).values.length).toBe(50);
      // Reported once: nothing is left for the client.
      await c.end();
      await client.flush();
      await client.close();
    });

    it('run.flush() reports the run’s own error only once; end() after that ends it as asked', async () => {
      const { client, a, b, c } = await threeRuns();
      await breakQueuedWrites(b);
      await breakQueuedWrites(c);
      await expect(b.flush()).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', details: { key: 'lr' } });
      await b.flush();
      await b.end();
      expect((await b.getRun()).info.status).toBe('FINISHED');
      await a.end('KILLED');
      await expect(c.end('KILLED')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      expect([(await a.getRun()).info.status, (await c.getRun()).info.status]).toEqual(['KILLED', 'KILLED']);
      await client.close();
    });

    it('client.flush() reports every run’s errors as one EdgeflowError holding each of them; the runs then end as asked', async () => {
      const { client, a, b, c } = await threeRuns();
      a.logMetric('m', 1);
      await breakQueuedWrites(a);
      await breakQueuedWrites(c);
      const error = await caught(client.flush());
      expect(error).toBeInstanceOf(EdgeflowError);
      const aggregate = error as EdgeflowError;
      expect(aggregate.code).toBe('INVALID_PARAMETER_VALUE');
      expect(aggregate.message).toMatch(/^2 queued writes failed; the first: Changing param values/u);
      expect([...(aggregate.details?.['runIds'] as string[])].sort()).toEqual([a.runId, c.runId].sort());
      expect(aggregate.cause).toBeInstanceOf(AggregateError);
      const inner = (aggregate.cause as AggregateError).errors;
      expect(inner.length).toBe(2);
      for (const e of inner) expect(e).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', details: { key: 'lr' } });
      await client.flush();
      await Promise.all([a.end(), b.end(), c.end()]);
      expect((await a.getRun()).data.metrics['m']).toBe(1);
      await client.close();
    });

    it('a write to a run deleted meanwhile fails that run only', async () => {
      const { client, a, b } = await threeRuns();
      await client.deleteRun(b.runId);
      b.logMetric('m', 1);
      a.logMetric('m', 2);
      await a.flush();
      await expect(b.flush()).rejects.toBeInstanceOf(EdgeflowError);
      await a.end();
      expect((await a.getRun()).data.metrics['m']).toBe(2);
      await client.close();
    });
  });
}
