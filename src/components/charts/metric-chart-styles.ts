/**
 * The stylesheet of `<ef-metric-chart>` (toolbar, plot, legend, tooltip, overlays); uPlot's own
 * rules are in `uplot-styles.ts`, the option controls' in `chart-toolbar.ts`.
 * @module
 */
import { css } from 'lit';

export const metricChartStyles = css`
  /* The host is as tall as its content (toolbar, plot, legend). A page that sets a height
     (or display) on it anyway gets a plot that shrinks to fit, never content outside the box. */
  :host {
    display: block;
    min-width: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 8px;
    box-sizing: border-box;
  }
  .frame {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
  }
  .toolbar {
    flex: none;
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin-bottom: 6px;
  }
  .row {
    display: flex;
    align-items: center;
    gap: 6px 12px;
    min-width: 0;
  }
  button.small {
    min-height: 22px;
    padding: 1px 7px;
    font-size: 11px;
  }
  .title {
    font-weight: 600;
    margin-right: auto;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
  }
  .scheme-probe {
    position: absolute;
    width: 0;
    height: 0;
    overflow: hidden;
    color: var(--_grid);
    transition: color 1ms;
  }
  .plot-wrap {
    position: relative;
    flex: 0 1 var(--ef-chart-height, 260px);
    height: var(--ef-chart-height, 260px);
    min-height: 80px;
  }
  .plot {
    position: absolute;
    inset: 0;
  }
  .legend {
    flex: 0 1 auto;
    min-height: 22px;
    display: flex;
    flex-wrap: wrap;
    gap: 2px 12px;
    margin-top: 6px;
    max-height: var(--ef-chart-legend-height, 96px);
    overflow: auto;
  }
  .legend button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    background: none;
    border: none;
    padding: 1px 2px;
    min-height: 0;
    max-width: 280px;
  }
  .legend button[aria-pressed='false'] {
    opacity: 0.4;
  }
  .legend .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .line {
    width: 16px;
    height: 0;
    border-top: 2px solid;
    flex: none;
  }
  .tooltip {
    position: absolute;
    pointer-events: none;
    z-index: 2;
    background: var(--_raised);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.15);
    padding: 6px 8px;
    font-size: 12px;
    min-width: 140px;
    max-width: 320px;
  }
  .tooltip table {
    border-collapse: collapse;
  }
  .tooltip td {
    padding: 1px 4px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    max-width: 200px;
  }
  .tooltip td.v {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .tooltip tr.focused td {
    font-weight: 600;
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
  }
  .tooltip td.at {
    font-size: 11px;
  }
  .overlay {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 6px;
    padding: 12px;
    text-align: center;
    color: var(--_muted);
    pointer-events: none;
  }
  .overlay button {
    pointer-events: auto;
  }
  .reset-zoom {
    position: absolute;
    top: 4px;
    right: 4px;
    z-index: 1;
    background: var(--_raised);
  }
`;
