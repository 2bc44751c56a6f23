/**
 * The toolbar of `<ef-metric-chart>`: title, "Use section settings" (inside a group, when the chart
 * has options of its own), PNG/CSV export, and the option controls (x axis, smoothing, log scale)
 * that `<ef-chart-group>` shows for all its charts too.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { XAxisMode } from './chart-data.js';
import type { ChartOptions } from './chart-settings.js';

/** The name of each x axis mode, as the toolbar and tooltip show it. */
export const X_LABELS: Readonly<Record<XAxisMode, string>> = { step: 'Step', wall: 'Wall time', relative: 'Relative time' };

/** The styles of {@link chartOptionControls} (for the chart's and the group's stylesheets). */
export const chartOptionControlStyles = css`
  .row.controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 12px;
    font-size: 12px;
  }
  .row.controls select {
    min-height: 22px;
    padding: 1px 4px;
  }
  label {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    color: var(--_muted);
  }
  input[type='range'] {
    width: 80px;
    accent-color: var(--_accent);
  }
`;

/** What the toolbar shows and calls. */
export interface ChartToolbarSpec {
  readonly title: string;
  readonly options: ChartOptions;
  /** Show "Use section settings". */
  readonly overridden: boolean;
  readonly onOption: (name: keyof ChartOptions, value: unknown) => void;
  readonly onUseSection: () => void;
  readonly onPng: () => void;
  readonly onCsv: () => void;
}

/** See the module docs. */
export function chartToolbar(spec: ChartToolbarSpec): TemplateResult {
  return html`<div class="toolbar" part="toolbar">
    <div class="row">
      <span class="title" title=${spec.title}>${spec.title}</span>
      ${spec.overridden
        ? html`<button class="small" title="Drop this chart's own x axis, smoothing and log scale" @click=${spec.onUseSection}>Use section settings</button>`
        : nothing}
      <button class="small" title="Download PNG" @click=${spec.onPng}>PNG</button>
      <button class="small" title="Download CSV" @click=${spec.onCsv}>CSV</button>
    </div>
    ${chartOptionControls(spec.options, spec.onOption)}
  </div>`;
}

/** The x axis select, smoothing slider and log-scale checkbox for `options`. */
export function chartOptionControls(options: ChartOptions, onOption: (name: keyof ChartOptions, value: unknown) => void): TemplateResult {
  const { xAxis, smoothing, logY } = options;
  return html`<div class="row controls">
    <select aria-label="x axis" title="x axis" @change=${(e: Event) => onOption('xAxis', (e.target as HTMLSelectElement).value)}>
      ${(['step', 'wall', 'relative'] as const).map((m) => html`<option value=${m} ?selected=${xAxis === m}>${X_LABELS[m]}</option>`)}
    </select>
    <label title="Debiased exponential moving average"
      >Smoothing
      <input
        type="range"
        aria-label="smoothing"
        min="0"
        max="0.99"
        step="0.01"
        .value=${String(smoothing)}
        @input=${(e: Event) => onOption('smoothing', Number((e.target as HTMLInputElement).value))}
      /><span class="mono">${smoothing.toFixed(2)}</span></label
    >
    <label><input type="checkbox" aria-label="log scale" .checked=${logY} @change=${(e: Event) => onOption('logY', (e.target as HTMLInputElement).checked)} />Log y</label>
  </div>`;
}
