/**
 * The IndexedDB bench page (`bench/pages/idb`): built and served from 127.0.0.1, opened in the
 * harness's Chromium on an on-disk profile (IndexedDB as users have it), ready once it set
 * `window.bench`.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../test/harness/chromium.js';
import { buildAndServe } from '../test/harness/page-server.js';
import './pages/idb/protocol.js';

/** An open IndexedDB bench page; `close()` stops the browser and the server and removes the profile. */
export interface IdbBenchPage {
  readonly page: Page;
  close(): Promise<void>;
}

/** Builds, serves and opens the IndexedDB bench page. */
export async function openIdbBenchPage(): Promise<IdbBenchPage> {
  const served = await buildAndServe(fileURLToPath(new URL('./pages/idb', import.meta.url)));
  const profile = await mkdtemp(join(tmpdir(), 'edgeflow-bench-idb-'));
  const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
  const close = async (): Promise<void> => {
    await context.close();
    await served.close();
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(served.url);
    await page.waitForFunction(() => window.bench !== undefined);
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
