/**
 * Append-only columns that grow by doubling and hand out views without copying: the chart keeps
 * what it has loaded and appends live tails, so 1M-point histories are never re-processed.
 * @module
 */

const INITIAL_CAPACITY = 256;

/** A growable `Float64Array`; {@link GrowableColumn.view} is a zero-copy view of the filled part. */
export class GrowableColumn {
  length = 0;
  private __data: Float64Array;

  constructor(capacity = INITIAL_CAPACITY) {
    this.__data = new Float64Array(Math.max(1, capacity));
  }

  /** A column that takes ownership of `data` (no copy); the caller must not write to it again. */
  static adopt(data: Float64Array): GrowableColumn {
    const column = new GrowableColumn(1);
    column.__data = data.length === 0 ? new Float64Array(1) : data;
    column.length = data.length;
    return column;
  }

  /** The filled part (valid until the next append that grows the buffer). */
  view(): Float64Array {
    return this.__data.subarray(0, this.length);
  }

  /** The value at `i` (no bounds check beyond the typed array's own). */
  at(i: number): number {
    return this.__data[i]!;
  }

  /** The last value, or NaN when empty. */
  last(): number {
    return this.length === 0 ? NaN : this.__data[this.length - 1]!;
  }

  push(value: number): void {
    if (this.length === this.__data.length) this.__grow(this.length + 1);
    this.__data[this.length++] = value;
  }

  /** Appends `source[from…]`. */
  append(source: Float64Array, from = 0): void {
    const n = source.length - from;
    if (n <= 0) return;
    if (this.length + n > this.__data.length) this.__grow(this.length + n);
    this.__data.set(from === 0 ? source : source.subarray(from), this.length);
    this.length += n;
  }

  /** Ensures room for `n` more values (one allocation instead of several doublings). */
  reserve(n: number): void {
    if (this.length + n > this.__data.length) this.__grow(this.length + n);
  }

  clear(): void {
    this.length = 0;
  }

  private __grow(minCapacity: number): void {
    let capacity = this.__data.length * 2;
    while (capacity < minCapacity) capacity *= 2;
    const next = new Float64Array(capacity);
    next.set(this.__data.subarray(0, this.length));
    this.__data = next;
  }
}

/** True when `v` can be drawn (finite, and positive on a log scale). */
export function drawable(v: number, logY: boolean): boolean {
  return Number.isFinite(v) && (!logY || v > 0);
}
