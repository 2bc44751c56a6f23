/**
 * `<ef-compare-runs>`: runs side by side, and parallel coordinates (brushable), scatter and box plots.
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { hasKey, type Run } from '../core/entities.js';
import type { RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { boxPlot, boxStats } from './charts/box-plot.js';
import { compareFields, pickField } from './charts/compare-fields.js';
import { compareStyles } from './charts/compare-styles.js';
import { parallelAxes, parallelPlot, passesBrushes, type BrushRange, type ParallelColumn } from './charts/parallel-plot.js';
import { scatterPlot } from './charts/scatter-plot.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, throwIfAborted, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import { RunColorsController } from './controllers/run-colors-controller.js';
import { WidthController } from './controllers/width-controller.js';
import { swatchStyle } from './internal/colors.js';
import { listConverter } from './internal/converters.js';
import { formatDuration, formatTime, formatValue, runDuration } from './internal/format.js';
import { collectKeys } from './internal/run-columns.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** A row of the comparison table. */
interface CompareRow {
  readonly section: 'Attributes' | 'Params' | 'Metrics' | 'Tags';
  readonly key: string;
  readonly values: readonly (string | number | null)[];
  readonly display: readonly string[];
  readonly differs: boolean;
}

/** Detail of `ef-runs-filter`. */
export interface RunsFilterDetail {
  /** The runs inside every brushed range (all runs when nothing is brushed), in the compared order. */
  readonly runIds: readonly string[];
  /** The brushed ranges by axis, as positions in [0, 1] of each axis (0 = bottom). */
  readonly ranges: Readonly<Record<string, BrushRange>>;
}

/** The plots under the table. */
export const COMPARE_PLOTS = { parallel: 'Parallel coordinates', scatter: 'Scatter', box: 'Box plot' } as const;
export type ComparePlot = keyof typeof COMPARE_PLOTS;

const MAX_AXES = 10;

function sameValues(values: readonly (string | number | null)[]): boolean {
  return values.every((v) => Object.is(v, values[0]));
}

/**
 * Params, metrics and tags of several runs side by side, with "show differences only", and under
 * them one of three plots: parallel coordinates of the params that vary against a chosen metric
 * (drag along an axis to keep only the runs in that range: the table and the other plots follow,
 * and `ef-runs-filter` tells the page), a scatter plot of any param or metric against any other
 * (one point per run, hover names the run), and a box plot of a metric grouped by a param. Built
 * from Lit text bindings and SVG templates only: run names, keys and values are never parsed as markup.
 *
 * @fires ef-run-open - A run name was clicked; detail `{runId}`.
 * @fires ef-runs-filter - Brushing changed the runs kept; detail `{runIds, ranges}`.
 * @csspart table - The comparison table.
 * @csspart plot - The parallel coordinates SVG.
 * @csspart scatter - The scatter plot SVG.
 * @csspart box-plot - The box plot SVG.
 * @cssprop --ef-border - Border colour.
 * @cssprop --ef-surface - Background of section headers.
 *
 * @customElement ef-compare-runs
 */
export class CompareRuns extends StoreElement {
  static override styles = [themeStyles, compareStyles];

  /** Runs to compare (attribute: comma-separated ids). */
  @property({ attribute: 'run-ids', converter: listConverter }) runIds: string[] = [];

  /** Show only rows whose values differ between the runs. */
  @property({ type: Boolean, attribute: 'diff-only' }) diffOnly = false;

  /** Metric on the last axis of the parallel coordinates plot; default: the first metric. */
  @property({ attribute: 'metric-key' }) metricKey = '';

  /** The plot under the table: `parallel`, `scatter` or `box`. */
  @property() plot: ComparePlot = 'parallel';

  /** Scatter axes and box plot fields, as `param:<key>` / `metric:<key>`; default: the first that fit. */
  @property({ attribute: 'scatter-x' }) scatterX = '';
  @property({ attribute: 'scatter-y' }) scatterY = '';
  @property({ attribute: 'box-metric' }) boxMetric = '';
  @property({ attribute: 'box-param' }) boxParam = '';

  @state() private _hover = '';
  /** Brushed ranges of the parallel coordinates axes, by axis label. */
  @state() private _brushes: ReadonlyMap<string, BrushRange> = new Map();

  /** Run colours shared with the other elements of the view (see `internal/colors.ts`). */
  readonly #colors = new RunColorsController(this, () => this._source.scope);
  /** The plots are drawn at the element's width, so their text keeps its size on a phone. */
  readonly #width = new WidthController(this);

