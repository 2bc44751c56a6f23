/**
 * The header parts of `<ef-run-table>`: the column chooser, and the header row (select all,
 * sort buttons, drag to reorder, resize handles).
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ColumnDef, SortSpec } from './run-columns.js';
import { renderResizer } from './column-resizer.js';

/** Column changes the chooser and the header row ask the table for. */
export interface ColumnActions {
  toggle(id: string): void;
  move(id: string, to: number): void;
}

const KINDS: readonly [string, ColumnDef['kind']][] = [
  ['Attributes', 'attr'],
  ['Metrics', 'metric'],
  ['Params', 'param'],
  ['Tags', 'tag'],
];

/** The "Columns" menu: show or hide every available column, and move the visible ones. */
export function renderColumnChooser(all: readonly ColumnDef[], visible: readonly string[], actions: ColumnActions): TemplateResult {
  return html`<details class="columns">
    <summary>Columns</summary>
    <div class="chooser" role="group" aria-label="Columns">
      ${KINDS.map(([title, kind]) => {
        const cols = all.filter((c) => c.kind === kind);
        if (cols.length === 0) return nothing;
        return html`<h4>${title}</h4>
          ${cols.map((c) => {
            const at = visible.indexOf(c.id);
            return html`<div class="opt">
              <input type="checkbox" id=${`col-${c.id}`} aria-label=${`Show ${c.kind} ${c.label}`} .checked=${at >= 0} @change=${() => actions.toggle(c.id)} />
              <span title=${c.label}>${c.label}</span>
              <button aria-label=${`Move ${c.label} left`} ?disabled=${at <= 0} @click=${() => actions.move(c.id, at - 1)}>↑</button>
              <button aria-label=${`Move ${c.label} right`} ?disabled=${at < 0 || at === visible.length - 1} @click=${() => actions.move(c.id, at + 1)}>↓</button>
            </div>`;
          })}`;
      })}
    </div>
  </details>`;
}

/** What the header row shows and does. */
export interface HeadContext extends ColumnActions {
  /** The columns as drawn. */
  readonly columns: readonly ColumnDef[];
  /** The visible column ids in their logical order (drop targets move within it). */
  readonly order: readonly string[];
  readonly sort: SortSpec | undefined;
  /** Runs shown, and how many of them are selected. */
  readonly total: number;
  readonly selected: number;
  width(id: string): number;
  selectAll(on: boolean): void;
  toggleSort(id: string): void;
  resize(id: string, width: number, done: boolean): void;
  /** True while a column is being resized (a drag then does not reorder). */
  readonly resizing: boolean;
}

/** Drag and drop of header cells to reorder columns: the column dragged and the one under it. */
export class ColumnDrag {
  dragged = '';
  target = '';
}

/** The header row. */
export function renderHead(ctx: HeadContext, drag: ColumnDrag, requestUpdate: () => void): TemplateResult {
  const { total, selected } = ctx;
  return html`<div class="head" role="row" aria-rowindex="1">
    <div class="cell check" role="columnheader">
      <input
        type="checkbox"
        aria-label="Select all runs"
        .checked=${total > 0 && selected === total}
        .indeterminate=${selected > 0 && selected < total}
        @change=${(e: Event) => ctx.selectAll((e.target as HTMLInputElement).checked)}
      />
    </div>
    ${ctx.columns.map((c) => {
      const sorted = ctx.sort?.column === c.id ? ctx.sort.direction : undefined;
      const setTarget = (id: string): void => {
        if (drag.target === id) return;
        drag.target = id;
        requestUpdate();
      };
      return html`<div
        class="cell ${c.kind === 'metric' ? 'num' : ''} ${c.id === 'attr:name' ? 'sticky' : ''} ${drag.target === c.id ? 'drop' : ''}"
        role="columnheader"
        data-column=${c.id}
        aria-sort=${sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
        title=${`${c.kind === 'attr' ? '' : `${c.kind}s.`}${c.label} — click to sort, drag to reorder`}
        draggable="true"
        @click=${() => ctx.toggleSort(c.id)}
        @dragstart=${(e: DragEvent) => {
          if (ctx.resizing) return e.preventDefault();
          drag.dragged = c.id;
          e.dataTransfer?.setData('text/plain', c.id);
        }}
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          setTarget(c.id);
        }}
        @dragleave=${() => setTarget('')}
        @drop=${(e: DragEvent) => {
          e.preventDefault();
          setTarget('');
          if (drag.dragged !== '' && drag.dragged !== c.id) ctx.move(drag.dragged, ctx.order.indexOf(c.id));
          drag.dragged = '';
        }}
      >
        <button class="sort">
          <span class="sr-only">Sort by </span>${c.kind === 'attr' ? nothing : html`<span class="kind">${c.kind}</span> `}<span class="label">${c.label}</span>${sorted === undefined
            ? nothing
            : html`<span aria-hidden="true">${sorted === 'asc' ? '▲' : '▼'}</span>`}
        </button>
        ${renderResizer(c.label, ctx.width(c.id), (width, done) => ctx.resize(c.id, width, done))}
      </div>`;
    })}
  </div>`;
}
