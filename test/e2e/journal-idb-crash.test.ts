/**
 * The IndexedDB mirror journal under a crash: a Chromium process (started by the test, on an on-disk
 * profile) is SIGKILLed right after a run of resolved commits, with more commits in flight; on the
 * same profile again, every resolved commit is there, and the journal holds a whole prefix of the
 * commits, never a part of one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launchChromiumProcess } from '../harness/chromium-process.js';
import { buildAndServe, type ServedPage } from '../harness/page-server.js';
import './journal-page/api.js';

let served: ServedPage;
beforeAll(async () => {
  served = await buildAndServe('test/e2e/journal-page');
});
afterAll(async () => {
  await served?.close();
});

async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.contexts()[0]!.newPage();
  await page.goto(served.url);
  await page.waitForFunction(() => window.journalE2e !== undefined);
  return page;
}

it('keeps every resolved commit after SIGKILL of the browser; commits in flight are there whole, in order, or not at all', async () => {
  const profile = await mkdtemp(join(tmpdir(), 'edgeflow-journal-crash-'));
  let chrome = await launchChromiumProcess(profile);
  try {
    const page = await openPage(chrome.browser);
    const resolved = 300;
    const bytes = 4000;
    await page.evaluate((o) => window.journalE2e.commit('journal', { from: 0, count: o.resolved, bytes: o.bytes, wait: true }), { resolved, bytes });
    // More commits, started but not awaited: still on their way when the browser dies.
    const inFlight = 400;
    await page.evaluate((o) => window.journalE2e.commit('journal', { from: o.resolved, count: o.inFlight, bytes: o.bytes, wait: false }), { resolved, inFlight, bytes });
    await chrome.kill();

    chrome = await launchChromiumProcess(profile);
    const again = await openPage(chrome.browser);
    const entries = new Map(await again.evaluate(() => window.journalE2e.entries('journal')));
    const seq = entries.get('seq') as number;
    expect(seq).toBeGreaterThanOrEqual(resolved - 1);
    expect(seq).toBeLessThan(resolved + inFlight);
    const items = [...entries.keys()].filter((key) => key.startsWith('item/'));
    expect(items).toEqual(Array.from({ length: seq + 1 }, (_, n) => `item/${String(n).padStart(6, '0')}`));
    for (let n = 0; n <= seq; n++) {
      const text = String(n % 10).repeat(bytes);
      expect(entries.get(`item/${String(n).padStart(6, '0')}`)).toEqual({ n, a: text, b: text });
    }
    // The journal keeps working on the recovered database.
    await again.evaluate((from) => window.journalE2e.commit('journal', { from, count: 1, bytes: 10, wait: true }), seq + 1);
    expect((await again.evaluate(() => window.journalE2e.entries('journal'))).find(([key]) => key === 'seq')).toEqual(['seq', seq + 1]);
  } finally {
    await chrome.kill();
    await rm(profile, { recursive: true, force: true });
  }
});
