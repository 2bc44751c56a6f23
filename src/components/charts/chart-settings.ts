/**
 * Settings shared by the charts of one section (W&B's section settings): an `<ef-chart-group>`
 * provides them through Lit context; each `<ef-metric-chart>` inside uses them for every option
 * it was not given itself.
 * @module
 */
import { createContext } from '@lit/context';
import { isXAxisMode, type XAxisMode } from './chart-data.js';

/** The options a chart draws with. */
export interface ChartOptions {
  readonly xAxis: XAxisMode;
  /** Debiased EMA weight in [0, 0.99]; 0 = off. */
  readonly smoothing: number;
  readonly logY: boolean;
}

/** What a group gives its charts. */
export interface ChartSectionSettings extends ChartOptions {
  /** The charts' cursors move together (one x under the pointer on every chart). */
  readonly sharedHover: boolean;
  /** uPlot's cursor sync key of the group (unique per group). */
  readonly syncKey: string;
}

/** Options of a chart with no group and none of its own. */
export const DEFAULT_CHART_OPTIONS: ChartOptions = { xAxis: 'step', smoothing: 0, logY: false };

/** A smoothing weight as charts use it: finite, in [0, 0.99]. */
export function clampSmoothing(value: number): number {
  return Math.min(0.99, Math.max(0, Number.isFinite(value) ? value : 0));
}

/** `options` with one option changed to `value`, or unchanged when `value` is not valid for it. */
export function withOption(options: ChartOptions, name: keyof ChartOptions, value: unknown): ChartOptions {
  if (name === 'xAxis' && isXAxisMode(value)) return { ...options, xAxis: value };
  if (name === 'smoothing' && typeof value === 'number' && Number.isFinite(value)) return { ...options, smoothing: clampSmoothing(value) };
  if (name === 'logY' && typeof value === 'boolean') return { ...options, logY: value };
  return options;
}

/** Context key of the section settings (`undefined` outside a group). */
export const chartSettingsContext = createContext<ChartSectionSettings | undefined>(Symbol.for('edgeflow.chart-settings'));
