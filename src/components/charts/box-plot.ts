/**
 * The compare box plot: a metric's distribution over the runs of each value of a param (median,
 * quartiles, whiskers to the furthest value within 1.5 IQR, the values beyond as dots).
 * @module
 */
import { svg, type SVGTemplateResult } from 'lit';
import type { Run } from '../../core/entities.js';
import { axisOf, positionOn } from '../internal/parallel-coordinates.js';
import { compareCells } from '../internal/run-columns.js';
import { fieldValue, type CompareField } from './compare-fields.js';
import { axisTicks, clip, PLOT_PAD, plotFrame } from './plot-frame.js';

/** The five-number summary of one group. */
export interface BoxStats {
  /** The param's value ('—' for runs without it). */
  readonly group: string;
  readonly count: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly low: number;
  readonly high: number;
  readonly outliers: readonly number[];
}

/** The `p` quantile of ascending `sorted` (linear interpolation, as numpy's default). */
function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The statistics of `metric` per value of `param` (groups sorted as the run table sorts values). */
export function boxStats(runs: readonly Run[], metric: CompareField, param: CompareField): BoxStats[] {
  const groups = new Map<string, number[]>();
  for (const run of runs) {
    const v = fieldValue(run, metric);
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const key = fieldValue(run, param);
    const name = key === null ? '—' : String(key);
    groups.set(name, [...(groups.get(name) ?? []), v]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareCells(a, b))
    .map(([group, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const q1 = quantile(sorted, 0.25);
      const q3 = quantile(sorted, 0.75);
      const reach = 1.5 * (q3 - q1);
      const inside = sorted.filter((v) => v >= q1 - reach && v <= q3 + reach);
      return {
        group,
        count: sorted.length,
        q1,
        median: quantile(sorted, 0.5),
        q3,
        low: inside[0]!,
        high: inside[inside.length - 1]!,
        outliers: sorted.filter((v) => v < q1 - reach || v > q3 + reach),
      };
    });
}

/** See the module docs. */
export function boxPlot(stats: readonly BoxStats[], metric: CompareField, param: CompareField, width: number): SVGTemplateResult {
  const frame = plotFrame(width);
  const plotX = frame.x;
  const plotY = frame.y;
  const axis = axisOf(metric.label, stats.flatMap((s) => [s.low, s.high, ...s.outliers]), true);
  const y = (v: number): number => plotY(positionOn(axis, v) ?? 0);
  const slot = 1 / Math.max(1, stats.length);
  const half = Math.min(40, ((frame.w - PLOT_PAD.left - PLOT_PAD.right) * slot) / 3);
  return svg`<svg part="box-plot" viewBox="0 0 ${frame.w} ${frame.h}" role="img" aria-label=${`Box plot of ${metric.label} by ${param.label}`}>
    <g class="axis">
      <line x1=${plotX(0)} x2=${plotX(0)} y1=${plotY(0)} y2=${plotY(1)}></line>
      ${axisTicks(axis).map(([p, t]) => svg`<text class="tick" x=${PLOT_PAD.left - 6} y=${plotY(p) + 3} text-anchor="end">${t}</text>`)}
      <text class="label" x=${plotX(0.5)} y=${frame.h - 8} text-anchor="middle">${clip(param.label, 60)}</text>
    </g>
    ${stats.map((s, i) => {
      const cx = plotX((i + 0.5) * slot);
      return svg`<g class="box" data-group=${s.group}>
        <title>${`${param.key} = ${s.group}: n=${s.count}, median ${s.median}, Q1 ${s.q1}, Q3 ${s.q3}`}</title>
        <line class="whisker" x1=${cx} x2=${cx} y1=${y(s.low)} y2=${y(s.q1)}></line>
        <line class="whisker" x1=${cx} x2=${cx} y1=${y(s.q3)} y2=${y(s.high)}></line>
        <rect x=${cx - half} y=${y(s.q3)} width=${2 * half} height=${Math.max(1, y(s.q1) - y(s.q3))}></rect>
        <line class="median" x1=${cx - half} x2=${cx + half} y1=${y(s.median)} y2=${y(s.median)}></line>
        ${s.outliers.map((v) => svg`<circle class="outlier" cx=${cx} cy=${y(v)} r="3"></circle>`)}
        <text class="tick" x=${cx} y=${plotY(0) + 14} text-anchor="middle">${clip(s.group, 16)} (n=${s.count})</text>
      </g>`;
    })}
  </svg>`;
}
