/**
 * A batch's metric columns as they travel from the page to the IndexedDB worker: every column of
 * the batch copied into one `Float64Array`. A structured clone costs about as much per typed array
 * as per record, so a batch of 20 one-point metrics sent as 60 arrays cost the worker more to
 * receive than to store; as one array it costs one. The worker reads the columns as views into it
 * (the store copies what it keeps).
 * @module
 */
import type { MetricColumns } from '../../core/entities.js';
import type { MetricLink } from '../../core/logged-models/entities.js';
import type { LogBatchInput } from '../../core/store.js';

/** One batch's metric columns: key `keys[i]` has the points from `ends[i - 1]` (0 for the first) to `ends[i]`. */
export interface PackedColumns {
  readonly keys: readonly string[];
  readonly ends: readonly number[];
  /** Per key, its steps, then its timestamps, then its values: `3 * ends.at(-1)` numbers. */
  readonly points: Float64Array<ArrayBuffer>;
  /** The links of the keys that have one, by position. */
  readonly links: readonly (readonly [number, MetricLink])[];
}

/** A {@link LogBatchInput} on the wire: its metrics packed. */
export interface WireBatch extends Omit<LogBatchInput, 'metrics'> {
  readonly columns: PackedColumns;
}

type LinkedColumns = MetricColumns & { readonly link?: MetricLink };

/**
 * Copies the columns of `metrics` (taken now: the caller may change its arrays later) into one
 * array, made by `allocate` (default: a new one).
 */
export function packColumns(
  metrics: readonly LinkedColumns[],
  allocate: (length: number) => Float64Array<ArrayBuffer> = (length) => new Float64Array(length),
): PackedColumns {
  const ends: number[] = [];
  let total = 0;
  for (const m of metrics) ends.push((total += m.values.length));
  const points = allocate(3 * total);
  const links: [number, MetricLink][] = [];
  metrics.forEach((m, i) => {
    const n = m.values.length;
    const at = 3 * (ends[i]! - n);
    points.set(m.steps, at);
    points.set(m.timestamps, at + n);
    points.set(m.values, at + 2 * n);
    if (m.link !== undefined) links.push([i, m.link]);
  });
  return { keys: metrics.map((m) => m.key), ends, points, links };
}

/** The columns of a {@link PackedColumns}, as views into its one array. */
export function unpackColumns(packed: PackedColumns): LinkedColumns[] {
  const links = new Map(packed.links);
  return packed.keys.map((key, i) => {
    const from = i === 0 ? 0 : packed.ends[i - 1]!;
    const n = packed.ends[i]! - from;
    const at = 3 * from;
    const link = links.get(i);
    const { points } = packed;
    const columns = { key, steps: points.subarray(at, at + n), timestamps: points.subarray(at + n, at + 2 * n), values: points.subarray(at + 2 * n, at + 3 * n) };
    return link === undefined ? columns : { ...columns, link };
  });
}
