/**
 * The demo with `?mirror=<server URL>` (`vite demo` served from 127.0.0.1, the loopback MLflow
 * server on another origin): nothing is sent until the person presses "Mirror to <host>"; then
 * `<ef-sync-status>` shows the mirror, and runs logged in the page reach the server.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import { DEFAULT_EXPERIMENT_ID } from '../../src/core/ids.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { shadowText } from '../harness/deep-text.js';
import { startMlflowRestServer, type MlflowRestServer } from '../support/mlflow-rest-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let vite: ViteDevServer;
let server: MlflowRestServer;
let browser: Browser;
let url = '';

beforeAll(async () => {
  vite = await createServer({ root: `${ROOT}demo`, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await vite.listen();
  const address = vite.httpServer!.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  url = `http://127.0.0.1:${address.port}/`;
  [server, browser] = await Promise.all([startMlflowRestServer({ cors: { origins: '*' } }), chromium.launch(chromiumLaunchOptions())]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), vite?.close(), server?.close()]);
});

interface DemoWindow {
  readonly edgeflowDemo: { readonly client: TrackingClient };
}

async function openDemo(page: Page, query: string): Promise<void> {
  await page.goto(`${url}${query}`, { timeout: 120_000 });
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
}

describe('demo ?mirror=', () => {
  it('asks before it sends, then shows <ef-sync-status> and mirrors what is logged', async () => {
    const tenant = server.tenant();
    const prefix = new URL(tenant.url).pathname;
    const context = await browser.newContext();
    const page = await context.newPage();
    await openDemo(page, `?mirror=${encodeURIComponent(tenant.url)}`);
    const button = page.getByRole('button', { name: `Mirror to ${new URL(tenant.url).host}` });
    await expect.poll(() => button.isVisible()).toBe(true);
    expect(await page.locator('ef-sync-status').isVisible()).toBe(false);
    const runId = await page.evaluate(async () => {
      const { client } = (window as unknown as DemoWindow).edgeflowDemo;
      const run = await client.startRun({ runName: 'from-the-demo' });
      for (let step = 0; step < 20; step++) run.logMetric('loss', 1 / (step + 1), step);
      await run.end();
      return run.runId;
    });
    expect(server.requests.filter((r) => r.tenant === prefix)).toEqual([]);

    await button.click();
    expect(await button.isVisible()).toBe(false);
    await expect.poll(() => page.locator('ef-sync-status').isVisible()).toBe(true);
    await expect.poll(() => shadowText(page, 'ef-sync-status'), { timeout: 30_000 }).toMatch(/Online\s*caught up/u);
    const copies = (await tenant.store.searchRuns({ experimentIds: [DEFAULT_EXPERIMENT_ID], filter: `tags."edgeflow.origin.runId" = '${runId}'` })).items;
    expect(copies.map((r) => [r.info.runName, r.info.status])).toEqual([['from-the-demo', 'FINISHED']]);
    expect((await tenant.store.getMetricHistory(copies[0]!.info.runId, 'loss')).values).toHaveLength(20);
    await context.close();
  });

  it('offers nothing for a URL that is not http(s)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openDemo(page, `?mirror=${encodeURIComponent('javascript:alert(1)')}`);
    expect(await page.textContent('#train-status')).toBe('The mirror URL must be http: or https:.');
    expect(await page.locator('#mirror-start').isVisible()).toBe(false);
    expect(await page.locator('ef-sync-status').isVisible()).toBe(false);
    await context.close();
  });
});
