/**
 * Two tabs of one origin mirror the same IndexedDB store with the same mirror id: one sends
 * (`online`), the other waits (`standby`, Web Locks); each point reaches the server once; when the
 * sending tab closes, the other takes over and finishes.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import type { Tenant } from '../support/mlflow-rest-server.js';
import { appliedPoints, expectServerHolds } from '../support/mirror-server-check.js';
import { useMirrorPage } from './mirror-page/harness.js';

const KEYS = 5;
const FLUSH_MS = 60_000;

const harness = useMirrorPage();

async function openTab(context: BrowserContext, tenant: Tenant): Promise<Page> {
  const page = await context.newPage();
  await harness.start(page, { db: 'tabs', tenant, id: 'shared' });
  return page;
}

describe('two tabs of one origin', () => {
  it('share one mirror: one online, one standby, every point sent once; the standby takes over when the leader closes', async () => {
    const { server, browser } = harness;
    const tenant = server.tenant();
    const context = await browser.newContext();
    const first = await openTab(context, tenant);
    expect((await first.evaluate(() => window.mirrorPage.waitFor(['online']))).state).toBe('online');
    const second = await openTab(context, tenant);
    expect((await second.evaluate(() => window.mirrorPage.waitFor(['standby']))).state).toBe('standby');

    // Both tabs log runs of their own into the shared store; only the first one sends.
    const [runA, runB] = await Promise.all([first.evaluate(() => window.mirrorPage.run('tabs', 'from-first')), second.evaluate(() => window.mirrorPage.run('tabs', 'from-second'))]);
    await Promise.all([first.evaluate((id) => window.mirrorPage.log(id, 0, 200, 5), runA), second.evaluate((id) => window.mirrorPage.log(id, 0, 200, 5), runB)]);
    await first.evaluate((ms) => window.mirrorPage.flush(ms), FLUSH_MS);
    expect(appliedPoints(server, tenant)).toBe(2 * 200 * KEYS);
    expect(await second.evaluate(() => window.mirrorPage.states())).not.toContain('online');

    // The server goes quiet, more is logged, and the leader closes with items pending.
    server.fault({ kind: 'status', status: 503, retryAfter: '1', times: Infinity });
    await Promise.all([first.evaluate((id) => window.mirrorPage.log(id, 200, 300, 5), runA), second.evaluate((id) => window.mirrorPage.log(id, 200, 300, 5), runB)]);
    await first.evaluate(() => window.mirrorPage.waitFor(['offline']));
    await first.close({ runBeforeUnload: false });
    const takenOver = await second.evaluate(() => window.mirrorPage.waitFor(['online', 'offline']));
    expect(['online', 'offline']).toContain(takenOver.state);
    server.clearFaults();
    await second.evaluate((id) => window.mirrorPage.annotate(id, 'last'), runB);
    await second.evaluate((id) => window.mirrorPage.end(id), runB);
    await second.evaluate((id) => window.mirrorPage.end(id), runA);
    await second.evaluate((ms) => window.mirrorPage.flush(ms), FLUSH_MS);
    expect(await second.evaluate(() => window.mirrorPage.status())).toMatchObject({ state: 'online', pending: 0 });

    const local = await second.evaluate(() => window.mirrorPage.digest());
    expect(local.points).toBe(2 * 300 * KEYS);
    await expectServerHolds(server, tenant, local);
    await context.close();
  });
});
