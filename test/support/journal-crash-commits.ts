/**
 * The commits of the file journal crash test, the same in the writer process and in the test:
 * commit `i` sets `seq` to `i`, rewrites one of 13 keys and deletes another, so the entries after
 * any prefix of the commits are known exactly.
 */
import type { JournalCommit, JournalValue } from '../../src/storage/mirror/contract.js';

/** Commit number `i`. */
export function crashCommit(i: number): JournalCommit {
  return {
    put: [
      ['seq', i],
      [`k/${i % 13}`, { i, pad: 'z'.repeat((i * 37) % 3000), list: [i, i + 1, { half: i / 2 }] }],
    ],
    delete: [`k/${(i + 5) % 13}`],
  };
}

/** The entries after commits 0..count-1, sorted by key. */
export function entriesAfter(count: number): Array<[string, JournalValue]> {
  const state = new Map<string, JournalValue>();
  for (let i = 0; i < count; i++) {
    const commit = crashCommit(i);
    for (const key of commit.delete ?? []) state.delete(key);
    for (const [key, value] of commit.put ?? []) state.set(key, value);
  }
  return [...state].sort(([a], [b]) => (a < b ? -1 : 1));
}
