/**
 * The Node file journal (`fileMirrorJournal`): the journal contract, its files (log, snapshot,
 * lock), a torn last line, compaction, and one process at a time.
 */
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileMirrorJournal } from '../../src/node/file-mirror-journal.js';
import { describeJournalContract } from '../conformance/journal-suite.js';
import { expectCode } from '../conformance/expect-error.js';

const folders: string[] = [];
async function newFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-journal-'));
  folders.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

let place = '';
describeJournalContract('file journal', {
  fresh: async () => fileMirrorJournal((place = await newFolder())),
  open: async () => fileMirrorJournal(place),
});

// The contract again with a tiny threshold: nearly every commit rewrites the snapshot.
let small = '';
describeJournalContract('file journal compacting after every few commits', {
  fresh: async () => fileMirrorJournal((small = await newFolder()), { compactAtBytes: 200 }),
  open: async () => fileMirrorJournal(small, { compactAtBytes: 200 }),
});

describe('fileMirrorJournal files', () => {
  it('writes one fsynced log line per commit and holds a lock with its pid until the last journal over the folder closes', async () => {
    const dir = await newFolder();
    const a = fileMirrorJournal(dir);
    await a.commit({ put: [['k', 1]] });
    await a.commit({ put: [['k', 2], ['j', 'x']], delete: ['old'] });
    expect((await readFile(join(dir, 'log.jsonl'), 'utf8')).split('\n')).toEqual([
      '{"delete":[],"put":[["k",1]]}',
      '{"delete":["old"],"put":[["k",2],["j","x"]]}',
      '',
    ]);
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    const b = fileMirrorJournal(dir);
    expect(await b.get('k')).toBe(2);
    await a.close();
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    await b.commit({ put: [['after', true]] });
    await b.close();
    await expect(stat(join(dir, 'lock'))).rejects.toThrow();
    await expectCode(a.get('k'), 'INVALID_STATE');
  });

  it('ignores and cuts a torn last line (a write cut short), then keeps logging after it', async () => {
    const dir = await newFolder();
    const journal = fileMirrorJournal(dir);
    await journal.commit({ put: [['a', 1]] });
    await journal.commit({ put: [['b', 2]] });
    await journal.close();
    await appendFile(join(dir, 'log.jsonl'), '{"delete":[],"put":[["c",{"half":');
    const again = fileMirrorJournal(dir);
    expect(await again.entries()).toEqual([['a', 1], ['b', 2]]);
    await again.commit({ put: [['d', 4]] });
    await again.close();
    const third = fileMirrorJournal(dir);
    expect(await third.entries()).toEqual([['a', 1], ['b', 2], ['d', 4]]);
    await third.close();
  });

  it('refuses a damaged line in the middle of the log with INTERNAL_ERROR instead of dropping commits', async () => {
    const dir = await newFolder();
    await writeFile(join(dir, 'log.jsonl'), '{"delete":[],"put":[["a",1]]}\n{"delete":[],"pu\n{"delete":[],"put":[["b",2]]}\n');
    const journal = fileMirrorJournal(dir);
    const error = await expectCode(journal.entries(), 'INTERNAL_ERROR');
    expect(error.message).toMatch(/log\.jsonl line 2/u);
    await journal.close();
    // The failed open left no lock behind.
    await expect(stat(join(dir, 'lock'))).rejects.toThrow();
  });

  it('compacts into a snapshot past the threshold; replaying a log the snapshot already holds changes nothing', async () => {
    const dir = await newFolder();
    const big = fileMirrorJournal(dir);
    const expected = new Map<string, unknown>();
    for (let i = 0; i < 40; i++) {
      const change = { put: [[`k/${i % 7}`, { i, text: 'y'.repeat(i) }]] as Array<[string, { i: number; text: string }]>, delete: [`k/${(i + 3) % 7}`] };
      await big.commit(change);
      expected.delete(`k/${(i + 3) % 7}`);
      expected.set(`k/${i % 7}`, change.put[0]![1]);
    }
    await big.close();
    const oldLog = await readFile(join(dir, 'log.jsonl'));
    expect(oldLog.toString('utf8').split('\n')).toHaveLength(41);

    const small = fileMirrorJournal(dir, { compactAtBytes: 1000 });
    await small.commit({ put: [['last', 1]] });
    expected.set('last', 1);
    await small.close();
    expect((await stat(join(dir, 'log.jsonl'))).size).toBe(0);
    const snapshot = JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8')) as { entries: unknown[] };
    expect(snapshot.entries).toHaveLength(expected.size);
    const sorted = [...expected].sort(([a], [b]) => (a < b ? -1 : 1));
    const reopened = fileMirrorJournal(dir);
    expect(await reopened.entries()).toEqual(sorted);
    await reopened.close();

    // A crash after the snapshot's rename but before the log was emptied: the old log replays over it.
    await writeFile(join(dir, 'log.jsonl'), Buffer.concat([oldLog, Buffer.from('{"delete":[],"put":[["last",1]]}\n')]));
    const replayed = fileMirrorJournal(dir);
    expect(await replayed.entries()).toEqual(sorted);
    await replayed.close();
  });

  it('waits with the next compaction until the log outgrows the snapshot too', async () => {
    const dir = await newFolder();
    const journal = fileMirrorJournal(dir, { compactAtBytes: 100 });
    await journal.commit({ put: [['big', 'b'.repeat(5000)]] });
    const snapshotBytes = (await stat(join(dir, 'snapshot.json'))).size;
    expect(snapshotBytes).toBeGreaterThan(5000);
    let logged = 0;
    for (let i = 0; logged + 60 <= snapshotBytes; i++) {
      await journal.commit({ put: [['small', i]] });
      logged = (await stat(join(dir, 'log.jsonl'))).size;
      expect(logged, 'compacted while the log was smaller than the snapshot').toBeGreaterThan(0);
    }
    for (let i = 0; i < 200 && logged > 0; i++) {
      await journal.commit({ put: [['small', -i]] });
      logged = (await stat(join(dir, 'log.jsonl'))).size;
    }
    expect(logged).toBe(0);
    await journal.close();
  });

  it('refuses a folder whose lock a live process holds, and takes over the lock of a dead one', async () => {
    const dir = await newFolder();
    await writeFile(join(dir, 'lock'), String(process.ppid));
    const blocked = fileMirrorJournal(dir);
    const error = await expectCode(blocked.commit({ put: [['a', 1]] }), 'INVALID_STATE');
    expect(error.message).toContain(`process ${process.ppid}`);
    await blocked.close();
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(String(process.ppid));

    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(join(dir, 'lock'), String(dead));
    const journal = fileMirrorJournal(dir);
    await journal.commit({ put: [['a', 1]] });
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    await journal.close();
  });

  it('validates its arguments', () => {
    expect(() => fileMirrorJournal('')).toThrow(/non-empty path/u);
    expect(() => fileMirrorJournal('x', { compactAtBytes: 0 })).toThrow(/compactAtBytes/u);
  });
});
