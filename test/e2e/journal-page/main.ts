/** The mirror journal e2e page: the IndexedDB journal and the Web Lock, driven through `window.journalE2e`. */
import type { MirrorJournal } from '../../../src/storage/mirror/contract.js';
import { idbMirrorJournal } from '../../../src/storage/mirror/idb-journal.js';
import { webLocksMirrorLock } from '../../../src/storage/mirror/web-lock.js';
import type { JournalE2eApi } from './api.js';

const journals = new Map<string, MirrorJournal>();
const held = new Set<string>();

function journal(db: string): MirrorJournal {
  let found = journals.get(db);
  if (found === undefined) journals.set(db, (found = idbMirrorJournal(db)));
  return found;
}

const api: JournalE2eApi = {
  async commit(db, { from, count, bytes, wait }) {
    const commits: Array<Promise<void>> = [];
    for (let n = from; n < from + count; n++) {
      const text = String(n % 10).repeat(bytes);
      commits.push(journal(db).commit({ put: [['seq', n], [`item/${String(n).padStart(6, '0')}`, { n, a: text, b: text }]] }));
    }
    if (wait) await Promise.all(commits);
    else for (const commit of commits) commit.catch(() => undefined);
  },

  entries: (db) => journal(db).entries(),

  acquire(name) {
    void webLocksMirrorLock()!
      .acquire(name, new AbortController().signal)
      .then(() => held.add(name));
  },

  holds: (name) => held.has(name),

  async lockCensus(name) {
    const state = await navigator.locks.query();
    const count = (list: LockInfo[] | undefined): number => (list ?? []).filter((lock) => lock.name === name).length;
    return { held: count(state.held), pending: count(state.pending) };
  },
};

window.journalE2e = api;
