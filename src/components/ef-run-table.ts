/**
 * `<ef-run-table>`: the runs of one or more experiments as a virtualized table.
 * @module
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Run, ViewType } from '../core/entities.js';
import { EdgeflowError } from '../core/errors.js';
import type { ExperimentId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { collectPages } from '../core/store-reads.js';
import { compileRunFilter } from '../core/search/index.js';
import { QueryController } from './controllers/query-controller.js';
import { experimentsToShow } from './controllers/experiment-scope.js';
import { StoreChangesController, type ChangeBatch } from './controllers/store-changes-controller.js';
import { RunColorsController } from './controllers/run-colors-controller.js';
import { listConverter } from './internal/converters.js';
import { downloadBlob, toCsv } from './internal/csv.js';
import {
  availableColumns,
  collectKeys,
  defaultColumns,
  parseColumnId,
  type ColumnDef,
  type RunKeys,
  type SortSpec,
} from './internal/run-columns.js';
import { ColumnPrefs, storeIdentity } from './internal/column-prefs.js';
import { renderCell, renderGroupCells } from './internal/run-table-cells.js';
import { ColumnDrag, renderColumnChooser, renderHead, type ColumnActions, type HeadContext } from './internal/run-table-head.js';
import { FilterBox } from './internal/filter-box.js';
import { changedRuns, mergeRuns } from './internal/run-table-live.js';
import { renderLoadError, renderLoading } from './internal/load-states.js';
import { RowWindow } from './internal/row-window.js';
import { csvCells, isGroup, moved, orderRuns, rowAfterKey, rowItems, selectionAfterCheck, toggled, type RowItem } from './internal/run-table-rows.js';
import { runTableStyles } from './internal/run-table-styles.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-selection-change`. */
export interface RunSelectionDetail {
  readonly runIds: readonly string[];
}
/** Detail of `ef-run-open`. */
export interface RunOpenDetail {
  readonly runId: string;
}

const PAGE = 50_000;
/** Width of the checkbox column. */
const CHECK_WIDTH = 34;
const WIDTH: Readonly<Record<string, number>> = { 'attr:name': 220, 'attr:status': 100, 'attr:runId': 260, 'attr:start': 190, 'attr:end': 190, 'attr:duration': 90 };

/** Below this width the table is narrow (a phone): a narrower name column, key columns right after it. */
const NARROW_WIDTH = 600;
const NARROW_NAME_WIDTH = 140;

