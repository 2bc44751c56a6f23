/**
 * `exportReport` end to end: a report of a FileStore, written to disk and opened from a `file://`
 * URL in an offline Chromium, shows the runs; hostile strings stay text.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewer } from '../../src/cli/build-viewer.js';
import { TrackingClient } from '../../src/core/client.js';
import { FileStore } from '../../src/node/file-store.js';
import { exportReport, jsonForHtml, scriptForHtml } from '../../src/report/export-report.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { shadowText } from '../harness/deep-text.js';

const HOSTILE = '</script><script>window.pwned=1</script><!--<img src=x onerror="window.pwned=2">';

/** A solid-colour RGB PNG of `width` × `height`. */
function png(width: number, height: number): ArrayBuffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer): number => (bytes.reduce((c, b) => crcTable[(c ^ b) & 0xff]! ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.from([0, ...Array.from({ length: width }, () => [200, 40, 40]).flat()])));
  const bytes = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

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

  it('refuses artifacts above maxBytes when asked to, before writing anything', async () => {
    const store = await FileStore.open(join(dir, 'mlruns-refuse'));
    const client = new TrackingClient(store);
    const run = await client.createRun(await client.createExperiment('big'), { runName: 'big-run' });
    await client.logArtifact(run.info.runId, 'model/weights.bin', new Uint8Array(5000).buffer);
    await expect(exportReport(store, { maxBytes: 1000, oversize: 'refuse', viewerScript })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('model/weights.bin') });
    await expect(exportReport(store, { maxBytes: -1, viewerScript })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });

  it('embeds artifacts: an image and a text artifact preview from file://, and a trimmed report says what it left out', async () => {
    const store = await FileStore.open(join(dir, 'mlruns-artifacts'));
    const client = new TrackingClient(store);
    const experimentId = await client.createExperiment('with-artifacts');
    const run = await client.createRun(experimentId, { runName: 'pictured' });
    const runId = run.info.runId;
    client.logMetric(runId, 'loss', 0.5, { step: 0 });
    await client.logArtifact(runId, 'plots/curve.png', png(40, 30));
    await client.logText(runId, 'hello from the report', 'notes/summary.txt');
    await client.logArtifact(runId, 'model/weights.bin', new Uint8Array(5000).fill(7).buffer);
    await client.flush();

    const open = async (html: string, name: string): Promise<{ page: Page; close: () => Promise<void> }> => {
      const file = join(dir, name);
      await writeFile(file, html);
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${pathToFileURL(file).href}#run=${runId}&tab=details`);
      await expect.poll(() => shadowText(page, 'ef-run-table'), { timeout: 20_000 }).toContain('pictured');
      return { page, close: () => context.close() };
    };
    const errors: string[] = [];
    const preview = async (page: Page, path: string): Promise<void> => {
      await page.locator('ef-artifact-browser').evaluate((el, p) => ((el as HTMLElementTagNameMap['ef-artifact-browser']).selected = p), path);
    };

    const full = await open(await exportReport(store, { experimentIds: [experimentId], viewerScript }), 'full.html');
    await preview(full.page, 'plots/curve.png');
    const image = full.page.locator('ef-artifact-browser img');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBe(40);
    expect(await image.getAttribute('src')).toMatch(/^blob:/u);
    await preview(full.page, 'notes/summary.txt');
    await expect.poll(() => shadowText(full.page, 'ef-artifact-browser'), { timeout: 20_000 }).toContain('hello from the report');
    expect(await shadowText(full.page, 'ef-artifact-browser')).not.toContain('No artifacts');
    expect(await full.page.locator('[slot="notice"]').count()).toBe(0);
    await full.close();

    const trimmed = await open(await exportReport(store, { experimentIds: [experimentId], maxBytes: 2000, viewerScript }), 'trimmed.html');
    const notice = await trimmed.page.locator('[slot="notice"]').innerText();
    expect(notice).toContain('1 artifact was');
    expect(notice).toContain('left out');
    expect(notice).toContain('model/weights.bin');
    await preview(trimmed.page, 'notes/summary.txt');
    await expect.poll(() => shadowText(trimmed.page, 'ef-artifact-browser'), { timeout: 20_000 }).toContain('hello from the report');
    expect(await shadowText(trimmed.page, 'ef-artifact-browser')).not.toContain('weights.bin');
    await trimmed.close();
    expect(errors).toEqual([]);
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
    expect(html.match(/<script\b/giu)).toHaveLength(3);
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
    await expect.poll(() => shadowText(page, 'ef-run-table'), { timeout: 20_000 }).toContain('alpha-run');
    expect(await shadowText(page, 'ef-run-table')).toContain(`beta ${HOSTILE}`);
    expect(await shadowText(page, 'ef-experiment-list')).toContain('sweep');
    expect(await shadowText(page, 'ef-experiment-list')).not.toContain('not-in-report');
    await expect.poll(() => page.locator('ef-metric-chart').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.title()).toBe(`Report ${HOSTILE}`);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('body > script').length)).toBe(3);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    await context.close();
  });
});
