/**
 * Turns metric columns into uPlot's `AlignedData` (`[xs, ...ys]`) incrementally.
 *
 * - x: steps, wall time (ms → s, uPlot's time unit) or time relative to the run's start (s).
 * - y: the raw values, and with smoothing a debiased EMA per series. Typed arrays are passed
 *   through untouched while every value is drawable; the first NaN/±inf (or value ≤ 0 on a log
 *   scale) switches that column to a plain array holding `null` there, which uPlot draws as a gap.
 * - Alignment: when every series' x column is a prefix of one shared column (the usual case:
 *   runs logging the same steps, possibly at different progress) the shared column is used as is
 *   and verified only for new points. Otherwise the series are aligned on their x values by an
 *   {@link IncrementalJoin} (new points are merged in, the rest is not joined again), keeping
 *   explicit `null` gaps and spanning the `undefined` alignment holes.
 * @module
 */
import type uPlot from 'uplot';
import { GrowableColumn, drawable } from './growable.js';
import { IncrementalJoin, type JoinInput, type YColumn } from './incremental-join.js';
import { emaInto, newEmaState, type EmaState } from './smoothing.js';

/** What the x axis shows. */
export const XAxisMode = { STEP: 'step', WALL: 'wall', RELATIVE: 'relative' } as const;
export type XAxisMode = (typeof XAxisMode)[keyof typeof XAxisMode];

/** True for a valid {@link XAxisMode}. */
export function isXAxisMode(value: unknown): value is XAxisMode {
  return value === 'step' || value === 'wall' || value === 'relative';
}

/** One (run, metric key) history as loaded so far; the columns only ever grow. */
export interface SeriesSource {
  readonly runId: string;
  readonly key: string;
  readonly steps: GrowableColumn;
  readonly timestamps: GrowableColumn;
  readonly values: GrowableColumn;
  /** Origin of relative time, ms (the run's start time). */
  readonly origin: number;
}

/** How the data is shown. */
export interface ChartDataOptions {
  readonly xMode: XAxisMode;
  /** EMA weight in [0, 1); 0 = off. */
  readonly smoothing: number;
  readonly logY: boolean;
}

export type { YColumn } from './incremental-join.js';

/** What each uPlot series (after the x column) shows. */
export interface SeriesSlot {
  readonly source: number;
  readonly smoothed: boolean;
}

/** A slot's own columns, before alignment (the points of that series only, in logged order). */
export interface SlotColumns {
  readonly x: Float64Array;
  readonly y: YColumn;
  /** True when `x` never decreases. */
  readonly ascending: boolean;
}

/** The result of {@link ChartDataBuilder.build}. */
export interface ChartData {
  readonly data: uPlot.AlignedData;
  readonly slots: readonly SeriesSlot[];
  /** Each slot's own columns (`data[i + 1]` is `columns[i].y` aligned on `data[0]`). */
  readonly columns: readonly SlotColumns[];
  /** True when the series were aligned by a join (x columns not shared). */
  readonly joined: boolean;
}

/** A y output column: typed while all values are drawable, else a plain array with nulls. */
class OutColumn {
  readonly #typed = new GrowableColumn();
  #plain: (number | null)[] | undefined;

  push(v: number, ok: boolean): void {
    if (!ok && this.#plain === undefined) this.#plain = Array.from(this.#typed.view());
    if (this.#plain !== undefined) this.#plain.push(ok ? v : null);
    else this.#typed.push(v);
  }

  view(): YColumn {
    return this.#plain ?? this.#typed.view();
  }

  /** A column holding `values[0…n)` with the undrawable ones as `null` (one allocation, one pass). */
  static withGaps(values: Float64Array, n: number, logY: boolean): OutColumn {
    const out = new OutColumn();
    const plain: (number | null)[] = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      plain[i] = drawable(v, logY) ? v : null;
    }
    out.#plain = plain;
    return out;
  }
}

/** Derived columns of one source for the current options. */
class Derived {
  xCol: GrowableColumn | undefined;
  xDone = 0;
  ascending = true;
  /** Raw y: undefined while the source's own values column can be used as is. */
  raw: OutColumn | undefined;
  smooth: OutColumn | undefined;
  smoothDone = 0;
  ema: EmaState = newEmaState();
  /** Entries of x verified against the shared column. */
  verified = 0;
}

/** See the module docs. */
export class ChartDataBuilder {
  #sources: readonly SeriesSource[] = [];
  #options: ChartDataOptions = { xMode: 'step', smoothing: 0, logY: false };
  #derived: Derived[] = [];
  /** The source whose x column is the shared one (the longest), or -1. */
  #ref = -1;
  #sharedOk = true;
  readonly #join = new IncrementalJoin();

  /** How many builds aligned the series from scratch (live points are merged in); for tests and diagnostics. */
  get fullJoins(): number {
    return this.#join.fullJoins;
  }

