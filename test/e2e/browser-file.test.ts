/**
 * `edgeflow/browser` end to end: the one-file build (built here into a temp folder) in plain pages
 * served from 127.0.0.1 holding the README's snippet — one script tag and
 * `<ef-viewer src="experiment.zip">` — next to a copy of the file, from another origin (as a CDN
 * serves it, IndexedDB worker included), as the docs page `docs/embedding/index.html`, and from
 * `file://` (where only the report works).
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowser, type BuiltBrowser } from '../../src/cli/build-browser.js';
import { buildViewer } from '../../src/cli/build-viewer.js';
import * as root from '../../src/index.js';
import { scanModuleImports } from '../../src/projects/module-imports.js';
import { exportReport } from '../../src/report/export-report.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { serveFolder, type ServedPage } from '../harness/page-server.js';
import { collectErrors, expectRunsAndCharts, readmeSnippet, writeExperimentZip } from './embed/embed-fixtures.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's snippet: the script tag and `<ef-viewer src="experiment.zip">`. */
const SNIPPET = readmeSnippet(README, 'page');
const DOCS_PAGE = new URL('../../docs/embedding/index.html', import.meta.url);

/** A page with nothing but `snippet`. */
const pageWith = (snippet: string): string => `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n${snippet}\n`;

let dir = '';
let built: BuiltBrowser;
let browser: Browser;
const servers: ServedPage[] = [];

/** A folder holding the built file, its worker and `experiment.zip`, plus `files`; served (optionally with CORS) from 127.0.0.1. */
async function site(name: string, files: Record<string, string>, options: { withBuild?: boolean; cors?: boolean } = {}): Promise<ServedPage> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  if (options.withBuild !== false) {
    for (const file of [built.file, built.workerFile]) await copyFile(file, join(root, basename(file)));
    await copyFile(join(dir, 'experiment.zip'), join(root, 'experiment.zip'));
  }
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  const served = await serveFolder(root, { cors: options.cors ?? false });
  servers.push(served);
  return served;
}

/**
 * Logs a run into `idb:<name>` through the module at `moduleUrl` (the worker store) and reads it
 * back. Page-side code as text: vitest would rewrite an `import()` written in this file.
 */
