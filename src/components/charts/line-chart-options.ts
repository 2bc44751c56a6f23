/**
 * The uPlot options of `<ef-metric-chart>`: axes and grid in the theme's colours, one series per
 * slot in its run's style (raw series faded under their smoothed line), x zoom by dragging, each
 * series' nearest point under the cursor, hover focus, and an optional cursor sync key.
 * @module
 */
import type uPlot from 'uplot';
import type { ChartData, XAxisMode } from './chart-data.js';
import { nearestRow } from './nearest-point.js';
import { withAlpha, type RunStyle } from '../internal/colors.js';
import { formatDuration, formatValue } from '../internal/format.js';
import type { ResolvedTheme } from '../internal/theme.js';

/** Pixels between the pointer and a series' point within which that series is focused. */
const FOCUS_PROXIMITY = 24;

/** What the options are built from. */
export interface LineChartSpec {
  readonly theme: ResolvedTheme;
  readonly xMode: XAxisMode;
  readonly logY: boolean;
  /** The data as built now; `current()` is read at hover time (it changes with live points). */
  readonly current: () => ChartData | undefined;
  /** The style of each slot (uPlot series `i + 1`). */
  readonly styles: readonly RunStyle[];
  /** Charts with the same key move their cursors together; undefined = no sync. */
  readonly syncKey: string | undefined;
  readonly hooks: uPlot.Hooks.Arrays;
}

/** See the module docs. */
export function lineChartOptions(spec: LineChartSpec): Omit<uPlot.Options, 'width' | 'height'> {
  const { theme, xMode, logY } = spec;
  const slots = spec.current()?.slots ?? [];
  const smoothed = slots.some((s) => s.smoothed);
  const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    ...(values === undefined ? {} : { values }),
  });
  return {
    legend: { show: false },
    focus: { alpha: 0.3 },
    cursor: {
      drag: { x: true, y: false },
      points: { size: 6 },
      focus: { prox: FOCUS_PROXIMITY },
      dataIdx: (_u, seriesIdx, closestIdx, xValue) => {
        const current = spec.current();
        return current === undefined ? closestIdx : nearestRow(current, seriesIdx, closestIdx, xValue);
      },
      ...(spec.syncKey === undefined ? {} : { sync: { key: spec.syncKey } }),
    },
    scales: { x: { time: xMode === 'wall' }, y: { distr: logY ? 3 : 1 } },
    axes: [
      axis(xMode === 'relative' ? (_u, ticks) => ticks.map((t) => formatDuration(t * 1000)) : undefined),
      axis((_u, ticks) => ticks.map((t) => formatValue(t))),
    ],
    series: [
      {},
      ...slots.map((slot, i): uPlot.Series => {
        const style = spec.styles[i]!;
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
    hooks: spec.hooks,
  };
}
