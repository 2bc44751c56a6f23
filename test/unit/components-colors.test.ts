import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/core/entities.js';
import { RUN_PALETTE, RunColorScale, runColorScale, runStyle, type RunStyle } from '../../src/components/internal/colors.js';

/** CIELAB (D65) of `#rrggbb`: an independent perceptual space (the palette is built in OKLab). */
function cielab(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 ΔE; about 2 is a just noticeable difference, 15+ reads as different colours at a glance. */
function deltaE(a: string, b: string): number {
  const [x, y] = [cielab(a), cielab(b)];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

/** WCAG contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string): number => {
    const n = Number.parseInt(hex.slice(1), 16);
    const [r, g, bl] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function run(id: string, startTime: number): Run {
  return { info: { runId: id, startTime } } as unknown as Run;
}

const runs = (n: number, prefix = 'r'): Run[] => Array.from({ length: n }, (_, i) => run(`${prefix}${String(i).padStart(3, '0')}`, 1_000 + i));

/** True when two styles can be told apart: clearly different colours, or the same colour with different dashes. */
function distinguishable(a: RunStyle, b: RunStyle, minDeltaE: number): boolean {
  if (a.color === b.color) return a.dash.join(',') !== b.dash.join(',');
  return deltaE(a.color, b.color) >= minDeltaE;
}

/** Elements showing runs (the scale tells viewers apart by identity). */
const [TABLE, CHART, COMPARE] = [{}, {}, {}];

describe('run colours', () => {
  it('has more than 20 colours, pairwise at least ΔE 15 apart, readable on light and dark backgrounds', () => {
    expect(RUN_PALETTE.length).toBeGreaterThan(20);
    expect(new Set(RUN_PALETTE).size).toBe(RUN_PALETTE.length);
    let min = Infinity;
    RUN_PALETTE.forEach((a, i) => RUN_PALETTE.slice(i + 1).forEach((b) => (min = Math.min(min, deltaE(a, b)))));
    expect(min).toBeGreaterThanOrEqual(15);
    for (const color of RUN_PALETTE) {
      expect(contrast(color, '#ffffff'), color).toBeGreaterThan(1.4);
      expect(contrast(color, '#16181d'), color).toBeGreaterThan(2.5);
    }
  });

  it('gives 30 runs 30 distinguishable colour and dash combinations, dashes only past the palette', () => {
    const scale = new RunColorScale();
    const shown = runs(30);
    scale.show(CHART, shown);
    const styles = shown.map((r) => scale.styleOf(r.info.runId));
    styles.forEach((a, i) => styles.slice(i + 1).forEach((b, j) => expect(distinguishable(a, b, 15), `runs ${i} and ${i + j + 1}`).toBe(true)));
    expect(styles.slice(0, RUN_PALETTE.length).every((s) => s.dash.length === 0)).toBe(true);
    expect(styles.slice(RUN_PALETTE.length).every((s) => s.dash.length > 0)).toBe(true);
    // Slots beyond: styles repeat only after palette × dash patterns.
    const many = Array.from({ length: 100 }, (_, i) => runStyle(i));
    expect(new Set(many.map((s) => `${s.color}|${s.dash.join(',')}`)).size).toBe(100);
  });

  it('gives a run the same style in every element of a view, whatever subset each shows', () => {
    const scale = new RunColorScale();
    const all = runs(40);
    // The order given does not matter: new runs take slots in creation order.
    scale.show(TABLE, [...all].reverse());
    const table = new Map<string, RunStyle>(all.map((r) => [r.info.runId, scale.styleOf(r.info.runId)]));
    expect(table.get('r000')!.slot).toBe(0);
    expect(table.get('r039')!.slot).toBe(39);
    const subset = [all[3]!, all[17]!, all[33]!];
    scale.show(CHART, subset);
    scale.show(COMPARE, subset.slice(0, 2));
    for (const r of subset) expect(scale.styleOf(r.info.runId)).toEqual(table.get(r.info.runId));
    // The table filters down to 5 runs: the charted runs keep their styles.
    scale.show(TABLE, all.slice(0, 5));
    for (const r of subset) expect(scale.styleOf(r.info.runId)).toEqual(table.get(r.info.runId));
    // The filter is cleared: every run gets its slot back.
    scale.show(TABLE, all);
    for (const r of all) expect(scale.styleOf(r.info.runId)).toEqual(table.get(r.info.runId));
  });

  it('frees the slots of runs no element shows, for the next runs', () => {
    const scale = new RunColorScale();
    scale.show(TABLE, runs(3, 'a'));
    scale.show(TABLE, runs(2, 'b'));
    expect(['b000', 'b001'].map((id) => scale.styleOf(id).slot)).toEqual([0, 1]);
    scale.release(TABLE);
    scale.show(CHART, [run('c', 5)]);
    expect(scale.styleOf('c').slot).toBe(0);
  });

  it('shares one scale per store object, and per URI for stores opened from src', () => {
    const store = {};
    expect(runColorScale(store)).toBe(runColorScale(store));
    expect(runColorScale({})).not.toBe(runColorScale(store));
    expect(runColorScale('src:exp.zip')).toBe(runColorScale('src:exp.zip'));
  });
});
