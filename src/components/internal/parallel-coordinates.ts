/**
 * Layout of a parallel coordinates plot (no DOM): one axis per param plus the metric, numeric
 * axes scaled linearly (log when all values are positive and span more than three decades),
 * categorical axes with evenly spaced sorted values.
 * @module
 */
import { compareCells } from './run-columns.js';

/** One axis. */
export type PcAxis =
  | { readonly kind: 'numeric'; readonly label: string; readonly min: number; readonly max: number; readonly log: boolean }
  | { readonly kind: 'category'; readonly label: string; readonly categories: readonly string[] };

/** Values of one run per axis (null = missing). */
export type PcRow = readonly (string | number | null)[];

/** Builds an axis from the values of one column. */
export function axisOf(label: string, values: readonly (string | number | null)[], forceNumeric = false): PcAxis {
  const present = values.filter((v): v is string | number => v !== null && !(typeof v === 'number' && !Number.isFinite(v)));
  const numbers = present.map((v) => (typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v)));
  if (present.length > 0 && (forceNumeric || numbers.every(Number.isFinite))) {
    const finite = numbers.filter(Number.isFinite);
    let min = Math.min(...finite);
    let max = Math.max(...finite);
    const log = min > 0 && max / min > 1000;
    if (min === max) {
      min -= Math.abs(min) * 0.1 || 1;
      max += Math.abs(max) * 0.1 || 1;
    }
    return { kind: 'numeric', label, min, max, log };
  }
  const categories = [...new Set(present.map(String))].sort(compareCells);
  return { kind: 'category', label, categories };
}

/** Position of a value on an axis in [0, 1] (0 = bottom), or undefined when missing. */
export function positionOn(axis: PcAxis, value: string | number | null): number | undefined {
  if (value === null) return undefined;
  if (axis.kind === 'numeric') {
    const v = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(v)) return undefined;
    if (axis.log) {
      if (v <= 0) return undefined;
      return (Math.log(v) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
    }
    return (v - axis.min) / (axis.max - axis.min);
  }
  const i = axis.categories.indexOf(String(value));
  if (i < 0) return undefined;
  return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
}

/** Polyline segments (runs of consecutive present values) as "x,y" point lists. */
export function polylines(axes: readonly PcAxis[], row: PcRow, x: (i: number) => number, y: (p: number) => number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  axes.forEach((axis, i) => {
    const p = positionOn(axis, row[i] ?? null);
    if (p === undefined) {
      if (current.length > 1) out.push(current.join(' '));
      current = [];
      return;
    }
    current.push(`${x(i).toFixed(1)},${y(p).toFixed(1)}`);
  });
  if (current.length > 1) out.push(current.join(' '));
  return out;
}
