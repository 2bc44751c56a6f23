/**
 * RestStore retries never write twice: requests that are not safe to repeat are checked against
 * the server after a dropped connection or a timeout, driven by the fault-injecting loopback server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { RestStore, type RestStoreOptions } from '../../src/storage/rest/index.js';
import { isRepeatable } from '../../src/storage/rest/idempotency.js';
import { startMlflowRestServer, storedHistoryLength, type MlflowRestServer } from '../support/mlflow-rest-server.js';

let server: MlflowRestServer;
beforeAll(async () => {
  server = await startMlflowRestServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  server.clearFaults();
});

const T0 = 1_700_000_000_000;
const CREATE = /^POST \/api\/2.0\/mlflow\/runs\/create$/u;
const LOG_BATCH = /^POST \/api\/2.0\/mlflow\/runs\/log-batch$/u;

function backend(options: Partial<RestStoreOptions> = {}) {
  const tenant = server.tenant();
  const store = new RestStore({ baseUrl: tenant.url, backoffMs: 1, timeoutMs: 10_000, ...options });
  const client = new TrackingClient(store, { userId: 'alice' });
  const prefix = new URL(tenant.url).pathname;
  const requests = (pattern: RegExp) => server.requests.filter((r) => r.tenant === prefix && pattern.test(`${r.method} ${r.path}`));
  const runCount = async () => (await tenant.store.searchRuns({ experimentIds: ['0' as ExperimentId], viewType: 'ALL' })).items.length;
  return { tenant, store, client, requests, runCount };
}

function columns(key: string, from: number, n: number) {
  return {
    key,
    steps: Float64Array.from({ length: n }, (_, i) => from + i),
    timestamps: Float64Array.from({ length: n }, (_, i) => T0 + from + i),
    values: Float64Array.from({ length: n }, (_, i) => (from + i) / 3),
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('RestStore: runs/create is never applied twice', () => {
  it('a connection dropped after the server created the run: the run is found, not created again', async () => {
    const { client, requests, runCount } = backend();
    server.fault({ kind: 'drop-after', match: CREATE });
    const run = await client.createRun('0', { runName: 'once', startTime: T0, tags: { team: 'a' } });
    expect(requests(CREATE).map((r) => r.fault)).toEqual(['drop-after']);
    expect(await runCount()).toBe(1);
    expect(run.info.runName).toBe('once');
    expect((await client.getRun(run.info.runId)).data.tags['team']).toBe('a');
  });

  it('a connection dropped before the server read the request: sent again, one run', async () => {
    const { client, requests, runCount } = backend();
    server.fault({ kind: 'drop', match: CREATE });
    await client.createRun('0', { runName: 'again', startTime: T0 });
    expect(requests(CREATE).map((r) => r.fault)).toEqual(['drop', undefined]);
    expect(await runCount()).toBe(1);
  });

  it('a run of another client with the same start time but another name is not taken for ours', async () => {
    const { client, runCount } = backend();
    await client.createRun('0', { runName: 'other', startTime: T0 });
    server.fault({ kind: 'drop', match: CREATE });
    const run = await client.createRun('0', { runName: 'mine', startTime: T0 });
    expect(run.info.runName).toBe('mine');
    expect(await runCount()).toBe(2);
  });

  it('a timeout is not sent again (the server may still be creating it): a clear error, and one run in the end', async () => {
    const { client, requests, runCount } = backend({ timeoutMs: 100 });
    server.fault({ kind: 'delay', delayMs: 400, match: CREATE });
    const error = await client.createRun('0', { runName: 'slow', startTime: T0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { reason: 'timeout', ambiguous: true } });
    expect((error as Error).message).toMatch(/timed out after 100 ms\. Not sent again: the server may or may not have applied POST/u);
    await vi.waitFor(async () => expect(await runCount()).toBe(1), { timeout: 5000 });
    expect(requests(CREATE).length).toBe(1);
  });

  it('clear refusals (503, 429 with Retry-After) are retried for it too', async () => {
    const { client, requests, runCount } = backend();
    server.fault({ kind: 'status', status: 503, match: CREATE });
    server.fault({ kind: 'status', status: 429, retryAfter: '0', match: CREATE });
    await client.createRun('0', { runName: 'refused' });
    expect(requests(CREATE).map((r) => r.status)).toEqual([503, 429, 200]);
    expect(await runCount()).toBe(1);
  });
});

describe('RestStore: metric points are never appended twice', () => {
  it('a log-batch dropped after the server wrote it: its points are there once, in order', async () => {
    const { client, store, tenant, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    server.fault({ kind: 'drop-after', match: LOG_BATCH, skip: 1 });
    await store.logBatch(runId, { metrics: [columns('loss', 0, 2500), columns('acc', 0, 10)], params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: 'x' }] });
    expect(requests(LOG_BATCH).map((r) => r.fault)).toEqual([undefined, 'drop-after', undefined]);
    const history = await tenant.store.getMetricHistory(runId as RunId, 'loss');
    expect([...history.steps]).toEqual(range(2500));
    expect(await storedHistoryLength(tenant.store, runId, 'acc')).toBe(10);
    expect((await tenant.store.getRun(runId as RunId)).data.params['lr']).toBe('0.1');
  });

  it('through the logging queue: drops before and after the write, every point once', async () => {
    const { client, tenant, requests } = backend();
    const run = await client.startRun();
    server.fault({ kind: 'drop-after', match: LOG_BATCH });
    server.fault({ kind: 'drop', match: LOG_BATCH, skip: 1 });
    for (let step = 0; step < 1500; step++) run.logMetrics({ a: step, b: 2 * step }, step);
    run.logParam('p', 1);
    await run.end();
    expect(requests(LOG_BATCH).some((r) => r.fault === 'drop-after')).toBe(true);
    expect(requests(LOG_BATCH).some((r) => r.fault === 'drop')).toBe(true);
    expect([...(await tenant.store.getMetricHistory(run.runId, 'a')).steps]).toEqual(range(1500));
    expect([...(await tenant.store.getMetricHistory(run.runId, 'b')).values]).toEqual(range(1500).map((i) => 2 * i));
    expect((await tenant.store.getRun(run.runId)).info.status).toBe('FINISHED');
  });

  it('only the keys the server lacks are sent again', async () => {
    const { client, store, tenant, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    await store.logBatch(runId, { metrics: [columns('a', 0, 5)] });
    // The server holds the batch's points of `a` at its tail (as if a non-atomic server wrote half of it).
    server.fault({ kind: 'drop', match: LOG_BATCH });
    const sentBefore = requests(LOG_BATCH).length;
    await store.logBatch(runId, { metrics: [columns('a', 0, 5), columns('b', 0, 5)] });
    const resent = requests(LOG_BATCH).slice(sentBefore + 1)[0]!.json!['metrics'] as { key: string }[];
    expect(new Set(resent.map((m) => m.key))).toEqual(new Set(['b']));
    expect(await storedHistoryLength(tenant.store, runId, 'a')).toBe(5);
    expect(await storedHistoryLength(tenant.store, runId, 'b')).toBe(5);
  });

  it('a log-batch with metrics that timed out is not sent again: a clear error, and its points once', async () => {
    const { client, store, tenant, requests } = backend({ timeoutMs: 100 });
    const { runId } = (await client.createRun('0')).info;
    server.fault({ kind: 'delay', delayMs: 400, match: LOG_BATCH });
    await expect(store.logBatch(runId, { metrics: [columns('m', 0, 10)] })).rejects.toMatchObject({ details: { reason: 'timeout', ambiguous: true } });
    await vi.waitFor(async () => expect(await storedHistoryLength(tenant.store, runId, 'm')).toBe(10), { timeout: 5000 });
    expect(requests(LOG_BATCH).length).toBe(1);
  });

  it('a log-batch of params and tags only is idempotent: retried after a drop without looking', async () => {
    const { client, store, tenant, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    server.fault({ kind: 'drop-after', match: LOG_BATCH });
    await store.logBatch(runId, { params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: 'x' }] });
    expect(requests(LOG_BATCH).length).toBe(2);
    expect(requests(/metrics\/get-history$/u).length).toBe(0);
    expect((await tenant.store.getRun(runId as RunId)).data.params['p']).toBe('1');
  });
});

describe('RestStore: other requests after an ambiguous failure', () => {
  it('writes that are not safe to repeat fail at once with details.ambiguous, sent once', async () => {
    const { client, requests } = backend({ retries: 3 });
    server.fault({ kind: 'drop-after', match: /experiments\/create$/u });
    const error = await client.createExperiment('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { reason: 'network', ambiguous: true } });
    expect(requests(/experiments\/create$/u).length).toBe(1);
    expect(await client.getExperimentByName('x')).not.toBeNull();
  });

  it('idempotent writes and reads are retried after a drop', async () => {
    const { client, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    server.fault({ kind: 'drop-after', match: /runs\/update$/u });
    server.fault({ kind: 'drop-after', match: /runs\/search$/u });
    await client.setTerminated(runId, 'KILLED');
    expect((await client.searchRuns('0')).items[0]!.info.status).toBe('KILLED');
    expect(requests(/runs\/update$/u).length).toBe(2);
    expect(requests(/runs\/search$/u).length).toBe(2);
  });

  it('a refused connection is retried for any request (nothing reached a server)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const store = new RestStore({ baseUrl: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 1 });
    const error = await store.createExperiment({ name: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { reason: 'refused' } });
    expect(store.retries).toBe(2);
  });

  it('classifies MLflow endpoints', () => {
    const api = '/api/2.0/mlflow';
    expect(isRepeatable('GET', `${api}/runs/get`)).toBe(true);
    expect(isRepeatable('POST', `${api}/runs/search`)).toBe(true);
    expect(isRepeatable('POST', `${api}/runs/set-tag`)).toBe(true);
    expect(isRepeatable('POST', `${api}/runs/update`)).toBe(true);
    expect(isRepeatable('PUT', '/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt')).toBe(true);
    for (const endpoint of ['runs/create', 'runs/log-batch', 'runs/log-metric', 'experiments/create', 'runs/delete', 'registered-models/create', 'model-versions/create']) {
      expect(isRepeatable('POST', `${api}/${endpoint}`)).toBe(false);
    }
    expect(isRepeatable('DELETE', `${api}/registered-models/delete`)).toBe(false);
  });
});

describe('RestStore: a changed param answered with MLflow file-backed server’s 500', () => {
  // MLflow's FileStore wraps every log-batch failure as INTERNAL_ERROR (HTTP 500), message kept.
  const changedParam = (runId: string) =>
    JSON.stringify({
      error_code: 'INTERNAL_ERROR',
      message: `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${runId}'. Attempted logging new value '0.2'.`,
    });

  it('surfaces INVALID_PARAMETER_VALUE with MLflow’s message, sent once (a 500 with an error body is final)', async () => {
    const { client, requests } = backend({ retries: 3 });
    const run = await client.createRun('0', { startTime: T0 });
    await client.logParam(run.info.runId, 'lr', 0.1);
    await client.flush();
    server.fault({ kind: 'status', status: 500, match: LOG_BATCH, body: changedParam(run.info.runId) });
    const before = requests(LOG_BATCH).length;
    const error = await client.logBatch(run.info.runId, { params: [{ key: 'lr', value: '0.2' }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', details: { status: 500, mlflowErrorCode: 'INTERNAL_ERROR' } });
    expect((error as Error).message).toContain("key='lr'");
    expect(requests(LOG_BATCH).length - before).toBe(1);
    expect((await client.getRun(run.info.runId)).data.params['lr']).toBe('0.1');
  });

  it('other 500s with an MLflow body stay INTERNAL_ERROR', async () => {
    const { client } = backend({ retries: 1 });
    const run = await client.createRun('0', { startTime: T0 });
    server.fault({ kind: 'status', status: 500, match: LOG_BATCH, body: JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'disk on fire' }) });
    await expect(client.logBatch(run.info.runId, { params: [{ key: 'a', value: '1' }] })).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});
