/**
 * `edgeflow ui` against the pages a user visits and hostile clients, class by class, over raw HTTP
 * (any Host, Origin, Content-Type, chunked or huge bodies): the Host allowlist (DNS rebinding), the
 * Origin check and JSON-only writes (CSRF), the per-launch token, refusals before the body is read,
 * body caps per route, malformed URLs, and errors that never show local paths.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId } from '../../src/core/ids.js';
import { startUiServer, type UiServer } from '../../src/cli/ui-server.js';
import { FileStore } from '../../src/node/file-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

const TOKEN = 'test-token-0123456789abcdef';
const MIB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: { error_code?: string; message?: string } & Record<string, unknown>;
}

/** One request with exactly these headers (Host included: node:http sends what it is given). */
function send(server: UiServer, method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...length, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let json = {};
        try {
          json = JSON.parse(text) as Answer['json'];
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', (e) => reject(new Error(`${method} ${path} ${JSON.stringify(headers)}: ${e.message}`)));
    req.end(body);
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };
const asJson = { ...auth, 'content-type': 'application/json' };

/**
 * Sends a request head announcing `declared` body bytes (or chunked), then writes the body as the
 * socket accepts it, stopping when the answer arrives. Resolves the status line and how many body
 * bytes the socket had taken by then (the server's buffers hold at most a few MiB of them).
 */
function upload(server: UiServer, method: string, path: string, headers: Record<string, string>, total: number, chunked = false): Promise<{ status: string; written: number }> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries({ host: `127.0.0.1:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}`)];
  lines.push(chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`);
  return new Promise((resolve, reject) => {
    let answered = '';
    let written = 0;
    const finish = (): void => {
      socket.destroy();
      resolve({ status: answered.split('\r\n')[0] ?? '', written });
    };
    socket.on('data', (d: Buffer) => {
      answered += d.toString('latin1');
      if (answered.includes('\r\n\r\n')) finish();
    });
    socket.on('error', () => (answered === '' ? reject(new Error(`connection failed after ${written} bytes with no answer`)) : finish()));
    socket.on('close', () => (answered === '' ? reject(new Error(`closed after ${written} bytes with no answer`)) : finish()));
    const pump = (): void => {
      while (written < total && answered === '' && !socket.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
        const framed = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        written += piece.length;
        if (!socket.write(framed)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (written >= total && chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, pump);
  });
}

let dir = '';
let store: FileStore;
let readOnly: UiServer;
let writable: UiServer;
let open: UiServer;
let experimentId = '' as ExperimentId;
let runId = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-ui-security-'));
  store = await FileStore.open(join(dir, 'mlruns'));
  const client = new TrackingClient(store, { userId: 'alice' });
  experimentId = await client.createExperiment('served');
  runId = (await client.createRun(experimentId, { runName: 'r1' })).info.runId;
  await client.createRegisteredModel('m');
  const viewerDir = join(dir, 'viewer');
  await mkdir(viewerDir);
  await writeFile(join(viewerDir, 'index.html'), '<!doctype html><title>viewer</title>');
  const common = { store, viewerDir, title: 't', port: 0, token: TOKEN, corsOrigins: ['https://app.example'], allowedHosts: ['mlflow.internal', 'pinned.internal:9999'] };
  readOnly = await startUiServer({ ...common, readOnly: true });
  writable = await startUiServer({ ...common, readOnly: false, maxUploadBytes: MIB });
  open = await startUiServer({ store, viewerDir, title: 't', port: 0, readOnly: true });
});
afterAll(async () => {
  await Promise.all([readOnly?.close(), writable?.close(), open?.close()]);
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const SEARCH = '/api/2.0/mlflow/experiments/search?max_results=5';

describe('Host allowlist (DNS rebinding)', () => {
  it('refuses every Host but loopback names and --allowed-host ones, on every path, before anything else', async () => {
    const port = new URL(writable.url).port;
    const refused = ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example`, '127.0.0.2', '[::2]', `mlflow.internal.evil:${port}`, 'pinned.internal:9998', 'pinned.internal', 'localhost:abc', 'a b'];
    for (const host of refused) {
      for (const [method, path, headers] of [
        ['GET', SEARCH, auth],
        ['GET', '/', auth],
        ['POST', '/api/2.0/mlflow/registered-models/create', asJson],
        ['OPTIONS', '/api/2.0/mlflow/runs/create', { origin: 'https://app.example' }],
      ] as const) {
        const answer = await send(writable, method, path, { ...headers, host }, method === 'POST' ? '{"name":"rebound"}' : undefined);
        expect([answer.status, answer.json.error_code], `${method} ${path} Host ${host}`).toEqual([403, 'PERMISSION_DENIED']);
      }
    }
    const accepted = [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, 'localhost', 'mlflow.internal', `MLflow.Internal:${port}`, 'pinned.internal:9999'];
    for (const host of accepted) expect((await send(writable, 'GET', SEARCH, { ...auth, host })).status, host).toBe(200);
    await expect(store.registry.getRegisteredModel('rebound')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('Origin check and JSON-only writes (CSRF)', () => {
  it('refuses requests from any origin but its own and --cors-origin ones, preflights included', async () => {
    const port = new URL(writable.url).port;
    for (const origin of ['http://evil.example', 'null', `http://localhost:${port}`, 'http://127.0.0.1:1', 'https://app.example.evil', 'https://APP.example:444']) {
      for (const [method, path, headers, body] of [
        ['GET', SEARCH, auth, undefined],
        ['POST', '/api/2.0/mlflow/registered-models/create', asJson, '{"name":"csrf"}'],
        ['OPTIONS', '/api/2.0/mlflow/registered-models/create', { 'access-control-request-method': 'POST' }, undefined],
        ['GET', '/edgeflow-ui.json', auth, undefined],
      ] as const) {
        const answer = await send(writable, method, path, { ...headers, origin }, body);
        expect([answer.status, answer.json.error_code, answer.headers['access-control-allow-origin']], `${method} ${path} from ${origin}`).toEqual([403, 'PERMISSION_DENIED', undefined]);
      }
    }
    await expect(store.registry.getRegisteredModel('csrf')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await send(writable, 'GET', SEARCH, { ...auth, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    const cors = await send(writable, 'GET', SEARCH, { ...auth, origin: 'https://app.example' });
    expect([cors.status, cors.headers['access-control-allow-origin']]).toEqual([200, 'https://app.example']);
    const preflight = await send(writable, 'OPTIONS', '/api/2.0/mlflow/runs/create', { origin: 'https://app.example', 'access-control-request-method': 'POST' });
    expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([204, 'https://app.example']);
  });

  it('refuses POST, PATCH and DELETE to the API unless the body is declared application/json, and changes nothing', async () => {
    const writes: [string, string, string][] = [
      ['POST', '/api/2.0/mlflow/registered-models/create', '{"name":"csrf2"}'],
      ['POST', '/api/2.0/mlflow/registered-models/alias', '{"name":"m","alias":"champion","version":"1"}'],
      ['POST', `/api/2.0/mlflow/experiments/update?experiment_id=${experimentId}&new_name=x`, ''],
      ['POST', '/api/2.0/mlflow/experiments/search', '{"max_results":1}'],
      ['PATCH', '/api/2.0/mlflow/registered-models/update', '{"name":"m","description":"changed"}'],
      ['DELETE', '/api/2.0/mlflow/registered-models/delete', '{"name":"m"}'],
    ];
    const types = [undefined, 'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/json', 'application/jsonp', 'application/json-patch+json'];
    for (const [method, path, body] of writes) {
      for (const type of types) {
        const answer = await send(writable, method, path, { ...auth, ...(type === undefined ? {} : { 'content-type': type }) }, body);
        expect([answer.status, answer.json.error_code], `${method} ${path} as ${type}`).toEqual([415, 'INVALID_PARAMETER_VALUE']);
      }
    }
    expect((await store.getExperiment(experimentId)).name).toBe('served');
    expect((await store.registry.getRegisteredModel('m')).description).toBeNull();
    const ok = await send(writable, 'POST', '/api/2.0/mlflow/experiments/search', { ...auth, 'content-type': 'Application/JSON; charset=utf-8' }, '{"max_results":1}');
    expect(ok.status).toBe(200);
  });

  it('takes artifact uploads of any type (PUT is always preflighted) but only with the token and an allowed origin', async () => {
    const path = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/notes.txt`;
    expect((await send(writable, 'PUT', path, { 'content-type': 'text/plain' }, 'x')).status).toBe(403);
    expect((await send(writable, 'PUT', path, { ...auth, 'content-type': 'text/plain', origin: 'http://evil.example' }, 'x')).status).toBe(403);
    expect((await send(writable, 'PUT', path, { ...auth, 'content-type': 'text/plain' }, 'hello')).status).toBe(200);
    expect((await send(writable, 'GET', path, auth)).text).toBe('hello');
  });
});

describe('the per-launch token', () => {
  it('refuses the API, the page and its config without the right token, with 403 and MLflow\'s error body', async () => {
    for (const path of [SEARCH, '/', '/index.html', '/edgeflow-ui.json', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/notes.txt`]) {
      const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${btoa(`u:${TOKEN}`)}` }, { cookie: `edgeflow-ui-token-1=${TOKEN}` }];
      for (const headers of attempts) {
        const answer = await send(readOnly, 'GET', path, headers);
        expect([answer.status, answer.json.error_code], `${path} ${JSON.stringify(headers)}`).toEqual([403, 'PERMISSION_DENIED']);
      }
      expect((await send(readOnly, 'GET', `${path}${path.includes('?') ? '&' : '?'}token=nope`)).status).toBe(403);
    }
  });

  it('accepts it as a Bearer or Token header or in the query, and keeps it in an HttpOnly SameSite=Strict cookie for the page', async () => {
    const port = new URL(readOnly.url).port;
    expect((await send(readOnly, 'GET', SEARCH, { authorization: `Token ${TOKEN}` })).status).toBe(200);
    expect((await send(readOnly, 'GET', `${SEARCH}&token=${TOKEN}`)).status).toBe(200);
    expect(readOnly.pageUrl).toBe(`${readOnly.url}?token=${TOKEN}`);
    const page = await send(readOnly, 'GET', `/?token=${TOKEN}`);
    expect(page.text).toContain('<title>viewer</title>');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toBe(`edgeflow-ui-token-${port}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    const jar = cookie.split(';')[0]!;
    expect((await send(readOnly, 'GET', '/edgeflow-ui.json', { cookie: `other=1; ${jar}` })).json).toEqual({ title: 't', readOnly: true });
    expect((await send(readOnly, 'GET', SEARCH, { cookie: jar })).status).toBe(200);
  });

  it('is not asked when the server runs without one (--no-token)', async () => {
    expect((await send(open, 'GET', SEARCH)).status).toBe(200);
    expect((await send(open, 'GET', '/edgeflow-ui.json')).status).toBe(200);
    expect((await send(open, 'GET', SEARCH, { host: 'evil.example' })).status).toBe(403);
  });
});

describe('refusals come before the body is read; bodies are capped per route', () => {
  const artifact = `/api/2.0/mlflow-artifacts/artifacts/${'EXP'}/${'RUN'}/artifacts/big.bin`;
  const artifactPath = (): string => artifact.replace('EXP', experimentId).replace('RUN', runId);
  const HUGE = 200 * MIB;
  /** What the kernel's socket buffers can take before the server reads anything. */
  const BUFFERS = 32 * MIB;

  it('answers a 200 MiB upload it refuses after taking no more than the socket buffers hold', async () => {
    const cases: [string, UiServer, string, string, Record<string, string>, string][] = [
      ['read-only', readOnly, 'PUT', artifactPath(), { ...auth, 'content-type': 'application/octet-stream' }, '403'],
      ['read-only JSON', readOnly, 'POST', '/api/2.0/mlflow/runs/log-batch', asJson, '403'],
      ['bad Host', writable, 'PUT', artifactPath(), { ...auth, host: 'evil.example' }, '403'],
      ['bad Origin', writable, 'PUT', artifactPath(), { ...auth, origin: 'http://evil.example' }, '403'],
      ['no token', writable, 'PUT', artifactPath(), {}, '403'],
      ['wrong method', writable, 'POST', artifactPath(), auth, '405'],
      ['wrong content type', writable, 'POST', '/api/2.0/mlflow/runs/log-batch', { ...auth, 'content-type': 'text/plain' }, '415'],
      ['JSON over 1 MB', writable, 'POST', '/api/2.0/mlflow/runs/log-batch', asJson, '413'],
      ['upload over --max-upload-mb', writable, 'PUT', artifactPath(), auth, '413'],
      ['static page', readOnly, 'POST', '/', auth, '405'],
    ];
    for (const [name, server, method, path, headers, status] of cases) {
      for (const chunked of [false, true]) {
        const { status: line, written } = await upload(server, method, path, { host: `127.0.0.1:${new URL(server.url).port}`, ...headers }, HUGE, chunked);
        expect(line, `${name}${chunked ? ' (chunked)' : ''}`).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `, 'u'));
        expect(written, `${name}${chunked ? ' (chunked)' : ''}: body bytes taken before the answer`).toBeLessThan(BUFFERS);
      }
    }
  });

  it('answers 413 RESOURCE_EXHAUSTED over the cap, from the declared length or the counted chunks, and stores nothing', async () => {
    const over = new Uint8Array(MIB + 1);
    const put = await send(writable, 'PUT', artifactPath(), auth, over);
    expect([put.status, put.json.error_code]).toEqual([413, 'RESOURCE_EXHAUSTED']);
    const json = await send(writable, 'POST', '/api/2.0/mlflow/runs/log-batch', asJson, `{"run_id":"${runId}","tags":[{"key":"k","value":"${'v'.repeat(1_000_000)}"}]}`);
    expect([json.status, json.json.error_code]).toEqual([413, 'RESOURCE_EXHAUSTED']);
    const chunked = await upload(writable, 'PUT', artifactPath(), auth, MIB + 1, true);
    expect(chunked.status).toMatch(/^HTTP\/1\.1 413 /u);
    expect((await store.listArtifacts(runId as never, '')).map((f) => f.path)).not.toContain('big.bin');
    expect((await store.getRun(runId as never)).data.tags['k']).toBeUndefined();
    // At the cap, both pass.
    expect((await send(writable, 'PUT', artifactPath(), auth, new Uint8Array(MIB))).status).toBe(200);
    expect((await upload(writable, 'PUT', artifactPath().replace('big', 'big2'), auth, MIB, true)).status).toMatch(/^HTTP\/1\.1 200 /u);
    expect((await store.listArtifacts(runId as never, '')).find((f) => f.path === 'big.bin')?.fileSize).toBe(MIB);
  });
});

describe('malformed URLs', () => {
  it('answer 400 INVALID_PARAMETER_VALUE with MLflow\'s error body wherever they are decoded, never 500', async () => {
    const paths = [
      '/%E0%A4%A',
      '/%',
      '/index.html%ZZ',
      '/%C0%AF',
      '/api/2.0/mlflow/experiments/search?max_results=%E0%A4%A',
      '/api/2.0/mlflow/experiments/search?max%ZZ=1',
      `/api/2.0/mlflow/experiments/get?experiment_id=%FF`,
      '/api/2.0/mlflow-artifacts/artifacts?path=%E0%A4',
      `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/%E0%A4%A`,
      `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/a%2`,
      `/edgeflow-ui.json?x=%`,
    ];
    for (const server of [readOnly, open]) {
      for (const path of paths) {
        const answer = await send(server, 'GET', path, auth);
        expect([answer.status, answer.json.error_code], path).toEqual([400, 'INVALID_PARAMETER_VALUE']);
        expect(answer.json.message, path).toMatch(/Malformed percent-encoding/u);
      }
    }
  });

  it('answer odd but well-encoded targets with a 4xx and MLflow\'s error body, never 500', async () => {
    const art = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts`;
    const paths = [
      '/api/2.0/mlflow/experiments/search?max_results=5&page_token=!!!',
      '/api/2.0/mlflow/experiments/search?max_results=1e999',
      '/api/2.0/mlflow/runs/get?run_id=..%2F..%2Fetc',
      `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=%00&max_results=1&page_token=e30=`,
      `${art}/..%2F..%2Fmeta.yaml`,
      `${art}/a%00b`,
      `${art}?path=..`,
      '/api/2.0/mlflow-artifacts/artifacts?path=%2Fetc',
      '//evil.example/api/2.0/mlflow/experiments/search',
      '/api/2.0/mlflow/runs%2Fget',
      '/%00',
      '/..%2F..%2Fetc%2Fpasswd',
    ];
    for (const path of paths) {
      const answer = await send(readOnly, 'GET', path, auth);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      if (!path.startsWith('/%00') && !path.startsWith('/..') && !path.startsWith('//')) expect(typeof answer.json.error_code, path).toBe('string');
    }
  });
});

describe('errors sent over HTTP', () => {
  it('never carry a local path: platform errors answer a generic 500, store messages hide the served folder', async () => {
    const root = join(dir, 'secret-root');
    const failing = new MemoryStore();
    const platform = Object.assign(new Error(`ENAMETOOLONG: name too long, open '${root}/0/meta.yaml'`), { code: 'ENAMETOOLONG' });
    failing.getExperiment = () => Promise.reject(platform);
    failing.getRun = () => Promise.reject(EdgeflowError.invalidState(`Cannot read ${root}/0/abc: it is broken.`));
    const logged: unknown[] = [];
    const server = await startUiServer({ store: failing, viewerDir: dir, title: 't', port: 0, readOnly: true, localPaths: [root], onInternalError: (e) => logged.push(e) });
    try {
      const internal = await send(server, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
      expect(internal.json).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Internal server error (ENAMETOOLONG).' });
      expect(internal.status).toBe(500);
      expect(logged).toEqual([platform]);
      const hidden = await send(server, 'GET', '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef');
      expect(hidden.json.message).toBe('Cannot read <local path>/0/abc: it is broken.');
      for (const answer of [internal, hidden]) expect(answer.text).not.toContain(dir);
    } finally {
      await server.close();
    }
  });

  it('never carry a local path when the file system refuses a name (a 300-byte key)', async () => {
    const key = '鍵'.repeat(100);
    for (const [method, path, body] of [
      ['POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, params: [{ key, value: '1' }] }],
      ['POST', '/api/2.0/mlflow/runs/set-tag', { run_id: runId, key, value: 'v' }],
      ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${encodeURIComponent(key)}.txt`, 'x'],
    ] as const) {
      const answer = await send(writable, method, path, asJson, typeof body === 'string' ? body : JSON.stringify(body));
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(typeof answer.json.error_code).toBe('string');
      expect(answer.text, path).not.toContain(dir);
      expect(answer.text, path).not.toContain(tmpdir());
    }
  });
});
