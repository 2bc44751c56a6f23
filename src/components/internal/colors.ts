/**
 * Stable run colours: a run's colour comes from a hash of its id (FNV-1a) into a palette picked for
 * contrast on light and dark themes, so it is the same in every chart and session. Views that show
 * several runs together use {@link runColors}, which keeps each run's own colour unless another run
 * in the view already has a colour of the same hue family.
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

/** Hue family of each palette entry (blues, orange, reds, greens, purple, teal, yellow, brown). */
const HUE_FAMILY: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 2, 7, 0, 3, 2];

/** A step through the palette that visits every entry (coprime with its length). */
const PROBE_STEP = 5;

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

/**
 * Colours for runs shown together: each run keeps {@link runColor} unless a run before it (in id
 * order, so the result does not depend on the order given) took the same hue family; then it gets
 * the next palette entry of an unused family (or, with more runs than families, an unused entry).
 */
export function runColors(runIds: Iterable<string>): ReadonlyMap<string, string> {
  const colors = new Map<string, string>();
  const usedEntries = new Set<number>();
  const usedFamilies = new Set<number>();
  for (const runId of [...new Set(runIds)].sort()) {
    const preferred = fnv1a(runId) % RUN_PALETTE.length;
    const probes = Array.from({ length: RUN_PALETTE.length }, (_, k) => (preferred + k * PROBE_STEP) % RUN_PALETTE.length);
    const entry =
      probes.find((i) => !usedEntries.has(i) && !usedFamilies.has(HUE_FAMILY[i]!)) ?? probes.find((i) => !usedEntries.has(i)) ?? preferred;
    usedEntries.add(entry);
    usedFamilies.add(HUE_FAMILY[entry]!);
    colors.set(runId, RUN_PALETTE[entry]!);
  }
  return colors;
}

/** `#rrggbb` with an alpha, as `rgba()`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Dash patterns that tell metric keys of one run apart. */
export const KEY_DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];
