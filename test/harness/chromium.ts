/**
 * The one place that knows how to start Chromium for tests and benchmarks: Debian's
 * `/usr/bin/chromium` when present, else a browser Playwright installed, with the flags this
 * workplace needs (no sandbox as root, no GPU, no background networking).
 */
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from 'playwright';

/** Flags every Chromium we start gets. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Path of the Chromium executable to drive; throws a clear message when there is none. */
export function findChromium(): string {
  const fromEnv = process.env['EDGEFLOW_CHROMIUM'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const candidate of CANDIDATES) if (existsSync(candidate)) return candidate;
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && existsSync(bundled)) return bundled;
  throw new Error(
    'No Chromium found for the browser tests. Install Debian\'s package (apt-get install chromium), ' +
      'set EDGEFLOW_CHROMIUM to a Chromium executable, or install a Playwright browser (npx playwright install chromium).',
  );
}

/** Playwright launch options for headless Chromium. */
export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: findChromium(), args: [...CHROMIUM_ARGS], headless: true };
}
