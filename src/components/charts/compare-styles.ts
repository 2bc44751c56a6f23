/**
 * The stylesheet of `<ef-compare-runs>`: the side-by-side table, and the parallel coordinates,
 * scatter and box plots.
 * @module
 */
import { css } from 'lit';

export const compareStyles = css`
  :host {
    padding: 10px 12px;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 16px;
    margin-bottom: 8px;
  }
  .scroll {
    overflow: auto;
    max-height: var(--ef-compare-height, 420px);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  table {
    border-collapse: separate;
    border-spacing: 0;
    width: max-content;
    min-width: 100%;
  }
  th,
  td {
    padding: 3px 10px;
    border-bottom: 1px solid var(--_grid);
    text-align: left;
    max-width: 240px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* A button is one atomic box: without its own ellipsis, a long run name would be replaced
     by the cell's ellipsis as a whole. */
  thead th button.link {
    max-width: calc(100% - 16px);
    overflow: hidden;
    text-overflow: ellipsis;
    vertical-align: middle;
  }
  thead th {
    position: sticky;
    top: 0;
    background: var(--_bg);
    z-index: 1;
    border-bottom: 1px solid var(--_border);
  }
  th.key {
    position: sticky;
    left: 0;
    background: var(--_bg);
    font-family: var(--_mono);
    font-weight: 400;
    color: var(--_muted);
  }
  tr.section th {
    background: var(--_surface);
    font-size: 11px;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--_muted);
  }
  tr.differs td {
    background: color-mix(in srgb, var(--_warn) 10%, transparent);
  }
  td.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  svg {
    width: 100%;
    height: auto;
    display: block;
    margin-top: 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .axis line {
    stroke: var(--_muted);
  }
  .axis text {
    fill: var(--_fg);
    font-size: 11px;
  }
  .axis text.label {
    font-weight: 600;
  }
  .axis text.tick {
    fill: var(--_muted);
    font-size: 10px;
  }
  polyline {
    fill: none;
    stroke-width: 2;
    opacity: 0.85;
  }
  g.run:hover polyline {
    stroke-width: 4;
    opacity: 1;
  }
  .tabs {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 12px;
    margin-top: 12px;
  }
  .tabs [role='tab'][aria-selected='true'] {
    border-color: var(--_accent);
    color: var(--_accent);
  }
  g.run.filtered {
    pointer-events: none;
  }
  rect.brush-area {
    fill: transparent;
    cursor: ns-resize;
  }
  rect.brush {
    fill: color-mix(in srgb, var(--_accent) 25%, transparent);
    stroke: var(--_accent);
  }
  circle.point {
    stroke: var(--_bg);
    stroke-width: 1.5;
  }
  text.hover-label {
    fill: var(--_fg);
    font-size: 12px;
    font-weight: 600;
  }
  g.box rect {
    fill: color-mix(in srgb, var(--_accent) 18%, transparent);
    stroke: var(--_accent);
  }
  g.box line {
    stroke: var(--_muted);
  }
  g.box line.median {
    stroke: var(--_accent);
    stroke-width: 2;
  }
  g.box circle.outlier {
    fill: var(--_muted);
  }
`;
