/**
 * {@link MemoryMirrorJournal}: the {@link MirrorJournal} contract in memory — atomic, ordered,
 * but not durable (it is gone with the process). For tests, and for Node without a file journal.
 * @module
 */
import type { JournalCommit, JournalValue, MirrorJournal } from './contract.js';
import { checkJournalCommit, checkJournalKey, checkJournalPrefix, journalClosed, sortJournalEntries } from './journal-rules.js';

/** A {@link MirrorJournal} in memory: commits apply at once and in order; nothing survives the process. */
export class MemoryMirrorJournal implements MirrorJournal {
  readonly #entries = new Map<string, JournalValue>();
  #closed = false;

  /** Every entry whose key starts with `prefix` (all when omitted), sorted by key (copies). */
  async entries(prefix?: string): Promise<Array<[string, JournalValue]>> {
    this.#assertOpen();
    const start = checkJournalPrefix(prefix);
    const found = [...this.#entries].filter(([key]) => key.startsWith(start)).map(([key, value]): [string, JournalValue] => [key, structuredClone(value)]);
    return sortJournalEntries(found);
  }

  /** One entry (a copy), or undefined. */
  async get(key: string): Promise<JournalValue | undefined> {
    this.#assertOpen();
    const value = this.#entries.get(checkJournalKey(key));
    return value === undefined ? undefined : structuredClone(value);
  }

  /**
   * Applies deletes, then puts, together.
   * @throws `INVALID_PARAMETER_VALUE` for an empty key or a value that is not JSON (and nothing is applied)
   */
  async commit(change: JournalCommit): Promise<void> {
    this.#assertOpen();
    const { deletes, puts } = checkJournalCommit(change);
    for (const key of deletes) this.#entries.delete(key);
    for (const [key, value] of puts) this.#entries.set(key, structuredClone(value));
  }

  /** Marks the journal closed: later calls fail with `INVALID_STATE`. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw journalClosed('in memory');
  }
}
