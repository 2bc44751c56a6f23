/**
 * Decorate-sort-undecorate for searches: each sort key is read once per item into a column, then
 * indices are sorted with one composite comparator. Missing values sort last in both directions,
 * NaN just before them (MLflow's `_get_value_for_sort`).
 * @module
 */
import { compareStrings, hasHighUnits } from './compare.js';

/** Compares two item indices by one key: negative, 0 or positive. */
export type IndexComparator = (a: number, b: number) => number;

const VALUE = 0;
const NAN = 1;
const MISSING = 2;

/**
 * A numeric key column. `read(i)` returns the key of item `i`, or null when it is missing.
 * Values order ascending or descending; NaN comes after them and missing values last.
 */
export function numberColumn(count: number, read: (i: number) => number | null, ascending: boolean): IndexComparator {
  const values = new Float64Array(count);
  const classes = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const value = read(i);
    if (value === null) classes[i] = MISSING;
    else if (Number.isNaN(value)) classes[i] = NAN;
    else values[i] = value;
  }
  const direction = ascending ? 1 : -1;
  return (a, b) => {
    const ca = classes[a]!;
    const cb = classes[b]!;
    if (ca !== cb) return ca - cb;
    if (ca !== VALUE) return 0;
    const x = values[a]!;
    const y = values[b]!;
    return x < y ? -direction : x > y ? direction : 0;
  };
}

/**
 * A string key column compared by code point (Python `str` order). `read(i)` returns the key of
 * item `i`, or null when it is missing; missing values sort last. With `ranked`, a column with few
 * distinct values (params, tags, status) has them sorted once and replaced by integer ranks, which
 * makes the index sort cheaper; leave it off for rarely consulted tie-breakers.
 */
export function stringColumn(
  count: number,
  read: (i: number) => string | null,
  ascending: boolean,
  ranked = true,
): IndexComparator {
  const values: (string | null)[] = new Array<string | null>(count);
  let exact = false;
  for (let i = 0; i < count; i++) {
    const value = read(i);
    values[i] = value;
    if (value !== null && !exact && hasHighUnits(value)) exact = true;
  }
  const unique = ranked ? new Set(values) : undefined;
  if (unique !== undefined && unique.size * 4 <= count) {
    const distinct = [...unique].filter((v): v is string => v !== null);
    distinct.sort((x, y) => compareStrings(x, y, exact));
    const rankOf = new Map(distinct.map((value, rank) => [value, rank]));
    return numberColumn(count, (i) => (values[i] === null ? null : rankOf.get(values[i]!)!), ascending);
  }
  const direction = ascending ? 1 : -1;
  return (a, b) => {
    const x = values[a]!;
    const y = values[b]!;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return direction * compareStrings(x, y, exact);
  };
}

/** Returns `items` sorted by the comparators in order (a new array; `items` is not changed). */
export function sortByColumns<T>(items: readonly T[], comparators: readonly IndexComparator[]): T[] {
  const count = comparators.length;
  const order = Array.from({ length: items.length }, (_, i) => i);
  order.sort((a, b) => {
    for (let c = 0; c < count; c++) {
      const result = comparators[c]!(a, b);
      if (result !== 0) return result;
    }
    return a - b;
  });
  return order.map((i) => items[i]!);
}
