/**
 * `<ef-metric-chart>`: metric histories of several runs and keys, drawn by uPlot.
 * @module
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { Run } from '../core/entities.js';
import { ChartDataBuilder, isXAxisMode, type ChartData, type SeriesSlot, type SeriesSource, type XAxisMode } from './charts/chart-data.js';
import { chartCsv, chartPng } from './charts/chart-export.js';
import { cancelChartDraw, chartDrawn, drawInTask, requestChartDraw } from './charts/draw-scheduler.js';
import { metricChartStyles } from './charts/metric-chart-styles.js';
import { uplotStyles } from './charts/uplot-styles.js';
import { MetricSeriesController } from './controllers/metric-series-controller.js';
import { errorMessage, valueOf } from './controllers/status.js';
import { RunColorsController } from './controllers/run-colors-controller.js';
import { UplotController } from './controllers/uplot-controller.js';
import { RUN_DASHES, swatchStyle, withAlpha, type RunStyle } from './internal/colors.js';
import { listConverter } from './internal/converters.js';
import { downloadBlob, safeFilename } from './internal/csv.js';
import { formatDuration, formatTime, formatValue } from './internal/format.js';
import { StoreElement } from './internal/store-element.js';
import { resolveTheme, themeStyles, type ResolvedTheme } from './internal/theme.js';

/** Detail of `ef-chart-options-change`. */
export interface ChartOptionsDetail {
  readonly xAxis: XAxisMode;
  readonly smoothing: number;
  readonly logY: boolean;
}

interface CursorState {
  readonly idx: number;
  readonly left: number;
  readonly top: number;
}

const X_LABELS: Readonly<Record<XAxisMode, string>> = { step: 'Step', wall: 'Wall time', relative: 'Relative time' };

/**
 * Metric histories of runs × keys as a line chart. Every point is drawn (uPlot decimates per
 * pixel column itself), live points are appended as they arrive and drawn once per frame,
 * NaN/±inf are gaps, run colours are stable (a hash of the run id).
 *
 * @fires ef-chart-options-change - The user changed the x axis, smoothing or log scale; detail `{xAxis, smoothing, logY}`.
 * @csspart toolbar - The row of controls above the plot.
 * @csspart plot - The element uPlot draws into.
 * @csspart legend - The legend below the plot.
 * @csspart tooltip - The hover tooltip.
 * @csspart error - An error message.
 * @cssprop --ef-chart-height - Height of the plot area (default 260px); the element is as tall as toolbar, plot and legend.
 * @cssprop --ef-chart-legend-height - Most the legend grows before it scrolls (default 96px).
 * @cssprop --ef-bg - Background colour.
 * @cssprop --ef-fg - Text colour.
 * @cssprop --ef-grid - Grid line colour.
 * @cssprop --ef-accent - Accent colour of controls.
 *
 * @customElement ef-metric-chart
 */
export class MetricChart extends StoreElement {
  static override styles = [themeStyles, uplotStyles, metricChartStyles];

  /** Runs to show (attribute: comma-separated ids); unset = the newest `maxRuns` runs of `experimentIds`. */
  @property({ attribute: 'run-ids', converter: listConverter }) runIds: string[] = [];

  /** Experiments whose runs are shown when `runIds` is unset (attribute: comma-separated); unset = the store's first experiment with runs. */
  @property({ attribute: 'experiment-ids', converter: listConverter }) experimentIds: string[] = [];

  /** Most runs shown when they come from `experimentIds` (newest first). */
  @property({ type: Number, attribute: 'max-runs' }) maxRuns = 10;

  /** Metric keys to show (attribute: comma-separated). */
  @property({ attribute: 'metric-keys', converter: listConverter }) metricKeys: string[] = [];

  /** The x axis: `step`, `wall` (wall-clock time) or `relative` (time since the run started). */
  @property({ attribute: 'x-axis' }) xAxis: XAxisMode = 'step';

  /** Debiased EMA weight in [0, 0.99]; 0 = off (TensorBoard's smoothing slider). */
  @property({ type: Number }) smoothing = 0;

  /** Logarithmic y axis (values ≤ 0 become gaps). */
  @property({ type: Boolean, attribute: 'log-y' }) logY = false;

