/**
 * The IndexedDB mirror journal in real Chromium: the journal contract, strict durability of each
 * commit, and stepping aside for another connection's version change or deletion.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { idbMirrorJournal } from '../../src/storage/mirror/idb-journal.js';
import { describeJournalContract } from '../conformance/journal-suite.js';
import { expectCode } from '../conformance/expect-error.js';

const names: string[] = [];
let counter = 0;
function freshName(): string {
  const name = `edgeflow-journal-test-${Date.now().toString(36)}-${counter++}`;
  names.push(name);
  return name;
}
afterAll(async () => {
  for (const name of names) await deleteDB(name).catch(() => undefined);
});

let place = '';
describeJournalContract('IndexedDB journal', {
  fresh: async () => idbMirrorJournal((place = freshName())),
  open: async () => idbMirrorJournal(place),
});

describe('idbMirrorJournal', () => {
  it('commits each change in one readwrite transaction with strict durability', async () => {
    const journal = idbMirrorJournal(freshName());
    const seen: Array<{ mode: string | undefined; durability: string | undefined; stores: string[] }> = [];
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
      seen.push({ mode, durability: options?.durability, stores: [stores].flat() });
      return original.call(this, stores, mode, options);
    };
    try {
      await journal.commit({ put: [['a', 1], ['b', 2], ['c', 3]], delete: ['x', 'y'] });
      await journal.commit({ put: [['d', 4]] });
      await journal.entries();
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    const writes = seen.filter((s) => s.mode === 'readwrite');
    expect(writes).toEqual([
      { mode: 'readwrite', durability: 'strict', stores: ['entries'] },
      { mode: 'readwrite', durability: 'strict', stores: ['entries'] },
    ]);
    await journal.close();
  });

  it('steps aside when another tab deletes or upgrades its database, then reopens or says why it cannot', async () => {
    const name = freshName();
    const journal = idbMirrorJournal(name);
    await journal.commit({ put: [['a', 1]] });
    // A deletion is not blocked by the open journal; the journal's next commit recreates the database.
    await deleteDB(name, { blocked: () => expect.fail('the journal blocked the deletion') });
    expect(await journal.get('a')).toBeUndefined();
    await journal.commit({ put: [['b', 2]] });
    expect(await journal.entries()).toEqual([['b', 2]]);
    // An upgrade by a newer page is not blocked either; this journal then refuses the newer schema.
    let blocked = false;
    const newer = await openDB(name, 2, { blocked: () => (blocked = true) });
    expect(blocked).toBe(false);
    newer.close();
    await expectCode(journal.get('b'), 'INVALID_STATE');
    await journal.close();
  });

  it('validates its name, and refuses use after close', async () => {
    expect(() => idbMirrorJournal('')).toThrow(/non-empty string/u);
    const journal = idbMirrorJournal(freshName());
    await journal.commit({ put: [['a', 1]] });
    await journal.close();
    await expectCode(journal.get('a'), 'INVALID_STATE');
    await expectCode(journal.commit({ put: [['a', 2]] }), 'INVALID_STATE');
  });
});