function defaultWidth(column: ColumnDef): number {
  return WIDTH[column.id] ?? (column.kind === 'metric' ? 120 : 130);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Runs with columns for attributes, params, latest metrics and tags: choose and reorder columns
 * (chooser or drag and drop), resize them (drag a header's edge, or ←/→ on it), with the columns
 * that differ between the runs first by default and the choices remembered per store and
 * experiment; the run name stays in view while scrolling right. Sort by any column, filter with
 * MLflow's grammar (checked after a pause or on Enter, errors shown inline where they are), select
 * runs, pin rows, group by a param or tag with min/max/mean of each metric, download as CSV,
 * navigate with the keyboard. Rows are virtualized (10,000 runs scroll smoothly) and update live
 * as runs log. Loading, no runs, no match and a store error (with Retry) each say what to do.
 *
 * Keys: ↑/↓/PgUp/PgDn/Home/End move, Space selects (or folds a group), Enter opens, P pins.
 *
 * @fires ef-selection-change - The selected runs changed; detail `{runIds}`.
 * @fires ef-run-open - A run was opened (name clicked or Enter); detail `{runId}`.
 * @fires ef-filter-change - A valid filter was applied; detail `{filter}`.
 * @fires ef-columns-change - Columns were shown, hidden or reordered; detail `{columns}`.
 * @fires ef-sort-change - The sort changed; detail `{sort}` (`{column, direction}` or null).
 * @csspart controls - The filter and buttons row.
 * @csspart filter - The filter input.
 * @csspart filter-error - The inline filter error.
 * @csspart count - The number of runs (or "filter not applied").
 * @csspart loading - The loading message.
 * @csspart error - A store error, with its Retry button.
 * @csspart table - The scrolling grid.
 * @cssprop --ef-run-table-height - Height of the element (default 420px).
 * @cssprop --ef-row-height - Row height (default 30px).
 * @cssprop --ef-accent - Accent colour (selection, focus).
 *
 * @customElement ef-run-table
 */
export class RunTable extends StoreElement {
  static override styles = [themeStyles, runTableStyles];

  /** Experiments whose runs are listed (attribute: comma-separated ids); unset = the store's first experiment with runs. */
  @property({ attribute: 'experiment-ids', converter: listConverter }) experimentIds: string[] = [];
  /** The applied MLflow filter, e.g. `metrics.acc > 0.9 and params.lr = '0.01'`. */
  @property() filter = '';
  /** `ACTIVE_ONLY` (default), `DELETED_ONLY` or `ALL`. */
  @property({ attribute: 'view-type' }) viewType: ViewType = 'ACTIVE_ONLY';
  /** Visible column ids in order (`attr:name`, `metric:loss`, `param:lr`, `tag:team`); unset = defaults. */
  @property({ attribute: false }) columns: string[] | undefined;
  /** Column id to group by (`param:model`, `tag:team`); '' = no grouping. */
  @property({ attribute: 'group-by' }) groupBy = '';
  /** Sort order; default newest first. */
  @property({ attribute: false }) sort: SortSpec | undefined = { column: 'attr:start', direction: 'desc' };
  /** Selected run ids. */
  @property({ attribute: false }) selectedRunIds: string[] = [];
  /** Pinned run ids (shown first). */
  @property({ attribute: false }) pinnedRunIds: string[] = [];
  /**
   * Names the store in the key under which column choices (visible columns, order, widths) are
   * remembered per experiment in `localStorage`. Default: the `store-uri`/`src` the store was
   * opened from, an IndexedDB store's name or a REST store's URL; choices for a store with none
   * of these (in memory, a dropped file) last while the element does.
   */
  @property({ attribute: 'layout-key' }) layoutKey: string | undefined;

  @state() private _active = 0;
  @state() private _collapsed = new Set<string | null>();
  @state() private _narrow = false;
  @query('.rows') private _rowsEl!: HTMLElement | null;
  @query('.head') private _headEl!: HTMLElement | null;
  @query('.scroll') private _scrollEl!: HTMLElement;

  private _items: RowItem[] = [];
  /** The run ids of `_items` in row order, and as a set: built when first asked for after the items change. */
  private _itemRunIdList: string[] | undefined;
  private _itemRunIdSetCache: Set<string> | undefined;
  private _pinned = new Set<string>();
  /** How many of `_items` are runs. */
  private _runItemCount = 0;
  private _shownExperiments: readonly ExperimentId[] = [];
  private _keys: RunKeys = { params: [], metrics: [], tags: [] };
  private _keysFor: readonly Run[] | undefined;
  /** The default columns of the runs shown, computed when first needed (not when columns are chosen). */
  private _defaults: string[] | undefined;
  private _resizing = false;
  private readonly _sizeObserver = new ResizeObserver(([entry]) => {
    const narrow = entry !== undefined && entry.contentRect.width < NARROW_WIDTH;
    if (narrow !== this._narrow) this._narrow = narrow;
  });
  private readonly _prefs = new ColumnPrefs(this, () =>
    this._shownExperiments.length === 0 ? undefined : { store: this.layoutKey ?? storeIdentity(this._source.scope), experiments: this._shownExperiments },
  );
  private _itemsKey: unknown[] = [];
  private _anchor: string | undefined;

  /** Run colours shared with the other elements of the view (see `internal/colors.ts`). */
  private readonly _colors = new RunColorsController(this, () => this._source.scope);
  private readonly _window = new RowWindow(this, {
    scroller: () => this._scrollEl,
    rows: () => this._rowsEl,
    rowSample: () => this._headEl,
    count: () => this._items.length,
  });

  private readonly _filterBox = new FilterBox(this, {
    applied: () => this.filter,
    apply: (filter) => {
      this.filter = filter;
      this._fire('ef-filter-change', { filter });
    },
  });

  private readonly _query = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined ? undefined : ([store, this.experimentIds.join(','), this.filter, this.viewType] as const);
    },
    task: ([store], signal) => this._load(store, signal),
  });

  constructor() {
    super();
    new StoreChangesController(this, { store: () => this.resolvedStore, onChanges: (batch) => void this._patch(batch) });
  }

  /** The experiments whose runs are listed now: `experimentIds`, or the one picked when unset. */
  get shownExperimentIds(): readonly string[] {
    return this._shownExperiments;
  }

  /** The runs matching the filter, unsorted (as loaded). */
  get runs(): readonly Run[] {
    return this._query.value ?? [];
  }

  /** The rows as displayed (pinned first, sorted, grouped); for tests and integrations. */
  get rows(): readonly ({ kind: 'run'; runId: string; pinned: boolean } | { kind: 'group'; value: string | null; count: number })[] {
    return this._items.map((item) =>
      isGroup(item) ? { kind: 'group', value: item.value, count: item.runs.length } : { kind: 'run', runId: item.info.runId, pinned: this._pinned.has(item.info.runId) },
    );
  }

  private get _itemRunIds(): string[] {
    if (this._itemRunIdList === undefined) {
      this._itemRunIdList = [];
      for (const item of this._items) if (!isGroup(item)) this._itemRunIdList.push(item.info.runId);
    }
    return this._itemRunIdList;
  }

  private get _itemRunIdSet(): Set<string> {
    return (this._itemRunIdSetCache ??= new Set(this._itemRunIds));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._sizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._sizeObserver.disconnect();
  }

  /** Visible column ids in order: the page's `columns`, else the remembered choice, else the defaults. */
  private get _columnIds(): readonly string[] {
    return this.columns ?? this._prefs.layout.columns ?? (this._defaults ??= defaultColumns(this._keys, this._keysFor ?? []));
  }

  /** The visible columns in order. */
  get visibleColumns(): readonly ColumnDef[] {
    return this._columnIds.map(parseColumnId).filter((c): c is ColumnDef => c !== undefined);
  }

  /** A column's width in px: as resized, else its default (narrower for the name on a phone). */
  columnWidth(id: string): number {
    const column = parseColumnId(id);
    const width = this._prefs.layout.widths[id] ?? (column === undefined ? 130 : defaultWidth(column));
    return this._narrow && id === 'attr:name' ? Math.min(width, NARROW_NAME_WIDTH) : width;
  }

  /** The columns in the order drawn: on a narrow table the name, then metrics, params and tags, then the other attributes. */
  private get _drawnColumns(): readonly ColumnDef[] {
    const columns = this.visibleColumns;
    if (!this._narrow) return columns;
    return [...columns.filter((c) => c.id === 'attr:name'), ...columns.filter((c) => c.kind !== 'attr'), ...columns.filter((c) => c.kind === 'attr' && c.id !== 'attr:name')];
  }

  private _resize(id: string, width: number, done: boolean): void {
    this._resizing = !done;
    this._prefs.update({ widths: { ...this._prefs.layout.widths, [id]: width } }, done);
  }

  /** The visible columns of all rows (groups flattened) as formula-safe CSV. */
  toCsv(): string {
    return toCsv(csvCells(orderRuns(this.runs, this.sort, this.pinnedRunIds), this.visibleColumns));
  }

  /** Downloads {@link RunTable.toCsv} as `runs.csv`. */
  downloadCsv(): void {
    downloadBlob(this.toCsv(), 'runs.csv', 'text/csv');
  }

  private async _load(store: Store, signal: AbortSignal): Promise<Run[]> {
    const experimentIds = await experimentsToShow(store, this.experimentIds, signal);
    const runs = await collectPages(
      (pageToken) =>
        store.searchRuns({
          experimentIds,
          ...(this.filter.trim() === '' ? {} : { filter: this.filter }),
          viewType: this.viewType,
          maxResults: PAGE,
          pageToken,
        }),
      signal,
    );
    this._shownExperiments = experimentIds;
    return runs;
  }

  /** Applies live changes: re-reads only the runs that changed. */
  private async _patch(batch: ChangeBatch): Promise<void> {
    const store = this.resolvedStore;
    if (store === undefined || this._query.value === undefined) return;
    const changed = changedRuns(batch, this._shownExperiments);
    if (changed === 'reload') return void this._query.refresh();
    if (changed.size === 0) return;
    const filter = this.filter;
    const matches = filter.trim() === '' ? () => true : compileRunFilter(filter);
    const ids = [...changed];
    const fresh = await Promise.all(ids.map((id) => store.getRun(id).catch(() => undefined)));
    if (store !== this.resolvedStore || filter !== this.filter) return;
    this._query.set(mergeRuns(this._query.value ?? [], ids, fresh, this.viewType, matches));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const runs = this._query.value ?? [];
    if (runs !== this._keysFor) {
      this._keys = collectKeys(runs);
      this._defaults = undefined;
      this._keysFor = runs;
      this._colors.show(runs);
    }
    const key = [runs, this.sort?.column, this.sort?.direction, this.pinnedRunIds, this.groupBy, this._collapsed];
    if (key.some((k, i) => k !== this._itemsKey[i])) {
      this._itemsKey = key;
      this._pinned = new Set(this.pinnedRunIds);
      this._items = rowItems(orderRuns(runs, this.sort, this.pinnedRunIds), this.groupBy, this._collapsed);
      this._runItemCount = this.groupBy === '' ? this._items.length : this._items.filter((item) => !isGroup(item)).length;
      this._itemRunIdList = undefined;
      this._itemRunIdSetCache = undefined;
      this._active = Math.min(this._active, Math.max(0, this._items.length - 1));
    }
    if (changed.has('filter')) this._filterBox.reset();
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    const columns = this._drawnColumns;
    const widths = columns.map((c) => this.columnWidth(c.id));
    const template = `${CHECK_WIDTH}px ${widths.map((w) => `${w}px`).join(' ')}`;
    const width = widths.reduce((sum, w) => sum + w, CHECK_WIDTH);
    return html`
      ${this._renderControls()}
      <div
        class="scroll"
        part="table"
        role="grid"
        tabindex="0"
        aria-rowcount=${this._items.length + 1}
        aria-multiselectable="true"
        style=${styleMap({ '--_cols': template, '--_width': `${width}px`, '--_check-width': `${CHECK_WIDTH}px` })}
        @keydown=${this._onKeyDown}
      >
        ${renderHead(this._headContext(columns), this._drag, () => this.requestUpdate())} ${this._renderBody(columns)}
      </div>
    `;
  }

  private readonly _columnActions: ColumnActions = {
    toggle: (id) => this._setColumns(toggled(this._columnIds, id)),
    move: (id, to) => this._setColumns(moved(this._columnIds, id, to)),
  };
  private readonly _drag = new ColumnDrag();

  private _headContext(columns: readonly ColumnDef[]): HeadContext {
    // With nothing selected (the usual case while sorting and filtering) no id set is built.
    const selected = this.selectedRunIds.length === 0 ? 0 : this.selectedRunIds.filter((id) => this._itemRunIdSet.has(id)).length;
    return {
      ...this._columnActions,
      columns,
      order: this._columnIds,
      sort: this.sort,
      total: this._runItemCount,
      selected,
      resizing: this._resizing,
      width: (id) => this.columnWidth(id),
      selectAll: (on) => this._setSelection(on ? [...this._itemRunIds] : []),
      toggleSort: (id) => this._toggleSort(id),
      resize: (id, width, done) => this._resize(id, width, done),
    };
  }

  /** The store's error when it is not about the filter (those show under the filter box). */
  private get _loadError(): unknown {
    const state = this._query.state;
    if (state.status !== 'ERROR') return undefined;
    const aboutFilter = state.error instanceof EdgeflowError && state.error.code === 'INVALID_PARAMETER_VALUE' && this.filter.trim() !== '';
    return aboutFilter ? undefined : state.error;
  }

  /** The rows, or what to do when there are none (in a row of its own, as a grid holds rows only). */
  private _renderBody(columns: readonly ColumnDef[]): TemplateResult {
    const message = this._renderState();
    if (message === undefined) return this._renderRows(columns, this._filterError !== undefined);
    return html`<div class="state" role="row"><div role="gridcell" aria-colspan=${columns.length + 1}>${message}</div></div>`;
  }

  /** Loading, a store error with a retry, or no runs; undefined when there are rows to show. */
  private _renderState(): TemplateResult | undefined {
    const state = this._query.state;
    if (state.status === 'PENDING' && state.previous === undefined) return renderLoading('the runs');
    const loadError = this._loadError;
    if (loadError !== undefined) return renderLoadError('the runs', loadError, () => this._query.refresh());
    if (this._items.length === 0 && state.status !== 'ERROR') {
      return this.filter.trim() === ''
        ? html`<div class="empty" role="status">No runs yet. Log one with <code>client.startRun()</code>, or open an exported zip.</div>`
        : html`<div class="empty" role="status">No runs match the filter. <button @click=${() => this._filterBox.commit('')}>Clear the filter</button></div>`;
    }
    return undefined;
  }

  /**
   * The rows in the window around the scroll position, on a box as tall as all rows. Row elements
   * are reused by position (a sort or scroll rewrites their values, it does not build new rows),
   * and one listener on the box handles the clicks of every row.
   */
  private _renderRows(columns: readonly ColumnDef[], stale: boolean): TemplateResult {
    const { first, end } = this._window.range;
    const height = this._window.rowHeight;
    const selection = new Set(this.selectedRunIds);
    return html`<div class="rows ${stale ? 'stale' : ''}" role="rowgroup" ?inert=${stale} style=${styleMap({ height: `${this._window.height}px`, paddingTop: `${first * height}px` })} @click=${this._onRowsClick}>
      ${this._items.slice(first, end).map((item, k) => this._renderItem(item, first + k, columns, selection))}
    </div>`;
  }

  /** The filter's error: the box's own (it did not parse), else the store's for the applied filter. */
  private get _filterError(): unknown {
    const state = this._query.state;
    return this._filterBox.error ?? (state.status === 'ERROR' && this._loadError === undefined ? state.error : undefined);
  }

  private _renderControls(): TemplateResult {
    const error = this._filterError;
    const selected = this.selectedRunIds.length;
    const count = this.runs.length;
    const groupable = [...this._keys.params.map((k) => `param:${k}`), ...this._keys.tags.filter((k) => !k.startsWith('mlflow.')).map((k) => `tag:${k}`)];
    return html`<div class="controls" part="controls">
      ${this._filterBox.render(error)}
      <span class="count" part="count" role="status"
        >${error === undefined ? `${count} ${count === 1 ? 'run' : 'runs'}` : 'filter not applied'}${selected > 0 ? html` · ${selected} selected` : nothing}</span
      >
      <label class="muted"
        >Group
        <select aria-label="Group by" @change=${(e: Event) => (this.groupBy = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${this.groupBy === ''}>none</option>
          ${groupable.map((id) => html`<option value=${id} ?selected=${this.groupBy === id}>${id.replace(':', ' ')}</option>`)}
        </select></label
      >
      ${renderColumnChooser(availableColumns(this._keys), this._columnIds, this._columnActions)}
      <button @click=${() => this.downloadCsv()} title="Download the visible columns as CSV">CSV</button>
    </div>`;
  }

  private _renderItem(item: RowItem, index: number, columns: readonly ColumnDef[], selection: ReadonlySet<string>): TemplateResult {
    const active = index === this._active;
    if (isGroup(item)) {
      return html`<div class="row group ${active ? 'active' : ''}" role="row" aria-rowindex=${index + 2} aria-expanded=${item.collapsed ? 'false' : 'true'}>
        <div class="cell check" role="gridcell">${item.collapsed ? '▸' : '▾'}</div>
        ${renderGroupCells(columns, this.groupBy, item.value, item.runs)}
      </div>`;
    }
    const run = item;
    const id = run.info.runId;
    const selected = selection.has(id);
    const pinned = this._pinned.has(id);
    return html`<div
      class="row ${selected ? 'selected' : ''} ${pinned ? 'pinned' : ''} ${active ? 'active' : ''}"
      role="row"
      aria-rowindex=${index + 2}
      aria-selected=${selected ? 'true' : 'false'}
      data-run-id=${id}
    >
      <div class="cell check" role="gridcell">
        <input type="checkbox" aria-label=${`Select run ${run.info.runName}`} .checked=${selected} />
      </div>
      ${columns.map((c) => renderCell(run, c, pinned, this._colors.styleOf(id)))}
    </div>`;
  }

  private _toggleSort(id: string): void {
    const current = this.sort?.column === id ? this.sort.direction : undefined;
    const column = parseColumnId(id);
    const first = column?.kind === 'metric' || id === 'attr:start' || id === 'attr:duration' ? 'desc' : 'asc';
    const next: SortSpec | undefined =
      current === undefined ? { column: id, direction: first } : current === first ? { column: id, direction: first === 'asc' ? 'desc' : 'asc' } : undefined;
    this.sort = next;
    this._fire('ef-sort-change', { sort: next ?? null });
  }

  private _setColumns(columns: string[]): void {
    if (sameList(columns, this._columnIds)) return;
    if (this.columns !== undefined) this.columns = columns;
    this._prefs.update({ columns });
    this._fire('ef-columns-change', { columns });
  }

  private _togglePin(id: string): void {
    this.pinnedRunIds = toggled(this.pinnedRunIds, id);
  }

  private _toggleGroup(value: string | null): void {
    const collapsed = new Set(this._collapsed);
    if (collapsed.has(value)) collapsed.delete(value);
    else collapsed.add(value);
    this._collapsed = collapsed;
  }

  /** A click in a row: fold a group, tick a checkbox, pin, open, or make the row the active one. */
  private readonly _onRowsClick = (e: MouseEvent): void => {
    const target = e.target as Element;
    const row = target.closest('.row');
    const index = Number(row?.getAttribute('aria-rowindex')) - 2;
    const item = this._items[index];
    if (item === undefined) return;
    if (isGroup(item)) return this._toggleGroup(item.value);
    const id = item.info.runId;
    if (target.closest('input[type="checkbox"]') !== null) return this._onCheck(e, id);
    if (target.closest('.pin') !== null) return this._togglePin(id);
    if (target.closest('.link') !== null) this._open(id);
    this._active = index;
  };

  private _onCheck(e: MouseEvent, id: string): void {
    const selection = selectionAfterCheck(this._itemRunIds, this.selectedRunIds, id, this._anchor, e.shiftKey);
    this._anchor = id;
    this._setSelection(selection);
  }

  private _setSelection(runIds: string[]): void {
    if (sameList(runIds, this.selectedRunIds)) return;
    this.selectedRunIds = runIds;
    this._fire<RunSelectionDetail>('ef-selection-change', { runIds });
  }

  private _open(runId: string): void {
    this._fire<RunOpenDetail>('ef-run-open', { runId });
  }

  private _onKeyDown = (e: KeyboardEvent): void => {
    if (e.target !== this._scrollEl || this._items.length === 0) return;
    if (e.key === ' ' || e.key === 'Enter' || e.key === 'p' || e.key === 'P') {
      e.preventDefault();
      const item = this._items[this._active];
      if (item === undefined) return;
      if (isGroup(item)) this._toggleGroup(item.value);
      else if (e.key === 'Enter') this._open(item.info.runId);
      else if (e.key === ' ') this._setSelection(toggled(this.selectedRunIds, item.info.runId));
      else this._togglePin(item.info.runId);
      return;
    }
    const next = rowAfterKey(e.key, this._active, this._items.length);
    if (next === undefined) return;
    e.preventDefault();
    this._active = next;
    this._window.scrollToRow(this._active, this._headEl?.offsetHeight ?? 0);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-run-table': RunTable;
  }
}
