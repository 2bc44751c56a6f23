/**
 * A growable columnar buffer of metric points (steps, timestamps, values as `Float64Array`s),
 * doubled when full: no object per point, cheap to snapshot or transfer.
 * @module
 */
import type { MetricColumns, MetricSeries } from './entities.js';

const INITIAL_CAPACITY = 64;

/** Points of one metric key, in logging order. */
export class MetricBuffer {
  /** Number of points held. */
  length = 0;
  private __steps: Float64Array;
  private __timestamps: Float64Array;
  private __values: Float64Array;

  constructor(readonly key: string, capacity = INITIAL_CAPACITY) {
    this.__steps = new Float64Array(capacity);
    this.__timestamps = new Float64Array(capacity);
    this.__values = new Float64Array(capacity);
  }

  /** Appends one point. */
  push(step: number, timestamp: number, value: number): void {
    if (this.length === this.__steps.length) this.__grow(this.length + 1);
    const i = this.length++;
    this.__steps[i] = step;
    this.__timestamps[i] = timestamp;
    this.__values[i] = value;
  }

  /** Appends columns of equal length. */
  pushColumns(columns: MetricColumns): void {
    const n = columns.values.length;
    if (this.length + n > this.__steps.length) this.__grow(this.length + n);
    this.__steps.set(columns.steps, this.length);
    this.__timestamps.set(columns.timestamps, this.length);
    this.__values.set(columns.values, this.length);
    this.length += n;
  }

  /**
   * The points as exact-length columns, without a copy: the buffer's own arrays when they are full
   * (their buffers can then be transferred whole), else views of their first `length` points (whose
   * buffers are larger: stores copy what they keep). The buffer must not be used after, except
   * through {@link MetricBuffer.clear} once the columns are no longer read.
   */
  takeColumns(): MetricSeries {
    if (this.length === this.__steps.length) return { key: this.key, steps: this.__steps, timestamps: this.__timestamps, values: this.__values };
    return {
      key: this.key,
      steps: this.__steps.subarray(0, this.length),
      timestamps: this.__timestamps.subarray(0, this.length),
      values: this.__values.subarray(0, this.length),
    };
  }

  /** Empties the buffer, keeping its arrays for the next points (writing them again is cheaper than new memory). */
  clear(): void {
    this.length = 0;
  }

  /** A copy of the points as exact-length columns. */
  toColumns(): MetricSeries {
    return {
      key: this.key,
      steps: this.__steps.slice(0, this.length),
      timestamps: this.__timestamps.slice(0, this.length),
      values: this.__values.slice(0, this.length),
    };
  }

  /**
   * A copy of the points from position `index` (0-based, logging order) to the end as exact-length
   * columns; empty when `index` is at or past the end.
   */
  columnsFrom(index: number): MetricSeries {
    const start = Math.min(Math.max(0, index), this.length);
    return {
      key: this.key,
      steps: this.__steps.slice(start, this.length),
      timestamps: this.__timestamps.slice(start, this.length),
      values: this.__values.slice(start, this.length),
    };
  }

  private __grow(minCapacity: number): void {
    let capacity = this.__steps.length * 2;
    while (capacity < minCapacity) capacity *= 2;
    const grow = (old: Float64Array): Float64Array => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.__steps = grow(this.__steps);
    this.__timestamps = grow(this.__timestamps);
    this.__values = grow(this.__values);
  }
}

/** Empty columns for a metric that was never logged. */
export function emptySeries(key: string): MetricSeries {
  return { key, steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
}
