/**
 * The rules every {@link MirrorJournal} applies in one place: which keys and values a commit may
 * hold (checked before anything is written, so a bad commit changes nothing), what a commit means
 * (deletes first, then puts, the last put of a key winning) and the order `entries` returns.
 * @module
 */
import { z } from 'zod';
import { parseInput } from '../../core/schemas.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import { compareCodePoints } from '../../core/strings.js';
import type { JournalCommit, JournalValue } from './contract.js';

/** Deepest nesting of arrays and objects a journal value may have. */
export const MAX_JOURNAL_VALUE_DEPTH = 256;

/** A commit after {@link checkJournalCommit}: keys to delete, then the final value of each put key. */
export interface CheckedCommit {
  readonly deletes: readonly string[];
  /** Insertion order of first appearance; a key put twice holds its last value. */
  readonly puts: ReadonlyMap<string, JournalValue>;
}

function kindOf(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.prototype.toString.call(value).slice(8, -1);
}

/**
 * Why `value` is not a JSON value that reads back equal after a round trip through JSON, or
 * undefined. Refused: undefined, functions, symbols, bigints, NaN and ±Infinity, array holes,
 * objects other than plain ones (Date, Map, typed arrays, class instances), cycles, and nesting
 * deeper than {@link MAX_JOURNAL_VALUE_DEPTH}.
 */
export function journalValueProblem(value: unknown, at = '', ancestors: object[] = []): string | undefined {
  const where = at === '' ? '' : ` at ${at}`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${kindOf(value)}${where} is not a JSON number`;
    case 'object':
      break;
    default:
      return `${kindOf(value)}${where} is not a JSON value`;
  }
  if (value === null) return undefined;
  if (ancestors.includes(value)) return `the value refers to itself${where} (a cycle)`;
  if (ancestors.length >= MAX_JOURNAL_VALUE_DEPTH) return `the value is nested deeper than ${MAX_JOURNAL_VALUE_DEPTH} levels${where}`;
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return `the array${where} has a hole at index ${i}`;
        const problem = journalValueProblem(value[i], `${at}[${i}]`, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return `a ${kindOf(value)}${where} is not a plain JSON object`;
    for (const [key, item] of Object.entries(value)) {
      const problem = journalValueProblem(item, `${at}.${JSON.stringify(key)}`, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.pop();
  }
}

const keySchema = z.string({ error: 'a journal key must be a string' }).min(1, 'a journal key must not be empty');
const valueSchema = z.custom<JournalValue>().superRefine((value, context) => {
  const problem = journalValueProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: `${problem} (got ${describeValue(value)})` });
});
const commitSchema = z
  .object({
    put: z.array(z.tuple([keySchema, valueSchema])).optional(),
    delete: z.array(keySchema).optional(),
  })
  .strict();

/**
 * Checks a commit and resolves what it does.
 * @throws `INVALID_PARAMETER_VALUE` naming the offending entry (an empty key, a value that is not
 *   JSON), before anything is written
 */
export function checkJournalCommit(change: JournalCommit): CheckedCommit {
  const parsed = parseInput(commitSchema, change, 'journal commit');
  const puts = new Map<string, JournalValue>();
  for (const [key, value] of parsed.put ?? []) puts.set(key, value);
  return { deletes: parsed.delete ?? [], puts };
}

/**
 * Checks a key given to `get`.
 * @throws `INVALID_PARAMETER_VALUE` unless `key` is a non-empty string
 */
export function checkJournalKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw EdgeflowError.invalidParameterValue(`Invalid journal key ${describeValue(key)}: it must be a non-empty string.`, { details: { field: 'key' } });
  }
  return key;
}

/**
 * Checks a prefix given to `entries` (`''` when omitted).
 * @throws `INVALID_PARAMETER_VALUE` unless `prefix` is a string or undefined
 */
export function checkJournalPrefix(prefix: string | undefined): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string') {
    throw EdgeflowError.invalidParameterValue(`Invalid journal prefix ${describeValue(prefix)}: it must be a string.`, { details: { field: 'prefix' } });
  }
  return prefix;
}

/** Sorts entries by key in code point order (what `entries` returns), in place. */
export function sortJournalEntries<T>(entries: Array<[string, T]>): Array<[string, T]> {
  return entries.sort(([a], [b]) => compareCodePoints(a, b));
}

/** The journal's error once it was closed. */
export function journalClosed(what: string): EdgeflowError {
  return EdgeflowError.invalidState(`The mirror journal ${what} is closed.`);
}
