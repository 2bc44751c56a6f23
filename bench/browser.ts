/**
 * `npx tsx bench/browser.ts`: the one-file build `edgeflow.js` — its size (raw and gzip, and what
 * each package costs of it) and the time to the first chart of `<ef-viewer src="bench.zip">` for a
 * bundle of 100 runs × 10 metrics × 10,000 points, against the raw baseline in the same page: fetch,
 * fflate `unzipSync`, parse the same metric files, raw uPlot draw of the same columns.
 * The bundle is made once and kept in the OS temp folder. Prints `{"name","value","unit"}` lines.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { build } from 'vite';
import { buildBrowser } from '../src/cli/build-browser.js';
import { chromiumLaunchOptions } from '../test/harness/chromium.js';
import { serveFolder } from '../test/harness/page-server.js';
import { costByGroup } from './browser-size.js';
import { makeBenchBundle } from './pages/browser/make-bundle.js';
import { median, report } from './report.js';

const RUNS = 100;
const KEYS = 10;
const POINTS = 10_000;
/** Measured rounds, each the viewer then the baseline (no warm-up: each takes seconds). */
const ROUNDS = 3;

const dir = await mkdtemp(join(tmpdir(), 'edgeflow-bench-browser-'));
try {
  // Size: the file a page loads, and the packages in it (bytes charged through the source map).
  const built = await buildBrowser(join(dir, 'site'));
  report('browser.edgeflow_js.raw', built.size.raw / 1024, 'KiB');
  report('browser.edgeflow_js.gzip', built.size.gzip / 1024, 'KiB');
  report('browser.idb_worker_js.gzip', built.workerSize.gzip / 1024, 'KiB');
  const groups = await costByGroup(built.file);
  const own = groups.filter((g) => g.group.startsWith('edgeflow:')).reduce((sum, g) => sum + g.raw, 0);
  report('browser.edgeflow_js.own_code_share', own / built.size.raw, 'x');
  for (const { group, raw, gzip } of groups.filter((g) => !g.group.startsWith('edgeflow:') && g.group !== 'unmapped')) {
    report(`browser.edgeflow_js.package.${group}.raw_share`, raw / built.size.raw, 'x');
    report(`browser.edgeflow_js.package.${group}.gzip_alone`, gzip / 1024, 'KiB');
  }

  // The bench page: the baseline code built by Vite; edgeflow.js copied next to it as is.
  const site = join(dir, 'site');
  await build({
    root: fileURLToPath(new URL('./pages/browser/', import.meta.url)),
    configFile: false,
    logLevel: 'error',
    mode: 'production',
    build: { outDir: site, emptyOutDir: false, target: 'es2022', reportCompressedSize: false },
  });
  const cached = join(tmpdir(), `edgeflow-bench-viewer-${RUNS}x${KEYS}x${POINTS}.zip`);
  if (!existsSync(cached)) {
    console.error(`bench: making the ${RUNS}×${KEYS}×${POINTS} bundle (once; kept as ${cached})`);
    await writeFile(cached, await makeBenchBundle(RUNS, KEYS, POINTS));
  }
  await copyFile(cached, join(site, 'bench.zip'));
  const served = await serveFolder(site);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(served.url);
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true');
    await page.evaluate('window.browserBench.loadEdgeflow()');
    const markup = '<ef-viewer src="bench.zip" no-hash></ef-viewer>';
    type First = { ms: number; runIds: string[]; metricKey: string; points: number };
    const viewerTimes: number[] = [];
    const rawTimes: number[] = [];
    let shown: First | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const first = (await page.evaluate(`window.browserBench.viewer(${JSON.stringify(markup)})`)) as First;
      shown ??= first;
      const raw = (await page.evaluate(`window.browserBench.baseline('bench.zip', ${JSON.stringify(first.runIds)}, ${JSON.stringify(first.metricKey)})`)) as number;
      viewerTimes.push(first.ms);
      rawTimes.push(raw);
    }
    report(`browser.first_chart.${RUNS}x${KEYS}x${POINTS}.raw_unzip_parse_uplot`, median(rawTimes), 'ms');
    report(`browser.first_chart.${RUNS}x${KEYS}x${POINTS}.ef_viewer`, median(viewerTimes), 'ms');
    report(`browser.first_chart.${RUNS}x${KEYS}x${POINTS}.ratio`, median(viewerTimes) / median(rawTimes), 'x');
    report(`browser.first_chart.${RUNS}x${KEYS}x${POINTS}.runs_in_first_chart`, shown!.runIds.length, 'runs');
  } finally {
    await browser.close();
    await served.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
