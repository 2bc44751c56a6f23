/**
 * The IndexedDB bench page (`bench/pages/idb`): built and served from 127.0.0.1, opened in the
 * harness's Chromium on an on-disk profile (IndexedDB as users have it), ready once it set
 * `window.bench`.
 * @module
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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
  /**
   * CPU time (user + system, ms) the browser's processes used so far, read from `/proc` (Linux;
   * NaN elsewhere): page, workers and the IndexedDB backend together. On a machine shared with
   * other jobs, a ratio of CPU times varies far less with the load than a ratio of wall times.
   */
  cpuMs(): number;
  close(): Promise<void>;
}

/** CPU time (ms) used so far by the processes whose command line names `profile`; NaN without `/proc`. */
function cpuMsOf(profile: string): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) continue;
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10;
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
    return { page, cpuMs: () => cpuMsOf(profile), close };
  } catch (error) {
    await close();
    throw error;
  }
}
