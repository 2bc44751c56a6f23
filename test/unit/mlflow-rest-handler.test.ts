/**
 * MLflow's REST API over a store (`src/node/mlflow-rest-handler.ts`) as `edgeflow ui` serves it:
 * read-only mode, registry writes with `--write`, error bodies, the §9 quirks, base paths — and the
 * JSON serializers of `storage/rest/wire.ts` as the inverse of its parsers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiServer, type UiServer } from '../../src/cli/ui-server.js';
import { TrackingClient } from '../../src/core/client.js';
import type { Experiment, Run } from '../../src/core/entities.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import type { ModelVersion, RegisteredModel } from '../../src/core/registry/entities.js';
import { createMlflowRestApi, createMlflowRestHandler } from '../../src/node/mlflow-rest-handler.js';
import { FileStore } from '../../src/node/file-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import {
  experimentToJson,
  metricToJson,
  modelVersionToJson,
  registeredModelToJson,
  runInfoToJson,
  runToJson,
  stringifyJson,
  toExperiment,
  toMetric,
  toModelVersion,
  toRegisteredModel,
  toRun,
  toRunInfo,
  type Json,
} from '../../src/storage/rest/wire.js';

/** Through JSON text and back, as on the wire. */
const wire = (json: Json): Json => JSON.parse(stringifyJson(json)) as Json;

describe('wire serializers invert the parsers', () => {
  const experiment: Experiment = {
    experimentId: '7' as ExperimentId,
    name: 'exp',
    artifactLocation: 'mlflow-artifacts:/7',
    lifecycleStage: 'active',
    creationTime: 1000,
    lastUpdateTime: 2000,
    tags: { team: 'nlp', 'mlflow.note.content': 'x' },
  };
  const run: Run = {
    info: {
      runId: '0123456789abcdef0123456789abcdef' as RunId,
      runName: 'r1',
      experimentId: '7' as ExperimentId,
      userId: 'alice',
      status: 'FINISHED',
      startTime: 1000,
      endTime: 3000,
      artifactUri: 'mlflow-artifacts:/7/0123456789abcdef0123456789abcdef/artifacts',
      lifecycleStage: 'active',
      deletedTime: null,
    },
    data: {
      metrics: { loss: Number.NaN, up: Infinity, down: -Infinity, acc: 0.5 },
      latestMetrics: {
        loss: { key: 'loss', value: Number.NaN, timestamp: 5, step: 2 },
        up: { key: 'up', value: Infinity, timestamp: 6, step: 0 },
        down: { key: 'down', value: -Infinity, timestamp: 7, step: -1 },
        acc: { key: 'acc', value: 0.5, timestamp: 8, step: 9 },
      },
      params: { lr: '0.1' },
      tags: { 'mlflow.runName': 'r1', reviewed: 'yes' },
    },
  };
  const version: ModelVersion = {
    name: 'm',
    version: 3,
    creationTimestamp: 10,
    lastUpdatedTimestamp: 20,
    userId: 'bob',
    currentStage: 'Production',
    description: 'best',
    source: 'runs:/0123456789abcdef0123456789abcdef/model',
    runId: '0123456789abcdef0123456789abcdef',
    runLink: null,
    status: 'READY',
    statusMessage: null,
    tags: { k: 'v' },
    aliases: ['champion'],
    modelId: null,
    storageLocation: 'runs:/0123456789abcdef0123456789abcdef/model',
  };
  const model: RegisteredModel = {
    name: 'm',
    creationTimestamp: 10,
    lastUpdatedTimestamp: 30,
    description: null,
    tags: { owner: 'ml' },
    aliases: { champion: 3 },
    latestVersions: [version],
  };

  it('round-trips experiments, runs, run infos and metrics (non-finite values as strings)', () => {
    expect(toExperiment(wire(experimentToJson(experiment)))).toEqual(experiment);
    expect(toRunInfo(wire(runInfoToJson(run.info)), () => null)).toEqual(run.info);
    const json = wire(runToJson(run));
    expect(toRun(json, () => null)).toEqual(run);
    const metrics = (json['data'] as { metrics: { key: string; value: unknown }[] }).metrics;
    expect(Object.fromEntries(metrics.map((m) => [m.key, m.value]))).toEqual({ loss: 'NaN', up: 'Infinity', down: '-Infinity', acc: 0.5 });
    expect(toMetric(wire(metricToJson({ key: 'x', value: -Infinity, timestamp: 1, step: 2 })))).toEqual({ key: 'x', value: -Infinity, timestamp: 1, step: 2 });
    expect(metricToJson({ key: 'x', value: Number.NaN, timestamp: 1, step: 2 })['value']).toBe('NaN');
  });

  it('reports another artifact URI when asked, and omits unset fields', () => {
    const json = runInfoToJson({ ...run.info, endTime: null }, 'mlflow-artifacts:/elsewhere');
    expect(json['artifact_uri']).toBe('mlflow-artifacts:/elsewhere');
    expect(json['run_uuid']).toBe(run.info.runId);
    expect('end_time' in json).toBe(false);
    expect('description' in registeredModelToJson(model)).toBe(false);
  });

  it('round-trips registered models and model versions (version as a string)', () => {
    const json = wire(modelVersionToJson(version));
    expect(json['version']).toBe('3');
    expect(toModelVersion(json)).toEqual(version);
    const minimal: ModelVersion = { ...version, userId: null, description: '', runId: null, tags: {}, aliases: [], storageLocation: null, currentStage: 'None' };
    expect(wire(modelVersionToJson(minimal))['description']).toBe('');
    expect(toModelVersion(wire(modelVersionToJson(minimal)))).toEqual(minimal);
    const modelJson = wire(registeredModelToJson(model));
    expect(modelJson['aliases']).toEqual([{ alias: 'champion', version: '3' }]);
    expect(toRegisteredModel(modelJson)).toEqual(model);
  });
});

