/**
 * `<ef-run-table>` and `<ef-run-details>` on a page of their own (built with Vite, served from
 * 127.0.0.1), driven by a real mouse and keyboard: a column resized by dragging its header edge
 * and a hidden column are still so after a reload; at 390 px the run name and a metric are both
 * in view without overlapping; screenshots at 1440 and 390 px go to
 * test-output/screenshots/run-table-*.png and run-details-*.png.
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
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { buildAndServe, type ServedPage } from '../harness/page-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}test-output/screenshots`;

let dir = '';
let served: ServedPage;
let browser: Browser;

/** 6 runs with long names, 3 varying metrics, 4 params (one constant) and a note on the first. */
async function bundle(): Promise<{ bytes: Uint8Array; firstRunId: string }> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'e2e' });
  const experimentId = await client.createExperiment('mobile-check');
  let firstRunId = '';
  for (let i = 0; i < 6; i++) {
    const run = await client.createRun(experimentId, { runName: `sweep-${i}-a-long-descriptive-run-name`, startTime: 1_700_000_000_000 + i * 1000 });
    const id = run.info.runId;
    if (i === 0) firstRunId = id;
    client.logParam(id, 'lr', String(0.1 / 2 ** i));
    client.logParam(id, 'optimizer', i % 2 === 0 ? 'adam' : 'sgd');
    client.logParam(id, 'batch_size', String(32 * (1 + (i % 3))));
    client.logParam(id, 'dataset', 'spirals');
    client.setTag(id, 'team', 'vision');
    for (let step = 0; step < 10; step++) {
      client.logMetric(id, 'val_accuracy', 0.5 + i / 20 + step / 100, step);
      client.logMetric(id, 'val_loss', 1 / (step + 1 + i), step);
      client.logMetric(id, 'accuracy', 0.6 + i / 25 + step / 120, step);
    }
  }
  client.setTag(firstRunId, 'mlflow.note.content', '## Findings\n\n- **adam** converges faster\n- try `lr = 0.025` next');
  await client.flush();
  return { bytes: await exportBundle(store, { output: 'bytes' }), firstRunId };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-run-table-e2e-'));
  await mkdir(join(dir, 'public'));
  const { bytes, firstRunId } = await bundle();
  await writeFile(join(dir, 'public', 'exp.zip'), bytes);
  await writeFile(join(dir, 'main.ts'), `import ${JSON.stringify(`${ROOT}src/components/define.ts`)};\n`);
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>runs</title>' +
      '<style>body { margin: 0; padding: 8px; } ef-run-table { --ef-run-table-height: 360px; }</style></head><body>' +
      `<main><ef-run-table src="exp.zip"></ef-run-table><ef-run-details src="exp.zip" run-id="${firstRunId}"></ef-run-details></main>` +
      '<script type="module" src="./main.ts"></script></body></html>',
  );
  await mkdir(SHOTS, { recursive: true });
  served = await buildAndServe(dir);
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(served.url);
  await loaded(page);
  return { page, errors, close: () => context.close() };
}

