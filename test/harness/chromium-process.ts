/**
 * A Chromium we start ourselves (not through Playwright's launcher), so a test can kill its whole
 * process group with SIGKILL and relaunch it on the same profile: the closest a test gets to a
 * crash or a power cut of the browser. Playwright attaches over CDP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright';
import { CHROMIUM_ARGS, findChromium } from './chromium.js';

/** A running Chromium with Playwright attached. */
export interface ChromiumProcess {
  readonly browser: Browser;
  readonly process: ChildProcess;
  /** SIGKILLs the browser's whole process group (browser, renderers, GPU/utility processes) and waits for the exit. */
  kill(): Promise<void>;
}

/** Starts Chromium on `userDataDir` with a DevTools port chosen by the OS and attaches Playwright. */
export async function launchChromiumProcess(userDataDir: string): Promise<ChromiumProcess> {
  const child = spawn(
    findChromium(),
    [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', 'about:blank'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wsEndpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not report a DevTools endpoint:\n${output}`)), 30_000);
    child.stderr!.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/u.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with ${code}:\n${output}`));
    });
  });
  child.stderr!.resume();
  const browser = await chromium.connectOverCDP(wsEndpoint);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    browser,
    process: child,
    async kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}
