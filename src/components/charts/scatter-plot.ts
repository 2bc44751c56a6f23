/**
 * The compare scatter plot: any param or metric against any other, one point per run in its
 * colour, the hovered run named next to its point. SVG built from Lit templates only (run names
 * are text, never markup).
 * @module
 */
import { nothing, svg, type SVGTemplateResult } from 'lit';
import type { Run } from '../../core/entities.js';
import type { RunStyle } from '../internal/colors.js';
import { axisOf, positionOn } from '../internal/parallel-coordinates.js';
import { fieldValue, type CompareField } from './compare-fields.js';
import { axisTicks, clip, PLOT_PAD, plotFrame } from './plot-frame.js';

/** What the scatter plot shows and calls. */
export interface ScatterSpec {
  readonly runs: readonly Run[];
  readonly x: CompareField;
  readonly y: CompareField;
  readonly style: (runId: string) => RunStyle;
  /** The run under the pointer ('' = none). */
  readonly hover: string;
  readonly onHover: (runId: string) => void;
  /** The element's width in CSS pixels (0: not laid out yet). */
  readonly width: number;
}

/** See the module docs. */
export function scatterPlot(spec: ScatterSpec): SVGTemplateResult {
  const xs = spec.runs.map((r) => fieldValue(r, spec.x));
  const ys = spec.runs.map((r) => fieldValue(r, spec.y));
  const xAxis = axisOf(spec.x.label, xs, spec.x.kind === 'metric');
  const yAxis = axisOf(spec.y.label, ys, spec.y.kind === 'metric');
  const frame = plotFrame(spec.width);
  const plotX = frame.x;
  const plotY = frame.y;
  const points = spec.runs.flatMap((run, i) => {
    const px = positionOn(xAxis, xs[i] ?? null);
    const py = positionOn(yAxis, ys[i] ?? null);
    return px === undefined || py === undefined ? [] : [{ run, x: plotX(px), y: plotY(py) }];
  });
  const hovered = points.find((p) => p.run.info.runId === spec.hover);
  return svg`<svg part="scatter" viewBox="0 0 ${frame.w} ${frame.h}" role="img" aria-label=${`Scatter plot of ${spec.y.label} against ${spec.x.label}`}>
    <g class="axis">
      <line x1=${plotX(0)} x2=${plotX(1)} y1=${plotY(0)} y2=${plotY(0)}></line>
      <line x1=${plotX(0)} x2=${plotX(0)} y1=${plotY(0)} y2=${plotY(1)}></line>
      ${axisTicks(xAxis).map(([p, t]) => svg`<text class="tick" x=${plotX(p)} y=${plotY(0) + 14} text-anchor="middle">${t}</text>`)}
      ${axisTicks(yAxis).map(([p, t]) => svg`<text class="tick" x=${PLOT_PAD.left - 6} y=${plotY(p) + 3} text-anchor="end">${t}</text>`)}
      <text class="label" x=${plotX(0.5)} y=${frame.h - 8} text-anchor="middle">${clip(spec.x.label, Math.max(12, Math.floor((frame.w - PLOT_PAD.left) / 7)))}</text>
      <text class="label" x=${14} y=${plotY(0.5)} text-anchor="middle" transform=${`rotate(-90 14 ${plotY(0.5)})`}>${clip(spec.y.label, 40)}</text>
    </g>
    ${points.map(({ run, x, y }) => {
      const style = spec.style(run.info.runId);
      return svg`<circle class="point" data-run-id=${run.info.runId} cx=${x} cy=${y} r=${run.info.runId === spec.hover ? 7 : 5} fill=${style.color}
        @mouseenter=${() => spec.onHover(run.info.runId)} @mouseleave=${() => spec.onHover('')}><title>${run.info.runName}</title></circle>`;
    })}
    ${hovered === undefined
      ? nothing
      : svg`<text class="hover-label" x=${hovered.x + (hovered.x > frame.w * 0.7 ? -10 : 10)} y=${hovered.y - 8} text-anchor=${hovered.x > frame.w * 0.7 ? 'end' : 'start'}>${clip(hovered.run.info.runName, 40)}</text>`}
  </svg>`;
}
