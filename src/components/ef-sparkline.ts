/**
 * `<ef-sparkline>`: a word-sized chart of one metric of one run.
 * @module
 */
import { css, html, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { MetricSeriesController } from './controllers/metric-series-controller.js';
import { valueOf } from './controllers/status.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/**
 * Draws every point of a metric's history as a min/max envelope per pixel column on a canvas,
 * live (new points are read as tails and drawn once per frame). NaN/±inf are skipped.
 *
 * @csspart canvas - The canvas.
 * @cssprop --ef-sparkline-color - Line colour (default: the accent colour).
 * @cssprop --ef-sparkline-width - Width (default 120px).
 * @cssprop --ef-sparkline-height - Height (default 28px).
 *
 * @customElement ef-sparkline
 */
export class Sparkline extends StoreElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: inline-block;
        width: var(--ef-sparkline-width, 120px);
        height: var(--ef-sparkline-height, 28px);
        background: transparent;
        vertical-align: middle;
      }
      canvas {
        width: 100%;
        height: 100%;
        display: block;
        color: var(--ef-sparkline-color, var(--_accent));
        transition: color 1ms;
      }
    `,
  ];

  /** The run. */
  @property({ attribute: 'run-id' }) runId = '';

  /** The metric key. */
  @property({ attribute: 'metric-key' }) metricKey = '';

  @query('canvas') private _canvas!: HTMLCanvasElement;
  private _frame = 0;
  private _resize: ResizeObserver | undefined;
  private readonly _series = new MetricSeriesController(this, {
    store: () => this.resolvedStore,
    runIds: () => (this.runId === '' ? [] : [this.runId]),
    keys: () => (this.metricKey === '' ? [] : [this.metricKey]),
    onAppend: () => this._schedule(),
  });

  /** Number of points drawn (for tests). */
  get pointCount(): number {
    return valueOf(this._series.state)?.sources[0]?.values.length ?? 0;
  }

  /** `loaded()` waits for pending live reads too, and draws the canvas. */
  protected override async _settle(): Promise<void> {
    await this._series.idle();
    this._draw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._resize?.disconnect();
    this._resize = undefined;
    cancelAnimationFrame(this._frame);
    this._frame = 0;
  }

  protected override render(): TemplateResult {
    const state = this._series.state;
    const points = this.pointCount;
    const label = valueOf(state) !== undefined && points === 0 ? `${this.metricKey}: no points yet` : `${this.metricKey} history`;
    return html`<canvas part="canvas" role="img" aria-label=${label} @transitionend=${() => this._schedule()}></canvas>`;
  }

  protected override updated(): void {
    if (this._resize === undefined) {
      this._resize = new ResizeObserver(() => this._schedule());
      this._resize.observe(this);
    }
    this._schedule();
  }

  private _schedule(): void {
    if (this._frame === 0) this._frame = requestAnimationFrame(() => this._draw());
  }

  private _draw(): void {
    this._frame = 0;
    const canvas = this._canvas;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.clearRect(0, 0, width, height);
    const loaded = valueOf(this._series.state);
    if (loaded === undefined) return;
    const values = loaded.sources[0]?.values.view();
    const color = getComputedStyle(canvas).color;
    if (values === undefined || values.length === 0) drawNoPoints(ctx, width, height, color, dpr);
    else drawEnvelope(ctx, values, width, height, color, dpr);
  }
}

/** No points (yet): a faint dashed midline, so the cell reads as empty rather than broken. */
function drawNoPoints(ctx: CanvasRenderingContext2D, width: number, height: number, color: string, dpr: number): void {
  ctx.save();
  ctx.globalAlpha = 0.35;
  ctx.strokeStyle = color;
  ctx.lineWidth = dpr;
  ctx.setLineDash([3 * dpr, 3 * dpr]);
  ctx.beginPath();
  ctx.moveTo(2 * dpr, Math.round(height / 2) + 0.5);
  ctx.lineTo(width - 2 * dpr, Math.round(height / 2) + 0.5);
  ctx.stroke();
  ctx.restore();
}

/** Min/max per pixel column, joined into one path; a single point is a dot. */
function drawEnvelope(ctx: CanvasRenderingContext2D, values: Float64Array, width: number, height: number, color: string, dpr: number): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return;
  if (values.length === 1) {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(width / 2, height / 2, 2 * dpr, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  const pad = 2 * dpr;
  const span = hi - lo || 1;
  const y = (v: number): number => height - pad - ((v - lo) / span) * (height - 2 * pad);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25 * dpr;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  const n = values.length;
  const columns = Math.min(width, n);
  let started = false;
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * n) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / columns));
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (min === Infinity) {
      started = false;
      continue;
    }
    const x = columns === 1 ? width / 2 : (c / (columns - 1)) * (width - 2 * pad) + pad;
    if (!started) ctx.moveTo(x, y(max));
    else ctx.lineTo(x, y(max));
    if (min !== max) ctx.lineTo(x, y(min));
    started = true;
  }
  ctx.stroke();
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-sparkline': Sparkline;
  }
}
