import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { RestStore, mlflowEnvHeaders, splitLogBatch, type RestStoreOptions } from '../../src/storage/rest/index.js';
import { errorOfResponse } from '../../src/storage/rest/http.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { describeInputsConformance } from '../conformance/inputs-conformance.js';
import { describeLoggedModelConformance } from '../conformance/logged-model-conformance.js';
import { startMlflowRestServer, type MlflowRestServer } from '../support/mlflow-rest-server.js';

let server: MlflowRestServer;
beforeAll(async () => {
  server = await startMlflowRestServer();
});
afterAll(async () => {
  await server?.close();
});

const AUTH = { Authorization: `Basic ${btoa('conformance:secret')}` };

function storeFor(url: string, options: Partial<RestStoreOptions> = {}): RestStore {
  return new RestStore({ baseUrl: url, headers: () => AUTH, backoffMs: 1, timeoutMs: 10_000, ...options });
}

describeStoreConformance('RestStore → loopback MLflow server', {
  registry: true,
  async open(seed) {
    const tenant = server.tenant();
    const store = storeFor(tenant.url);
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});

describeInputsConformance('RestStore → edgeflow ui handler → MemoryStore', async (seed) => {
  const client = new TrackingClient(storeFor(server.tenant().url), { userId: 'conformance' });
  if (seed) await seed(client);
  return client;
});

describeLoggedModelConformance('RestStore → edgeflow ui handler → MemoryStore', async (seed) => {
  const client = new TrackingClient(storeFor(server.tenant().url), { userId: 'conformance' });
  if (seed) await seed(client);
  return client;
});

// ------------------------------------------------------------------------------- beyond the suite

const T0 = 1_700_000_000_000;

/** A fresh backend, its store, a client on it and the requests it received. */
function backend(options: Partial<RestStoreOptions> = {}) {
  const tenant = server.tenant();
  const store = storeFor(tenant.url, options);
  const client = new TrackingClient(store, { userId: 'alice' });
  const prefix = new URL(tenant.url).pathname;
  const requests = (pattern?: RegExp) =>
    server.requests.filter((r) => r.tenant === prefix && (pattern === undefined || pattern.test(`${r.method} ${r.path}`)));
  return { tenant, store, client, requests };
}

function columns(key: string, n: number, value = (i: number) => i / 7) {
  return {
    key,
    steps: Float64Array.from({ length: n }, (_, i) => i),
    timestamps: Float64Array.from({ length: n }, (_, i) => T0 + i),
    values: Float64Array.from({ length: n }, (_, i) => value(i)),
  };
}

describe('RestStore request shapes', () => {
  it('sends user_id on runs/create and max_results on every experiments/search', async () => {
    const { client, store, requests } = backend();
    const run = await client.createRun('0', { runName: 'shape', startTime: T0 });
    const create = requests(/POST \/api\/2.0\/mlflow\/runs\/create$/u)[0]!;
    expect(create.json).toMatchObject({ experiment_id: '0', user_id: 'alice', run_name: 'shape', start_time: T0 });
    expect(run.info.userId).toBe('alice');
    await store.searchExperiments({});
    await client.searchExperiments({ maxResults: 7 });
    const searches = requests(/experiments\/search$/u);
    expect(searches.map((r) => r.json?.['max_results'])).toEqual([1000, 7]);
  });

  it('splits 2,500 metric points into requests within MLflow’s limits, in order', async () => {
    const { client, store, requests, tenant } = backend();
    const { runId } = (await client.createRun('0')).info;
    const points = columns('loss', 2500);
    await store.logBatch(runId, { metrics: [points] });
    const batches = requests(/runs\/log-batch$/u);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    let seen = 0;
    for (const batch of batches) {
      const metrics = batch.json!['metrics'] as { step: number }[];
      expect(metrics.length).toBeLessThanOrEqual(1000);
      expect(batch.bodyBytes).toBeLessThan(1_000_000);
      expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: metrics.length }, (_, i) => seen + i));
      seen += metrics.length;
    }
    expect(seen).toBe(2500);
    const history = await store.getMetricHistory(runId, 'loss');
    expect([...history.values]).toEqual([...points.values]);
    expect((await tenant.store.getMetricHistory(runId, 'loss')).values.length).toBe(2500);
  });

  it('keeps params, then metrics, then tags across requests, each kind within its limit', async () => {
    const { client, store, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
    const tags = Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, value: String(i) }));
    await store.logBatch(runId, { params, tags, metrics: [columns('m', 1200)] });
    const batches = requests(/runs\/log-batch$/u).map((r) => r.json!);
    const kinds = batches.map((b) => ['params', 'metrics', 'tags'].filter((k) => (b[k] as unknown[]).length > 0).join('+'));
    expect(kinds.join(' | ')).toMatch(/^(params\+?[a-z+]*)( \| params[a-z+]*)*( \| metrics[a-z+]*)*( \| [a-z+]*tags)*$/u);
    for (const b of batches) {
      expect((b['params'] as unknown[]).length).toBeLessThanOrEqual(100);
      expect((b['tags'] as unknown[]).length).toBeLessThanOrEqual(100);
      expect((b['params'] as unknown[]).length + (b['metrics'] as unknown[]).length + (b['tags'] as unknown[]).length).toBeLessThanOrEqual(1000);
    }
    const run = await store.getRun(runId);
    expect(Object.keys(run.data.params).length).toBe(250);
    expect(Object.keys(run.data.tags).filter((k) => k.startsWith('t')).length).toBe(150);
  });

  it('splits by body size: 100 long multi-byte params do not fit one 1 MB request', async () => {
    const { client, store, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `long${i}`, value: 'é'.repeat(6000) }));
    await store.logBatch(runId, { params });
    const batches = requests(/runs\/log-batch$/u);
    expect(batches.length).toBe(2);
    for (const b of batches) expect(b.bodyBytes).toBeLessThan(1_000_000);
    expect(Object.keys((await store.getRun(runId)).data.params).length).toBe(100);
  });

  it('checks a multi-request batch before sending: a changed param writes nothing', async () => {
    const { client, store, requests, tenant } = backend();
    const { runId } = (await client.createRun('0')).info;
    await client.logBatch(runId, { params: [{ key: 'lr', value: 0.1 }] });
    const before = requests(/runs\/log-batch$/u).length;
    await expect(store.logBatch(runId, { params: [{ key: 'lr', value: '0.2' }], metrics: [columns('m', 1500)] })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    expect(requests(/runs\/log-batch$/u).length).toBe(before);
    expect((await tenant.store.getMetricHistory(runId, 'm')).values.length).toBe(0);
    expect(store.capabilities.atomicBatches).toBe(false);
  });

  it('pages metric histories with max_results ≤ 25,000 and assembles Float64Array columns', async () => {
    const { client, store, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    const points = columns('big', 60_000, (i) => Math.sin(i));
    await store.logBatch(runId, { metrics: [points] });
    const history = await store.getMetricHistory(runId, 'big');
    expect(history.values).toBeInstanceOf(Float64Array);
    expect(history.values).toEqual(points.values);
    expect(history.steps).toEqual(points.steps);
    expect(history.timestamps).toEqual(points.timestamps);
    const pages = requests(/metrics\/get-history$/u);
    expect(pages.length).toBe(3);
    for (const p of pages) expect(Number(p.query.get('max_results'))).toBe(25_000);
    expect(pages[0]!.query.get('page_token')).toBeNull();
    expect(pages[1]!.query.get('page_token')).toBeTypeOf('string');
  });

  it('sends and reads NaN and ±Infinity as MLflow’s strings', async () => {
    const { client, store, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    await client.logBatch(runId, {
      metrics: [
        { key: 'x', value: Number.NaN, step: 0, timestamp: T0 },
        { key: 'x', value: Infinity, step: 1, timestamp: T0 },
        { key: 'x', value: -Infinity, step: 2, timestamp: T0 },
      ],
    });
    const sent = requests(/runs\/log-batch$/u)[0]!.json!['metrics'] as { value: unknown }[];
    expect(sent.map((m) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect([...(await store.getMetricHistory(runId, 'x')).values]).toEqual([Number.NaN, Infinity, -Infinity]);
    expect((await store.getRun(runId)).data.metrics['x']).toBe(-Infinity);
  });

  it('encodes artifact paths per segment and lists through the proxy', async () => {
    const { client, store, tenant, requests } = backend();
    const { runId, experimentId } = (await client.createRun('0')).info;
    await client.logArtifact(runId, 'dir with space/ünï #1.txt'.replace('#', ''), 'hi');
    const put = requests(/^PUT /u)[0]!;
    expect(put.path).toBe(`/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/dir%20with%20space/%C3%BCn%C3%AF%201.txt`);
    expect([...tenant.artifacts.get('', `${experimentId}/${runId}/artifacts/dir with space/ünï 1.txt`)]).toEqual([...new TextEncoder().encode('hi')]);
    expect(await store.listArtifacts(runId, 'dir with space')).toEqual([{ path: 'dir with space/ünï 1.txt', isDir: false, fileSize: 2 }]);
  });
});

describe('RestStore errors', () => {
  it('maps MLflow error bodies to the same code, keeping the HTTP status', async () => {
    const { store } = backend();
    const error = await store.getRun('0123456789abcdef0123456789abcdef' as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', details: { status: 404, mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST' } });
    const dup = await store.createExperiment({ name: 'Default' }).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS', details: { status: 400 } });
  });

  it('maps foreign codes and non-JSON bodies', () => {
    expect(errorOfResponse('GET', '/x', 401, '{"error_code":"UNAUTHENTICATED","message":"who?"}')).toMatchObject({ code: 'PERMISSION_DENIED', message: 'who?' });
    expect(errorOfResponse('GET', '/x', 429, '{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow"}').code).toBe('RESOURCE_EXHAUSTED');
    expect(errorOfResponse('GET', '/x', 400, '{"error_code":"SOMETHING_NEW","message":"m"}').code).toBe('INVALID_PARAMETER_VALUE');
    const html = errorOfResponse('POST', '/api/2.0/mlflow/runs/create', 502, '<html>Bad Gateway</html>');
    expect(html.code).toBe('INTERNAL_ERROR');
    expect(html.message).toContain('HTTP 502');
    expect(html.message).toContain('Bad Gateway');
    expect(html.details).toMatchObject({ status: 502, body: '<html>Bad Gateway</html>' });
  });

  it('refuses what the REST API cannot do with NOT_IMPLEMENTED', async () => {
    const { store, client } = backend();
    const { runId } = (await client.createRun('0')).info;
    await expect(store.purgeRun(runId)).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
    await expect(store.purgeExperiment('0' as never)).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
    await expect(store.createRun({ experimentId: '0' as never, userId: 'u', runName: 'r', startTime: T0, tags: [], runId: runId })).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
    });
    await expect(store.registry.importRegisteredModels()).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
  });

  it('answers a missing artifact with RESOURCE_DOES_NOT_EXIST without retrying the 500', async () => {
    const { store, client, requests } = backend();
    const { runId } = (await client.createRun('0')).info;
    await expect(store.getArtifact(runId, 'nope.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(requests(/^GET \/api\/2.0\/mlflow-artifacts\/artifacts\/.+nope/u).length).toBe(1);
  });

  it('fails after close with INVALID_STATE', async () => {
    const { store } = backend();
    await store.close();
    await expect(store.getExperiment('0' as never)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});

describe('RestStore retries, timeouts and auth', () => {
  it('retries 503s with backoff and counts them', async () => {
    const { store, requests } = backend({ retries: 3 });
    server.fault({ kind: 'status', status: 503, match: /experiments\/get$/u, times: 2 });
    const experiment = await store.getExperiment('0' as never);
    server.clearFaults();
    expect(experiment.name).toBe('Default');
    expect(store.retries).toBe(2);
    expect(requests(/experiments\/get$/u).map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('honours Retry-After on 429: the next attempt waits for it (fake timers)', async () => {
    vi.useFakeTimers();
    try {
      const statuses: number[] = [];
      const store = new RestStore({
        baseUrl: 'http://127.0.0.1:9',
        retries: 2,
        backoffMs: 1,
        fetch: async () => {
          const limited = statuses.length === 0;
          statuses.push(limited ? 429 : 200);
          return limited
            ? new Response('{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow"}', { status: 429, headers: { 'Retry-After': '2' } })
            : new Response(JSON.stringify({ experiment: { experiment_id: '0', name: 'Default', artifact_location: 'a', lifecycle_stage: 'active' } }));
        },
      });
      const experiment = store.getExperiment('0' as never);
      await vi.advanceTimersByTimeAsync(1999);
      expect(statuses).toEqual([429]);
      await vi.advanceTimersByTimeAsync(1);
      expect(statuses).toEqual([429, 200]);
      expect((await experiment).name).toBe('Default');
    } finally {
      vi.useRealTimers();
    }
  });

  it('retries dropped connections, and gives up with the last error', async () => {
    const { store } = backend({ retries: 1 });
    server.fault({ kind: 'drop', match: /experiments\/get$/u });
    expect((await store.getExperiment('0' as never)).name).toBe('Default');
    server.fault({ kind: 'status', status: 503, match: /experiments\/get$/u, times: 2 });
    const error = await store.getExperiment('0' as never).catch((e: unknown) => e);
    server.clearFaults();
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { status: 503, mlflowErrorCode: 'TEMPORARILY_UNAVAILABLE' } });
  });

  it('does not retry MLflow errors answered with 500 (INVALID_STATE)', async () => {
    const { store, client, requests } = backend({ retries: 3 });
    const id = await client.createExperiment('gone');
    await client.deleteExperiment(id);
    await expect(client.createRun(id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(requests(/runs\/create$/u).length).toBe(1);
    expect(store.retries).toBe(0);
  });

  it('reports a timeout clearly', async () => {
    const { store } = backend({ retries: 0, timeoutMs: 100 });
    server.fault({ kind: 'delay', delayMs: 400, match: /experiments\/get$/u });
    const error = await store.getExperiment('0' as never).catch((e: unknown) => e);
    server.clearFaults();
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { reason: 'timeout' } });
    expect((error as Error).message).toMatch(/timed out after 100 ms/u);
  });

  it('applies the (async) auth header hook to every request', async () => {
    let calls = 0;
    const { client, requests } = backend({
      headers: async () => {
        calls++;
        return { Authorization: 'Bearer t0k3n', 'X-Extra': 'yes' };
      },
    });
    const { runId } = (await client.createRun('0')).info;
    client.logMetric(runId, 'm', 1);
    await client.flush();
    await client.logArtifact(runId, 'a.txt', 'x');
    const seen = requests();
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const r of seen) expect(r.headers['authorization']).toBe('Bearer t0k3n');
    expect(calls).toBe(seen.length);
  });
});

describe('RestStore plumbing', () => {
  it('uses an injected fetch', async () => {
    const tenant = server.tenant();
    const seen: string[] = [];
    const store = new RestStore({
      baseUrl: `${tenant.url}/`,
      fetch: (input, init) => {
        seen.push(`${init.method} ${new URL(input).pathname}`);
        return fetch(input, init);
      },
    });
    expect((await store.getExperimentByName('Default'))?.experimentId).toBe('0');
    expect(await store.getExperimentByName('nope')).toBeNull();
    expect(seen.map((s) => s.replace(/^GET \/t\/\d+/u, 'GET '))).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name',
      'GET /api/2.0/mlflow/experiments/get-by-name',
    ]);
  });

  it('reads MLflow’s credential variables for openStore("http…")', () => {
    const env = process.env;
    const saved = { token: env['MLFLOW_TRACKING_TOKEN'], user: env['MLFLOW_TRACKING_USERNAME'], password: env['MLFLOW_TRACKING_PASSWORD'] };
    try {
      delete env['MLFLOW_TRACKING_TOKEN'];
      env['MLFLOW_TRACKING_USERNAME'] = 'ann';
      env['MLFLOW_TRACKING_PASSWORD'] = 'pässword';
      expect(mlflowEnvHeaders()).toEqual({ Authorization: `Basic ${Buffer.from('ann:pässword').toString('base64')}` });
      env['MLFLOW_TRACKING_TOKEN'] = 'tok';
      expect(mlflowEnvHeaders()).toEqual({ Authorization: 'Bearer tok' });
    } finally {
      for (const [key, value] of [['MLFLOW_TRACKING_TOKEN', saved.token], ['MLFLOW_TRACKING_USERNAME', saved.user], ['MLFLOW_TRACKING_PASSWORD', saved.password]] as const) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
    }
  });

  it('splits with given limits, keeping order', () => {
    const batch = {
      params: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }],
      metrics: [columns('m', 5)],
      tags: [{ key: 't', value: 'x' }],
    };
    const requests = splitLogBatch('r1', batch, { metrics: 2, params: 2, tags: 2, total: 3, bytes: 10_000 });
    const shapes = requests.map((r) => {
      const body = JSON.parse(r.body) as { run_id: string; params: { key: string }[]; metrics: { step: number }[]; tags: { key: string }[] };
      expect(body.run_id).toBe('r1');
      return [...body.params.map((p) => p.key), ...body.metrics.map((m) => `m${m.step}`), ...body.tags.map((t) => t.key)].join(',');
    });
    expect(shapes).toEqual(['a,b', 'c,m0,m1', 'm2,m3', 'm4,t']);
  });
});