  readonly #query = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined ? undefined : ([store, this.runIds.join(',')] as const);
    },
    task: ([store], signal) => this.#load(store, signal),
  });
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        if (!this.runIds.some((id) => batch.runs.has(id as RunId) || batch.runData.has(id as RunId))) return;
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          void this.#query.refresh();
        }, 250);
      },
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The rows of the table as shown (after "show differences only"). */
  get rows(): readonly { section: string; key: string; values: readonly string[] }[] {
    return this.#rows(valueOf(this.#query.state) ?? []).map((r) => ({ section: r.section, key: r.key, values: r.display }));
  }

  async #load(store: Store, signal: AbortSignal): Promise<Run[]> {
    const runs = await Promise.all([...new Set(this.runIds)].map((id) => store.getRun(id as RunId)));
    throwIfAborted(signal);
    return runs;
  }

  #rows(runs: readonly Run[]): CompareRow[] {
    const keys = collectKeys(runs);
    const rows: CompareRow[] = [];
    const add = (section: CompareRow['section'], key: string, values: (string | number | null)[], show: (v: string | number | null) => string): void => {
      const differs = !sameValues(values);
      if (this.diffOnly && !differs) return;
      rows.push({ section, key, values, display: values.map(show), differs });
    };
    const text = (v: string | number | null): string => (v === null ? '—' : String(v));
    add('Attributes', 'Status', runs.map((r) => r.info.status), text);
    add('Attributes', 'Started', runs.map((r) => r.info.startTime), (v) => formatTime(v as number));
    add('Attributes', 'Duration', runs.map((r) => runDuration(r.info.startTime, r.info.endTime)), (v) => formatDuration(v as number));
    add('Attributes', 'User', runs.map((r) => r.info.userId), text);
    for (const k of keys.params) add('Params', k, runs.map((r) => (hasKey(r.data.params, k) ? r.data.params[k]! : null)), text);
    for (const k of keys.metrics) add('Metrics', k, runs.map((r) => (hasKey(r.data.metrics, k) ? r.data.metrics[k]! : null)), (v) => (v === null ? '—' : formatValue(v as number)));
    for (const k of keys.tags.filter((t) => !t.startsWith('mlflow.'))) add('Tags', k, runs.map((r) => (hasKey(r.data.tags, k) ? r.data.tags[k]! : null)), text);
    return rows;
  }

  #renderTable(runs: readonly Run[]): TemplateResult {
    const rows = this.#rows(runs);
    let section = '';
    return html`<div class="scroll">
      <table part="table">
        <thead>
          <tr>
            <th class="key"></th>
            ${runs.map(
              (r) => html`<th title=${r.info.runName}>
                <span class="swatch" style=${swatchStyle(this.#colors.styleOf(r.info.runId))}></span>
                <button class="link" @click=${() => this._fire('ef-run-open', { runId: r.info.runId })}>${r.info.runName}</button>
              </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${rows.map((row) => {
            const head = row.section !== section ? html`<tr class="section"><th colspan=${runs.length + 1}>${row.section}</th></tr>` : nothing;
            section = row.section;
            return html`${head}
              <tr class=${row.differs ? 'differs' : ''} data-key=${`${row.section}:${row.key}`}>
                <th class="key" title=${row.key}>${row.key}</th>
                ${row.display.map((d) => html`<td class=${row.section === 'Metrics' ? 'num' : ''} title=${d}>${d}</td>`)}
              </tr>`;
          })}
          ${rows.length === 0 ? html`<tr><td class="muted" colspan=${runs.length + 1}>All values are the same.</td></tr>` : nothing}
        </tbody>
      </table>
    </div>`;
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    if (this.runIds.length === 0) return html`<div class="empty" part="empty">Select two or more runs (in the run table) to compare them.</div>`;
    const state = this.#query.state;
    const runs = valueOf(state);
    if (state.status === 'ERROR') {
      return html`<div class="empty error" part="error" role="alert">
        Could not read the runs: ${errorMessage(state.error)}
        <button @click=${() => void this.#query.refresh()}>Try again</button>
      </div>`;
    }
    if (runs === undefined) return html`<div class="empty" part="empty">Loading runs…</div>`;
    this.#colors.show(runs);
    const metrics = collectKeys(runs).metrics;
    const metric = metrics.includes(this.metricKey) ? this.metricKey : (metrics[0] ?? '');
    const columns = this.#parallelColumns(runs, metric);
    const axes = parallelAxes(columns);
    const kept = runs.filter((_, r) => passesBrushes(axes, columns, this._brushes, r));
    return html`
      <div class="bar">
        <label><input type="checkbox" .checked=${this.diffOnly} @change=${(e: Event) => (this.diffOnly = (e.target as HTMLInputElement).checked)} /> Show differences only</label>
        ${this._brushes.size > 0
          ? html`<span class="muted">${kept.length} of ${runs.length} runs in the brushed ranges</span>
              <button @click=${() => this.#setBrushes(new Map(), runs, columns)}>Clear brushes</button>`
          : nothing}
      </div>
      ${runs.length === 1 ? html`<p class="muted">Select one more run in the run table to see how they differ.</p>` : nothing} ${this.#renderTable(kept)}
      <div class="tabs" role="tablist" aria-label="Plot">
        ${(Object.keys(COMPARE_PLOTS) as ComparePlot[]).map(
          (p) => html`<button role="tab" aria-selected=${this.plot === p ? 'true' : 'false'} @click=${() => (this.plot = p)}>${COMPARE_PLOTS[p]}</button>`,
        )}
      </div>
      ${this.plot === 'scatter' ? this.#renderScatter(kept) : this.plot === 'box' ? this.#renderBox(kept) : this.#renderParallel(runs, columns, metrics, metric)}
    `;
  }

  /** The parallel coordinates axes: the params that vary, then the metric. */
  #parallelColumns(runs: readonly Run[], metric: string): ParallelColumn[] {
    const params = runs.map((r) => r.data.params);
    const varying = collectKeys(runs)
      .params.filter((k) => !sameValues(params.map((p) => (hasKey(p, k) ? p[k]! : null))))
      .slice(0, MAX_AXES - 1);
    const columns: ParallelColumn[] = varying.map((k) => ({ label: k, values: params.map((p) => (hasKey(p, k) ? p[k]! : null)), numeric: false }));
    if (metric !== '') columns.push({ label: metric, values: runs.map((r) => (hasKey(r.data.metrics, metric) ? r.data.metrics[metric]! : null)), numeric: true });
    return columns;
  }

  #renderParallel(runs: readonly Run[], columns: readonly ParallelColumn[], metrics: readonly string[], metric: string): TemplateResult {
    const select = html`<label class="muted"
      >Metric
      <select aria-label="Metric axis" @change=${(e: Event) => (this.metricKey = (e.target as HTMLSelectElement).value)}>
        ${metrics.map((m) => html`<option value=${m} ?selected=${m === metric}>${m}</option>`)}
      </select></label
    >`;
    if (runs.length < 2 || columns.length < 2) {
      return html`${select}
        <div class="empty">The parallel coordinates plot needs two or more runs whose params differ.</div>`;
    }
    return html`${select}
      <span class="muted">Drag along an axis to keep only the runs in that range.</span>
      ${parallelPlot({
        runs,
        columns,
        ariaLabel: `Parallel coordinates of params and ${metric}`,
        style: (id) => this.#colors.styleOf(id),
        hover: this._hover,
        onHover: (id) => (this._hover = id),
        brushes: this._brushes,
        onBrush: (label, range, done) => {
          const next = new Map(this._brushes);
          if (range === undefined) next.delete(label);
          else next.set(label, range);
          if (done) this.#setBrushes(next, runs, columns);
          else this._brushes = next;
        },
      })}`;
  }

  #setBrushes(brushes: ReadonlyMap<string, BrushRange>, runs: readonly Run[], columns: readonly ParallelColumn[]): void {
    this._brushes = brushes;
    const axes = parallelAxes(columns);
    const runIds = runs.filter((_, r) => passesBrushes(axes, columns, brushes, r)).map((r) => r.info.runId);
    this._fire<RunsFilterDetail>('ef-runs-filter', { runIds, ranges: Object.fromEntries(brushes) });
  }

  #fieldSelect(label: string, value: string, fields: readonly { id: string; label: string }[], set: (id: string) => void): TemplateResult {
    return html`<label class="muted"
      >${label}
      <select aria-label=${label} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        ${fields.map((f) => html`<option value=${f.id} ?selected=${f.id === value}>${f.label}</option>`)}
      </select></label
    >`;
  }

  #renderScatter(runs: readonly Run[]): TemplateResult {
    const fields = compareFields(runs);
    const x = pickField(fields, this.scatterX, 0);
    const y = pickField(fields, this.scatterY, fields.length - 1);
    if (x === undefined || y === undefined) return html`<div class="empty">The runs have no params or metrics to plot yet.</div>`;
    return html`<div class="bar">
        ${this.#fieldSelect('x axis', x.id, fields, (id) => (this.scatterX = id))} ${this.#fieldSelect('y axis', y.id, fields, (id) => (this.scatterY = id))}
      </div>
      ${scatterPlot({ runs, x, y, style: (id) => this.#colors.styleOf(id), hover: this._hover, onHover: (id) => (this._hover = id), width: this.#width.width })}`;
  }

  #renderBox(runs: readonly Run[]): TemplateResult {
    const fields = compareFields(runs);
    const metrics = fields.filter((f) => f.kind === 'metric');
    const params = fields.filter((f) => f.kind === 'param');
    const metric = pickField(metrics, this.boxMetric, 0);
    const param = pickField(params, this.boxParam, 0);
    if (metric === undefined || param === undefined) return html`<div class="empty">The box plot needs runs with a metric and a param to group them by.</div>`;
    const stats = boxStats(runs, metric, param);
    return html`<div class="bar">
        ${this.#fieldSelect('Metric', metric.id, metrics, (id) => (this.boxMetric = id))} ${this.#fieldSelect('Group by', param.id, params, (id) => (this.boxParam = id))}
      </div>
      ${stats.length === 0 ? html`<div class="empty">No run has logged ${metric.key} yet.</div>` : boxPlot(stats, metric, param, this.#width.width)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-compare-runs': CompareRuns;
  }
}
