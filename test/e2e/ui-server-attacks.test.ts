/**
 * `edgeflow ui --write` against the pages a user visits, in real Chromium: the user has the viewer
 * open (its token cookie set), and a page on another site tries the CSRF (a model version
 * with a foreign source, `@champion` moved to it, set to Production) every way a browser allows;
 * a page whose name is re-pointed at 127.0.0.1 (DNS rebinding, `--host-resolver-rules`) tries to
 * read the runs. Nothing changes and nothing is read; the viewer's own requests keep working.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { startUiServer, type UiServer } from '../../src/cli/ui-server.js';
import { FileStore } from '../../src/node/file-store.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';

const TOKEN = 'e2e-token-0123456789abcdefgh';

let dir = '';
let store: FileStore;
let ui: UiServer;
let attacker: Server;
let attackerUrl = '';
let browser: Browser;
let context: BrowserContext;
let runId = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-ui-attacks-'));
  store = await FileStore.open(join(dir, 'mlruns'));
  const client = new TrackingClient(store, { userId: 'alice' });
  const experimentId = await client.createExperiment('secret-experiment');
  runId = (await client.createRun(experimentId, { runName: 'r1' })).info.runId;
  await client.createRegisteredModel('clf');
  await client.createModelVersion('clf', `runs:/${runId}/model`);
  await client.setRegisteredModelAlias('clf', 'champion', 1);
  const viewerDir = join(dir, 'viewer');
  await mkdir(viewerDir);
  await writeFile(join(viewerDir, 'index.html'), '<!doctype html><title>viewer</title><p>viewer</p>');
  ui = await startUiServer({ store, viewerDir, title: 't', readOnly: false, port: 0, token: TOKEN });
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  // Another site: `localhost` is not the same site as `127.0.0.1`.
  attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
  const options = chromiumLaunchOptions();
  browser = await chromium.launch({ ...options, args: [...(options.args ?? []), '--host-resolver-rules=MAP rebind.test 127.0.0.1'] });
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  attacker?.closeAllConnections();
  await new Promise((resolve) => attacker?.close(resolve));
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('edgeflow ui in Chromium, with other pages open', () => {
  it('serves the viewer opened from the printed URL, and its same-origin calls (reads and JSON writes) pass', async () => {
    const page = await context.newPage();
    await page.goto(ui.pageUrl);
    expect(await page.title()).toBe('viewer');
    const cookies = await context.cookies(ui.url);
    expect(cookies.map((c) => [c.name.startsWith('edgeflow-ui-token-'), c.httpOnly, c.sameSite])).toEqual([[true, true, 'Strict']]);
    const answers = await page.evaluate(async () => {
      const config = await fetch('/edgeflow-ui.json');
      const search = await fetch('/api/2.0/mlflow/experiments/search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"max_results":5}' });
      const tag = await fetch('/api/2.0/mlflow/registered-models/set-tag', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"clf","key":"seen","value":"yes"}' });
      return [config.status, search.status, tag.status, document.cookie];
    });
    expect(answers).toEqual([200, 200, 200, '']);
    expect((await store.registry.getRegisteredModel('clf')).tags['seen']).toBe('yes');
    await page.close();
  });

  it('changes nothing when a page on another site tries the CSRF of the issue every way a browser allows', async () => {
    const page = await context.newPage();
    await page.goto(attackerUrl);
    const results = await page.evaluate(async (base) => {
      const calls: [string, unknown][] = [
        ['model-versions/create', { name: 'clf', source: 's3://attacker/model' }],
        ['registered-models/alias', { name: 'clf', alias: 'champion', version: '2' }],
        ['model-versions/transition-stage', { name: 'clf', version: '1', stage: 'Production', archive_existing_versions: false }],
        ['experiments/create', { name: 'planted' }],
      ];
      const outcomes: string[] = [];
      const attempt = async (what: string, run: () => Promise<Response>): Promise<void> => {
        try {
          const response = await run();
          outcomes.push(`${what}: ${response.type} ${response.status}`);
        } catch (error) {
          outcomes.push(`${what}: ${(error as Error).name}`);
        }
      };
      for (const [endpoint, body] of calls) {
        const url = `${base}api/2.0/mlflow/${endpoint}`;
        const text = JSON.stringify(body);
        await attempt(`${endpoint} no-cors text/plain`, () => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: text }));
        await attempt(`${endpoint} no-cors form`, () => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new URLSearchParams({ json: text }) }));
        await attempt(`${endpoint} cors json`, () => fetch(url, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: text }));
        navigator.sendBeacon(url, new Blob([text], { type: 'text/plain' }));
      }
      // An HTML form (enctype text/plain) posted into a hidden frame.
      const frame = document.createElement('iframe');
      frame.name = 'sink';
      document.body.append(frame);
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'text/plain';
      form.target = 'sink';
      form.action = `${base}api/2.0/mlflow/model-versions/create`;
      const input = document.createElement('input');
      input.name = '{"name":"clf","source":"s3://attacker/form","x":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      form.submit();
      await loaded;
      // Reading across origins: the answer never reaches the page.
      await attempt('read runs', () => fetch(`${base}api/2.0/mlflow/experiments/search?max_results=5`, { credentials: 'include' }));
      return outcomes;
    }, ui.url);
    // Opaque answers (no-cors) or network errors (refused preflight / no CORS headers): nothing readable.
    for (const outcome of results) expect(outcome).toMatch(/: (opaque 0|TypeError)$/u);
    const versions = await store.registry.searchModelVersions({ filter: "name = 'clf'" });
    expect(versions.items.map((v) => [v.version, v.source, v.currentStage])).toEqual([[1, `runs:/${runId}/model`, 'None']]);
    expect((await store.registry.getRegisteredModel('clf')).aliases).toEqual({ champion: 1 });
    expect(await store.getExperimentByName('planted')).toBeNull();
    await page.close();
  });

  it('refuses a page whose own name was re-pointed at 127.0.0.1 (DNS rebinding), even with the token', async () => {
    const port = new URL(ui.url).port;
    const page = await context.newPage();
    const response = await page.goto(`http://rebind.test:${port}/?token=${TOKEN}`);
    expect(response?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('PERMISSION_DENIED');
    const read = await page.evaluate(async () => {
      const answer = await fetch('/api/2.0/mlflow/experiments/search?max_results=5', { headers: { Authorization: `Bearer ${new URL(location.href).searchParams.get('token')}` } });
      return [answer.status, await answer.text()];
    });
    expect(read[0]).toBe(403);
    expect(read[1]).not.toContain('secret-experiment');
    await page.close();
  });
});
