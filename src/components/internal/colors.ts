/**
 * Run colours: one assignment shared by every element that shows runs of a store (the table's
 * swatches, chart series, the compare table and its parallel coordinates).
 *
 * - A run's style is its slot in a {@link RunColorScale}: slot `i` has colour
 *   `RUN_PALETTE[i mod P]` and, past the palette, a dash pattern (`RUN_DASHES[⌊i / P⌋]`), so
 *   `P × dashes` runs are told apart before any style repeats.
 * - {@link RUN_PALETTE} is Tableau 10 followed by colours picked in OKLab, each as far as possible
 *   from all before it (lightness and chroma vary, so neighbours differ in more than hue), kept in
 *   a lightness band readable on light and dark backgrounds.
 * - Elements reading one store share one scale ({@link runColorScale}): a run keeps its slot while
 *   any of them shows it, so it has the same colour in the table, the charts and compare, even when
 *   one shows a subset of another. New runs take the lowest free slot, in creation order.
 * @module
 */
import type { Run } from '../../core/entities.js';

/** Tableau 10, a categorical palette designed for telling series apart. */
const TABLEAU_10 = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** How many colours the palette has before dash patterns take over. */
const PALETTE_SIZE = 24;

type Lab = readonly [number, number, number];

function linear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function gamma(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** `#rrggbb` → OKLab (Björn Ottosson's matrices). */
export function oklabOf(hex: string): Lab {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => linear(c / 255)) as [number, number, number];
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s, 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s, 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s];
}

/** OKLCH → `#rrggbb`, or undefined outside the sRGB gamut. */
function hexOfOklch(lightness: number, chroma: number, hueDegrees: number): string | undefined {
  const a = chroma * Math.cos((hueDegrees * Math.PI) / 180);
  const b = chroma * Math.sin((hueDegrees * Math.PI) / 180);
  const l = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (lightness - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const rgb = [4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s, -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s, -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s];
  if (rgb.some((c) => c < -1e-4 || c > 1 + 1e-4)) return undefined;
  return `#${rgb.map((c) => Math.round(gamma(Math.min(1, Math.max(0, c))) * 255).toString(16).padStart(2, '0')).join('')}`;
}

function distance(x: Lab, y: Lab): number {
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

/** Tableau 10, then farthest-point picks from an OKLCH grid until {@link PALETTE_SIZE}. */
function buildPalette(): string[] {
  const palette = [...TABLEAU_10];
  const chosen = palette.map(oklabOf);
  const candidates: { hex: string; lab: Lab }[] = [];
  for (const lightness of [0.5, 0.58, 0.66, 0.74])
    for (const chroma of [0.08, 0.12, 0.16])
      for (let hue = 0; hue < 360; hue += 6) {
        const hex = hexOfOklch(lightness, chroma, hue);
        if (hex !== undefined) candidates.push({ hex, lab: oklabOf(hex) });
      }
  while (palette.length < PALETTE_SIZE) {
    let best = candidates[0]!;
    let bestDistance = -1;
    for (const c of candidates) {
      const d = Math.min(...chosen.map((lab) => distance(lab, c.lab)));
      if (d > bestDistance) [best, bestDistance] = [c, d];
    }
    palette.push(best.hex);
    chosen.push(best.lab);
  }
  return palette;
}

/** The run colours, `#rrggbb`, in slot order. */
export const RUN_PALETTE: readonly string[] = buildPalette();

/** Dash patterns (uPlot/canvas `setLineDash`): runs past the palette, or metric keys of one run. */
export const RUN_DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3], [12, 4], [4, 2, 1, 2]];

/** How a run is drawn. */
export interface RunStyle {
  /** The run's slot in its scale. */
  readonly slot: number;
  /** `#rrggbb`. */
  readonly color: string;
  /** Dash pattern of its lines; empty = solid. */
  readonly dash: readonly number[];
}

