/**
 * Value tests shared by the run and experiment filters: one closure per clause, built once.
 * @module
 */
import type { ListComparator, NumericComparator, StringComparator } from './grammar.js';
import { likeToMatcher } from './like.js';

/** Tests a number against a clause's value as IEEE doubles (NaN fails all but `!=`). */
export function numberTest(comparator: NumericComparator, value: number): (x: number) => boolean {
  switch (comparator) {
    case '=':
      return (x) => x === value;
    case '!=':
      return (x) => x !== value;
    case '<':
      return (x) => x < value;
    case '<=':
      return (x) => x <= value;
    case '>':
      return (x) => x > value;
    case '>=':
      return (x) => x >= value;
    default: {
      const unreachable: never = comparator;
      return unreachable;
    }
  }
}

/** Tests a string against a clause's value (LIKE case-sensitive, ILIKE not). */
export function stringTest(comparator: StringComparator, value: string): (s: string) => boolean {
  switch (comparator) {
    case '=':
      return (s) => s === value;
    case '!=':
      return (s) => s !== value;
    case 'LIKE':
      return likeToMatcher(value, false);
    case 'ILIKE':
      return likeToMatcher(value, true);
    default: {
      const unreachable: never = comparator;
      return unreachable;
    }
  }
}

/** Tests a string against a list (IN / NOT IN). */
export function listTest(comparator: ListComparator, values: readonly string[]): (s: string) => boolean {
  const set: ReadonlySet<string> = new Set(values);
  switch (comparator) {
    case 'IN':
      return (s) => set.has(s);
    case 'NOT IN':
      return (s) => !set.has(s);
    default: {
      const unreachable: never = comparator;
      return unreachable;
    }
  }
}

/** A predicate that is true when all of `predicates` are (true for none). */
export function allOf<T>(predicates: readonly ((item: T) => boolean)[]): (item: T) => boolean {
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [p, q] = predicates as [(item: T) => boolean, (item: T) => boolean];
    return (item) => p(item) && q(item);
  }
  return (item) => {
    for (const p of predicates) if (!p(item)) return false;
    return true;
  };
}