function idbRoundTrip(page: Page, moduleUrl: string, name: string): Promise<{ runName: string | undefined; loss: number[]; isRemote: boolean }> {
  return page.evaluate(`(async () => {
    const api = await import(${JSON.stringify(moduleUrl)});
    const store = await api.openStore(${JSON.stringify(`idb:${name}`)});
    const client = new api.TrackingClient(store);
    const run = await client.createRun('0', { runName: 'from-the-page' });
    client.logMetric(run.info.runId, 'loss', 0.5, 1);
    await client.flush();
    const read = await store.getRun(run.info.runId);
    const history = await store.getMetricHistory(run.info.runId, 'loss');
    await store.close();
    return { runName: read.info.runName, loss: [...history.values], isRemote: store instanceof api.RemoteStore };
  })()`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-browser-file-'));
  built = await buildBrowser(join(dir, 'build'));
  await writeExperimentZip(join(dir, 'experiment.zip'));
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('edgeflow/browser, the one-file build', () => {
  it('is one ES module with no import specifier a page would have to resolve', async () => {
    const code = await readFile(built.file, 'utf8');
    const imports = await scanModuleImports(code);
    expect(imports.filter((i) => i.kind === 'static')).toEqual([]);
    // Left: the project runner's import(moduleUrl), whose specifier is computed at run time.
    for (const i of imports) expect(i.specifier, String(i.specifier)).toBeNull();
    expect(code).not.toContain('Lit is in dev mode');
    expect(await readFile(`${built.file}.map`, 'utf8')).toContain('"sources"');
    expect(built.size.gzip).toBeLessThan(built.size.raw);
  });

  it('exports the root API, the components, the browser stores, and defines every ef-* element', async () => {
    const served = await site('exports', { 'index.html': pageWith('<script type="module" src="./edgeflow.js"></script>') });
    const page = await browser.newPage();
    await page.goto(served.url);
    const seen = (await page.evaluate(`(async () => {
      const api = await import('./edgeflow.js');
      const tags = ['ef-viewer', 'ef-provider', 'ef-experiment-list', 'ef-run-table', 'ef-metric-chart', 'ef-run-details', 'ef-compare-runs', 'ef-model-registry'];
      const fileStore = await api.openStore('file:./mlruns').then(() => 'opened', (e) => e.code + ': ' + e.message);
      return { names: Object.keys(api), undefinedTags: tags.filter((tag) => customElements.get(tag) === undefined), fileStore };
    })()`)) as { names: string[]; undefinedTags: string[]; fileStore: string };
    expect(seen.undefinedTags).toEqual([]);
    // The Node file store is not in the file: its scheme says so instead of fetching a module that is not there.
    expect(seen.fileStore).toMatch(/^INVALID_PARAMETER_VALUE: .*"edgeflow\/node" \(Node only\)/u);
    const expected = [
      ...Object.keys(root),
      ...['Viewer', 'RunTable', 'MetricChart', 'StoreProvider', 'runColorScale'],
      ...['MemoryStore', 'openIdbStore', 'RemoteStore', 'BundleStore', 'exportBundle', 'importBundle', 'RestStore', 'syncRuns', 'parseMLproject', 'runProject'],
    ];
    expect(expected.filter((name) => !seen.names.includes(name))).toEqual([]);
    await page.close();
  });

  it('the README snippet next to a copy of edgeflow.js shows every run and draws charts, with no console error', async () => {
    expect(SNIPPET).toBe('<script type="module" src="./edgeflow.js"></script>\n<ef-viewer src="experiment.zip"></ef-viewer>');
    const served = await site('copy', { 'index.html': pageWith(SNIPPET) });
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(served.url);
    await expectRunsAndCharts(page, 'body');
    expect(await page.evaluate(() => document.querySelector('script[type="importmap"]'))).toBeNull();
    expect(new Set(requests)).toEqual(new Set(['/', '/edgeflow.js', '/experiment.zip']));
    const roundTrip = await idbRoundTrip(page, `${served.origin}/edgeflow.js`, 'same-origin');
    expect(roundTrip).toEqual({ runName: 'from-the-page', loss: [0.5], isRemote: true });
    expect(requests).toContain('/edgeflow-idb-worker.js');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loaded from another origin (a CDN), it shows the runs, and its IndexedDB worker starts through a same-origin blob', async () => {
    const cdn = await site('cdn', {}, { cors: true });
    const snippet = SNIPPET.replace('./edgeflow.js', `${cdn.origin}/edgeflow.js`).replace('experiment.zip', `${cdn.origin}/experiment.zip`);
    const served = await site('cdn-page', { 'index.html': pageWith(snippet) }, { withBuild: false });
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(served.url);
    await expectRunsAndCharts(page, 'body');
    expect(await idbRoundTrip(page, `${cdn.origin}/edgeflow.js`, 'cross-origin')).toEqual({ runName: 'from-the-page', loss: [0.5], isRemote: true });
    // The database is the page's origin's, not the CDN's.
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toContain('cross-origin');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('from file:// the module cannot load; the report of the same bundle shows the runs there', async () => {
    const root = join(dir, 'file-page');
    await mkdir(root, { recursive: true });
    for (const file of [built.file, join(dir, 'experiment.zip')]) await copyFile(file, join(root, basename(file)));
    await writeFile(join(root, 'index.html'), pageWith(SNIPPET));
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(pathToFileURL(join(root, 'index.html')).href);
    await expect.poll(() => errors.join('\n'), { timeout: 10_000 }).toContain('CORS');
    expect(await page.evaluate(() => customElements.get('ef-viewer'))).toBeUndefined();

    const { reportScript } = await buildViewer(join(dir, 'viewer'), { ui: false });
    const html = await exportReport(await BundleStore.open(await readFile(join(dir, 'experiment.zip'))), { viewerScript: reportScript, title: 'embedding' });
    await writeFile(join(root, 'report.html'), html);
    const reportErrors = collectErrors(page);
    await page.goto(pathToFileURL(join(root, 'report.html')).href);
    await expectRunsAndCharts(page, 'body');
    expect(reportErrors).toEqual([]);
    await page.close();
  });

  it('the docs page shows the runs of its static experiment.zip, with the README snippet verbatim', async () => {
    const html = await readFile(DOCS_PAGE, 'utf8');
    expect(html.replace(/\n\s*/gu, '\n')).toContain(SNIPPET);
    const served = await site('docs', { 'index.html': html });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(served.url);
    await expectRunsAndCharts(page, 'ef-viewer');
    expect(errors).toEqual([]);
    await page.close();
  });
});
