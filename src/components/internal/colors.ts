/**
 * Stable run colours: the same run gets the same colour in every chart, table and session,
 * from a hash of its id (FNV-1a) into a palette picked for contrast on light and dark themes.
 * @module
 */

/** Twelve distinguishable hues (Tableau-like), readable on white and on near-black. */
export const RUN_PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#3ca0d9',
  '#8cd17d',
  '#d37295',
];

/** 32-bit FNV-1a of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The colour of a run (a `#rrggbb` string). */
export function runColor(runId: string): string {
  return RUN_PALETTE[fnv1a(runId) % RUN_PALETTE.length]!;
}

/** `#rrggbb` with an alpha, as `rgba()`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Dash patterns that tell metric keys of one run apart. */
export const KEY_DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];