  /** Title above the chart; defaults to the metric keys. */
  @property() heading: string | undefined;

  /** Hides the toolbar (axis, smoothing, log, export); for dashboards and sparklines. */
  @property({ type: Boolean, attribute: 'hide-controls' }) hideControls = false;

  @state() private _cursor: CursorState | undefined;
  @state() private _hidden = new Set<string>();
  /** Run colours shared with the other elements of the view (see `internal/colors.ts`). */
  readonly #colors = new RunColorsController(this, () => this._source.scope);
  /** The runs last declared to the colour scale. */
  #coloredRuns: ReadonlyMap<string, Run> | undefined;

  readonly #series = new MetricSeriesController(this, {
    store: () => this.resolvedStore,
    runIds: () => this.runIds,
    experimentIds: () => this.experimentIds,
    maxRuns: () => (Number.isInteger(this.maxRuns) ? Math.min(1000, Math.max(0, this.maxRuns)) : 10),
    keys: () => this.metricKeys,
    onAppend: () => this.#scheduleDraw(),
  });
  readonly #builder = new ChartDataBuilder();
  readonly #uplot = new UplotController(this, {
    container: () => this.renderRoot.querySelector<HTMLElement>('.plot') ?? undefined,
    onDestroy: () => (this._cursor = undefined),
  });
  #current: ChartData | undefined;
  #theme: ResolvedTheme | undefined;
  #drawWaiters: (() => void)[] = [];
  #drawnKey: unknown[] = [];
  /** The series version last handed to uPlot. */
  #drawnVersion = -1;
  /** A draw was asked for (from the scheduler) and has not run yet. */
  #drawPending = false;
  /** The theme's colours changed (OS scheme, `theme`, `--ef-color-scheme` on an ancestor): the probe's colour transition tells. */
  readonly #onScheme = (): void => this.#rebuild();

  /** The data uPlot draws now (read-only; `[xs, ...ys]`), for tests and integrations. */
  get chartData(): uPlot.AlignedData | undefined {
    return this.#current?.data;
  }

  /** The uPlot instance (undefined before the first draw and after disconnect). */
  get plot(): uPlot | undefined {
    return this.#uplot.plot;
  }

  /** How many full and tail history reads the chart made (live updates read tails only). */
  get readStats(): { readonly fullReads: number; readonly tailReads: number } {
    return { fullReads: this.#series.fullReads, tailReads: this.#series.tailReads };
  }

  /** `loaded()` waits for pending live reads too, and for the draw of what is loaded. */
  protected override async _settle(): Promise<void> {
    await this.#series.idle();
    if (this.isUpdatePending) return; // drawn after that update (`loaded()` comes back here)
    // Draws what is not drawn yet now, or in a task of its own when another chart drew in this one.
    if (this.#uplot.plot === undefined || this.#drawPending || this.#drawnVersion !== this.#series.version) await this.#drawInTask();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelChartDraw(this.#liveDraw);
    this.#drawnKey = [];
    this.#drawnVersion = -1;
  }

  protected override willUpdate(): void {
    const runs = this.#runs();
    if (runs !== undefined && runs !== this.#coloredRuns) {
      this.#coloredRuns = runs;
      this.#colors.show([...runs.values()]);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('theme')) this.#theme = undefined;
    // Draw only when what is drawn changed (not for tooltip or legend state): a new load or option
    // now (the first draw in the frame of the render that has the data; see `drawInTask`), new
    // live points in the next frame round, so uPlot gets at most one setData per frame.
    const key = [this.#series.state, this.xAxis, this.smoothing, this.logY, this.#theme];
    if (key.some((k, i) => k !== this.#drawnKey[i])) {
      this.#drawnKey = key;
      void this.#drawInTask();
    } else if (this.#drawnVersion !== this.#series.version) {
      this.#scheduleDraw();
    }
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    const state = this.#series.state;
    return html`<div class="frame">
      ${this.hideControls ? nothing : this.#renderToolbar()}
      <span class="scheme-probe" aria-hidden="true" @transitionend=${this.#onScheme}></span>
      <div class="plot-wrap">
        <div class="plot" part="plot"></div>
        ${problem !== nothing
          ? html`<div class="overlay">${problem}</div>`
          : state.status === 'ERROR'
            ? html`<div class="overlay error" part="error" role="alert">${errorMessage(state.error)}</div>`
            : state.status === 'PENDING' && state.previous === undefined
              ? html`<div class="overlay">Loading…</div>`
              : this.metricKeys.length === 0
                ? html`<div class="overlay">Choose metrics to plot.</div>`
                : valueOf(state)?.runs.size === 0
                  ? html`<div class="overlay">No runs to plot.</div>`
                  : nothing}
        ${this.#renderTooltip()}
      </div>
      ${this.#renderLegend()}
    </div>`;
  }

  #renderToolbar(): TemplateResult {
    return html`<div class="toolbar" part="toolbar">
      <div class="row">
        <span class="title" title=${this.#title()}>${this.#title()}</span>
        <button class="small" title="Download PNG" @click=${() => void this.exportPng()}>PNG</button>
        <button class="small" title="Download CSV" @click=${() => this.exportCsv()}>CSV</button>
      </div>
      <div class="row controls">
        <select aria-label="x axis" title="x axis" @change=${(e: Event) => this.#setOption('xAxis', (e.target as HTMLSelectElement).value)}>
          ${(['step', 'wall', 'relative'] as const).map((m) => html`<option value=${m} ?selected=${this.xAxis === m}>${X_LABELS[m]}</option>`)}
        </select>
        <label title="Debiased exponential moving average"
          >Smoothing
          <input
            type="range"
            aria-label="smoothing"
            min="0"
            max="0.99"
            step="0.01"
            .value=${String(this.smoothing)}
            @input=${(e: Event) => this.#setOption('smoothing', Number((e.target as HTMLInputElement).value))}
          /><span class="mono">${this.smoothing.toFixed(2)}</span></label
        >
        <label><input type="checkbox" aria-label="log scale" .checked=${this.logY} @change=${(e: Event) => this.#setOption('logY', (e.target as HTMLInputElement).checked)} />Log y</label>
      </div>
    </div>`;
  }

  #renderLegend(): TemplateResult | typeof nothing {
    const value = this.#series.state.status === 'COMPLETE' ? this.#series.state.value : undefined;
    if (value === undefined || value.sources.length === 0) return nothing;
    return html`<div class="legend" part="legend">
      ${value.sources.map((s, i) => {
        const id = `${s.runId}\u0000${s.key}`;
        const style = this.#styleOf(s);
        const label = this.#sourceLabel(i);
        return html`<button
          aria-pressed=${this._hidden.has(id) ? 'false' : 'true'}
          title=${label}
          @click=${() => this.#toggle(id)}
        >
          <span class="line" style="border-color:${style.color};border-top-style:${style.dash.length === 0 ? 'solid' : 'dashed'}"></span>
          <span class="name">${label}</span>
          <span class="muted mono">${formatValue(s.values.last())}</span>
        </button>`;
      })}
    </div>`;
  }

  #renderTooltip(): TemplateResult | typeof nothing {
    const cursor = this._cursor;
    const current = this.#current;
    if (cursor === undefined || current === undefined) return nothing;
    const x = (current.data[0] as ArrayLike<number>)[cursor.idx];
    if (x === undefined) return nothing;
    const rows: TemplateResult[] = [];
    current.slots.forEach((slot, i) => {
      if (this.#current!.slots.some((o) => o.source === slot.source && o.smoothed) && !slot.smoothed) return;
      const v = (current.data[i + 1] as ArrayLike<number | null | undefined>)[cursor.idx];
      if (v === undefined) return;
      const source = this.#sources()[slot.source];
      if (source === undefined || this._hidden.has(`${source.runId}\u0000${source.key}`)) return;
      rows.push(
        html`<tr>
          <td><span class="swatch" style=${swatchStyle(this.#styleOf(source))}></span></td>
          <td title=${this.#sourceLabel(slot.source)}>${this.#sourceLabel(slot.source)}</td>
          <td class="v">${v === null ? 'gap' : formatValue(v)}</td>
        </tr>`,
      );
    });
    const plotWidth = this.#uplot.plot?.over.clientWidth ?? 0;
    const left = (this.#uplot.plot?.over.offsetLeft ?? 0) + cursor.left;
    const flip = cursor.left > plotWidth / 2;
    const style = flip ? `right:${this.#uplot.size().width - left + 12}px;top:${cursor.top + 8}px` : `left:${left + 12}px;top:${cursor.top + 8}px`;
    return html`<div class="tooltip" part="tooltip" style=${style}>
      <div class="muted">${X_LABELS[this.xAxis]}: ${this.#formatX(x)}</div>
      <table>
        ${rows}
      </table>
    </div>`;
  }

  /** Downloads the chart as a PNG with its legend. */
  async exportPng(): Promise<void> {
    if (this.#uplot.plot === undefined) return;
    const labels = this.#sources().map((s, i) => ({ text: this.#sourceLabel(i), color: this.#styleOf(s).color }));
    const blob = await chartPng(this.#uplot.plot, labels, this.#theme ?? resolveTheme(this.renderRoot as ShadowRoot), this.#title());
    downloadBlob(blob, `${safeFilename(this.#title(), 'chart')}.png`);
  }

  /** The chart's data as CSV text (raw and smoothed columns, formula-safe labels). */
  toCsv(): string {
    const current = this.#current;
    if (current === undefined) return '';
    return chartCsv(current.data, current.slots, X_LABELS[this.xAxis], (slot: SeriesSlot) => `${this.#sourceLabel(slot.source)}${slot.smoothed ? ' (smoothed)' : ''}`);
  }

  /** Downloads {@link MetricChart.toCsv}. */
  exportCsv(): void {
    downloadBlob(this.toCsv(), `${safeFilename(this.#title(), 'chart')}.csv`, 'text/csv');
  }

  #title(): string {
    return this.heading ?? this.metricKeys.join(', ');
  }

  #sources(): readonly SeriesSource[] {
    return valueOf(this.#series.state)?.sources ?? [];
  }

  /**
   * How a series is drawn: its run's colour; its run's dash pattern, or with several metric keys
   * one dash pattern per key.
   */
  #styleOf(source: { readonly runId: string; readonly key: string }): RunStyle {
    const style = this.#colors.styleOf(source.runId);
    if (this.metricKeys.length <= 1) return style;
    return { ...style, dash: RUN_DASHES[Math.max(0, this.metricKeys.indexOf(source.key)) % RUN_DASHES.length]! };
  }

  #runs(): ReadonlyMap<string, Run> | undefined {
    return valueOf(this.#series.state)?.runs;
  }

  #sourceLabel(index: number): string {
    const source = this.#sources()[index];
    if (source === undefined) return '';
    const name = this.#runs()?.get(source.runId)?.info.runName ?? source.runId.slice(0, 8);
    return this.metricKeys.length > 1 ? `${name} · ${source.key}` : name;
  }

  #formatX(x: number): string {
    if (this.xAxis === 'wall') return formatTime(x * 1000);
    if (this.xAxis === 'relative') return formatDuration(x * 1000);
    return String(x);
  }

  #setOption(name: 'xAxis' | 'smoothing' | 'logY', value: unknown): void {
    if (name === 'xAxis' && isXAxisMode(value)) this.xAxis = value;
    else if (name === 'smoothing' && typeof value === 'number' && Number.isFinite(value)) this.smoothing = Math.min(0.99, Math.max(0, value));
    else if (name === 'logY') this.logY = value === true;
    this._fire<ChartOptionsDetail>('ef-chart-options-change', { xAxis: this.xAxis, smoothing: this.smoothing, logY: this.logY });
  }

  #toggle(id: string): void {
    const hidden = new Set(this._hidden);
    if (hidden.has(id)) hidden.delete(id);
    else hidden.add(id);
    this._hidden = hidden;
    this.#applyVisibility();
  }

  #applyVisibility(): void {
    const plot = this.#uplot.plot;
    const current = this.#current;
    if (plot === undefined || current === undefined) return;
    const sources = this.#sources();
    current.slots.forEach((slot, i) => {
      const s = sources[slot.source];
      const show = s === undefined || !this._hidden.has(`${s.runId}\u0000${s.key}`);
      if (plot.series[i + 1]?.show !== show) plot.setSeries(i + 1, { show });
    });
  }

  /** Live redraws go through the page-wide draw budget (see `draw-scheduler.ts`). */
  #scheduleDraw(): void {
    this.#drawPending = true;
    requestChartDraw(this.#liveDraw);
  }

  /** Draws now, or in a task of its own when another chart drew in this one (see `drawInTask`). */
  #drawInTask(): Promise<void> {
    this.#drawPending = true;
    return drawInTask(this.#liveDraw);
  }

  readonly #liveDraw = (): boolean => this.#draw();

  /** Resolves after uPlot's next draw. */
  whenDrawn(): Promise<void> {
    return new Promise((resolve) => this.#drawWaiters.push(resolve));
  }

  #onDrawn(): void {
    chartDrawn();
    const waiters = this.#drawWaiters;
    this.#drawWaiters = [];
    for (const w of waiters) w();
  }

  #rebuild(): void {
    this.#theme = undefined;
    this.#uplot.destroy();
    this.#drawnKey = [];
    this.#drawnVersion = -1;
    this.requestUpdate();
  }

  /** Brings uPlot up to date: a new instance when the shape changed, else `setData`; false when nothing could be drawn. */
  #draw(): boolean {
    this.#drawPending = false;
    cancelChartDraw(this.#liveDraw);
    if (!this.isConnected) return false;
    // Nothing to draw while the first load runs: don't build a plot only to replace it.
    if (this.#series.state.status === 'PENDING' && valueOf(this.#series.state) === undefined) return false;
    const sources = this.#sources();
    this.#builder.setSources(sources);
    const smoothing = Math.min(0.99, Math.max(0, Number.isFinite(this.smoothing) ? this.smoothing : 0));
    const xMode = isXAxisMode(this.xAxis) ? this.xAxis : 'step';
    this.#builder.setOptions({ xMode, smoothing, logY: this.logY });
    const current = this.#builder.build();
    this.#current = current;
    this.#drawnVersion = this.#series.version;
    const shape = `${xMode}|${this.logY}|${smoothing > 0}|${sources.map((s) => `${s.runId}:${s.key}:${this.#styleOf(s).slot}`).join(',')}`;
    if (this.#uplot.draw(shape, current.data, () => this.#options(current, xMode))) this.#applyVisibility();
    return this.#uplot.plot !== undefined;
  }

  #options(current: ChartData, xMode: XAxisMode): uPlot.Options {
    const theme = (this.#theme ??= resolveTheme(this.renderRoot as ShadowRoot));
    const sources = this.#sources();
    const smoothed = current.slots.some((s) => s.smoothed);
    const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
      stroke: theme.muted,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      ...(values === undefined ? {} : { values }),
    });
    return {
      ...this.#uplot.size(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: xMode === 'wall' }, y: { distr: this.logY ? 3 : 1 } },
      axes: [
        axis(xMode === 'relative' ? (_u, ticks) => ticks.map((t) => formatDuration(t * 1000)) : undefined),
        axis((_u, ticks) => ticks.map((t) => formatValue(t))),
      ],
      series: [
        {},
        ...current.slots.map((slot): uPlot.Series => {
          const source = sources[slot.source]!;
          const style = this.#styleOf(source);
          const faded = smoothed && !slot.smoothed;
          return {
            stroke: faded ? withAlpha(style.color, 0.28) : style.color,
            width: faded ? 1 : 1.5,
            dash: [...style.dash],
            spanGaps: false,
            points: { show: false },
          };
        }),
      ],
      hooks: {
        setCursor: [(u) => this.#onCursor(u)],
        draw: [() => this.#onDrawn()],
      },
    };
  }

  #onCursor(u: uPlot): void {
    const { idx, left, top } = u.cursor;
    const c = this._cursor;
    if (c !== undefined && c.idx === idx && c.left === left && c.top === top) return;
    this._cursor = idx === null || idx === undefined || left === undefined || left < 0 ? undefined : { idx, left, top: top ?? 0 };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-metric-chart': MetricChart;
  }
}
