/**
 * A Jupyter notebook cell shows a bundle's runs with `IPython.display` only: a real classic
 * Notebook server (Debian's `jupyter-notebook`) serves `edgeflow.js` and `experiment.zip` from its
 * notebook folder (`/files/…`); Chromium opens the notebook, runs the cell with Shift+Enter, and
 * the output shows every run and draws a chart. The cell is the README's, verbatim.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowser } from '../../src/cli/build-browser.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { collectErrors, expectRunsAndCharts, readmeSnippet, writeExperimentZip } from './embed/embed-fixtures.js';
import { startJupyter, type JupyterServer } from './embed/jupyter-server.js';

let dir = '';
let jupyter: JupyterServer | undefined;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-notebook-'));
  [jupyter] = await Promise.all([startJupyter(dir), buildBrowser(dir), writeExperimentZip(join(dir, 'experiment.zip'))]);
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await jupyter?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a Jupyter notebook cell', () => {
  it('shows every run of experiment.zip and draws its charts, with IPython.display only', async () => {
    const cell = readmeSnippet(await readFile(new URL('../../README.md', import.meta.url), 'utf8'), 'notebook-cell');
    expect(cell).toMatch(/^from IPython\.display import /u);
    await jupyter!.createNotebook('runs.ipynb', [cell]);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectErrors(page);
    await page.goto(`${jupyter!.origin}/notebooks/runs.ipynb?token=${jupyter!.token}`);
    await page.waitForFunction(() => {
      const nb = (window as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter?.notebook;
      return nb?.kernel?.is_connected() === true;
    }, undefined, { timeout: 30_000 });
    await page.locator('.cell.code_cell .CodeMirror').first().click();
    await page.keyboard.press('Shift+Enter');
    await expectRunsAndCharts(page, '.output_area');
    // The page's own errors only: Jupyter's frontend logs nothing as an error here either.
    expect(errors).toEqual([]);
    await page.close();
  });
});
