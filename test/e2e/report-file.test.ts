/**
 * `exportReport` end to end: a report of a FileStore, written to disk and opened from a `file://`
 * URL in an offline Chromium, shows the runs; hostile strings stay text.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewer } from '../../src/cli/build-viewer.js';
import { TrackingClient } from '../../src/core/client.js';
import { FileStore } from '../../src/node/file-store.js';
import { exportReport, jsonForHtml, scriptForHtml } from '../../src/report/export-report.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { deepText } from '../harness/deep-text.js';

const HOSTILE = '</script><script>window.pwned=1</script><!--<img src=x onerror="window.pwned=2">';

let dir = '';
let browser: Browser;
let viewerScript = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-report-e2e-'));
  viewerScript = (await buildViewer(join(dir, 'viewer'), { ui: false })).reportScript;
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});


describe('exportReport', () => {
  it('escapes data and code for inline scripts', () => {
    expect(jsonForHtml({ a: HOSTILE })).not.toMatch(/<|>|&/u);
    expect(JSON.parse(jsonForHtml({ a: HOSTILE, b: '\u2028' }))).toEqual({ a: HOSTILE, b: '\u2028' });
    const code = scriptForHtml('const s = "</script><!--"; const r = /<\\/SCRIPT/i;');
    expect(code).not.toMatch(/<\/script|<!--/iu);
    expect(new Function(`${code}; return [s, r.test('</script')];`)()).toEqual(['</script><!--', true]);
  });

  it('opens from file:// offline and shows the runs; hostile strings are text', async () => {
    const store = await FileStore.open(join(dir, 'mlruns'));
    const client = new TrackingClient(store, { userId: 'alice' });
    const experimentId = await client.createExperiment('sweep', { tags: { 'mlflow.note.content': `# Notes\n${HOSTILE}` } });
    const other = await client.createExperiment('not-in-report');
    for (const [i, name] of ['alpha-run', `beta ${HOSTILE}`].entries()) {
      const run = await client.createRun(experimentId, { runName: name });
      await client.logBatch(run.info.runId, {
        metrics: [0, 1, 2, 3].map((step) => ({ key: 'loss', value: step === 3 && i === 1 ? NaN : 1 / (step + 1 + i), step, timestamp: 1000 + step })),
        params: [{ key: 'lr', value: `0.${i + 1}` }],
        tags: [{ key: 'note', value: HOSTILE }],
      });
    }
    await client.createRun(other, { runName: 'hidden-run' });

    const html = await exportReport(store, { experimentIds: [experimentId], title: `Report ${HOSTILE}`, viewerScript });
    expect(html.match(/<script\b/giu)).toHaveLength(2);
    expect(html).not.toContain('hidden-run');
    const file = join(dir, 'report.html');
    await writeFile(file, html);

    const context = await browser.newContext({ offline: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => deepText(page, 'ef-run-table'), { timeout: 20_000 }).toContain('alpha-run');
    expect(await deepText(page, 'ef-run-table')).toContain(`beta ${HOSTILE}`);
    expect(await deepText(page, 'ef-experiment-list')).toContain('sweep');
    expect(await deepText(page, 'ef-experiment-list')).not.toContain('not-in-report');
    await expect.poll(() => page.locator('ef-metric-chart').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.title()).toBe(`Report ${HOSTILE}`);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('body > script').length)).toBe(2);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    await context.close();
  });
});
