/**
 * Node side of the mirror page: builds and serves it, starts the loopback MLflow server (CORS for
 * the page's origin) and a Chromium, all for the calling test file, and loads the page with its
 * mirror started.
 */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../../harness/chromium.js';
import { buildAndServe, type ServedPage } from '../../harness/page-server.js';
import { startMlflowRestServer, type MlflowRestServer, type Tenant } from '../../support/mlflow-rest-server.js';
import './api.js';

/** What a test file gets: valid inside its tests (set up by `beforeAll`). */
export interface MirrorPageHarness {
  readonly server: MlflowRestServer;
  readonly browser: Browser;
  /** Loads the page in `page` (again) and starts its mirror of the IndexedDB store `db` to `tenant` as mirror `id`. */
  start(page: Page, options: { db: string; tenant: Tenant; id: string }): Promise<void>;
}

/** Registers the set-up and tear-down of the page, the server and the browser; call it at the top of a test file. */
export function useMirrorPage(): MirrorPageHarness {
  let served: ServedPage | undefined;
  let server: MlflowRestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [served, server, browser] = await Promise.all([buildAndServe('test/e2e/mirror-page'), startMlflowRestServer({ cors: { origins: '*' } }), chromium.launch(chromiumLaunchOptions())]);
  });
  afterAll(async () => {
    await Promise.all([served?.close(), server?.close(), browser?.close()]);
  });
  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
    async start(page, { db, tenant, id }) {
      await page.goto(served!.url);
      await page.waitForFunction(() => window.mirrorPage !== undefined);
      await page.evaluate((o) => window.mirrorPage.start(o), { db, baseUrl: tenant.url, id });
    },
  };
}
