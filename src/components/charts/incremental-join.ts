/**
 * Aligns series whose x columns differ (runs logging different steps, or any two runs on a time
 * axis) on one shared x column, and keeps that alignment up to date as points arrive instead of
 * joining everything again:
 *
 * - a new point whose x is already in the table fills its cell (no copy);
 * - a new point past the last x appends a row;
 * - new points between existing rows are merged in with one pass over the table per update;
 * - the first update, or one that brings more new points than the table has rows, joins from
 *   scratch with `uPlot.join`.
 *
 * Cells are `number`, `null` (the series has a point there that cannot be drawn: a gap) or
 * `undefined` (the series has no point at that x: uPlot spans it).
 * @module
 */
import uPlot from 'uplot';

/** A y column as uPlot takes it. */
export type YColumn = Float64Array | (number | null | undefined)[];

/** One series group: an x column and the y columns drawn against it (same length). */
export interface JoinInput {
  readonly x: Float64Array;
  /** True when `x` never decreases. */
  readonly ascending: boolean;
  readonly ys: readonly YColumn[];
}

type Cell = number | null | undefined;

/** A new point: its x, group and index in that group's columns. */
interface NewPoint {
  readonly x: number;
  readonly group: number;
  readonly index: number;
}

/** The first index of the ascending `xs` whose value is ≥ `x` (binary search). */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** See the module docs. */
export class IncrementalJoin {
  #x: number[] = [];
  #ys: Cell[][] = [];
  /** Points of each group already in the table. */
  #done: number[] = [];
  /** The first y column of each group in `#ys`. */
  #offsets: number[] = [];
  /** How many updates joined from scratch (for tests and diagnostics). */
  fullJoins = 0;

  /** Forgets the table; the next update joins from scratch. */
  reset(): void {
    this.#x = [];
    this.#ys = [];
    this.#done = [];
    this.#offsets = [];
  }

  /**
   * Brings the table up to date with `inputs`, which must be the same groups (in the same order,
   * with the same number of y columns) as last time, each grown or unchanged; else call
   * {@link IncrementalJoin.reset} first. Returns `[x, ...ys]`.
   */
  update(inputs: readonly JoinInput[]): uPlot.AlignedData {
    let fresh = 0;
    inputs.forEach((input, g) => (fresh += input.x.length - (this.#done[g] ?? 0)));
    if (this.#done.length !== inputs.length || fresh > this.#x.length) return this.#joinAll(inputs);
    if (fresh > 0) this.#add(inputs);
    return [this.#x, ...this.#ys] as uPlot.AlignedData;
  }

  #joinAll(inputs: readonly JoinInput[]): uPlot.AlignedData {
    this.fullJoins++;
    const tables: uPlot.AlignedData[] = [];
    const modes: number[][] = [];
    this.#offsets = [];
    let offset = 0;
    for (const { x, ascending, ys } of inputs) {
      this.#offsets.push(offset);
      offset += ys.length;
      if (ascending) {
        tables.push([x, ...ys] as uPlot.AlignedData);
      } else {
        const order = Array.from(x.keys()).sort((a, b) => x[a]! - x[b]! || a - b);
        tables.push([order.map((i) => x[i]!), ...ys.map((c) => order.map((i) => c[i] ?? null))] as uPlot.AlignedData);
      }
      modes.push([0, ...ys.map(() => 1)]);
    }
    this.#done = inputs.map((input) => input.x.length);
    if (tables.length === 0) {
      this.#x = [];
      this.#ys = [];
      return [[]];
    }
    const joined = uPlot.join(tables, modes as uPlot.JoinNullMode[][]);
    // Plain arrays, so that later points can be pushed into them.
    const plain = (column: ArrayLike<Cell>): Cell[] => (Array.isArray(column) ? (column as Cell[]) : Array.from(column));
    this.#x = plain(joined[0] as ArrayLike<number>) as number[];
    this.#ys = joined.slice(1).map((c) => plain(c as ArrayLike<Cell>));
    return [this.#x, ...this.#ys] as uPlot.AlignedData;
  }

  #add(inputs: readonly JoinInput[]): void {
    const points: NewPoint[] = [];
    inputs.forEach((input, group) => {
      for (let index = this.#done[group]!; index < input.x.length; index++) points.push({ x: input.x[index]!, group, index });
    });
    points.sort((a, b) => a.x - b.x || a.group - b.group || a.index - b.index);
    const xs = this.#x;
    const between: NewPoint[] = [];
    for (const p of points) {
      const last = xs.length - 1;
      if (last < 0 || p.x > xs[last]!) {
        xs.push(p.x);
        for (const column of this.#ys) column.push(undefined);
        this.#fill(this.#ys, last + 1, p, inputs);
        continue;
      }
      const row = lowerBound(xs, p.x);
      if (xs[row] === p.x) this.#fill(this.#ys, row, p, inputs);
      else between.push(p);
    }
    if (between.length > 0) this.#merge(between, inputs);
    this.#done = inputs.map((input) => input.x.length);
  }

  /** Merges points whose x falls between existing rows (sorted by x) in one pass over the table. */
  #merge(points: readonly NewPoint[], inputs: readonly JoinInput[]): void {
    const xs = this.#x;
    const ys = this.#ys;
    const outX: number[] = [];
    const outYs: Cell[][] = ys.map(() => []);
    const copyRow = (row: number): void => {
      outX.push(xs[row]!);
      for (let c = 0; c < ys.length; c++) outYs[c]!.push(ys[c]![row]);
    };
    let row = 0;
    for (const p of points) {
      while (row < xs.length && xs[row]! < p.x) copyRow(row++);
      if (outX[outX.length - 1] !== p.x) {
        outX.push(p.x);
        for (const column of outYs) column.push(undefined);
      }
      this.#fill(outYs, outX.length - 1, p, inputs);
    }
    while (row < xs.length) copyRow(row++);
    this.#x = outX;
    this.#ys = outYs;
  }

  #fill(ys: Cell[][], row: number, p: NewPoint, inputs: readonly JoinInput[]): void {
    const offset = this.#offsets[p.group]!;
    inputs[p.group]!.ys.forEach((column, c) => (ys[offset + c]![row] = column[p.index] ?? null));
  }
}
