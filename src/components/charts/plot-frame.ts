/**
 * The frame shared by the compare plots (scatter, box plot): an SVG viewBox with padding, and the
 * ticks of an axis from `internal/parallel-coordinates.ts` (numeric: min, middle, max; categorical:
 * up to 12 values).
 * @module
 */
import { positionOn, type PcAxis } from '../internal/parallel-coordinates.js';
import { formatValue } from '../internal/format.js';

/** The width a plot is drawn at before its element knows its own. */
export const DEFAULT_PLOT_WIDTH = 860;
/** Narrowest frame: below it the plot is drawn at this width and scaled down. */
export const MIN_PLOT_WIDTH = 280;
export const PLOT_H = 300;
export const PLOT_PAD = { top: 20, right: 24, bottom: 44, left: 70 };

/** A plot's coordinate frame, in CSS pixels of its element's width, so its text keeps its size on a phone. */
export interface PlotFrame {
  /** The viewBox width (the element's width, at least {@link MIN_PLOT_WIDTH}). */
  readonly w: number;
  readonly h: number;
  /** x of a position in [0, 1] on the horizontal axis. */
  x(p: number): number;
  /** y of a position in [0, 1] on the vertical axis (0 = bottom). */
  y(p: number): number;
}

/** The frame of a plot drawn `width` CSS pixels wide (0 or omitted: not laid out yet). */
export function plotFrame(width = 0): PlotFrame {
  const w = width > 0 ? Math.max(MIN_PLOT_WIDTH, Math.round(width)) : DEFAULT_PLOT_WIDTH;
  return {
    w,
    h: PLOT_H,
    x: (p) => PLOT_PAD.left + p * (w - PLOT_PAD.left - PLOT_PAD.right),
    y: (p) => PLOT_H - PLOT_PAD.bottom - p * (PLOT_H - PLOT_PAD.top - PLOT_PAD.bottom),
  };
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
