/**
 * `<ef-compare-runs>`: runs side by side, and a parallel coordinates plot.
 * @module
 */
import { css, html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { hasKey, type Run } from '../core/entities.js';
import type { RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, throwIfAborted, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import { RunColorsController } from './controllers/run-colors-controller.js';
import { swatchStyle } from './internal/colors.js';
import { listConverter } from './internal/converters.js';
import { formatDuration, formatTime, formatValue, runDuration } from './internal/format.js';
import { axisOf, polylines, type PcAxis } from './internal/parallel-coordinates.js';
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

const W = 860;
const H = 300;
const PAD = { top: 34, right: 40, bottom: 28, left: 40 };
const MAX_AXES = 10;

function sameValues(values: readonly (string | number | null)[]): boolean {
  return values.every((v) => Object.is(v, values[0]));
}

/**
 * Params, metrics and tags of several runs side by side, with "show differences only", and a
 * parallel coordinates plot of the params that vary against a chosen metric. Built from Lit
 * text bindings and SVG templates only: run names, keys and values are never parsed as markup.
 *
 * @fires ef-run-open - A run name was clicked; detail `{runId}`.
 * @csspart table - The comparison table.
 * @csspart plot - The parallel coordinates SVG.
 * @cssprop --ef-border - Border colour.
 * @cssprop --ef-surface - Background of section headers.
 *
 * @customElement ef-compare-runs
 */
export class CompareRuns extends StoreElement {
  static override styles = [
    themeStyles,
    css`
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
    `,
  ];

  /** Runs to compare (attribute: comma-separated ids). */
  @property({ attribute: 'run-ids', converter: listConverter }) runIds: string[] = [];

  /** Show only rows whose values differ between the runs. */
  @property({ type: Boolean, attribute: 'diff-only' }) diffOnly = false;

  /** Metric on the last axis of the parallel coordinates plot; default: the first metric. */
  @property({ attribute: 'metric-key' }) metricKey = '';

  @state() private _hover = '';

  /** Run colours shared with the other elements of the view (see `internal/colors.ts`). */
  private readonly _colors = new RunColorsController(this, () => this._source.scope);

  private readonly _query = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined ? undefined : ([store, this.runIds.join(',')] as const);
    },
    task: ([store], signal) => this._load(store, signal),
  });
  private _timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        if (!this.runIds.some((id) => batch.runs.has(id as RunId) || batch.runData.has(id as RunId))) return;
        this._timer ??= setTimeout(() => {
          this._timer = undefined;
          void this._query.refresh();
        }, 250);
      },
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._timer);
    this._timer = undefined;
  }

  /** The rows of the table as shown (after "show differences only"). */
  get rows(): readonly { section: string; key: string; values: readonly string[] }[] {
    return this._rows(valueOf(this._query.state) ?? []).map((r) => ({ section: r.section, key: r.key, values: r.display }));
  }

  private async _load(store: Store, signal: AbortSignal): Promise<Run[]> {
    const runs = await Promise.all([...new Set(this.runIds)].map((id) => store.getRun(id as RunId)));
    throwIfAborted(signal);
    return runs;
  }

  private _rows(runs: readonly Run[]): CompareRow[] {
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

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    if (this.runIds.length === 0) return html`<div class="empty">Select runs to compare them.</div>`;
    const state = this._query.state;
    const runs = valueOf(state);
    if (state.status === 'ERROR') return html`<div class="empty error" role="alert">${errorMessage(state.error)}</div>`;
    if (runs === undefined) return html`<div class="empty">Loading…</div>`;
    this._colors.show(runs);
    const metrics = collectKeys(runs).metrics;
    const metric = metrics.includes(this.metricKey) ? this.metricKey : (metrics[0] ?? '');
    return html`
      <div class="bar">
        <label><input type="checkbox" .checked=${this.diffOnly} @change=${(e: Event) => (this.diffOnly = (e.target as HTMLInputElement).checked)} /> Show differences only</label>
        <label class="muted"
          >Metric
          <select aria-label="Metric axis" @change=${(e: Event) => (this.metricKey = (e.target as HTMLSelectElement).value)}>
            ${metrics.map((m) => html`<option value=${m} ?selected=${m === metric}>${m}</option>`)}
          </select></label
        >
      </div>
      ${this._renderTable(runs)} ${this._renderPlot(runs, metric)}
    `;
  }

  private _renderTable(runs: readonly Run[]): TemplateResult {
    const rows = this._rows(runs);
    let section = '';
    return html`<div class="scroll">
      <table part="table">
        <thead>
          <tr>
            <th class="key"></th>
            ${runs.map(
              (r) => html`<th title=${r.info.runName}>
                <span class="swatch" style=${swatchStyle(this._colors.styleOf(r.info.runId))}></span>
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

  private _renderPlot(runs: readonly Run[], metric: string): TemplateResult | typeof nothing {
    if (runs.length < 2) return nothing;
    const keys = collectKeys(runs);
    const varying = keys.params.filter((k) => !sameValues(runs.map((r) => (hasKey(r.data.params, k) ? r.data.params[k]! : null)))).slice(0, MAX_AXES - 1);
    const columns: { label: string; values: (string | number | null)[]; numeric: boolean }[] = varying.map((k) => ({
      label: k,
      values: runs.map((r) => (hasKey(r.data.params, k) ? r.data.params[k]! : null)),
      numeric: false,
    }));
    if (metric !== '') columns.push({ label: metric, values: runs.map((r) => (hasKey(r.data.metrics, metric) ? r.data.metrics[metric]! : null)), numeric: true });
    if (columns.length < 2) return html`<div class="empty">The parallel coordinates plot needs params that differ between the runs.</div>`;
    const axes = columns.map((c) => axisOf(c.label, c.values, c.numeric));
    const x = (i: number): number => PAD.left + (i * (W - PAD.left - PAD.right)) / (axes.length - 1);
    const y = (p: number): number => H - PAD.bottom - p * (H - PAD.top - PAD.bottom);
    return html`<svg part="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="Parallel coordinates of params and ${metric}">
      ${runs.map((run, r) => {
        const row = columns.map((c) => c.values[r] ?? null);
        const style = this._colors.styleOf(run.info.runId);
        return svg`<g class="run" data-run-id=${run.info.runId} @mouseenter=${() => (this._hover = run.info.runId)} @mouseleave=${() => (this._hover = '')}>
          <title>${run.info.runName}</title>
          ${polylines(axes, row, x, y).map((points) => svg`<polyline points=${points} stroke=${style.color} stroke-dasharray=${style.dash.length === 0 ? nothing : style.dash.join(' ')} opacity=${this._hover === '' || this._hover === run.info.runId ? 0.9 : 0.2}></polyline>`)}
        </g>`;
      })}
      ${axes.map((axis, i) => this._renderAxis(axis, x(i), y))}
    </svg>`;
  }

  private _renderAxis(axis: PcAxis, x: number, y: (p: number) => number): SVGTemplateResult {
    const anchor = x < W * 0.1 ? 'start' : x > W * 0.9 ? 'end' : 'middle';
    const label = axis.label.length > 22 ? `${axis.label.slice(0, 21)}…` : axis.label;
    const ticks: [number, string][] =
      axis.kind === 'numeric'
        ? [
            [0, formatValue(axis.min)],
            [1, formatValue(axis.max)],
          ]
        : axis.categories.slice(0, 12).map((c, i, all) => [all.length === 1 ? 0.5 : i / (all.length - 1), c.length > 14 ? `${c.slice(0, 13)}…` : c]);
    return svg`<g class="axis" data-axis=${axis.label}>
      <line x1=${x} x2=${x} y1=${y(0)} y2=${y(1)}></line>
      <text class="label" x=${x} y=${PAD.top - 14} text-anchor=${anchor}>${label}<title>${axis.label}</title></text>
      ${ticks.map(([p, t]) => svg`<text class="tick" x=${x + 5} y=${y(p) + 3}>${t}</text>`)}
    </g>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-compare-runs': CompareRuns;
  }
}
