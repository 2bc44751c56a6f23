/**
 * The demo end to end: `vite demo` (as `npm run demo`) served from 127.0.0.1, Chromium trains a
 * real TF.js model in the page, `<ef-viewer>` shows it live, the run survives a reload, and
 * screenshots land in test-output/screenshots/ (git-ignored) for a human to look at.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { shadowText } from '../harness/deep-text.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}test-output/screenshots`;

let server: ViteDevServer;
let browser: Browser;
let url = '';

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  server = await createServer({ root: `${ROOT}demo`, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  const address = server.httpServer!.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  url = `http://127.0.0.1:${address.port}/`;
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});


/** What the demo page exposes for tests and the console. */
interface DemoWindow {
  readonly edgeflowDemo: { readonly client: TrackingClient };
}

/** Resolves after two animation frames in the page (a paint after the last change). */
const painted = (page: Page): Promise<void> => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

describe('demo', () => {
  it('trains a TF.js model in the page, shows it live in <ef-viewer>, keeps it across a reload, and screenshots it', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { timeout: 120_000 });
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
    expect(await page.textContent('#store-status')).toContain('IndexedDB');

    await page.fill('input[name="epochs"]', '25');
    await page.click('#train');
    await page.waitForFunction(() => /Epoch \d+\/25/u.test(document.querySelector('#train-status')!.textContent ?? ''), undefined, { timeout: 60_000 });
    // Live: the charts of the run in training get points while it trains.
    const batchPoints = (): Promise<number> =>
      page.evaluate(() => {
        const charts = [...document.querySelector('ef-viewer')!.shadowRoot!.querySelectorAll('ef-metric-chart')];
        const chart = charts.find((c) => c.metricKeys.join() === 'batch_loss');
        return (chart?.chartData?.[0] as ArrayLike<number> | undefined)?.length ?? 0;
      });
    await expect.poll(batchPoints, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/demo-training.png`, fullPage: false });
    await page.waitForFunction(() => (document.querySelector('#train-status')!.textContent ?? '').startsWith('Finished'), undefined, { timeout: 120_000 });

    await expect.poll(batchPoints, { timeout: 20_000 }).toBeGreaterThan(100);
    await expect.poll(() => shadowText(page, 'ef-run-table'), { timeout: 20_000 }).toContain('relu-2x24');
    await page.screenshot({ path: `${SHOTS}/demo-finished.png`, fullPage: true });

    // Second run, then compare the two.
    await page.selectOption('select[name="activation"]', 'tanh');
    await page.fill('input[name="learningRate"]', '0.03');
    await page.fill('input[name="epochs"]', '15');
    await page.click('#train');
    await page.waitForFunction(() => (document.querySelector('#train-status')!.textContent ?? '').startsWith('Finished'), undefined, { timeout: 120_000 });
    await page.evaluate(() => {
      const viewer = document.querySelector('ef-viewer')!;
      viewer.selectedRunIds = viewer.shadowRoot!.querySelector('ef-run-table')!.runs.map((r) => r.info.runId);
    });
    await page.locator('ef-viewer [role="tab"]', { hasText: 'Compare' }).click();
    await expect.poll(() => shadowText(page, 'ef-compare-runs'), { timeout: 20_000 }).toContain('learning_rate');
    await page.locator('ef-compare-runs').screenshot({ path: `${SHOTS}/demo-compare.png` });

    // Details with the decision boundary artifact.
    await page.locator('ef-viewer [role="tab"]', { hasText: 'Run details' }).click();
    await page.locator('ef-artifact-browser').evaluate((el) => ((el as HTMLElementTagNameMap['ef-artifact-browser']).selected = 'plots/decision_boundary.png'));
    await expect.poll(() => page.locator('ef-artifact-browser img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
    await page.locator('ef-run-details').screenshot({ path: `${SHOTS}/demo-details.png` });

    // Runs survive a reload (IndexedDB); the link keeps the experiment and the selection.
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
    const text = await shadowText(page, 'ef-run-table');
    expect(text).toContain('relu-2x24');
    expect(text).toContain('tanh-2x24');
    expect(await page.evaluate(() => document.querySelector('ef-viewer')!.selectedRunIds.length)).toBe(2);

    // Dark theme.
    await page.click('#theme');
    await expect.poll(() => page.locator('ef-viewer').getAttribute('theme')).toBe('dark');
    await painted(page);
    await page.screenshot({ path: `${SHOTS}/demo-dark.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
  it('keeps @champion on the best version of every session, exports the registry with the experiment, and opens an imported zip', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const missing: string[] = [];
    page.on('response', (r) => void (r.status() === 404 && missing.push(r.url())));
    await page.goto(url, { timeout: 120_000 });
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
    // The favicon is served (no 404 in the console), as an SVG.
    const icon = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')!.href;
      const response = await fetch(href);
      return { ok: response.ok, type: response.headers.get('content-type') ?? '' };
    });
    expect(icon).toEqual({ ok: true, type: expect.stringContaining('image/svg+xml') as string });

    // An earlier session registered a better model and made it the champion.
    await page.evaluate(async () => {
      const { client } = (window as unknown as DemoWindow).edgeflowDemo;
      const run = await client.createRun('0', { runName: 'earlier-session' });
      await client.registerModel(`runs:/${run.info.runId}/model`, 'spiral-classifier', { tags: { val_acc: '1.0000' } });
      await client.setRegisteredModelAlias('spiral-classifier', 'champion', 1);
    });
    await page.fill('input[name="epochs"]', '3');
    await page.click('#train');
    await page.waitForFunction(() => /Registered as/u.test(document.querySelector('#train-status')!.textContent ?? ''), undefined, { timeout: 120_000 });
    expect(await page.textContent('#train-status')).toContain('@champion stays on v1');
    const aliases = await page.evaluate(async () => {
      const { client } = (window as unknown as DemoWindow).edgeflowDemo;
      const model = await client.getRegisteredModel('spiral-classifier');
      return { champion: model.aliases['champion'], versions: (await client.searchModelVersions({ filter: "name = 'spiral-classifier'" })).items.length };
    });
    expect(aliases).toEqual({ champion: 1, versions: 2 });

    // Export: the experiment's runs and the registry, as MLflow's file store writes them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const entries = Object.keys(unzipSync(new Uint8Array(await readFile((await download.path())!))));
    expect(entries.some((e) => e.startsWith('mlruns/models/spiral-classifier/version-2/meta.yaml'))).toBe(true);
    expect(entries.filter((e) => /^mlruns\/[^/]+\/[0-9a-f]{32}\/meta\.yaml$/u.test(e)).length).toBeGreaterThan(0);
    expect(await page.textContent('#train-status')).toContain('and the model registry');

    // Import it back: the viewer opens the new experiment and the status says what came in.
    const before = await page.evaluate(() => document.querySelector('ef-viewer')!.experimentId);
    await page.locator('ef-viewer input[type="file"]').setInputFiles((await download.path())!);
    await page.waitForFunction(() => (document.querySelector('#train-status')!.textContent ?? '').startsWith('Imported'), undefined, { timeout: 60_000 });
    const status = (await page.textContent('#train-status'))!;
    expect(status).toMatch(/^Imported 1 experiment \(“.+ \(\d+\)”\): 1 run, [\d,]+ metric points, \d+ artifacts; 1 registered model\./u);
    const after = await page.evaluate(() => document.querySelector('ef-viewer')!.experimentId);
    expect(after).not.toBe(before);
    expect(missing).toEqual([]);
    await context.close();
  });
});
