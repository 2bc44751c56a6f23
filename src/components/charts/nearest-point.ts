/**
 * The point of each series nearest to the cursor's x, for tooltips that list every run: on a time
 * axis, or with runs that logged different steps, runs rarely share the exact x under the cursor.
 * Used as uPlot's `cursor.dataIdx`, so uPlot's cursor points, focus and `cursor.idxs` follow it.
 * @module
 */
import type { ChartData } from './chart-data.js';
import { lowerBound, type YColumn } from './incremental-join.js';

function drawn(y: YColumn, i: number): boolean {
  const v = y[i];
  return v !== null && v !== undefined;
}

/**
 * The index of the drawable point of `y` whose x is nearest to `x` (ties: the earlier one), or
 * undefined when the series has none. Binary search when `xs` ascends, else a scan.
 */
export function nearestDrawable(xs: Float64Array, y: YColumn, ascending: boolean, x: number): number | undefined {
  const n = Math.min(xs.length, y.length);
  if (!ascending) {
    let best: number | undefined;
    for (let i = 0; i < n; i++) if (drawn(y, i) && (best === undefined || Math.abs(xs[i]! - x) < Math.abs(xs[best]! - x))) best = i;
    return best;
  }
  const at = lowerBound(xs.subarray(0, n), x);
  let left = at - 1;
  while (left >= 0 && !drawn(y, left)) left--;
  let right = at;
  while (right < n && !drawn(y, right)) right++;
  if (right >= n) return left >= 0 ? left : undefined;
  if (left < 0) return right;
  return x - xs[left]! <= xs[right]! - x ? left : right;
}

/**
 * A `cursor.dataIdx` for `current`: for uPlot series `seriesIdx`, the row of `current.data` that
 * holds that series' point nearest to `xValue` (null when it has none).
 */
export function nearestRow(current: ChartData, seriesIdx: number, closestIdx: number, xValue: number): number | null {
  const column = current.columns[seriesIdx - 1];
  if (column === undefined) return closestIdx;
  const own = nearestDrawable(column.x, column.y, column.ascending, xValue);
  if (own === undefined) return null;
  // Shared x: each series' own column is a prefix of the drawn one, so the indexes agree.
  if (!current.joined) return own;
  return lowerBound(current.data[0] as ArrayLike<number>, column.x[own]!);
}
