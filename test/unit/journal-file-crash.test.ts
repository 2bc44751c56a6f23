/**
 * The file journal under a real crash: a child process commits in a loop and is killed with
 * SIGKILL at a random moment (a random number of acknowledged commits); reopening must give
 * exactly the entries after the commits it reported resolved, or after one more (the commit in
 * flight), never a part of a commit. Four rounds on one folder: each resumes after the last.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fileMirrorJournal } from '../../src/node/file-mirror-journal.js';
import { entriesAfter } from '../support/journal-crash-commits.js';

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the writer until it has reported `acks` more commits, SIGKILLs it, returns the last commit it reported. */
async function writeUntilKilled(folder: string, acks: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/journal-crash-writer.ts', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  let seen = 0;
  child.stderr.on('data', (data: Buffer) => (errors += data.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
    seen += data.toString().split('\n').length - 1;
    if (seen >= acks) child.kill('SIGKILL');
  });
  const signal = await exited;
  expect(signal, `the writer died on its own:\n${errors}`).toBe('SIGKILL');
  const reported = output.split('\n').filter((line) => /^\d+$/u.test(line));
  return Number(reported.at(-1));
}

it('a SIGKILLed writer leaves exactly the commits it reported (plus at most the one in flight), over four crashes', async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeflow-journal-crash-'));
  let previous = -1;
  for (let round = 0; round < 4; round++) {
    const acks = 50 + Math.floor(Math.random() * 400);
    const reported = await writeUntilKilled(dir, acks);
    expect(reported).toBeGreaterThanOrEqual(previous + acks);
    // The dead writer's lock is still there: opening takes it over.
    const journal = fileMirrorJournal(dir);
    const seq = (await journal.get('seq')) as number;
    expect([reported, reported + 1], `round ${round}: reported ${reported}, found ${seq}`).toContain(seq);
    expect(await journal.entries()).toEqual(entriesAfter(seq + 1));
    await journal.close();
    previous = seq;
  }
}, 120_000);
