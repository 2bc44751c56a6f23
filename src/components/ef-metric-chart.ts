/**
 * `<ef-metric-chart>`: metric histories of several runs and keys, drawn by uPlot.
 * @module
 */
import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { Run } from '../core/entities.js';
import { ChartDataBuilder, isXAxisMode, type ChartData, type SeriesSlot, type SeriesSource, type XAxisMode } from './charts/chart-data.js';
import { chartCsv, chartPng } from './charts/chart-export.js';
import { emptyChartMessage } from './charts/chart-empty-state.js';
import { chartSettingsContext, clampSmoothing, DEFAULT_CHART_OPTIONS, withOption, type ChartOptions, type ChartSectionSettings } from './charts/chart-settings.js';
import { chartOptionControlStyles, chartToolbar, X_LABELS } from './charts/chart-toolbar.js';
import { chartLegend, sourceId } from './charts/chart-legend.js';
import { chartTooltip, tooltipRows } from './charts/chart-tooltip.js';
import { cancelChartDraw, chartDrawn, drawInTask, requestChartDraw } from './charts/draw-scheduler.js';
import { lineChartOptions } from './charts/line-chart-options.js';
import { metricChartStyles } from './charts/metric-chart-styles.js';
import { uplotStyles } from './charts/uplot-styles.js';
import { MetricSeriesController } from './controllers/metric-series-controller.js';
import { errorMessage, valueOf } from './controllers/status.js';
import { RunColorsController } from './controllers/run-colors-controller.js';
import { UplotController } from './controllers/uplot-controller.js';
import { RUN_DASHES, swatchStyle, type RunStyle } from './internal/colors.js';
import { listConverter } from './internal/converters.js';
import { downloadBlob, safeFilename } from './internal/csv.js';
import { formatDuration, formatTime } from './internal/format.js';
import { StoreElement } from './internal/store-element.js';
import { resolveTheme, themeStyles, type ResolvedTheme } from './internal/theme.js';

/** Detail of `ef-chart-options-change`. */
export type ChartOptionsDetail = ChartOptions;

interface CursorState {
  /** The row of the x under the cursor. */
  readonly idx: number;
  /** uPlot's row of each series' nearest point (`cursor.idxs`). */
  readonly idxs: readonly (number | null)[];
  readonly left: number;
  readonly top: number;
}

