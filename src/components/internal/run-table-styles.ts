/**
 * Styles of `<ef-run-table>`.
 * @module
 */
import { css } from 'lit';

export const runTableStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 200px;
    height: var(--ef-run-table-height, 420px);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 8px;
    align-items: flex-start;
    padding: 8px;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
  .filter {
    flex: 1 1 280px;
    min-width: 200px;
    display: flex;
    flex-direction: column;
    gap: 3px;
  }
  .filter input {
    width: 100%;
    font-family: var(--_mono);
  }
  .filter input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .filter-error {
    font-size: 12px;
    color: var(--_danger);
  }
  .filter-error .where {
    font-family: var(--_mono);
    white-space: pre-wrap;
    color: var(--_fg);
    word-break: break-all;
  }
  .filter-error mark {
    background: color-mix(in srgb, var(--_danger) 25%, transparent);
    color: inherit;
    border-bottom: 2px solid var(--_danger);
  }
  .count {
    align-self: center;
    color: var(--_muted);
    white-space: nowrap;
  }
  details.columns {
    position: relative;
  }
  details.columns > summary {
    list-style: none;
    cursor: pointer;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 3px 8px;
    background: var(--_raised);
    min-height: 26px;
  }
  details.columns > summary::-webkit-details-marker {
    display: none;
  }
  .chooser {
    position: absolute;
    z-index: 5;
    right: 0;
    top: calc(100% + 4px);
    width: 300px;
    max-height: 340px;
    overflow: auto;
    background: var(--_raised);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
    padding: 6px;
  }
  .chooser h4 {
    margin: 8px 4px 2px;
    font-size: 11px;
    text-transform: uppercase;
    color: var(--_muted);
  }
  .chooser .opt {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 2px 4px;
  }
  .chooser .opt span {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .chooser .opt button {
    min-height: 0;
    padding: 0 5px;
  }
  /* Sized by the flex layout, never by its content: a re-render of the rows lays out this box alone. */
  .scroll {
    flex: 1;
    min-height: 0;
    contain: strict;
    overflow: auto;
    position: relative;
    outline: none;
    background: var(--_bg);
  }
  .scroll:focus-visible {
    box-shadow: inset var(--_focus);
  }
  /* The header row and every row are equally tall (one cell and a 1px bottom border): the row
     window observes the row height on the header. Widths are the sum of the columns (--_width),
     never the content's, so which rows are drawn never changes a box's size. */
  .head,
  .row {
    display: grid;
    grid-template-columns: var(--_cols);
    min-width: 100%;
    width: var(--_width);
    align-items: center;
  }
  .head {
    position: sticky;
    top: 0;
    z-index: 2;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
    font-weight: 600;
  }
  .cell {
    padding: 0 8px;
    height: var(--_row);
    line-height: var(--_row);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .cell.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .head .cell {
    cursor: pointer;
    user-select: none;
    display: flex;
    align-items: center;
    gap: 4px;
  }
  .head .cell .kind {
    font-size: 10px;
    font-weight: 500;
    color: var(--_muted);
  }
  .head .cell .label {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .head .cell.num {
    justify-content: flex-end;
  }
  .head .cell {
    position: relative;
  }
  .head button.sort {
    all: unset;
    display: flex;
    align-items: center;
    gap: 4px;
    min-width: 0;
    overflow: hidden;
    cursor: pointer;
    border-radius: 3px;
  }
  .head button.sort:focus-visible {
    box-shadow: var(--_focus);
  }
  /* The resize handle: a strip on the header cell's right edge. */
  .resizer {
    position: absolute;
    top: 0;
    right: 0;
    width: 8px;
    height: 100%;
    cursor: col-resize;
    touch-action: none;
    z-index: 1;
  }
  .resizer::after {
    content: '';
    position: absolute;
    top: 25%;
    bottom: 25%;
    right: 3px;
    border-right: 2px solid var(--_border);
  }
  .resizer:hover::after,
  .resizer:focus-visible::after {
    border-right-color: var(--_accent);
  }
  /* The checkbox and run name columns stay in view while the table scrolls right. */
  .cell.check,
  .cell.sticky {
    position: sticky;
    z-index: 1;
    background: var(--_bg);
  }
  .cell.check {
    left: 0;
  }
  .cell.sticky {
    left: var(--_check-width);
    box-shadow: 1px 0 0 var(--_border);
  }
  .head .cell.check,
  .head .cell.sticky,
  .row.group .cell.check {
    background: var(--_surface);
  }
  .row:hover .cell.check,
  .row:hover .cell.sticky {
    background: var(--_hover);
  }
  .row.pinned .cell.check,
  .row.pinned .cell.sticky {
    background: color-mix(in srgb, var(--_warn) 9%, var(--_bg));
  }
  .row.selected .cell.check,
  .row.selected .cell.sticky {
    background: var(--_accent-soft);
  }
  .head .cell.drop {
    box-shadow: inset 2px 0 0 var(--_accent);
  }
  .rows {
    box-sizing: border-box;
    min-width: 100%;
    width: var(--_width);
  }
  /* A message instead of rows (loading, no runs, an error): as wide as the visible box. */
  .state {
    position: sticky;
    left: 0;
    width: 100%;
  }
  /* The rows of the last filter that worked, while the filter box holds one that does not parse. */
  .rows.stale {
    opacity: 0.35;
    filter: grayscale(1);
  }
  .row {
    border-bottom: 1px solid var(--_grid);
    contain: layout style;
  }
  .row:hover {
    background: var(--_hover);
  }
  .row.selected {
    background: var(--_accent-soft);
  }
  .row.active {
    box-shadow: inset 3px 0 0 var(--_accent);
  }
  .row.pinned {
    background: color-mix(in srgb, var(--_warn) 9%, var(--_bg));
  }
  .row.group {
    background: var(--_surface);
    font-weight: 600;
  }
  .name {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .name button.link {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--_fg);
    font-weight: 500;
  }
  .pin {
    background: none;
    border: none;
    min-height: 0;
    padding: 0;
    color: var(--_muted);
    font-size: 14px;
  }
  .pin[aria-pressed='true'] {
    color: var(--_warn);
  }
  .agg {
    font-weight: 400;
    font-size: 12px;
  }
  input[type='checkbox'] {
    accent-color: var(--_accent);
    margin: 0;
    vertical-align: middle;
  }
`;
