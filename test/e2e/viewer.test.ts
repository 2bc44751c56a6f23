/**
 * `<ef-viewer src="exp.zip">` end to end: a page with nothing but the element (built with Vite,
 * served from 127.0.0.1) shows every run of a bundle and draws its charts without any script;
 * the link reopens the same view; a zip dropped on it opens; and charts, legends, the run table
 * and the comparison never overlap at desktop, tablet and phone widths (screenshots in
 * test-output/screenshots/viewer-*.png, and at 1440 and 390 px in the light and the dark scheme).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { shadowText } from '../harness/deep-text.js';
import { buildAndServe, type ServedPage } from '../harness/page-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}test-output/screenshots`;
const RUN_NAMES = Array.from({ length: 8 }, (_, i) => `sweep-${i}-lr${(0.1 / 2 ** i).toPrecision(2)}-with-a-long-name`);
const METRICS = ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'learning_rate'];

let dir = '';
let served: ServedPage;
let browser: Browser;

/** A bundle of one experiment: 8 runs × 5 metrics × 50 steps. */
async function sweepBundle(): Promise<Uint8Array> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'e2e' });
  const experimentId = await client.createExperiment('lr-sweep');
  for (const [i, name] of RUN_NAMES.entries()) {
    const run = await client.createRun(experimentId, { runName: name, startTime: 1_700_000_000_000 + i * 1000 });
    client.logParam(run.info.runId, 'lr', String(0.1 / 2 ** i));
    for (let step = 0; step < 50; step++) {
      for (const [k, key] of METRICS.entries()) client.logMetric(run.info.runId, key, Math.exp(-step / (10 + i + k)) + i / 10, { step, timestamp: 1_700_000_000_000 + step });
    }
  }
  await client.flush();
  return exportBundle(store, { output: 'bytes' });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-viewer-e2e-'));
  await mkdir(join(dir, 'public'));
  await writeFile(join(dir, 'public', 'exp.zip'), await sweepBundle());
  await writeFile(join(dir, 'main.ts'), `import ${JSON.stringify(`${ROOT}src/components/define.ts`)};\n`);
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>viewer</title>' +
      '<style>body { margin: 0; }</style></head><body><ef-viewer src="exp.zip"></ef-viewer><script type="module" src="./main.ts"></script></body></html>',
  );
  served = await buildAndServe(dir);
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens `url` in a new page of a new context and waits until the viewer shows its data; collects errors. */
async function openViewer(
  url: string,
  viewport = { width: 1440, height: 900 },
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await viewerLoaded(page);
  return { page, errors, close: () => context.close() };
}

function viewerLoaded(page: Page): Promise<void> {
  return page.evaluate(async () => {
    await customElements.whenDefined('ef-viewer');
    await document.querySelector('ef-viewer')!.loaded();
  });
}

/** Pixels with some ink in each chart's canvas. */
function inkPerChart(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [...document.querySelector('ef-viewer')!.shadowRoot!.querySelectorAll('ef-metric-chart')].map((chart) => {
      const canvas = chart.shadowRoot!.querySelector('canvas')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
      return ink;
    }),
  );
}

