/**
 * The frame shared by the compare plots (scatter, box plot): an SVG viewBox with padding, and the
 * ticks of an axis from `internal/parallel-coordinates.ts` (numeric: min, middle, max; categorical:
 * up to 12 values).
 * @module
 */
import { positionOn, type PcAxis } from '../internal/parallel-coordinates.js';
import { formatValue } from '../internal/format.js';

export const PLOT_W = 860;
export const PLOT_H = 300;
export const PLOT_PAD = { top: 20, right: 24, bottom: 44, left: 70 };

/** x of a position in [0, 1] on the horizontal axis. */
export function plotX(p: number): number {
  return PLOT_PAD.left + p * (PLOT_W - PLOT_PAD.left - PLOT_PAD.right);
}

/** y of a position in [0, 1] on the vertical axis (0 = bottom). */
export function plotY(p: number): number {
  return PLOT_H - PLOT_PAD.bottom - p * (PLOT_H - PLOT_PAD.top - PLOT_PAD.bottom);
}

/** Shortens a label to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Tick positions and labels of an axis. */
export function axisTicks(axis: PcAxis): [number, string][] {
  if (axis.kind === 'numeric') {
    const mid = axis.log ? Math.sqrt(axis.min * axis.max) : (axis.min + axis.max) / 2;
    return [axis.min, mid, axis.max].map((v) => [positionOn(axis, v) ?? 0, formatValue(v)]);
  }
  return axis.categories.slice(0, 12).map((c) => [positionOn(axis, c) ?? 0.5, clip(c, 14)]);
}
