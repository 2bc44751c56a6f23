/**
 * What the chart's tooltip lists: for each shown series its point nearest to the cursor (see
 * `nearest-point.ts`), the smoothed series in place of the raw one when smoothing is on, sorted
 * by value (largest first, gaps last).
 * @module
 */
import { html, type TemplateResult } from 'lit';
import type { ChartData } from './chart-data.js';
import { formatValue } from '../internal/format.js';

/** One line of the tooltip. */
export interface TooltipRow {
  /** The uPlot series index (1-based). */
  readonly series: number;
  /** The index of the source (run × key) in the chart's sources. */
  readonly source: number;
  /** The x of the point (may differ from the cursor's on time axes or with different steps). */
  readonly x: number;
  /** The value; null for a point that cannot be drawn (NaN, ±inf, ≤ 0 on a log scale). */
  readonly value: number | null;
}

/**
 * The rows for uPlot's `cursor.idxs` (one row index per series, null when none), skipping the
 * sources `shown` rejects.
 */
export function tooltipRows(current: ChartData, idxs: readonly (number | null | undefined)[], shown: (source: number) => boolean): TooltipRow[] {
  const xs = current.data[0] as ArrayLike<number>;
  const smoothed = new Set(current.slots.filter((s) => s.smoothed).map((s) => s.source));
  const rows: TooltipRow[] = [];
  current.slots.forEach((slot, i) => {
    if (!slot.smoothed && smoothed.has(slot.source)) return;
    if (!shown(slot.source)) return;
    const idx = idxs[i + 1];
    if (idx === null || idx === undefined) return;
    const value = (current.data[i + 1] as ArrayLike<number | null | undefined>)[idx];
    if (value === undefined) return;
    rows.push({ series: i + 1, source: slot.source, x: xs[idx]!, value });
  });
  return rows.sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.series - b.series);
}

/** What the tooltip shows. */
export interface ChartTooltipSpec {
  readonly rows: readonly TooltipRow[];
  /** The x under the cursor, and the axis' name. */
  readonly x: number;
  readonly axis: string;
  /** The hovered source, highlighted. */
  readonly focused: number | undefined;
  /** Its position (CSS `left`/`right` and `top`). */
  readonly position: string;
  readonly label: (source: number) => string;
  readonly swatch: (source: number) => string;
  readonly formatX: (x: number) => string;
}

/** The tooltip: the x, then a row per series with its value, and its own x where that differs. */
export function chartTooltip(spec: ChartTooltipSpec): TemplateResult {
  return html`<div class="tooltip" part="tooltip" style=${spec.position}>
    <div class="muted">${spec.axis}: ${spec.formatX(spec.x)}</div>
    <table>
      ${spec.rows.map((row) => {
        const label = spec.label(row.source);
        return html`<tr class=${row.source === spec.focused ? 'focused' : ''} data-source=${row.source}>
          <td><span class="swatch" style=${spec.swatch(row.source)}></span></td>
          <td title=${label}>${label}</td>
          <td class="v">${row.value === null ? 'gap' : formatValue(row.value)}</td>
          <td class="at muted">${row.x === spec.x ? '' : `@ ${spec.formatX(row.x)}`}</td>
        </tr>`;
      })}
    </table>
  </div>`;
}
