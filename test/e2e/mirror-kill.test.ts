/**
 * The live mirror in Node, killed mid-push: a child process (`mirror-kill-child.ts`) logs to a file
 * store with `fileMirrorJournal` and mirrors to the loopback MLflow server started here; it is
 * SIGKILLed over several rounds as the k-th metric batch of the round (k random) reaches the server:
 * while the server holds it (and applies it after the process is gone), right after its answer was
 * lost, or as it is answered — then restarted to finish. The server ends with exactly the local
 * data, each point applied once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/node/file-store.js';
import { startMlflowRestServer, type Fault, type MlflowRestServer, type RecordedRequest } from '../support/mlflow-rest-server.js';
import { expectServerHolds } from '../support/mirror-server-check.js';
import { storeDigest } from '../support/store-digest.js';
import { tempFolders } from '../support/temp-folders.js';

const CHILD = join(import.meta.dirname, 'mirror-kill-child.ts');
const KEYS = 4;
const ROUNDS = 6;
const STEPS_PER_ROUND = 150;
const FINAL_STEPS = ROUNDS * STEPS_PER_ROUND + 50;

let server: MlflowRestServer;
const tempFolder = tempFolders('edgeflow-mirror-kill-');

beforeAll(async () => {
  server = await startMlflowRestServer();
});

afterAll(async () => {
  await server?.close();
});

interface Child {
  readonly process: ChildProcess;
  /** Everything the child printed. */
  output(): string;
  /** Resolves with the exit code (null when killed). */
  readonly exited: Promise<number | null>;
}

function startChild(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

/** Resolves once `check()` holds, looking every 2 ms (a kill must land close to what it waits for). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A seeded pseudo-random generator (the rounds differ, a failure reproduces). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('mirrorTo from a Node file store', () => {
  it(`is SIGKILLed mid-push ${ROUNDS} times, restarted to finish: the server ends with exactly the local data`, async () => {
    const dir = await tempFolder();
    const mlruns = join(dir, 'mlruns');
    const journal = join(dir, 'mirror-journal');
    const tenant = server.tenant();
    const next = random(18);
    const logBatch = /log-batch$/u;
    /** Per round (k = the metric batch of the round the kill waits for): held by the server and applied after the kill; applied with the answer lost; answered. */
    const faults: ReadonlyArray<(k: number) => Fault[]> = [
      (k) => [{ kind: 'delay', delayMs: 300, match: logBatch, skip: k - 1 }],
      (k) => [{ kind: 'drop-after', match: logBatch, skip: k - 1 }],
      () => [{ kind: 'status', status: 503, retryAfter: '1', match: /runs\/(set-tag|update)$/u }],
    ];
    let killsMidRequest = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const k = 1 + Math.floor(next() * 4);
      for (const fault of faults[round % faults.length]!(k)) server.fault(fault);
      const requestsBefore = server.requests.length;
      const ofRound = (): RecordedRequest[] => server.requests.slice(requestsBefore);
      const child = startChild([mlruns, journal, tenant.url, 'log', String((round + 1) * STEPS_PER_ROUND), String(KEYS)]);
      // Kill as the k-th metric batch of the round reaches the server, or a moment later.
      await until(() => ofRound().filter((r) => logBatch.test(r.path)).length >= k || child.process.exitCode !== null);
      if (next() < 0.5) await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 40)));
      if (ofRound().some((r) => r.status === undefined)) killsMidRequest++;
      child.process.kill('SIGKILL');
      expect(await child.exited, child.output()).toBeNull();
      server.clearFaults();
    }

    const last = startChild([mlruns, journal, tenant.url, 'finish', String(FINAL_STEPS), String(KEYS)]);
    expect(await last.exited, last.output()).toBe(0);
    expect(last.output()).toContain('done');

    const store = await FileStore.open(mlruns);
    try {
      const local = await storeDigest(store);
      expect(local.runs.map((r) => [r.runName, r.status, Object.values(r.metrics).map((h) => h.length)])).toEqual(
        expect.arrayContaining([
          ['kill-a', 'FINISHED', Array(KEYS).fill(FINAL_STEPS)],
          ['kill-b', 'FINISHED', Array(KEYS).fill(FINAL_STEPS)],
        ]),
      );
      expect(local.runs).toHaveLength(2);
      // One version per start of the child (a kill may land before one is registered locally).
      expect(local.models.map((m) => m.name)).toEqual(['kill-model']);
      expect(local.models[0]!.versions.length).toBeGreaterThanOrEqual(2);
      await expectServerHolds(server, tenant, local);
    } finally {
      await store.close();
    }
    // The rounds whose batch the server held were killed with it on its way.
    console.info(`mirror-kill: ${killsMidRequest} of ${ROUNDS} kills while a request was in flight`);
    expect(killsMidRequest).toBeGreaterThanOrEqual(ROUNDS / faults.length);
  });
});