function loaded(page: Page): Promise<void> {
  return page.evaluate(async () => {
    await customElements.whenDefined('ef-run-table');
    await Promise.all([document.querySelector('ef-run-table')!.loaded(), document.querySelector('ef-run-details')!.loaded()]);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function headerIds(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelector('ef-run-table')!.shadowRoot!.querySelectorAll<HTMLElement>('.head [data-column]')].map((c) => c.dataset['column']!));
}

function headerBox(page: Page, column: string): Promise<Box> {
  return page.evaluate((id) => {
    const r = document.querySelector('ef-run-table')!.shadowRoot!.querySelector(`.head [data-column="${id}"]`)!.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  }, column);
}

describe('<ef-run-table> and <ef-run-details> on a page', () => {
  it('keeps a column resized with the mouse and a hidden column across a reload', async () => {
    const { page, errors, close } = await open({ width: 1440, height: 900 });
    const before = await headerBox(page, 'metric:val_loss');
    // Drag the right edge of the header cell 80 px to the right.
    await page.mouse.move(before.x + before.w - 3, before.y + before.h / 2);
    await page.mouse.down();
    await page.mouse.move(before.x + before.w + 37, before.y + before.h / 2, { steps: 5 });
    await page.mouse.move(before.x + before.w + 77, before.y + before.h / 2, { steps: 5 });
    await page.mouse.up();
    expect((await headerBox(page, 'metric:val_loss')).w).toBe(before.w + 80);
    expect(await page.evaluate(() => document.querySelector('ef-run-table')!.sort)).toEqual({ column: 'attr:start', direction: 'desc' });
    // Hide the constant param through the chooser, with the keyboard.
    expect(await headerIds(page)).toContain('param:dataset');
    await page.locator('ef-run-table summary').click();
    await page.locator('ef-run-table input[aria-label="Show param dataset"]').focus();
    await page.keyboard.press('Space');
    const columns = await headerIds(page);
    expect(columns).not.toContain('param:dataset');

    await page.reload();
    await loaded(page);
    expect(await headerIds(page)).toEqual(columns);
    expect((await headerBox(page, 'metric:val_loss')).w).toBe(before.w + 80);
    expect(errors).toEqual([]);
    await close();
  });

  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(`shows the run name and metrics side by side, without overlap, at ${viewport.width} px (screenshots)`, async () => {
      const { page, errors, close } = await open(viewport);
      const layout = await page.evaluate(() => {
        const table = document.querySelector('ef-run-table')!;
        const root = table.shadowRoot!;
        const view = root.querySelector('.scroll')!.getBoundingClientRect();
        const row = root.querySelector('.row')!;
        const box = (el: Element): { x: number; y: number; w: number; h: number } => {
          const r = el.getBoundingClientRect();
          return { x: r.left, y: r.top, w: r.width, h: r.height };
        };
        const heads = [...root.querySelectorAll<HTMLElement>('.head [data-column]')];
        const cells = [...row.children].slice(1).map((cell, i) => ({ id: heads[i]!.dataset['column']!, box: box(cell), text: cell.textContent!.trim() }));
        // What a person sees at the centre of each cell: the cell itself, not something on top.
        const onTop = cells.map(({ box: b }) => {
          const hit = root.elementFromPoint(b.x + b.w / 2, b.y + b.h / 2);
          return hit !== null && row.contains(hit);
        });
        return { view: { x: view.left, y: view.top, w: view.width, h: view.height }, cells, onTop, pageWidth: document.documentElement.scrollWidth };
      });
      const inView = (b: Box): boolean => b.x >= layout.view.x - 0.5 && b.x + b.w <= layout.view.x + layout.view.w + 0.5;
      const visible = layout.cells.filter((c, i) => inView(c.box) && layout.onTop[i]);
      const ids = visible.map((c) => c.id);
      expect(ids).toContain('attr:name');
      expect(ids.some((id) => id.startsWith('metric:')), `visible: ${ids.join(', ')}`).toBe(true);
      const name = visible.find((c) => c.id === 'attr:name')!;
      expect(name.text).toContain('sweep-');
      for (const [i, a] of visible.entries()) for (const b of visible.slice(i + 1)) expect(a.box.x + a.box.w <= b.box.x + 0.5 || b.box.x + b.box.w <= a.box.x + 0.5, `${a.id} overlaps ${b.id}`).toBe(true);
      // The page itself does not scroll sideways: the table scrolls inside its box.
      expect(layout.pageWidth).toBeLessThanOrEqual(viewport.width);
      await page.locator('ef-run-table').screenshot({ path: `${SHOTS}/run-table-${viewport.width}.png` });

      // Details: the header actions fit the width, the note is rendered.
      const details = await page.evaluate(() => {
        const root = document.querySelector('ef-run-details')!.shadowRoot!;
        return {
          actions: [...root.querySelectorAll('header button')].map((b) => b.getBoundingClientRect().right),
          note: root.querySelector('.note h2')?.textContent ?? '',
          locked: root.querySelector('[part="locked"]')?.textContent ?? '',
          // Each word of each key (the text between line-break opportunities) on one line.
          brokenWords: [...root.querySelectorAll('td.key')].flatMap((cell) =>
            [...cell.childNodes]
              .filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '')
              .filter((node) => {
                const range = document.createRange();
                range.selectNodeContents(node);
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
              })
              .map((node) => node.textContent!),
          ),
          keys: [...root.querySelectorAll('td.key')].map((cell) => cell.textContent),
          artifacts: (() => {
            const browser = root.querySelector('ef-artifact-browser')!;
            return { text: browser.shadowRoot!.textContent!.replace(/\s+/gu, ' ').trim(), height: browser.getBoundingClientRect().height };
          })(),
        };
      });
      // A run without artifacts: one line saying so, not an empty tree above an empty preview pane.
      expect(details.artifacts.text).toBe('No artifacts.');
      expect(details.artifacts.height).toBeLessThan(80);
      expect(details.keys).toContain('val_accuracy');
      expect(details.brokenWords).toEqual([]);
      expect(details.actions.length).toBeGreaterThan(1);
      for (const right of details.actions) expect(right).toBeLessThanOrEqual(viewport.width);
      expect(details.note).toBe('Findings');
      expect(details.locked).toContain('read-only');
      await page.locator('ef-run-details').screenshot({ path: `${SHOTS}/run-details-${viewport.width}.png` });
      expect(errors).toEqual([]);
      await close();
    });
  }
});
