/**
 * The demo end to end: `vite demo` (as `npm run demo`) served from 127.0.0.1, Chromium trains a
 * real TF.js model in the page, the elements show it live, the run survives a reload, and
 * screenshots land in test-output/screenshots/ (git-ignored) for a human to look at.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { deepText } from '../harness/deep-text.js';

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


describe('demo', () => {
  it('trains a TF.js model in the page, shows it live, keeps it across a reload, and screenshots it', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
    expect(await page.textContent('#store-status')).toContain('IndexedDB');

    await page.fill('input[name="epochs"]', '25');
    await page.click('#train');
    await page.waitForFunction(() => /Epoch \d+\/25/u.test(document.querySelector('#train-status')!.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.screenshot({ path: `${SHOTS}/demo-training.png`, fullPage: false });
    await page.waitForFunction(() => (document.querySelector('#train-status')!.textContent ?? '').startsWith('Finished'), undefined, { timeout: 120_000 });
    await page.waitForTimeout(500);

    const points = await page.evaluate(() => {
      const chart = document.querySelector('#chart-batch') as HTMLElementTagNameMap['ef-metric-chart'];
      return (chart.chartData?.[0] as ArrayLike<number> | undefined)?.length ?? 0;
    });
    expect(points).toBeGreaterThan(100);
    expect(await deepText(page, '#runs')).toContain('relu-2x24');
    await page.screenshot({ path: `${SHOTS}/demo-finished.png`, fullPage: true });

    // Second run, then compare the two.
    await page.selectOption('select[name="activation"]', 'tanh');
    await page.fill('input[name="learningRate"]', '0.03');
    await page.fill('input[name="epochs"]', '15');
    await page.click('#train');
    await page.waitForFunction(() => (document.querySelector('#train-status')!.textContent ?? '').startsWith('Finished'), undefined, { timeout: 120_000 });
    await page.evaluate(() => {
      const table = document.querySelector('#runs') as HTMLElementTagNameMap['ef-run-table'];
      table.selectedRunIds = table.runs.map((r) => r.info.runId);
      table.dispatchEvent(new CustomEvent('ef-selection-change', { detail: { runIds: table.selectedRunIds } }));
    });
    await page.click('#tab-compare');
    await page.waitForTimeout(600);
    expect(await deepText(page, '#compare')).toContain('learning_rate');
    await page.locator('#compare').screenshot({ path: `${SHOTS}/demo-compare.png` });

    // Details with the decision boundary artifact.
    await page.click('#tab-details');
    await page.evaluate(() => {
      const details = document.querySelector('#details') as HTMLElementTagNameMap['ef-run-details'];
      const browserEl = details.shadowRoot!.querySelector('ef-artifact-browser')!;
      browserEl.selected = 'plots/decision_boundary.png';
    });
    await page.waitForTimeout(800);
    await page.locator('#details').screenshot({ path: `${SHOTS}/demo-details.png` });

    // Runs survive a reload (IndexedDB).
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
    await page.waitForTimeout(800);
    const text = await deepText(page, '#runs');
    expect(text).toContain('relu-2x24');
    expect(text).toContain('tanh-2x24');

    // Dark theme.
    await page.click('#theme');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${SHOTS}/demo-dark.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
