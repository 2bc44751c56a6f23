/**
 * String order by Unicode code point, as Python compares `str` (MLflow's search ordering, PyYAML's
 * `sort_keys`). JS `<` compares UTF-16 code units instead; the two differ only when a character
 * above U+FFFF meets one in U+E000..U+FFFF.
 * @module
 */

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