/**
 * Metric histories of runs × keys as a line chart. Every point is drawn (uPlot decimates per
 * pixel column itself), live points are appended as they arrive and drawn once per frame,
 * NaN/±inf are gaps, run colours are stable. Drag to zoom; "Reset zoom" (or a double-click)
 * shows everything again. The tooltip lists each run's point nearest to the cursor, sorted by
 * value, the hovered series highlighted. Inside an `<ef-chart-group>`, options the chart was not
 * given come from the group's "all charts" settings.
 *
 * @fires ef-chart-options-change - The user changed the x axis, smoothing or log scale; detail `{xAxis, smoothing, logY}`.
 * @csspart toolbar - The row of controls above the plot.
 * @csspart plot - The element uPlot draws into.
 * @csspart legend - The legend below the plot.
 * @csspart tooltip - The hover tooltip.
 * @csspart reset-zoom - The "Reset zoom" button (shown while zoomed in).
 * @csspart error - An error message.
 * @csspart empty - What to do when there is nothing to draw yet.
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
  static override styles = [themeStyles, uplotStyles, chartOptionControlStyles, metricChartStyles];

  /** Runs to show (attribute: comma-separated ids); unset = the newest `maxRuns` runs of `experimentIds`. */
  @property({ attribute: 'run-ids', converter: listConverter }) runIds: string[] = [];

  /** Experiments whose runs are shown when `runIds` is unset (attribute: comma-separated); unset = the store's first experiment with runs. */
  @property({ attribute: 'experiment-ids', converter: listConverter }) experimentIds: string[] = [];

  /** Most runs shown when they come from `experimentIds` (newest first). */
  @property({ type: Number, attribute: 'max-runs' }) maxRuns = 10;

  /** Metric keys to show (attribute: comma-separated). */
  @property({ attribute: 'metric-keys', converter: listConverter }) metricKeys: string[] = [];

  /** The x axis: `step`, `wall` (wall-clock time) or `relative` (time since the run started); unset = the group's, else `step`. */
  @property({ attribute: 'x-axis' }) xAxis: XAxisMode | undefined;

  /** Debiased EMA weight in [0, 0.99]; 0 = off (TensorBoard's smoothing slider); unset = the group's, else 0. */
  @property({ type: Number }) smoothing: number | undefined;

  /** Logarithmic y axis (values ≤ 0 become gaps); unset = the group's, else off. */
  @property({ type: Boolean, attribute: 'log-y' }) logY: boolean | undefined;

  /** Title above the chart; defaults to the metric keys. */
  @property() heading: string | undefined;

  /** Hides the toolbar (axis, smoothing, log, export); for dashboards and sparklines. */
  @property({ type: Boolean, attribute: 'hide-controls' }) hideControls = false;

  /** The "all charts" settings of an enclosing `<ef-chart-group>`. */
  @consume({ context: chartSettingsContext, subscribe: true })
  @state()
  private _section: ChartSectionSettings | undefined;

  @state() private _cursor: CursorState | undefined;
  /** The uPlot series under the pointer (focused), if any. */
  @state() private _focus: number | undefined;
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
    onDestroy: () => {
      this._cursor = undefined;
      this._focus = undefined;
    },
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

  /** The options drawn now: the chart's own, else its group's, else the defaults. */
  get effectiveOptions(): ChartOptions {
    const base = this._section ?? DEFAULT_CHART_OPTIONS;
    const xAxis = this.xAxis ?? base.xAxis;
    return {
      xAxis: isXAxisMode(xAxis) ? xAxis : 'step',
      smoothing: clampSmoothing(this.smoothing ?? base.smoothing),
      logY: this.logY ?? base.logY,
    };
  }

  /** True while the x axis is zoomed in (the "Reset zoom" button shows). */
  get zoomed(): boolean {
    return this.#uplot.zoomed;
  }

  /** Shows the whole x range again (as a double-click does). */
  resetZoom(): void {
    this.#uplot.resetZoom();
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
    const { xAxis, smoothing, logY } = this.effectiveOptions;
    const key = [this.#series.state, xAxis, smoothing, logY, this.#syncKey(), this.#theme];
    if (key.some((k, i) => k !== this.#drawnKey[i])) {
      this.#drawnKey = key;
      void this.#drawInTask();
    } else if (this.#drawnVersion !== this.#series.version) {
      this.#scheduleDraw();
    }
  }

  protected override render(): TemplateResult {
    return html`<div class="frame">
      ${this.hideControls
        ? nothing
        : chartToolbar({
            title: this.#title(),
            options: this.effectiveOptions,
            overridden: this._section !== undefined && (this.xAxis !== undefined || this.smoothing !== undefined || this.logY !== undefined),
            onOption: (name, value) => this.#setOption(name, value),
            onUseSection: () => this.#useSectionSettings(),
            onPng: () => void this.exportPng(),
            onCsv: () => this.exportCsv(),
          })}
      <span class="scheme-probe" aria-hidden="true" @transitionend=${this.#onScheme}></span>
      <div class="plot-wrap">
        <div class="plot" part="plot"></div>
        ${this.#renderOverlay()}
        ${this.#uplot.zoomed ? html`<button class="small reset-zoom" part="reset-zoom" title="Show the whole x range (or double-click the plot)" @click=${() => this.resetZoom()}>Reset zoom</button>` : nothing}
        ${this.#renderTooltip()}
      </div>
      ${this.#renderLegend()}
    </div>`;
  }

  /** What to do next when there is nothing to draw: the store, the load, the runs or the metrics. */
  #renderOverlay(): TemplateResult | typeof nothing {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`<div class="overlay">${problem}</div>`;
    const state = this.#series.state;
    if (state.status === 'ERROR') {
      return html`<div class="overlay error" part="error" role="alert">
        <span>Could not read the metrics: ${errorMessage(state.error)}</span>
        <button class="small" @click=${() => void this.#series.refresh()}>Try again</button>
      </div>`;
    }
    const value = valueOf(state);
    if (value === undefined) return state.status === 'PENDING' ? html`<div class="overlay" part="empty">Loading metrics…</div>` : nothing;
    const message = emptyChartMessage(value, this.runIds, this.metricKeys);
    return message === undefined ? nothing : html`<div class="overlay" part="empty">${message}</div>`;
  }

  #renderLegend(): TemplateResult | typeof nothing {
    const value = this.#series.state.status === 'COMPLETE' ? this.#series.state.value : undefined;
    if (value === undefined || value.sources.length === 0) return nothing;
    return chartLegend({
      sources: value.sources,
      hidden: this._hidden,
      label: (i) => this.#sourceLabel(i),
      style: (s) => this.#styleOf(s),
      onToggle: (id) => this.#toggle(id),
      onFocus: (i) => this.#focusSource(i),
    });
  }

  #renderTooltip(): TemplateResult | typeof nothing {
    const cursor = this._cursor;
    const current = this.#current;
    if (cursor === undefined || current === undefined) return nothing;
    const x = (current.data[0] as ArrayLike<number>)[cursor.idx];
    if (x === undefined) return nothing;
    const sources = this.#sources();
    const plotWidth = this.#uplot.plot?.over.clientWidth ?? 0;
    const left = (this.#uplot.plot?.over.offsetLeft ?? 0) + cursor.left;
    const flip = cursor.left > plotWidth / 2;
    return chartTooltip({
      rows: tooltipRows(current, cursor.idxs, (i) => sources[i] !== undefined && !this._hidden.has(sourceId(sources[i]))),
      x,
      axis: X_LABELS[this.effectiveOptions.xAxis],
      focused: this._focus === undefined ? undefined : current.slots[this._focus - 1]?.source,
      position: flip ? `right:${this.#uplot.size().width - left + 12}px;top:${cursor.top + 8}px` : `left:${left + 12}px;top:${cursor.top + 8}px`,
      label: (i) => this.#sourceLabel(i),
      swatch: (i) => swatchStyle(this.#styleOf(sources[i]!)),
      formatX: (v) => this.#formatX(v),
    });
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
    return chartCsv(current.data, current.slots, X_LABELS[this.effectiveOptions.xAxis], (slot: SeriesSlot) => `${this.#sourceLabel(slot.source)}${slot.smoothed ? ' (smoothed)' : ''}`);
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
    const { xAxis } = this.effectiveOptions;
    if (xAxis === 'wall') return formatTime(x * 1000);
    if (xAxis === 'relative') return formatDuration(x * 1000);
    return String(x);
  }

  /** Sets one option on this chart (overriding its group's), as the toolbar does. */
  #setOption(name: keyof ChartOptions, value: unknown): void {
    const next = withOption(this.effectiveOptions, name, value);
    if (name === 'xAxis') this.xAxis = next.xAxis;
    else if (name === 'smoothing') this.smoothing = next.smoothing;
    else this.logY = next.logY;
    this._fire<ChartOptionsDetail>('ef-chart-options-change', next);
  }

  /** Drops this chart's own options, so that it follows its group's again. */
  #useSectionSettings(): void {
    this.xAxis = undefined;
    this.smoothing = undefined;
    this.logY = undefined;
    this._fire<ChartOptionsDetail>('ef-chart-options-change', this.effectiveOptions);
  }

  /** The cursor sync key: the group's while it shares hover. */
  #syncKey(): string | undefined {
    return this._section?.sharedHover === true ? this._section.syncKey : undefined;
  }

  /** Highlights the series of a source on the plot (legend hover); undefined = none. */
  #focusSource(source: number | undefined): void {
    const plot = this.#uplot.plot;
    const slots = this.#current?.slots;
    if (plot === undefined || slots === undefined) return;
    const index = source === undefined ? -1 : slots.findLastIndex((s) => s.source === source);
    plot.setSeries(index < 0 ? null : index + 1, { focus: true });
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
      const show = s === undefined || !this._hidden.has(sourceId(s));
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
    const { xAxis: xMode, smoothing, logY } = this.effectiveOptions;
    this.#builder.setOptions({ xMode, smoothing, logY });
    const current = this.#builder.build();
    this.#current = current;
    this.#drawnVersion = this.#series.version;
    const syncKey = this.#syncKey();
    const shape = `${xMode}|${logY}|${smoothing > 0}|${syncKey}|${sources.map((s) => `${s.runId}:${s.key}:${this.#styleOf(s).slot}`).join(',')}`;
    const options = (): uPlot.Options =>
      ({
        ...lineChartOptions({
          theme: (this.#theme ??= resolveTheme(this.renderRoot as ShadowRoot)),
          xMode,
          logY,
          current: () => this.#current,
          styles: current.slots.map((slot) => this.#styleOf(sources[slot.source]!)),
          syncKey,
          hooks: {
            setCursor: [(u) => this.#onCursor(u)],
            // uPlot passes `{focus}` for focus changes (typed as series options).
            setSeries: [(_u, index, opts) => 'focus' in opts && (this._focus = index ?? undefined)],
            draw: [() => this.#onDrawn()],
          },
        }),
      }) as uPlot.Options;
    if (this.#uplot.draw(shape, current.data, options)) this.#applyVisibility();
    return this.#uplot.plot !== undefined;
  }

  #onCursor(u: uPlot): void {
    const { idx, idxs, left, top, event } = u.cursor;
    // A cursor moved by another chart of a shared-hover group shows its line, not a tooltip.
    if (idx === null || idx === undefined || left === undefined || left < 0 || event === null || event === undefined) {
      if (this._cursor !== undefined) this._cursor = undefined;
      return;
    }
    const c = this._cursor;
    const rows = idxs ?? [];
    if (c !== undefined && c.idx === idx && c.left === left && c.top === top && c.idxs.every((v, i) => v === rows[i])) return;
    this._cursor = { idx, idxs: [...rows], left, top: top ?? 0 };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-metric-chart': MetricChart;
  }
}
