import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from './test/harness/chromium.js';

/**
 * Three projects: `unit` runs in Node; `browser` runs the same kind of tests in real headless
 * Chromium (Debian's /usr/bin/chromium or a Playwright-installed one), served from 127.0.0.1;
 * `e2e` runs in Node and drives Chromium processes it starts itself (test/e2e).
 */
export default defineConfig({
  server: { host: '127.0.0.1' },
  test: {
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // The loopback MLflow server (CORS on) for RestStore from a page: inject('mlflowRestUrl').
          globalSetup: ['./test/harness/rest-server-setup.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            api: { host: '127.0.0.1' },
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
      {
        extends: true,
        test: {
          // Node drives real Chromium processes (crash, multi-page, quota, version change).
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
