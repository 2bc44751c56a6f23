/**
 * The compare parallel coordinates plot, with brushing: dragging along an axis keeps the runs
 * whose value on it falls in the dragged range (the others fade); a click on an axis clears its
 * range. Run names and values are text bindings only.
 * @module
 */
import { nothing, svg, type SVGTemplateResult } from 'lit';
import type { Run } from '../../core/entities.js';
import type { RunStyle } from '../internal/colors.js';
import { formatValue } from '../internal/format.js';
import { axisOf, polylines, positionOn, type PcAxis } from '../internal/parallel-coordinates.js';
import { clip } from './plot-frame.js';

const W = 860;
const H = 300;
const PAD = { top: 34, right: 40, bottom: 28, left: 40 };
/** Smallest drag (as a fraction of the axis) that makes a range; less is a click. */
const MIN_BRUSH = 0.01;

/** A brushed range of an axis, as positions in [0, 1] (0 = bottom), low first. */
export type BrushRange = readonly [number, number];

/** One axis: its label and each run's value. */
export interface ParallelColumn {
  readonly label: string;
  readonly values: readonly (string | number | null)[];
  readonly numeric: boolean;
}

/** What the plot shows and calls. */
export interface ParallelSpec {
  readonly runs: readonly Run[];
  readonly columns: readonly ParallelColumn[];
  readonly ariaLabel: string;
  readonly style: (runId: string) => RunStyle;
  readonly hover: string;
  readonly onHover: (runId: string) => void;
  /** Brushed ranges by axis label. */
  readonly brushes: ReadonlyMap<string, BrushRange>;
  /** A range is being dragged (`done` false) or was set (`done` true); undefined clears it. */
  readonly onBrush: (label: string, range: BrushRange | undefined, done: boolean) => void;
}

/** The axes of the columns. */
export function parallelAxes(columns: readonly ParallelColumn[]): PcAxis[] {
  return columns.map((c) => axisOf(c.label, c.values, c.numeric));
}

/** True when run `r`'s values lie in every brushed range. */
export function passesBrushes(axes: readonly PcAxis[], columns: readonly ParallelColumn[], brushes: ReadonlyMap<string, BrushRange>, r: number): boolean {
  return axes.every((axis, i) => {
    const range = brushes.get(axis.label);
    if (range === undefined) return true;
    const p = positionOn(axis, columns[i]!.values[r] ?? null);
    return p !== undefined && p >= range[0] - 1e-9 && p <= range[1] + 1e-9;
  });
}

const xOf = (i: number, n: number): number => PAD.left + (i * (W - PAD.left - PAD.right)) / (n - 1);
const yOf = (p: number): number => H - PAD.bottom - p * (H - PAD.top - PAD.bottom);

/** The axis position in [0, 1] under the pointer. */
function positionAt(event: PointerEvent): number {
  // The screen → viewBox transform (scale, border, scroll), so a drag to an axis' end reaches it.
  const ctm = (event.currentTarget as SVGGraphicsElement).ownerSVGElement?.getScreenCTM();
  if (ctm === null || ctm === undefined) return 0;
  const y = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse()).y;
  const p = (H - PAD.bottom - y) / (H - PAD.top - PAD.bottom);
  // Within a hair of an end is the end: a drag to the top of the axis keeps its top value.
  return p >= 1 - MIN_BRUSH ? 1 : p <= MIN_BRUSH ? 0 : p;
}

/** Where a drag started, per brush area (the handlers are new closures at every render). */
const dragStarts = new WeakMap<Element, number>();

/** Pointer handlers of one axis' brush area. */
function brushHandlers(label: string, spec: ParallelSpec): Record<'down' | 'move' | 'up', (e: PointerEvent) => void> {
  const range = (e: PointerEvent): BrushRange | undefined => {
    const start = dragStarts.get(e.currentTarget as Element);
    if (start === undefined) return undefined;
    const p = positionAt(e);
    return [Math.min(start, p), Math.max(start, p)];
  };
  return {
    down: (e) => {
      const area = e.currentTarget as Element;
      dragStarts.set(area, positionAt(e));
      // Keep the moves coming when the pointer leaves the axis.
      try {
        area.setPointerCapture(e.pointerId);
      } catch {
        // A pointer released already cannot be captured; moves over the axis still brush.
      }
    },
    move: (e) => {
      const r = range(e);
      if (r !== undefined && r[1] - r[0] >= MIN_BRUSH) spec.onBrush(label, r, false);
    },
    up: (e) => {
      const r = range(e);
      if (r === undefined) return;
      dragStarts.delete(e.currentTarget as Element);
      spec.onBrush(label, r[1] - r[0] >= MIN_BRUSH ? r : undefined, true);
    },
  };
}

/** See the module docs. */
export function parallelPlot(spec: ParallelSpec): SVGTemplateResult {
  const axes = parallelAxes(spec.columns);
  const n = axes.length;
  return svg`<svg part="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label=${spec.ariaLabel}>
    ${spec.runs.map((run, r) => {
      const row = spec.columns.map((c) => c.values[r] ?? null);
      const style = spec.style(run.info.runId);
      const kept = passesBrushes(axes, spec.columns, spec.brushes, r);
      const opacity = !kept ? 0.08 : spec.hover === '' || spec.hover === run.info.runId ? 0.9 : 0.2;
      return svg`<g class=${kept ? 'run' : 'run filtered'} data-run-id=${run.info.runId} @mouseenter=${() => spec.onHover(run.info.runId)} @mouseleave=${() => spec.onHover('')}>
        <title>${run.info.runName}</title>
        ${polylines(axes, row, (i) => xOf(i, n), yOf).map(
          (points) => svg`<polyline points=${points} stroke=${style.color} stroke-dasharray=${style.dash.length === 0 ? nothing : style.dash.join(' ')} opacity=${opacity}></polyline>`,
        )}
      </g>`;
    })}
    ${axes.map((axis, i) => renderAxis(axis, xOf(i, n), spec))}
  </svg>`;
}

function renderAxis(axis: PcAxis, x: number, spec: ParallelSpec): SVGTemplateResult {
  const anchor = x < W * 0.1 ? 'start' : x > W * 0.9 ? 'end' : 'middle';
  const ticks: [number, string][] =
    axis.kind === 'numeric'
      ? [
          [0, formatValue(axis.min)],
          [1, formatValue(axis.max)],
        ]
      : axis.categories.slice(0, 12).map((c, i, all) => [all.length === 1 ? 0.5 : i / (all.length - 1), clip(c, 14)]);
  const range = spec.brushes.get(axis.label);
  const on = brushHandlers(axis.label, spec);
  return svg`<g class="axis" data-axis=${axis.label}>
    <line x1=${x} x2=${x} y1=${yOf(0)} y2=${yOf(1)}></line>
    <text class="label" x=${x} y=${PAD.top - 14} text-anchor=${anchor}>${clip(axis.label, 22)}<title>${axis.label}</title></text>
    ${ticks.map(([p, t]) => svg`<text class="tick" x=${x + 5} y=${yOf(p) + 3}>${t}</text>`)}
    ${range === undefined ? nothing : svg`<rect class="brush" x=${x - 8} width="16" y=${yOf(range[1])} height=${Math.max(1, yOf(range[0]) - yOf(range[1]))}></rect>`}
    <rect class="brush-area" x=${x - 12} width="24" y=${yOf(1)} height=${yOf(0) - yOf(1)}
      @pointerdown=${on.down} @pointermove=${on.move} @pointerup=${on.up}><title>Drag along ${axis.label} to keep only the runs in that range; click to clear</title></rect>
  </g>`;
}