/** The style of slot `slot`: palette colour, then dash patterns once the palette is used up. */
export function runStyle(slot: number): RunStyle {
  const n = RUN_PALETTE.length;
  return { slot, color: RUN_PALETTE[slot % n]!, dash: RUN_DASHES[Math.floor(slot / n) % RUN_DASHES.length]! };
}

/** Inline CSS of a run's swatch: its colour, with gaps when its lines are dashed. */
export function swatchStyle(style: RunStyle): string {
  const gaps = style.dash.length === 0 ? 'none' : 'repeating-linear-gradient(90deg, transparent 0 3px, var(--_bg) 3px 5px)';
  return `background-color:${style.color};background-image:${gaps}`;
}

/** Creation order (start time, then id): the order new runs take slots in. */
function byCreation(a: Run, b: Run): number {
  return a.info.startTime - b.info.startTime || (a.info.runId < b.info.runId ? -1 : a.info.runId > b.info.runId ? 1 : 0);
}

/** The slots of the runs shown in one view; see the module docs. */
export class RunColorScale {
  readonly #slots = new Map<string, number>();
  /** The slot each run had last, so a run shown again gets it back when it is free. */
  readonly #last = new Map<string, number>();
  readonly #free = new Set<number>();
  #top = 0;
  readonly #shownBy = new Map<object, ReadonlySet<string>>();

  /** Sets the runs `viewer` shows: runs no viewer shows any more free their slots, new runs take slots. */
  show(viewer: object, runs: Iterable<Run>): void {
    const list = [...runs];
    const ids = new Set(list.map((r) => r.info.runId));
    const before = this.#shownBy.get(viewer);
    this.#shownBy.set(viewer, ids);
    if (before !== undefined) this.#releaseUnshown(before);
    for (const run of list.filter((r) => !this.#slots.has(r.info.runId)).sort(byCreation)) this.#take(run.info.runId);
  }

  /** Forgets what `viewer` shows (it was disconnected). */
  release(viewer: object): void {
    const before = this.#shownBy.get(viewer);
    this.#shownBy.delete(viewer);
    if (before !== undefined) this.#releaseUnshown(before);
  }

  /** The style of a run; a run no viewer has shown yet takes a slot now. */
  styleOf(runId: string): RunStyle {
    return runStyle(this.#slots.get(runId) ?? this.#take(runId));
  }

  #take(runId: string): number {
    const last = this.#last.get(runId);
    let slot: number;
    if (last !== undefined && (this.#free.has(last) || last >= this.#top)) slot = last;
    else slot = this.#lowestFree();
    this.#free.delete(slot);
    for (let s = this.#top; s < slot; s++) this.#free.add(s);
    this.#top = Math.max(this.#top, slot + 1);
    this.#slots.set(runId, slot);
    this.#last.set(runId, slot);
    return slot;
  }

  #lowestFree(): number {
    let lowest = this.#top;
    for (const slot of this.#free) if (slot < lowest) lowest = slot;
    return lowest;
  }

  #releaseUnshown(candidates: ReadonlySet<string>): void {
    const shown = [...this.#shownBy.values()];
    for (const id of candidates) {
      if (shown.some((ids) => ids.has(id))) continue;
      const slot = this.#slots.get(id);
      if (slot === undefined) continue;
      this.#slots.delete(id);
      this.#free.add(slot);
    }
  }
}

const scales = new WeakMap<object, RunColorScale>();
const scalesByUri = new Map<string, RunColorScale>();

/**
 * The scale of a view: one per store object, or per URI for stores opened from a `src`/`store-uri`
 * (so separate elements with the same `src` agree too).
 */
export function runColorScale(scope: object | string): RunColorScale {
  if (typeof scope === 'string') {
    const scale = scalesByUri.get(scope) ?? new RunColorScale();
    scalesByUri.set(scope, scale);
    return scale;
  }
  const scale = scales.get(scope) ?? new RunColorScale();
  scales.set(scope, scale);
  return scale;
}

/** `#rrggbb` with an alpha, as `rgba()`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
