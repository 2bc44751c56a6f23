/**
 * The mirror's Web Lock across pages of one origin in a Playwright-launched Chromium: the second
 * page waits while the first holds the lock, and gets it when the first page is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { buildAndServe, type ServedPage } from '../harness/page-server.js';
import './journal-page/api.js';

let served: ServedPage;
let browser: Browser;
beforeAll(async () => {
  served = await buildAndServe('test/e2e/journal-page');
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(served.url);
  await page.waitForFunction(() => window.journalE2e !== undefined);
  return page;
}

/** Page `first` takes the lock, page `second` asks for it; returns both once `second` waits. */
async function holderAndWaiter(name: string): Promise<{ context: BrowserContext; first: Page; second: Page }> {
  const context = await browser.newContext();
  const first = await openPage(context);
  const second = await openPage(context);
  await first.evaluate((n) => window.journalE2e.acquire(n), name);
  await expect.poll(() => first.evaluate((n) => window.journalE2e.holds(n), name)).toBe(true);
  await second.evaluate((n) => window.journalE2e.acquire(n), name);
  await expect.poll(() => second.evaluate((n) => window.journalE2e.lockCensus(n), name)).toEqual({ held: 1, pending: 1 });
  expect(await second.evaluate((n) => window.journalE2e.holds(n), name)).toBe(false);
  return { context, first, second };
}

describe('webLocksMirrorLock across pages', () => {
  it('hands the lock to the waiting page when the holding page is closed', async () => {
    const { context, first, second } = await holderAndWaiter('edgeflow-mirror:closed');
    await first.close();
    await expect.poll(() => second.evaluate(() => window.journalE2e.holds('edgeflow-mirror:closed'))).toBe(true);
    expect(await second.evaluate(() => window.journalE2e.lockCensus('edgeflow-mirror:closed'))).toEqual({ held: 1, pending: 0 });
    await context.close();
  });
});
