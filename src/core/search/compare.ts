/**
 * String order of MLflow searches: Python compares `str` by code point, while JS `<` compares
 * UTF-16 code units. The two differ only when a character above U+FFFF meets one in
 * U+E000..U+FFFF, so the fast `<` is used unless a string contains such high units.
 * @module
 */
import { compareCodePoints } from '../strings.js';

const HIGH_UNITS = /[\uD800-\uFFFF]/;

/** True when `<` on `value` might disagree with code point order. */
export function hasHighUnits(value: string): boolean {
  return HIGH_UNITS.test(value);
}

/** Orders two strings by code point, using `<` when `exact` is false (no high units involved). */
export function compareStrings(a: string, b: string, exact: boolean): number {
  if (exact) return compareCodePoints(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}