// ------------------------------------------------------------------------------------ the handler

let dir = '';
let store: FileStore;
let readOnly: UiServer;
let writable: UiServer;
let runId = '';
let experimentId = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-rest-handler-'));
  store = await FileStore.open(join(dir, 'mlruns'));
  const client = new TrackingClient(store, { userId: 'alice' });
  experimentId = await client.createExperiment('served');
  const run = await client.createRun(experimentId, { runName: 'r1' });
  runId = run.info.runId;
  await client.logBatch(runId, { metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }] });
  await client.logArtifact(runId, 'model/MLmodel', 'flavors: {}\n');
  await client.createRegisteredModel('existing', { description: 'there' });
  await client.createModelVersion('existing', `runs:/${runId}/model`);
  readOnly = await startUiServer({ store, viewerDir: dir, title: 't', readOnly: true, port: 0 });
  writable = await startUiServer({ store, viewerDir: dir, title: 't', readOnly: false, port: 0 });
});
afterAll(async () => {
  await readOnly?.close();
  await writable?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const base = (server: UiServer): string => server.url.replace(/\/$/u, '');

async function call(server: UiServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${base(server)}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Json };
}

describe('createMlflowRestHandler, read-only (edgeflow ui)', () => {
  it('refuses every write with 403 PERMISSION_DENIED and changes nothing', async () => {
    const writes: [string, string, unknown][] = [
      ['POST', '/api/2.0/mlflow/experiments/create', { name: 'new' }],
      ['POST', '/api/2.0/mlflow/experiments/update', { experiment_id: experimentId, new_name: 'x' }],
      ['POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId }],
      ['POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: 1 }] }],
      ['POST', '/ajax-api/2.0/mlflow/runs/set-tag', { run_id: runId, key: 'k', value: 'v' }],
      ['POST', '/api/2.0/mlflow/registered-models/create', { name: 'nope' }],
      ['PATCH', '/api/2.0/mlflow/registered-models/update', { name: 'existing', description: 'changed' }],
      ['DELETE', '/api/2.0/mlflow/registered-models/delete', { name: 'existing' }],
      ['POST', '/api/2.0/mlflow/registered-models/alias', { name: 'existing', alias: 'a', version: '1' }],
      ['POST', '/api/2.0/mlflow/model-versions/create', { name: 'existing', source: `runs:/${runId}/model` }],
      ['POST', '/api/2.0/mlflow/model-versions/transition-stage', { name: 'existing', version: '1', stage: 'Production', archive_existing_versions: false }],
      ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/x.txt`, 'x'],
      ['DELETE', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const answer = await call(readOnly, method, path, body);
      expect([answer.status, answer.json['error_code']], `${method} ${path}`).toEqual([403, 'PERMISSION_DENIED']);
    }
    expect((await store.getExperiment(experimentId as ExperimentId)).name).toBe('served');
    expect((await store.registry.getRegisteredModel('existing')).description).toBe('there');
    expect((await store.listArtifacts(runId as RunId, 'model')).map((f) => f.path)).toEqual(['model/MLmodel']);
  });

  it('reports artifact locations as MLflow’s server with --serve-artifacts does, never the served folder', async () => {
    const got = await call(readOnly, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`);
    expect((got.json['experiment'] as Json)['artifact_location']).toBe(`mlflow-artifacts:/${experimentId}`);
    const byName = await call(readOnly, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=served');
    expect((byName.json['experiment'] as Json)['artifact_location']).toBe(`mlflow-artifacts:/${experimentId}`);
    const searched = await call(readOnly, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 10 });
    const runs = await call(readOnly, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [experimentId] });
    for (const answer of [got, byName, searched, runs]) expect(JSON.stringify(answer.json)).not.toContain(dir);
    expect((searched.json['experiments'] as Json[]).map((e) => e['artifact_location'])).toEqual(
      (searched.json['experiments'] as Json[]).map((e) => `mlflow-artifacts:/${e['experiment_id'] as string}`),
    );
    // RestStore works with it: its artifacts go through the proxy.
    const rest = new RestStore({ baseUrl: base(readOnly), retries: 0 });
    expect((await rest.getExperiment(experimentId as ExperimentId)).artifactLocation).toBe(`mlflow-artifacts:/${experimentId}`);
    expect((await rest.listArtifacts(runId as RunId, 'model')).map((f) => f.path)).toEqual(['model/MLmodel']);
  });

  it('serves reads: tracking, registry, history paging and the artifact proxy', async () => {
    const rest = new RestStore({ baseUrl: base(readOnly), retries: 0 });
    expect((await rest.getExperimentByName('served'))?.experimentId).toBe(experimentId);
    const run = await rest.getRun(runId as RunId);
    expect(run.info.artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    expect(Array.from((await rest.getMetricHistory(runId as RunId, 'loss')).values)).toEqual([1]);
    expect((await rest.registry.getRegisteredModel('existing')).latestVersions.map((v) => v.version)).toEqual([1]);
    expect((await rest.registry.searchModelVersions({})).items.map((v) => v.name)).toEqual(['existing']);
    expect(new TextDecoder().decode(await rest.getArtifact(runId as RunId, 'model/MLmodel'))).toBe('flavors: {}\n');
    const ajax = await call(readOnly, 'GET', `/ajax-api/2.0/mlflow/runs/get?run_id=${runId}`);
    expect((ajax.json['run'] as { info: { run_name: string } }).info.run_name).toBe('r1');
  });

  it('answers with MLflow error bodies and statuses, and keeps the §9 quirks', async () => {
    expect(await call(readOnly, 'GET', '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef')).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await call(readOnly, 'GET', '/api/2.0/mlflow/no/such')).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(await call(readOnly, 'GET', '/api/2.0/mlflow/experiments/get')).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    // experiments/search without max_results fails; metrics/get-history without it is an empty page.
    expect((await call(readOnly, 'GET', '/api/2.0/mlflow/experiments/search')).status).toBe(400);
    expect((await call(readOnly, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`)).json).toEqual({ metrics: [] });
    const page = await call(readOnly, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=10`);
    expect(page.json).toEqual({ metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }] });
  });
});

describe('createMlflowRestHandler, writable (edgeflow ui --write)', () => {
  it('writes the model registry through RestStore', async () => {
    const rest = new RestStore({ baseUrl: base(writable), retries: 0 });
    const client = new TrackingClient(rest, { userId: 'bob' });
    const created = await client.createRegisteredModel('clf', { tags: { owner: 'ml' }, description: 'v0' });
    expect(created).toMatchObject({ name: 'clf', description: 'v0', tags: { owner: 'ml' } });
    const v1 = await client.createModelVersion('clf', `runs:/${runId}/model`, { runId, tags: { k: 'v' } });
    const v2 = await client.createModelVersion('clf', `runs:/${runId}/model`);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    await client.setRegisteredModelAlias('clf', 'champion', 1);
    await client.transitionModelVersionStage('clf', 2, 'Staging');
    await client.setModelVersionTag('clf', 1, 'validated', 'true');
    await client.updateModelVersion('clf', 2, { description: 'candidate' });
    await client.setRegisteredModelTag('clf', 'team', 'nlp');
    await client.updateRegisteredModel('clf', { description: 'classifier' });
    expect((await client.getModelVersionByAlias('clf', 'champion')).version).toBe(1);
    const renamed = await client.renameRegisteredModel('clf', 'classifier');
    expect(renamed.name).toBe('classifier');

    // What arrived in the folder.
    const model = await store.registry.getRegisteredModel('classifier');
    expect(model).toMatchObject({ description: 'classifier', tags: { owner: 'ml', team: 'nlp' }, aliases: { champion: 1 } });
    expect(await store.registry.getModelVersion('classifier', 1)).toMatchObject({ tags: { k: 'v', validated: 'true' }, runId });
    expect(await store.registry.getModelVersion('classifier', 2)).toMatchObject({ currentStage: 'Staging', description: 'candidate' });

    await client.deleteRegisteredModelAlias('classifier', 'champion');
    await client.deleteModelVersionTag('classifier', 1, 'validated');
    await client.deleteModelVersion('classifier', 2);
    await client.deleteRegisteredModelTag('classifier', 'team');
    expect((await store.registry.searchModelVersions({ filter: "name = 'classifier'" })).items.map((v) => v.version)).toEqual([1]);
    await client.deleteRegisteredModel('classifier');
    await expect(store.registry.getRegisteredModel('classifier')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('validates inputs like a client and answers 400', async () => {
    const bad = await call(writable, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 'abc', timestamp: 1 }] });
    expect(bad).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const wrongMethod = await call(writable, 'GET', '/api/2.0/mlflow/runs/create');
    expect(wrongMethod.status).toBe(405);
    const traversal = await call(writable, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/..%2F..%2Fmeta.yaml`);
    expect(traversal).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });
});

describe('createMlflowRestHandler below a base path', () => {
  it('serves /base/api/… and leaves other paths to the caller', async () => {
    const memory = new MemoryStore();
    const handler = createMlflowRestHandler(memory, { basePath: '/mlflow', readOnly: true });
    const server: Server = createServer((req, res) => {
      void handler(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const rest = new RestStore({ baseUrl: `${origin}/mlflow`, retries: 0 });
      expect((await rest.searchExperiments({})).items.map((e) => e.name)).toEqual(['Default']);
      expect((await fetch(`${origin}/api/2.0/mlflow/experiments/get?experiment_id=0`)).status).toBe(418);
      expect((await fetch(`${origin}/mlflow/index.html`)).status).toBe(418);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('CORS (cors option)', () => {
  const PAGE = 'http://127.0.0.1:5173';
  const request = (method: string, path: string, headers: Record<string, string>) => ({ method, path, query: new URLSearchParams(), headers, body: new Uint8Array() });
  const preflightHeaders = (origin: string) => ({ origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' });

  it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
    const api = createMlflowRestApi(new MemoryStore(), { cors: { origins: [PAGE] } });
    for (const path of ['/api/2.0/mlflow/runs/log-batch', '/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt']) {
      const answer = await api.respond(request('OPTIONS', path, preflightHeaders(PAGE)));
      expect(answer.status).toBe(204);
      expect(answer.body).toBe('');
      expect(answer.headers).toMatchObject({
        'access-control-allow-origin': PAGE,
        vary: 'Origin',
        'access-control-allow-methods': 'GET, POST, PATCH, DELETE, PUT',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
      });
    }
  });

  it('adds Access-Control-Allow-Origin to every answer to an allowed origin, errors included', async () => {
    const api = createMlflowRestApi(new MemoryStore(), { cors: { origins: [PAGE, 'http://localhost:3000'] }, readOnly: true });
    const ok = await api.respond(request('GET', '/api/2.0/mlflow/experiments/get', { origin: PAGE }));
    expect(ok.status).toBe(400);
    const read = await api.respond({ ...request('GET', '/api/2.0/mlflow/experiments/get', { origin: 'http://localhost:3000' }), query: new URLSearchParams({ experiment_id: '0' }) });
    const denied = await api.respond(request('POST', '/api/2.0/mlflow/experiments/create', { origin: PAGE }));
    expect([read.status, denied.status]).toEqual([200, 403]);
    expect(read.headers).toMatchObject({ 'access-control-allow-origin': 'http://localhost:3000', vary: 'Origin', 'access-control-expose-headers': 'Retry-After' });
    expect(ok.headers['access-control-allow-origin']).toBe(PAGE);
    expect(denied.headers['access-control-allow-origin']).toBe(PAGE);
  });

  it('refuses other origins with 403 and MLflow\'s error body, without CORS headers; no Origin is fine', async () => {
    const api = createMlflowRestApi(new MemoryStore(), { cors: { origins: [PAGE] } });
    const get = { ...request('GET', '/api/2.0/mlflow/experiments/get', { origin: 'http://evil.example' }), query: new URLSearchParams({ experiment_id: '0' }) };
    const answer = await api.respond(get);
    expect([answer.status, JSON.parse(String(answer.body)).error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['vary']).toBe('Origin');
    const noOrigin = await api.respond({ ...get, headers: {} });
    expect([noOrigin.status, noOrigin.headers['access-control-allow-origin']]).toEqual([200, undefined]);
    const preflight = await api.respond(request('OPTIONS', '/api/2.0/mlflow/runs/create', preflightHeaders('http://evil.example')));
    expect(preflight.status).toBe(403);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it("echoes any origin with '*'; without the option, foreign origins get 403 and OPTIONS stays 405", async () => {
    const any = createMlflowRestApi(new MemoryStore(), { cors: { origins: '*' } });
    const answer = await any.respond(request('OPTIONS', '/api/2.0/mlflow/experiments/search', preflightHeaders('http://127.0.0.1:41234')));
    expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([204, 'http://127.0.0.1:41234']);
    const none = createMlflowRestApi(new MemoryStore());
    const foreign = await none.respond(request('OPTIONS', '/api/2.0/mlflow/experiments/search', preflightHeaders(PAGE)));
    expect(foreign.status).toBe(403);
    expect(Object.keys(foreign.headers).filter((h) => h.startsWith('access-control-') || h === 'vary')).toEqual([]);
    const plain = await none.respond(request('OPTIONS', '/api/2.0/mlflow/experiments/search', {}));
    expect(plain.status).toBe(405);
  });

  it('goes through the node:http handler', async () => {
    const handler = createMlflowRestHandler(new MemoryStore(), { cors: { origins: [PAGE] }, maxJsonBodyBytes: 10 });
    const server: Server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const preflight = await fetch(`${origin}/api/2.0/mlflow/runs/create`, { method: 'OPTIONS', headers: preflightHeaders(PAGE) });
      expect([preflight.status, preflight.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-methods')]).toEqual([
        204,
        PAGE,
        'GET, POST, PATCH, DELETE, PUT',
      ]);
      const tooLarge = await fetch(`${origin}/api/2.0/mlflow/runs/create`, { method: 'POST', headers: { origin: PAGE, 'content-type': 'application/json' }, body: 'x'.repeat(11) });
      expect([tooLarge.status, tooLarge.headers.get('access-control-allow-origin')]).toEqual([413, PAGE]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
