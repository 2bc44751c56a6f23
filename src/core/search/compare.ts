/**
 * String order of MLflow searches: Python compares `str` by code point, while JS `<` compares
 * UTF-16 code units. The two differ only when a character above U+FFFF meets one in
 * U+E000..U+FFFF, so the fast `<` is used unless a string contains such high units.
 * @module
 */

const HIGH_UNITS = /[\uD800-\uFFFF]/;

/** True when `<` on `value` might disagree with code point order. */
export function hasHighUnits(value: string): boolean {
  return HIGH_UNITS.test(value);
}

/** Orders two strings by code point (Python `str` order): negative, 0 or positive. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral characters) go above U+E000..U+FFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/** Orders two strings by code point, using `<` when `exact` is false (no high units involved). */
export function compareStrings(a: string, b: string, exact: boolean): number {
  if (exact) return compareCodePoints(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}
