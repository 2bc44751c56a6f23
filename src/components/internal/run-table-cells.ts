/**
 * The cells of `<ef-run-table>` rows: a run's value per column, and a group's aggregates.
 * @module
 */
import { html, type TemplateResult } from 'lit';
import type { Run } from '../../core/entities.js';
import { swatchStyle } from './colors.js';
import { formatDuration, formatTime, formatValue } from './format.js';
import { aggregate, cellValue, type ColumnDef } from './run-columns.js';

/** A run's cell; the name cell has the pin button, the colour swatch (`swatch`: its style) and the link. */
export function renderCell(run: Run, column: ColumnDef, pinned: boolean, swatch: Parameters<typeof swatchStyle>[0]): TemplateResult {
  const value = cellValue(run, column);
  switch (column.id) {
    case 'attr:name':
      return html`<div class="cell name sticky" role="gridcell" title=${run.info.runName}>
        <button class="pin" aria-label="Pin run" aria-pressed=${pinned ? 'true' : 'false'}>
          ${pinned ? '★' : '☆'}
        </button>
        <span class="swatch" style=${swatchStyle(swatch)}></span>
        <button class="link">${run.info.runName}</button>
      </div>`;
    case 'attr:status':
      return html`<div class="cell" role="gridcell"><span class="status ${run.info.status}">${run.info.status}</span></div>`;
    case 'attr:start':
    case 'attr:end':
      return html`<div class="cell" role="gridcell">${formatTime(value as number | null)}</div>`;
    case 'attr:duration':
      return html`<div class="cell" role="gridcell">${formatDuration(value as number | null)}</div>`;
    default:
      if (column.kind === 'metric') {
        return html`<div class="cell num" role="gridcell" title=${value === null ? '' : String(value)}>${formatValue(value as number | null)}</div>`;
      }
      return html`<div class="cell ${column.id === 'attr:runId' ? 'mono' : ''}" role="gridcell" title=${value ?? ''}>${value ?? ''}</div>`;
  }
}

/** A group header's cells: its value and size in the first column, each metric's mean [min, max]. */
export function renderGroupCells(columns: readonly ColumnDef[], groupBy: string, value: string | null, runs: readonly Run[]): TemplateResult[] {
  return columns.map((c, i) => {
    if (i === 0) return html`<div class="cell" role="gridcell" title=${`${groupBy} = ${value ?? '(none)'}`}>${value ?? '(none)'} <span class="muted">(${runs.length})</span></div>`;
    if (c.kind !== 'metric') return html`<div class="cell" role="gridcell"></div>`;
    const agg = aggregate(runs, c.key);
    return html`<div class="cell num agg" role="gridcell" title=${agg === undefined ? '' : `min ${agg.min}, max ${agg.max}, mean ${agg.mean} (${agg.count} runs)`}>
      ${agg === undefined ? '' : html`μ ${formatValue(agg.mean)} <span class="muted">[${formatValue(agg.min)}, ${formatValue(agg.max)}]</span>`}
    </div>`;
  });
}
