/**
 * The live mirror's journal in the browser: one IndexedDB database with one object store of
 * entries. Each commit is one readwrite transaction with `durability: 'strict'`, so it is on disk
 * (not only in the OS cache) when it resolves and survives a crashed tab or browser.
 * @module
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import { mapIdbError } from '../idb/errors.js';
import type { JournalCommit, JournalValue, MirrorJournal } from './contract.js';
import { checkJournalCommit, checkJournalKey, checkJournalPrefix, journalClosed, sortJournalEntries } from './journal-rules.js';

const ENTRIES = 'entries';

interface JournalDB extends DBSchema {
  [ENTRIES]: { key: string; value: JournalValue };
}

/**
 * A {@link MirrorJournal} in the IndexedDB database `name` of this origin, opened on first use.
 * Tabs of one origin that open the same name share it.
 *
 * @example
 * ```ts
 * const mirror = mirrorTo(store, remote, { journal: idbMirrorJournal('edgeflow-mirror:team') });
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for an empty name; operations reject with `NOT_IMPLEMENTED`
 *   where IndexedDB is missing
 */
export function idbMirrorJournal(name: string): MirrorJournal {
  if (typeof name !== 'string' || name.length === 0) {
    throw EdgeflowError.invalidParameterValue(`Invalid journal database name ${describeValue(name)}: it must be a non-empty string.`, {
      details: { field: 'name' },
    });
  }
  return new IdbMirrorJournal(name);
}

/** The key range of the keys that start with `prefix` (undefined: every key). */
function prefixRange(prefix: string): IDBKeyRange | undefined {
  if (prefix === '') return undefined;
  // IndexedDB orders strings by code unit: the keys starting with `prefix` lie between it and the
  // first string after all of them, `prefix` without its trailing U+FFFFs and its last unit + 1.
  const stem = prefix.replace(/\uFFFF+$/u, '');
  if (stem === '') return IDBKeyRange.lowerBound(prefix);
  const after = stem.slice(0, -1) + String.fromCharCode(stem.charCodeAt(stem.length - 1) + 1);
  return IDBKeyRange.bound(prefix, after, false, true);
}

class IdbMirrorJournal implements MirrorJournal {
  #db: IDBPDatabase<JournalDB> | undefined;
  #opening: Promise<IDBPDatabase<JournalDB>> | undefined;
  /** The last commit's transaction: the next one starts after it settles, so commits apply in call order. */
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(readonly name: string) {}

  async entries(prefix?: string): Promise<Array<[string, JournalValue]>> {
    const checked = checkJournalPrefix(prefix);
    const db = await this.#open();
    try {
      const tx = db.transaction(ENTRIES, 'readonly');
      const range = prefixRange(checked);
      const [keys, values] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range)]);
      const entries = keys.map((key, i): [string, JournalValue] => [key, values[i]!]);
      return sortJournalEntries(entries.filter(([key]) => key.startsWith(checked)));
    } catch (error) {
      throw mapIdbError(error, `read the mirror journal "${this.name}"`);
    }
  }

  async get(key: string): Promise<JournalValue | undefined> {
    const checked = checkJournalKey(key);
    const db = await this.#open();
    try {
      return await db.get(ENTRIES, checked);
    } catch (error) {
      throw mapIdbError(error, `read the mirror journal "${this.name}"`);
    }
  }

  commit(change: JournalCommit): Promise<void> {
    let checked: ReturnType<typeof checkJournalCommit>;
    try {
      checked = checkJournalCommit(change);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // Values are cloned by `put` when the transaction runs: copy them now, so later changes of the
    // caller's objects do not reach the journal.
    const puts = [...checked.puts].map(([key, value]) => [key, structuredClone(value)] as const);
    const run = this.#tail.then(async () => {
      const db = await this.#open();
      try {
        const tx = db.transaction(ENTRIES, 'readwrite', { durability: 'strict' });
        for (const key of checked.deletes) void tx.store.delete(key);
        for (const [key, value] of puts) void tx.store.put(value, key);
        await tx.done;
      } catch (error) {
        throw mapIdbError(error, `commit to the mirror journal "${this.name}"`);
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    this.#db?.close();
    this.#db = undefined;
  }

  /** The open database, opening it (again, after another connection asked us to step aside) when needed. */
  async #open(): Promise<IDBPDatabase<JournalDB>> {
    if (this.#closed) throw journalClosed(`"${this.name}"`);
    if (this.#db !== undefined) return this.#db;
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #connect(): Promise<IDBPDatabase<JournalDB>> {
    if (typeof indexedDB === 'undefined') throw new EdgeflowError('NOT_IMPLEMENTED', `IndexedDB is missing here: the mirror journal "${this.name}" needs it.`);
    let db: IDBPDatabase<JournalDB>;
    try {
      db = await openDB<JournalDB>(this.name, 1, {
        upgrade: (database) => {
          database.createObjectStore(ENTRIES);
        },
        // Another tab wants to upgrade or delete the database: close at once (running transactions
        // finish first); the next operation reopens.
        blocking: () => this.#drop(db),
        terminated: () => this.#drop(db),
      });
    } catch (error) {
      throw mapIdbError(error, `open the mirror journal "${this.name}"`);
    }
    if (this.#closed) {
      db.close();
      throw journalClosed(`"${this.name}"`);
    }
    this.#db = db;
    return db;
  }

  #drop(db: IDBPDatabase<JournalDB>): void {
    if (this.#db === db) this.#db = undefined;
    db.close();
  }
}
