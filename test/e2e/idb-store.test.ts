/**
 * The IndexedDB store end to end, driven from Node: a production Vite build of test/e2e/page served
 * from 127.0.0.1, in Chromium processes these tests start, kill and restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../harness/chromium.js';
import { launchChromiumProcess } from '../harness/chromium-process.js';
import { buildAndServe, type ServedPage } from '../harness/page-server.js';
import './page/api.js';

let served: ServedPage;

beforeAll(async () => {
  served = await buildAndServe('test/e2e/page');
});

afterAll(async () => {
  await served?.close();
});

async function openPage(context: BrowserContext, db: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(served.url);
  await page.waitForFunction(() => window.e2e !== undefined);
  await page.evaluate((name) => window.e2e.open(name), db);
  return page;
}

/** Sum of `step * 0.5` for steps 0..n-1, as `logRuns` logs them. */
function expectedSum(n: number): number {
  return (0.5 * n * (n - 1)) / 2;
}

describe('crash: SIGKILL of the browser after flush()', () => {
  it('keeps every flushed point and the database opens cleanly on the same profile', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'edgeflow-crash-'));
    let chrome = await launchChromiumProcess(profile);
    try {
      const page = await openPage(chrome.browser.contexts()[0]!, 'crash');
      const points = 20_000;
      const ids = await page.evaluate(
        (n) => window.e2e.logRuns('crash', { experiment: 'crash', runs: 3, points: n, key: 'loss', prefix: 'flushed' }),
        points,
      );
      expect(ids).toHaveLength(3);
      // Then points followed by flush() alone — no other call that would wait for the writes — so
      // an acknowledgement before the commit would show as missing points after the kill.
      const [runId] = ids as [string];
      const more = 300_000;
      expect(await page.evaluate(({ id, n }) => window.e2e.logUntilFailure('crash', { runId: id, key: 'tail', points: n, round: n }), { id: runId, n: more })).toEqual({
        flushed: more,
      });
      // More points, never flushed, still on their way when the browser dies.
      void page.evaluate(() => window.e2e.logRuns('crash', { experiment: 'crash', runs: 1, points: 200_000, key: 'loss', prefix: 'unflushed' })).catch(() => undefined);
      await chrome.kill();

      chrome = await launchChromiumProcess(profile);
      const again = await openPage(chrome.browser.contexts()[0]!, 'crash');
      expect(await again.evaluate(() => window.e2e.inspectRaw('crash'))).toEqual({
        version: 4,
        stores: ['artifacts', 'chunks', 'experiments', 'loggedModels', 'meta', 'registeredModels', 'runs'],
      });
      const census = (await again.evaluate(() => window.e2e.census('crash', 'crash'))).filter((r) => r.runName.startsWith('flushed'));
      expect(census.map((r) => r.runId).sort()).toEqual([...ids].sort());
      for (const run of census) {
        expect([run.points, run.lastStep, run.latestStep, run.sum]).toEqual([points, points - 1, points - 1, expectedSum(points)]);
      }
      expect(await again.evaluate(({ id }) => window.e2e.series('crash', id, 'tail'), { id: runId })).toEqual({
        points: more,
        lastStep: more - 1,
        latestStep: more - 1,
      });
      // And the store keeps working on the recovered database.
      await again.evaluate(() => window.e2e.logRuns('crash', { experiment: 'crash', runs: 1, points: 10, key: 'loss', prefix: 'after' }));
    } finally {
      await chrome.kill();
      await rm(profile, { recursive: true, force: true });
    }
  });
});

