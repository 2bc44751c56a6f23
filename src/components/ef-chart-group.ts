/**
 * `<ef-chart-group>`: a section of charts with "all charts" settings (W&B's section settings).
 * @module
 */
import { ContextProvider } from '@lit/context';
import { LitElement, css, html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { XAxisMode } from './charts/chart-data.js';
import { chartSettingsContext, withOption, type ChartOptions, type ChartSectionSettings } from './charts/chart-settings.js';
import { chartOptionControls, chartOptionControlStyles } from './charts/chart-toolbar.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-chart-settings-change`. */
export type ChartSettingsDetail = Omit<ChartSectionSettings, 'syncKey'>;

let groups = 0;

/**
 * Settings for every `<ef-metric-chart>` inside it: x axis, smoothing, log y and shared hover
 * (the charts' cursors move together). A chart follows them for each option it was not given
 * itself; changing an option in a chart's own toolbar overrides it for that chart only, and its
 * "Use section settings" button drops the overrides again.
 *
 * @fires ef-chart-settings-change - The user changed a setting; detail `{xAxis, smoothing, logY, sharedHover}`.
 * @slot - The charts (at any depth).
 * @csspart settings - The bar of "all charts" settings.
 *
 * @customElement ef-chart-group
 */
export class ChartGroup extends LitElement {
  static override styles = [
    themeStyles,
    chartOptionControlStyles,
    css`
      :host {
        background: none;
      }
      .settings {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 12px;
        margin-bottom: 8px;
        font-size: 12px;
      }
      .settings .title {
        font-weight: 600;
      }
    `,
  ];

  /** The x axis of every chart that has none of its own. */
  @property({ attribute: 'x-axis' }) xAxis: XAxisMode = 'step';

  /** The smoothing of every chart that has none of its own. */
  @property({ type: Number }) smoothing = 0;

  /** Log y on every chart that has no setting of its own. */
  @property({ type: Boolean, attribute: 'log-y' }) logY = false;

  /** The charts' cursors move together: hovering one shows the same x on all (on by default; attribute `shared-hover="false"` turns it off). */
  @property({ attribute: 'shared-hover', converter: { fromAttribute: (v) => v !== 'false', toAttribute: (v: boolean) => String(v) } }) sharedHover = true;

  /** The section's title in the settings bar. */
  @property() heading = 'All charts';

  readonly #syncKey = `ef-chart-group-${++groups}`;
  readonly #provider = new ContextProvider(this, { context: chartSettingsContext, initialValue: this.settings });

  /** The settings given to the charts now. */
  get settings(): ChartSectionSettings {
    const options = withOption(withOption(withOption({ xAxis: 'step', smoothing: 0, logY: false }, 'xAxis', this.xAxis), 'smoothing', this.smoothing), 'logY', this.logY);
    return { ...options, sharedHover: this.sharedHover, syncKey: this.#syncKey };
  }

  protected override willUpdate(): void {
    const next = this.settings;
    const now = this.#provider.value;
    if (now === undefined || (Object.keys(next) as (keyof ChartSectionSettings)[]).some((k) => next[k] !== now[k])) this.#provider.setValue(next);
  }

  protected override render(): TemplateResult {
    const settings = this.settings;
    return html`<div class="settings" part="settings" role="group" aria-label=${`${this.heading} settings`}>
        <span class="title">${this.heading}</span>
        ${chartOptionControls(settings, (name, value) => this.#set(name, value))}
        <label title="Hovering one chart shows the same x on every chart of the section"
          ><input type="checkbox" aria-label="shared hover" .checked=${settings.sharedHover} @change=${(e: Event) => this.#setSharedHover((e.target as HTMLInputElement).checked)} />Shared hover</label
        >
      </div>
      <slot></slot>`;
  }

  #set(name: keyof ChartOptions, value: unknown): void {
    const next = withOption(this.settings, name, value);
    this.xAxis = next.xAxis;
    this.smoothing = next.smoothing;
    this.logY = next.logY;
    this.#changed();
  }

  #setSharedHover(on: boolean): void {
    this.sharedHover = on;
    this.#changed();
  }

  #changed(): void {
    const { xAxis, smoothing, logY, sharedHover } = this.settings;
    this.dispatchEvent(new CustomEvent<ChartSettingsDetail>('ef-chart-settings-change', { detail: { xAxis, smoothing, logY, sharedHover }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-chart-group': ChartGroup;
  }
}
