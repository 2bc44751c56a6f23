/**
 * {@link MemoryMirrorJournal}: the {@link MirrorJournal} contract in memory — atomic, ordered,
 * but not durable (it is gone with the process). For tests, and for Node without a file journal.
 * @module
 */
import { compareCodePoints } from '../../core/strings.js';
import { EdgeflowError } from '../../core/errors.js';
import type { JournalCommit, JournalValue, MirrorJournal } from './contract.js';

/** A {@link MirrorJournal} in memory: commits apply at once and in order; nothing survives the process. */
export class MemoryMirrorJournal implements MirrorJournal {
  readonly #entries = new Map<string, JournalValue>();
  #closed = false;

  /** Every entry whose key starts with `prefix` (all when omitted), sorted by key (copies). */
  async entries(prefix = ''): Promise<Array<[string, JournalValue]>> {
    this.#assertOpen();
    return [...this.#entries]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => compareCodePoints(a, b))
      .map(([key, value]) => [key, structuredClone(value)]);
  }

  /** One entry (a copy), or undefined. */
  async get(key: string): Promise<JournalValue | undefined> {
    this.#assertOpen();
    const value = this.#entries.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  /**
   * Applies deletes, then puts, together.
   * @throws `INVALID_PARAMETER_VALUE` for an empty key (and nothing is applied)
   */
  async commit(change: JournalCommit): Promise<void> {
    this.#assertOpen();
    const puts = (change.put ?? []).map(([key, value]) => [key, structuredClone(value)] as const);
    for (const key of [...(change.delete ?? []), ...puts.map(([key]) => key)]) {
      if (typeof key !== 'string' || key === '') throw EdgeflowError.invalidParameterValue('A journal key is a non-empty string.', { details: { field: 'key' } });
    }
    for (const key of change.delete ?? []) this.#entries.delete(key);
    for (const [key, value] of puts) this.#entries.set(key, value);
  }

  /** Marks the journal closed: later calls fail with `INVALID_STATE`. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw EdgeflowError.invalidState('The mirror journal is closed.');
  }
}