describe('with a Playwright-launched browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch(chromiumLaunchOptions());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('two pages writing one experiment concurrently lose and duplicate nothing; page B hears page A', async () => {
    const context = await browser.newContext();
    const a = await openPage(context, 'shared');
    const b = await openPage(context, 'shared');
    await b.evaluate(() => window.e2e.record('shared'));
    const points = 20_000;
    const [idsA, idsB] = await Promise.all([
      a.evaluate((n) => window.e2e.logRuns('shared', { experiment: 'together', runs: 5, points: n, key: 'm', prefix: 'a' }), points),
      b.evaluate((n) => window.e2e.logRuns('shared', { experiment: 'together', runs: 5, points: n, key: 'm', prefix: 'b' }), points),
    ]);
    for (const page of [a, b]) {
      const census = await page.evaluate(() => window.e2e.census('shared', 'together'));
      expect(census.map((r) => r.runName)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4', 'b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
      expect(new Set(census.map((r) => r.runId))).toEqual(new Set([...idsA, ...idsB]));
      for (const run of census) expect([run.points, run.lastStep, run.sum]).toEqual([points, points - 1, expectedSum(points)]);
    }
    await expect.poll(async () => {
      const heard = new Set(await b.evaluate(() => window.e2e.recordedRunData('shared')));
      return idsA.every((id) => heard.has(id));
    }).toBe(true);
    await context.close();
  });

  it('turns a full quota into RESOURCE_EXHAUSTED and stays consistent and readable', async () => {
    // Quota is enforced for on-disk profiles only (an incognito-like context ignores the override).
    const profile = await mkdtemp(join(tmpdir(), 'edgeflow-quota-'));
    const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
    const page = await context.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => window.e2e !== undefined);
    // The override holds while this CDP session is open.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: served.origin, quotaSize: 8 * 1024 * 1024 });
    await page.evaluate(() => window.e2e.open('quota'));
    const [runId] = await page.evaluate(() => window.e2e.logRuns('quota', { experiment: 'q', runs: 1, points: 1, key: 'x', prefix: 'q' }));
    // One round = one logBatch of 100k points (the queue ships at 100k) ≈ 2.4 MB of columns.
    const round = 100_000;
    const result = await page.evaluate(
      ({ id, n }) => window.e2e.logUntilFailure('quota', { runId: id, key: 'big', points: 50 * n, round: n }),
      { id: runId!, n: round },
    );
    expect(result.error, 'writes never hit the lowered quota').toBeDefined();
    expect(result.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', isEdgeflowError: true });
    expect(result.error!.message).toMatch(/quota/iu);
    expect(result.flushed).toBeGreaterThan(0);
    // The failed batch left nothing behind: history, chunk summary and latest value agree.
    const stored = await page.evaluate(({ id }) => window.e2e.series('quota', id, 'big'), { id: runId! });
    expect(stored).toEqual({ points: result.flushed, lastStep: result.flushed - 1, latestStep: result.flushed - 1 });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: served.origin });
    const after = await page.evaluate(
      ({ id, n }) => window.e2e.logUntilFailure('quota', { runId: id, key: 'big', points: n, round: n }),
      { id: runId!, n: round },
    );
    expect(after).toEqual({ flushed: round });
    expect(await page.evaluate(({ id }) => window.e2e.series('quota', id, 'big'), { id: runId! })).toMatchObject({ points: result.flushed + round });
    await cdp.detach();
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });

  it('lets another page upgrade the schema while the store is open: no deadlock, no data loss', async () => {
    const context = await browser.newContext();
    const a = await openPage(context, 'vc');
    const b = await context.newPage();
    await b.goto(served.url);
    await b.waitForFunction(() => window.e2e !== undefined);
    await a.evaluate(() => window.e2e.logRuns('vc', { experiment: 'vc', runs: 2, points: 5000, key: 'm', prefix: 'before' }));
    // A newer schema that still admits version 4 (it only adds a store): A keeps working.
    const upgraded = await b.evaluate(() => window.e2e.upgradeRaw('vc', 5, 'extra'));
    expect(upgraded).toEqual({ version: 5, blocked: false });
    await a.evaluate(() => window.e2e.logRuns('vc', { experiment: 'vc', runs: 2, points: 5000, key: 'm', prefix: 'after' }));
    const census = await a.evaluate(() => window.e2e.census('vc', 'vc'));
    expect(census.map((r) => [r.runName, r.points])).toEqual([['after-0', 5000], ['after-1', 5000], ['before-0', 5000], ['before-1', 5000]]);
    // A newer schema that excludes version 4: A reports INVALID_STATE instead of hanging or corrupting.
    expect(await b.evaluate(() => window.e2e.upgradeRaw('vc', 6, 'extra2', 6))).toEqual({ version: 6, blocked: false });
    const failure = await a.evaluate(async () => {
      try {
        await window.e2e.census('vc', 'vc');
        return 'no error';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    });
    expect(failure).toBe('INVALID_STATE');
    expect(await b.evaluate(() => window.e2e.inspectRaw('vc'))).toEqual({
      version: 6,
      stores: ['artifacts', 'chunks', 'experiments', 'extra', 'extra2', 'loggedModels', 'meta', 'registeredModels', 'runs'],
    });
    await context.close();
  });
});
