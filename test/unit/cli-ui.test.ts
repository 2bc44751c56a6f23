/**
 * The `edgeflow` CLI: help, argument errors, and the `ui` server's MLflow REST API as `RestStore`
 * (the page's store) sees it, over a FileStore and a bundle.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as getUrl } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId } from '../../src/core/ids.js';
import { main } from '../../src/cli/main.js';
import type { CommandIO } from '../../src/cli/command.js';
import { startUiServer, type UiServer } from '../../src/cli/ui-server.js';
import { FileStore } from '../../src/node/file-store.js';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';

function captureIO(interrupt?: Promise<void>): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    interrupted: interrupt ?? Promise.resolve(),
    out: () => out,
    err: () => err,
  };
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('edgeflow CLI', () => {
  it('prints help for the CLI and for each command', async () => {
    const io = captureIO();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: edgeflow <command> [options]');
    expect(io.out()).toMatch(/\n {2}ui +Serve the edgeflow viewer/u);
    const ui = captureIO();
    expect(await main(['ui', '--help'], ui)).toBe(0);
    expect(ui.out()).toContain('Usage: edgeflow ui <bundle.zip | mlruns dir> [--port N] [--host 127.0.0.1] [--write] [--cors-origin URL]…');
    expect(ui.out()).toContain('--write');
    expect(ui.out()).toContain('-h, --help');
  });

  it('reports argument errors with exit code 2 and a pointer to --help', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: edgeflow/u],
      [['nope'], /unknown command 'nope'/u],
      [['ui'], /give an mlruns folder or a bundle \.zip/u],
      [['ui', 'a', 'b'], /expected one source, got 2/u],
      [['ui', dir, '--port', 'abc'], /--port must be a number/u],
      [['ui', dir, '--bogus'], /Unknown option '--bogus'/u],
      [['ui', join(dir, 'missing')], /does not exist/u],
      [['ui', dir, '--cors-origin', 'not a url'], /--cors-origin must be an origin such as/u],
      [['ui', dir, '--cors-origin', 'https://app.example/path'], /without a path/u],
      [['ui', dir, '--allowed-host', 'evil.example/path'], /--allowed-host must be a host name/u],
      [['ui', dir, '--allowed-host', 'a b'], /--allowed-host must be a host name/u],
      [['ui', dir, '--token', 'short'], /--token must be at least 16 characters/u],
      [['ui', dir, '--token', 'has spaces and is long enough'], /--token must be at least 16 characters/u],
      [['ui', dir, '--token', '0123456789abcdef', '--no-token'], /either --token or --no-token/u],
      [['ui', dir, '--max-upload-mb', '0'], /--max-upload-mb must be a whole number/u],
      [['ui', dir, '--max-upload-mb', '1.5'], /--max-upload-mb must be a whole number/u],
    ];
    for (const [argv, message] of cases) {
      const io = captureIO();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(message);
    }
    const zip = join(dir, 'b.zip');
    await writeFile(zip, new Uint8Array([1]));
    const viewer = join(dir, 'viewer');
    await mkdir(viewer, { recursive: true });
    await writeFile(join(viewer, 'index.html'), '<!doctype html>');
    const io = captureIO();
    expect(await main(['ui', zip, '--write', '--viewer-dir', viewer], io)).toBe(2);
    expect(io.err()).toMatch(/--write needs an mlruns folder/u);
  });

  it('serves an mlruns folder until interrupted', async () => {
    const viewer = join(dir, 'viewer2');
    await mkdir(viewer, { recursive: true });
    await writeFile(join(viewer, 'index.html'), '<!doctype html><title>viewer</title>');
    let stop!: () => void;
    const io = captureIO(new Promise<void>((resolve) => (stop = resolve)));
    await FileStore.open(join(dir, 'served'));
    const done = main(['ui', join(dir, 'served'), '--port', '0', '--viewer-dir', viewer, '--cors-origin', 'https://app.example'], io);
    await expect.poll(() => io.out(), { timeout: 5000 }).toMatch(/at http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}\n/u);
    const url = /at (http:\S+)/u.exec(io.out())![1]!;
    const token = new URL(url).searchParams.get('token')!;
    const auth = { Authorization: `Bearer ${token}` };
    expect(await (await fetch(url)).text()).toContain('<title>viewer</title>');
    expect(await (await fetch(new URL('edgeflow-ui.json', url), { headers: auth })).json()).toEqual({ title: 'served', readOnly: true });
    const search = await fetch(new URL('api/2.0/mlflow/experiments/search?max_results=10', url), { headers: auth });
    expect(((await search.json()) as { experiments: { name: string }[] }).experiments.map((e) => e.name)).toEqual(['Default']);
    expect((await fetch(new URL('../../etc/passwd', url), { headers: auth })).status).toBe(404);
    // Without the token: 403 and MLflow's error body, for the API and the page alike.
    for (const path of ['api/2.0/mlflow/experiments/search?max_results=10', 'edgeflow-ui.json', '/']) {
      const refused = await fetch(new URL(path, url));
      expect([refused.status, ((await refused.json()) as { error_code: string }).error_code], path).toEqual([403, 'PERMISSION_DENIED']);
    }
    // Pages of the --cors-origin may call the API; others are refused, without CORS headers.
    const cors = (origin: string) => fetch(new URL('api/2.0/mlflow/experiments/search?max_results=1', url), { headers: { Origin: origin, ...auth } });
    const allowed = await cors('https://app.example');
    expect([allowed.status, allowed.headers.get('access-control-allow-origin')]).toEqual([200, 'https://app.example']);
    const other = await cors('https://elsewhere.example');
    expect([other.status, other.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    stop();
    expect(await done).toBe(0);
  });

  it('makes a new token at each launch, takes a fixed one with --token, none with --no-token (and warns)', async () => {
    const viewer = join(dir, 'viewer2');
    const launch = async (extra: string[]): Promise<{ url: string; err: string }> => {
      let stop!: () => void;
      const io = captureIO(new Promise<void>((resolve) => (stop = resolve)));
      const done = main(['ui', join(dir, 'served'), '--port', '0', '--viewer-dir', viewer, ...extra], io);
      await expect.poll(() => io.out(), { timeout: 5000 }).toMatch(/at http:\S+\n/u);
      const url = /at (http:\S+)/u.exec(io.out())![1]!;
      const base = new URL('/', url).href;
      const token = new URL(url).searchParams.get('token');
      // node:http, since fetch sends its own Host.
      const search = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const headers = { host, ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
          getUrl(new URL('api/2.0/mlflow/experiments/search?max_results=1', base), { headers }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject);
        });
      expect(await search('rebind.test')).toBe(extra.includes('--allowed-host') ? 200 : 403);
      expect(await search('other.test')).toBe(403);
      expect(await search(new URL(base).host)).toBe(200);
      stop();
      expect(await done).toBe(0);
      return { url, err: io.err() };
    };
    const first = new URL((await launch([])).url).searchParams.get('token');
    const second = new URL((await launch([])).url).searchParams.get('token');
    expect(first).toMatch(/^[\w-]{32}$/u);
    expect(second).not.toBe(first);
    expect(new URL((await launch(['--token', 'fixed-token-for-scripts'])).url).searchParams.get('token')).toBe('fixed-token-for-scripts');
    const none = await launch(['--no-token', '--allowed-host', 'rebind.test']);
    expect(none.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/u);
    expect(none.err).toContain('warning: --no-token');
  });
});

describe('edgeflow ui speaks MLflow REST to RestStore', () => {
  let server: UiServer;
  let writable: UiServer;
  let runId = '';
  let experimentId = '' as ExperimentId;

  beforeAll(async () => {
    const store = await FileStore.open(join(dir, 'rest-mlruns'));
    const client = new TrackingClient(store, { userId: 'alice' });
    experimentId = await client.createExperiment('served', { tags: { team: 'nlp' } });
    const run = await client.createRun(experimentId, { runName: 'r1' });
    runId = run.info.runId;
    await client.logBatch(runId, {
      metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: step === 2 ? NaN : 1 / (step + 1), step, timestamp: 1000 + step })),
      params: [{ key: 'lr', value: 0.1 }],
    });
    await client.logArtifact(runId, 'dir/a.txt', 'hello');
    const viewerDir = join(dir, 'viewer3');
    await mkdir(viewerDir, { recursive: true });
    server = await startUiServer({ store, viewerDir, title: 't', readOnly: true, port: 0 });
    writable = await startUiServer({ store, viewerDir, title: 't', readOnly: false, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await writable.close();
  });

  it('reads experiments, runs, metric history and artifacts', async () => {
    const rest = new RestStore({ baseUrl: server.url.replace(/\/$/u, '') });
    expect((await rest.getExperiment(experimentId)).tags).toEqual({ team: 'nlp' });
    expect((await rest.getExperimentByName('served'))?.experimentId).toBe(experimentId);
    expect(await rest.getExperimentByName('missing')).toBeNull();
    const runs = await rest.searchRuns({ experimentIds: [experimentId], filter: "params.lr = '0.1'" });
    expect(runs.items.map((r) => r.info.runName)).toEqual(['r1']);
    const run = runs.items[0]!;
    expect(run.data.params).toEqual({ lr: '0.1' });
    expect(Number.isNaN(run.data.metrics['loss'])).toBe(true);
    const history = await rest.getMetricHistory(run.info.runId, 'loss');
    expect(Array.from(history.steps)).toEqual([0, 1, 2]);
    expect(Array.from(history.values).slice(0, 2)).toEqual([1, 0.5]);
    expect(await rest.listArtifacts(run.info.runId, '')).toEqual([{ path: 'dir', isDir: true }]);
    expect(await rest.listArtifacts(run.info.runId, 'dir')).toEqual([{ path: 'dir/a.txt', isDir: false, fileSize: 5 }]);
    expect(new TextDecoder().decode(await rest.getArtifact(run.info.runId, 'dir/a.txt'))).toBe('hello');
  });

  it('refuses writes when read-only, and writes through with --write', async () => {
    const ro = new RestStore({ baseUrl: server.url.replace(/\/$/u, ''), retries: 0 });
    await expect(ro.renameExperiment(experimentId, 'x')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(ro.putArtifact(runId as never, 'b.txt', new Uint8Array([1]))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const rw = new RestStore({ baseUrl: writable.url.replace(/\/$/u, '') });
    const client = new TrackingClient(rw, { userId: 'bob' });
    await client.setTag(runId, 'reviewed', 'yes');
    await client.logMetric(runId, 'acc', 0.9, { step: 5 });
    await client.flush();
    const created = await client.createRun(experimentId, { runName: 'from-ui' });
    expect(created.info.artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${created.info.runId}/artifacts`);
    await rw.putArtifact(created.info.runId, 'x/y.bin', new Uint8Array([7, 8]));
    expect([...(await rw.getArtifact(created.info.runId, 'x/y.bin'))]).toEqual([7, 8]);
    const run = await rw.getRun(runId as never);
    expect(run.data.tags['reviewed']).toBe('yes');
    expect(run.data.metrics['acc']).toBe(0.9);
    await expect(rw.getRun('0123456789abcdef0123456789abcdef' as never)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('serves a bundle read-only', async () => {
    const source = await FileStore.open(join(dir, 'rest-mlruns'));
    const zip = await exportBundle(source);
    const bundle = await BundleStore.open(zip);
    const viewerDir = join(dir, 'viewer3');
    const s = await startUiServer({ store: bundle, viewerDir, title: 'b', readOnly: true, port: 0 });
    try {
      const rest = new RestStore({ baseUrl: s.url.replace(/\/$/u, '') });
      const names = (await rest.searchRuns({ experimentIds: [experimentId] })).items.map((r) => r.info.runName);
      expect(names).toContain('r1');
    } finally {
      await s.close();
    }
  });
});
