/**
 * `edgeflow ui` end to end: the CLI (a real child process) serves MLflow's `mlruns-small` folder
 * and the viewer page, built on the fly with Vite; Chromium shows the runs; writes are refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewer } from '../../src/cli/build-viewer.js';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';
import { shadowText } from '../harness/deep-text.js';

let dir = '';
let browser: Browser;
let child: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-ui-e2e-'));
  for (const [name, bytes] of Object.entries(unzipSync(fixtureBytes('mlflow/mlruns-small.zip')))) {
    if (name.endsWith('/')) continue;
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  const built = await buildViewer(join(dir, 'viewer'));
  const mainUrl = new URL('../../src/cli/main.ts', import.meta.url).href;
  const script = `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main(process.argv.slice(1));`;
  child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'ui', join(dir, 'mlruns'), '--port', '0', '--viewer-dir', built.uiDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/u.exec(output);
      if (match) resolve(match[1]!);
    });
    child!.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child!.once('exit', (code) => reject(new Error(`edgeflow ui exited ${code}: ${output}`)));
  });
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});


describe('edgeflow ui <mlruns dir>', () => {
  it('shows the runs of an MLflow folder in Chromium, read-only', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await expect.poll(() => shadowText(page, 'ef-experiment-list'), { timeout: 20_000 }).toContain('demo-exp');
    await expect.poll(() => shadowText(page, 'ef-run-table'), { timeout: 20_000 }).toContain('run-1');
    expect(await shadowText(page, 'ef-run-table')).toContain('run-0');
    expect(await shadowText(page, 'ef-run-table')).not.toContain('deleted-run');
    await expect.poll(() => page.locator('ef-metric-chart').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator('ef-viewer header small').innerText()).toBe('read-only');
    const denied = await page.evaluate(async () => {
      const response = await fetch('/api/2.0/mlflow/experiments/update', { method: 'POST', body: JSON.stringify({ experiment_id: '0', new_name: 'x' }) });
      return [response.status, ((await response.json()) as { error_code: string }).error_code];
    });
    expect(denied).toEqual([403, 'PERMISSION_DENIED']);
    expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
    await page.close();
  });
});