describe('<ef-viewer src="exp.zip">', () => {
  it('shows every run of the bundle and draws a chart per metric without script or console errors', async () => {
    const { page, errors, close } = await openViewer(served.url);
    const table = await shadowText(page, 'ef-run-table');
    for (const name of RUN_NAMES) expect(table).toContain(name);
    expect(await shadowText(page, 'ef-experiment-list')).toContain('lr-sweep');
    const keys = await page.evaluate(() => [...document.querySelector('ef-viewer')!.shadowRoot!.querySelectorAll('ef-metric-chart')].map((c) => c.metricKeys.join()));
    expect(keys).toEqual([...METRICS].sort());
    for (const ink of await inkPerChart(page)) expect(ink).toBeGreaterThan(500);
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps the experiment, the runs and the tab in the link, and the link reopens the same view', async () => {
    const first = await openViewer(served.url);
    const chosen = await first.page.evaluate(() => {
      const viewer = document.querySelector('ef-viewer')!;
      const runs = viewer.shadowRoot!.querySelector('ef-run-table')!.runs;
      viewer.selectedRunIds = [runs[1]!.info.runId, runs[6]!.info.runId];
      return { experimentId: viewer.experimentId, runIds: viewer.selectedRunIds };
    });
    await first.page.locator('ef-viewer [role="tab"]', { hasText: 'Compare' }).click();
    await viewerLoaded(first.page);
    const link = first.page.url();
    expect(link).toContain(`experiment=${chosen.experimentId}`);
    await first.close();

    const again = await openViewer(link);
    const state = await again.page.evaluate(() => {
      const viewer = document.querySelector('ef-viewer')!;
      return { experimentId: viewer.experimentId, runIds: viewer.selectedRunIds, tab: viewer.tab };
    });
    expect(state).toEqual({ ...chosen, tab: 'compare' });
    await expect.poll(() => again.page.locator('ef-compare-runs').evaluate((el) => (el as HTMLElementTagNameMap['ef-compare-runs']).runIds)).toEqual(chosen.runIds);
    expect(again.errors).toEqual([]);
    await again.close();
  });

  it('opens a zip dropped on it (an MLflow-written bundle)', async () => {
    const { page, errors, close } = await openViewer(served.url);
    const dataTransfer = await page.evaluateHandle((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'mlruns-small.zip', { type: 'application/zip' }));
      return data;
    }, Array.from(fixtureBytes('mlflow/mlruns-small.zip')));
    const viewer = page.locator('ef-viewer');
    await viewer.dispatchEvent('dragenter', { dataTransfer });
    await viewer.dispatchEvent('dragover', { dataTransfer });
    await expect.poll(() => page.locator('ef-viewer .drop').count()).toBe(1);
    await viewer.dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => shadowText(page, 'ef-experiment-list'), { timeout: 20_000 }).toContain('demo-exp');
    await viewerLoaded(page);
    const table = await shadowText(page, 'ef-run-table');
    expect(table).toContain('run-0');
    expect(table).toContain('run-1');
    expect(table).not.toContain('sweep-0');
    expect(await page.locator('ef-viewer .drop').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
    { width: 390, height: 844 },
  ]) {
    it(`lays out charts, legends, the run table and the comparison without overlap at ${viewport.width}×${viewport.height}`, async () => {
      const { page, errors, close } = await openViewer(`${served.url}#tab=compare`, viewport);
      await expect.poll(() => shadowText(page, 'ef-compare-runs'), { timeout: 20_000 }).toContain('lr');
      const boxes = await page.evaluate(() => {
        const root = document.querySelector('ef-viewer')!.shadowRoot!;
        const box = (el: Element): { name: string; x: number; y: number; w: number; h: number } => {
          const r = el.getBoundingClientRect();
          return { name: el.localName, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
        };
        const charts = [...root.querySelectorAll('ef-metric-chart')];
        return {
          panels: [box(root.querySelector('ef-run-table')!), box(root.querySelector('ef-compare-runs')!), ...charts.map(box)],
          legends: charts.map((c) => ({ chart: box(c), legend: box(c.shadowRoot!.querySelector('.legend')!) })),
          width: document.documentElement.clientWidth,
          // A button that spills out of its cell is hidden whole behind the cell's ellipsis.
          compareNames: [...root.querySelector('ef-compare-runs')!.shadowRoot!.querySelectorAll('thead button')].map((b) => ({
            width: b.getBoundingClientRect().width,
            spill: b.getBoundingClientRect().right - b.closest('th')!.getBoundingClientRect().right,
          })),
        };
      });
      type Box = (typeof boxes.panels)[number];
      const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
      expect(boxes.panels.filter((b) => b.name === 'ef-metric-chart')).toHaveLength(METRICS.length);
      for (const [i, a] of boxes.panels.entries()) {
        expect(a.w * a.h, `${a.name} is shown`).toBeGreaterThan(0);
        expect(a.x + a.w, `${a.name} fits the width`).toBeLessThanOrEqual(boxes.width + 0.5);
        for (const b of boxes.panels.slice(i + 1)) expect(overlap(a, b), `${a.name}#${i} and ${b.name} overlap: ${JSON.stringify([a, b])}`).toBe(false);
      }
      for (const { chart, legend } of boxes.legends) {
        expect(legend.h).toBeGreaterThan(0);
        expect(legend.y >= chart.y && legend.y + legend.h <= chart.y + chart.h + 0.5, `legend inside its chart: ${JSON.stringify([chart, legend])}`).toBe(true);
      }
      // Each compared run's name is shown (a long one cut with an ellipsis), not replaced by one.
      expect(boxes.compareNames.length).toBeGreaterThan(1);
      for (const name of boxes.compareNames) {
        expect(name.width).toBeGreaterThan(40);
        expect(name.spill).toBeLessThanOrEqual(0.5);
      }
      await page.screenshot({ path: `${SHOTS}/viewer-${viewport.width}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await close();
    });
  }

  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`follows the ${scheme} scheme at ${width} px with the header's actions in view (screenshot)`, async () => {
        const { page, errors, close } = await openViewer(served.url, { width, height }, scheme);
        const seen = await page.evaluate(() => {
          const viewer = document.querySelector('ef-viewer')!;
          const open = [...viewer.shadowRoot!.querySelectorAll('header button')].find((b) => b.textContent!.includes('Open zip'))!.getBoundingClientRect();
          return { background: getComputedStyle(viewer).backgroundColor, open: { left: open.left, right: open.right, width: open.width }, page: document.documentElement.clientWidth };
        });
        expect(seen.background).toBe(scheme === 'dark' ? 'rgb(21, 23, 28)' : 'rgb(255, 255, 255)');
        expect(seen.open.width).toBeGreaterThan(0);
        expect(seen.open.left).toBeGreaterThanOrEqual(0);
        expect(seen.open.right).toBeLessThanOrEqual(seen.page);
        await page.screenshot({ path: `${SHOTS}/viewer-${width}-${scheme}.png`, fullPage: true });
        expect(errors).toEqual([]);
        await close();
      });
    }
  }
});
