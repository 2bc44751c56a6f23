/**
 * The legend of `<ef-metric-chart>`: one button per series (run × key) with its line style, name
 * and last value. Clicking it (or Enter/Space) hides or shows that series; hovering it highlights
 * the series on the plot. It wraps, and scrolls past `--ef-chart-legend-height`.
 * @module
 */
import { html, type TemplateResult } from 'lit';
import type { SeriesSource } from './chart-data.js';
import type { RunStyle } from '../internal/colors.js';
import { formatValue } from '../internal/format.js';

/** The key of a series in the set of hidden ones. */
export function sourceId(source: { readonly runId: string; readonly key: string }): string {
  return `${source.runId}\u0000${source.key}`;
}

/** What the legend shows and calls. */
export interface ChartLegendSpec {
  readonly sources: readonly SeriesSource[];
  /** {@link sourceId}s of the hidden series. */
  readonly hidden: ReadonlySet<string>;
  readonly label: (index: number) => string;
  readonly style: (source: SeriesSource) => RunStyle;
  readonly onToggle: (id: string) => void;
  /** A source is hovered (undefined: none). */
  readonly onFocus: (index: number | undefined) => void;
}

/** See the module docs. */
export function chartLegend(spec: ChartLegendSpec): TemplateResult {
  return html`<div class="legend" part="legend" role="group" aria-label="Series (click to hide or show)">
    ${spec.sources.map((s, i) => {
      const id = sourceId(s);
      const style = spec.style(s);
      const label = spec.label(i);
      return html`<button
        aria-pressed=${spec.hidden.has(id) ? 'false' : 'true'}
        title=${label}
        @click=${() => spec.onToggle(id)}
        @mouseenter=${() => spec.onFocus(i)}
        @mouseleave=${() => spec.onFocus(undefined)}
      >
        <span class="line" style="border-color:${style.color};border-top-style:${style.dash.length === 0 ? 'solid' : 'dashed'}"></span>
        <span class="name">${label}</span>
        <span class="muted mono">${formatValue(s.values.last())}</span>
      </button>`;
    })}
  </div>`;
}
