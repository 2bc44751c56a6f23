/**
 * Debiased exponential moving average, as TensorBoard's scalar charts (`classicSmoothing` in
 * `line_chart_v2/data_transformer.ts`): a first-order IIR filter whose start-up bias towards 0
 * is removed by dividing by `1 - w^n`. Non-finite points pass through unchanged and do not
 * advance the filter; a constant series is left as is.
 * @module
 */

/** Running state, so a live tail is smoothed without revisiting the history. */
export interface EmaState {
  last: number;
  count: number;
  /** The first finite value seen and whether every finite value equals it. */
  first: number;
  constant: boolean;
}

export function newEmaState(): EmaState {
  return { last: 0, count: 0, first: NaN, constant: true };
}

/**
 * Smooths `values[from…to)` into `out` (same indices), continuing `state`. `weight` in [0, 1):
 * 0 leaves values unchanged.
 */
export function emaInto(
  values: Float64Array,
  from: number,
  to: number,
  weight: number,
  state: EmaState,
  out: { set(i: number, v: number): void },
): void {
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out.set(i, v);
      continue;
    }
    if (state.count === 0) state.first = v;
    else if (v !== state.first) state.constant = false;
    state.last = state.last * weight + (1 - weight) * v;
    state.count++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, state.count);
    out.set(i, state.constant ? v : state.last / debias);
  }
}

/** Smooths a whole array (for tests and one-off exports). */
export function ema(values: ArrayLike<number>, weight: number): Float64Array {
  const input = Float64Array.from(values);
  const out = new Float64Array(input.length);
  emaInto(input, 0, input.length, weight, newEmaState(), { set: (i, v) => (out[i] = v) });
  return out;
}
