/**
 * The live mirror from a Chromium page with the IndexedDB store (a production Vite build of
 * test/e2e/mirror-page served from 127.0.0.1) to the loopback MLflow server on another origin: the
 * network drops mid-run, the page reloads mid-run (and mid-request), the reloaded page starts the
 * mirror again and finishes (runs, and a registered model whose versions are made on both sides of
 * the drop); the page reloads while the server holds a batch it applies after the page is gone.
 * The server ends with exactly the local data, nothing sent twice.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { RecordedRequest, Tenant } from '../support/mlflow-rest-server.js';
import { expectServerHolds } from '../support/mirror-server-check.js';
import { useMirrorPage } from './mirror-page/harness.js';

const KEYS = 10;
const FLUSH_MS = 60_000;

const harness = useMirrorPage();

/** Loads the page (again) and starts its mirror of `db` to `tenant`. */
function startPage(page: Page, db: string, tenant: Tenant): Promise<void> {
  return harness.start(page, { db, tenant, id: db });
}

describe('mirrorTo from IndexedDB in a page', () => {
  it('survives a network drop and a reload mid-run: the server ends with exactly the local data', async () => {
    const { server, browser } = harness;
    const tenant = server.tenant();
    const context = await browser.newContext();
    const page = await context.newPage();
    await startPage(page, 'drop-reload', tenant);
    const runA = await page.evaluate(() => window.mirrorPage.run('live', 'run-a'));
    await page.evaluate((id) => window.mirrorPage.log(id, 0, 100, 10), runA);
    await page.evaluate((id) => window.mirrorPage.annotate(id, 'warmup'), runA);
    await page.evaluate((id) => window.mirrorPage.register(id, 'live-model'), runA);
    await page.evaluate((ms) => window.mirrorPage.flush(ms), FLUSH_MS);
    expect(await page.evaluate(() => window.mirrorPage.status())).toMatchObject({ state: 'online', pending: 0 });
    expect((await tenant.store.searchRuns({ experimentIds: [(await tenant.store.getExperimentByName('live'))!.experimentId] })).items).toHaveLength(1);

    // A batch the server applies but whose answer never arrives; then the network is gone.
    server.fault({ kind: 'drop-after', match: /log-batch$/u, times: 1 });
    await page.evaluate((id) => window.mirrorPage.log(id, 100, 150, 10), runA);
    server.fault({ kind: 'drop', times: Infinity });
    await page.evaluate((id) => window.mirrorPage.log(id, 150, 250, 10), runA);
    await page.evaluate((id) => window.mirrorPage.annotate(id, 'offline'), runA);
    const runB = await page.evaluate(() => window.mirrorPage.run('live', 'run-b'));
    await page.evaluate((id) => window.mirrorPage.log(id, 0, 60, 10), runB);
    expect(await page.evaluate((id) => window.mirrorPage.register(id, 'live-model'), runB)).toBe(2);
    const offline = await page.evaluate(() => window.mirrorPage.waitFor(['offline']));
    expect(offline.pending).toBeGreaterThan(0);
    expect(offline.retryAt).toBeDefined();
    expect(offline.lastError?.message).toBeTruthy();

    // The page reloads while offline; the outbox is in IndexedDB.
    await startPage(page, 'drop-reload', tenant);
    const again = await page.evaluate(() => window.mirrorPage.waitFor(['offline']));
    expect(again.pending).toBeGreaterThan(0);
    const runA2 = await page.evaluate(() => window.mirrorPage.run('live', 'run-a'));
    expect(runA2).toBe(runA);
    await page.evaluate((id) => window.mirrorPage.log(id, 250, 300, 10), runA);

    server.clearFaults();
    await page.evaluate((ms) => window.mirrorPage.flush(ms), FLUSH_MS);
    await page.evaluate((id) => window.mirrorPage.end(id), runA);
    await page.evaluate((id) => window.mirrorPage.end(id), runB);
    await page.evaluate((ms) => window.mirrorPage.flush(ms), FLUSH_MS);
    expect(await page.evaluate(() => window.mirrorPage.status())).toMatchObject({ state: 'online', pending: 0 });

    const local = await page.evaluate(() => window.mirrorPage.digest());
    const shape = Object.fromEntries(local.runs.map((r) => [r.runName, [r.status, Object.values(r.metrics).map((h) => h.length)]]));
    expect(shape).toEqual({ 'run-a': ['FINISHED', Array(KEYS).fill(300)], 'run-b': ['FINISHED', Array(KEYS).fill(60)] });
    expect(local.models.map((m) => [m.name, m.versions.map((v) => v.origin), m.aliases])).toEqual([['live-model', ['live-model/1', 'live-model/2'], { newest: 'live-model/2' }]]);
    await expectServerHolds(server, tenant, local);
    await context.close();
  });

  it('a reload while a batch is on its way sends each point once', async () => {
    const { server, browser } = harness;
    const tenant = server.tenant();
    const prefix = new URL(tenant.url).pathname;
    const held = (): RecordedRequest[] => server.requests.filter((r) => r.fault === 'delay' && r.tenant === prefix);
    const context = await browser.newContext();
    const page = await context.newPage();
    await startPage(page, 'in-flight', tenant);
    const runId = await page.evaluate(() => window.mirrorPage.run('flight', 'run-f'));
    for (let round = 0; round < 3; round++) {
      // The server holds the next metric batch; the page reloads meanwhile, so its answer never
      // arrives; the server applies it; then the reloaded page starts its mirror.
      server.fault({ kind: 'delay', delayMs: 500, match: /log-batch$/u });
      await page.evaluate(([id, from]) => window.mirrorPage.log(id, from, from + 100, 10), [runId, round * 100] as const);
      // The reloaded mirror first gives the previous round's batch its in-flight settle time (5 s).
      await expect.poll(() => held().length, { timeout: 20_000 }).toBe(round + 1);
      await page.goto('about:blank');
      await expect.poll(() => held()[round]!.status, { timeout: 10_000 }).toBe(200);
      await startPage(page, 'in-flight', tenant);
    }
    server.clearFaults();
    await page.evaluate((id) => window.mirrorPage.annotate(id, 'done'), runId);
    await page.evaluate((id) => window.mirrorPage.end(id), runId);
    await page.evaluate((ms) => window.mirrorPage.flush(ms), FLUSH_MS);
    const local = await page.evaluate(() => window.mirrorPage.digest());
    expect(local.points).toBe(300 * KEYS);
    await expectServerHolds(server, tenant, local);
    await context.close();
  });
});
