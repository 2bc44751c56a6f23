/**
 * What the embedding tests share: an experiment bundle on disk, the one-file browser build in a
 * temp folder, and what a person sees of it in a page (run names, drawn charts, console errors).
 */
import { writeFile } from 'node:fs/promises';
import type { Page } from 'playwright';
import { expect } from 'vitest';
import { TrackingClient } from '../../../src/core/client.js';
import { exportBundle } from '../../../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../../../src/storage/memory/memory-store.js';

/** The runs of {@link writeExperimentZip}. */
export const RUN_NAMES = ['brisk-otter-1', 'calm-heron-2', 'eager-lynx-3', 'gentle-moth-4'] as const;

/** Writes a bundle of one experiment `embedding-demo` with {@link RUN_NAMES}, each with `loss` and `acc` over 50 steps. */
export async function writeExperimentZip(path: string): Promise<void> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'docs' });
  const experimentId = await client.createExperiment('embedding-demo');
  for (const [i, runName] of RUN_NAMES.entries()) {
    const run = await client.createRun(experimentId, { runName });
    const steps = Array.from({ length: 50 }, (_, step) => step);
    await client.logBatch(run.info.runId, {
      params: [{ key: 'lr', value: String(0.1 / (i + 1)) }],
      metrics: steps.flatMap((step) => [
        { key: 'loss', value: Math.exp(-step / (10 + 5 * i)), step, timestamp: 1_700_000_000_000 + step * 1000 },
        { key: 'acc', value: 1 - Math.exp(-step / (8 + 4 * i)), step, timestamp: 1_700_000_000_000 + step * 1000 },
      ]),
    });
    await client.setTerminated(run.info.runId, 'FINISHED');
  }
  await writeFile(path, await exportBundle(store, { output: 'bytes' }));
}

/** Collects the page's errors and console errors from now on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Number of `<canvas>` elements (in any shadow root of `root`) with pixels of more than one colour. */
export function drawnCanvases(page: Page, root = 'body'): Promise<number> {
  return page.evaluate((sel) => {
    const canvases: HTMLCanvasElement[] = [];
    const walk = (node: Element | ShadowRoot): void => {
      for (const el of node.querySelectorAll('*')) {
        if (el instanceof HTMLCanvasElement) canvases.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    for (const el of document.querySelectorAll(sel)) {
      walk(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
    return canvases.filter((canvas) => {
      if (canvas.width === 0 || canvas.height === 0) return false;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) {
        colours.add(((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!) * 256 + pixels[i + 3]!);
        if (colours.size > 1) return true;
      }
      return false;
    }).length;
  }, root);
}

/** True when some element of the run table(s) inside `scope` showing `name` is visible (Playwright locators pierce shadow roots). */
async function runNameVisible(page: Page, scope: string, name: string): Promise<boolean> {
  const matches = await page.locator(scope).locator('ef-run-table').getByText(name).all();
  for (const match of matches) if (await match.isVisible()) return true;
  return false;
}

/** Waits until the run table inside `scope` shows every run of {@link RUN_NAMES} visibly and a chart in `scope` has drawn. */
export async function expectRunsAndCharts(page: Page, scope: string): Promise<void> {
  for (const name of RUN_NAMES) await expect.poll(() => runNameVisible(page, scope, name), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => drawnCanvases(page, scope), { timeout: 30_000 }).toBeGreaterThan(0);
}

/** The fenced code block after `<!-- snippet:<name> -->` in `markdown` (the README), without its fences. */
export function readmeSnippet(markdown: string, name: string): string {
  const match = new RegExp(`<!-- snippet:${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``, 'u').exec(markdown);
  if (match === null) throw new Error(`README has no snippet "${name}"`);
  return match[1]!;
}