  /** Sets the series; resets derived data when they change. */
  setSources(sources: readonly SeriesSource[]): void {
    if (sources.length === this.#sources.length && sources.every((s, i) => s === this.#sources[i])) return;
    this.#sources = sources;
    this.#reset();
  }

  /** Sets the options; resets derived data when they change. */
  setOptions(options: ChartDataOptions): void {
    const o = this.#options;
    if (o.xMode === options.xMode && o.smoothing === options.smoothing && o.logY === options.logY) return;
    this.#options = { ...options };
    this.#reset();
  }

  /** Brings every column up to date with the sources (only new points are processed). */
  build(): ChartData {
    const { smoothing } = this.#options;
    const slots: SeriesSlot[] = [];
    const inputs: JoinInput[] = [];
    const columns: SlotColumns[] = [];
    this.#sources.forEach((source, i) => {
      const d = this.#derived[i]!;
      const ys = [this.#update(source, d)];
      slots.push({ source: i, smoothed: false });
      if (smoothing > 0) {
        slots.push({ source: i, smoothed: true });
        ys.push(this.#updateSmooth(source, d));
      }
      const input = { x: this.#x(source, d), ascending: d.ascending, ys };
      inputs.push(input);
      for (const y of ys) columns.push({ x: input.x, y, ascending: input.ascending });
    });
    if (this.#sharedOk) this.#verifyShared();
    if (this.#sharedOk) {
      const x = this.#ref < 0 ? new Float64Array(0) : inputs[this.#ref]!.x;
      return { data: [x, ...inputs.flatMap((input) => input.ys)] as uPlot.AlignedData, slots, columns, joined: false };
    }
    return { data: this.#join.update(inputs), slots, columns, joined: true };
  }

  #reset(): void {
    this.#derived = this.#sources.map(() => new Derived());
    this.#ref = -1;
    this.#sharedOk = true;
    this.#join.reset();
  }

  /** The x column of a source in the current mode. */
  #x(source: SeriesSource, d: Derived): Float64Array {
    return this.#options.xMode === 'step' ? source.steps.view() : d.xCol!.view();
  }

  /**
   * Brings the x column and the raw y column of a source up to date in one pass over the new
   * points: x is checked to ascend and, while every y so far was drawable, y is only checked (the
   * source's own column is drawn as is). The first undrawable y switches to a column with gaps.
   */
  #update(source: SeriesSource, d: Derived): YColumn {
    const n = source.values.length;
    const mode = this.#options.xMode;
    const logY = this.#options.logY;
    if (mode !== 'step') {
      d.xCol ??= new GrowableColumn(n);
      d.xCol.reserve(n - d.xDone);
      const ts = source.timestamps.view();
      const origin = mode === 'wall' ? 0 : Math.min(source.origin, n > 0 ? ts[0]! : source.origin);
      for (let i = d.xDone; i < n; i++) d.xCol.push((ts[i]! - origin) / 1000);
    }
    const x = this.#x(source, d);
    const values = source.values.view();
    const from = d.xDone;
    let ascending = d.ascending;
    let prev = from > 0 ? x[from - 1]! : -Infinity;
    let i = from;
    if (d.raw === undefined) {
      // The hot loop of a first draw (1M points): no calls, no allocation. `v - v` is NaN for NaN and ±inf.
      if (logY) {
        for (; i < n; i++) {
          const v = values[i]!;
          if (!(v > 0 && v < Infinity)) break;
          const xi = x[i]!;
          if (xi < prev) ascending = false;
          prev = xi;
        }
      } else {
        for (; i < n; i++) {
          const v = values[i]!;
          if (v - v !== 0) break;
          const xi = x[i]!;
          if (xi < prev) ascending = false;
          prev = xi;
        }
      }
      if (i < n) d.raw = OutColumn.withGaps(values, i, logY);
    }
    if (d.raw !== undefined) {
      for (; i < n; i++) {
        const v = values[i]!;
        d.raw.push(v, drawable(v, logY));
        const xi = x[i]!;
        if (xi < prev) ascending = false;
        prev = xi;
      }
    }
    d.ascending = ascending;
    d.xDone = n;
    return d.raw === undefined ? values : d.raw.view();
  }

  #updateSmooth(source: SeriesSource, d: Derived): YColumn {
    const values = source.values.view();
    const logY = this.#options.logY;
    const out = (d.smooth ??= new OutColumn());
    emaInto(values, d.smoothDone, values.length, this.#options.smoothing, d.ema, {
      set: (_i, v) => out.push(v, drawable(v, logY)),
    });
    d.smoothDone = values.length;
    return out.view();
  }

  /**
   * Checks every source's x column is a prefix of the longest one (which is then used as is, no
   * copy). Only new points are compared; when another source becomes the longest, all are
   * checked again against it once.
   */
  #verifyShared(): void {
    let ref = this.#ref;
    let longest = ref < 0 ? -1 : this.#sources[ref]!.values.length;
    this.#sources.forEach((s, i) => {
      if (s.values.length > longest) {
        longest = s.values.length;
        ref = i;
      }
    });
    if (ref !== this.#ref) {
      this.#ref = ref;
      for (const d of this.#derived) d.verified = 0;
    }
    if (ref < 0) return;
    const refDerived = this.#derived[ref]!;
    if (!refDerived.ascending) {
      this.#sharedOk = false;
      return;
    }
    const shared = this.#x(this.#sources[ref]!, refDerived);
    refDerived.verified = shared.length;
    for (let s = 0; s < this.#sources.length; s++) {
      if (s === ref) continue;
      const d = this.#derived[s]!;
      const x = this.#x(this.#sources[s]!, d);
      for (let j = d.verified; j < x.length; j++) {
        if (shared[j] !== x[j]) {
          this.#sharedOk = false;
          return;
        }
      }
      d.verified = x.length;
    }
  }
}
