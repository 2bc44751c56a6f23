/**
 * `startSystemMetrics`: MLflow's system metrics for a run in the browser. Every interval the
 * probes are read and logged as `system/<name>` at step 0, 1, 2, … (as MLflow's monitor does),
 * through the run's logging queue, so sampling never waits on storage. Sampling stops when the
 * run ends or on `stop()`.
 * @module
 */
import { z } from 'zod';
import type { ActiveRun } from '../core/run.js';
import { parseInput } from '../core/schemas.js';
import { browserProbes, type SystemProbe } from './probes.js';

/** The prefix MLflow gives system metrics. */
export const SYSTEM_METRIC_PREFIX = 'system/';

/** MLflow's default sampling interval. */
export const DEFAULT_SYSTEM_METRICS_INTERVAL_MS = 10_000;

/** Options of {@link startSystemMetrics}. */
export interface SystemMetricsOptions {
  /** ms between samples; default 10,000 (MLflow's default), at least 100. */
  readonly intervalMs?: number;
  /** What to sample; default {@link browserProbes} (heap, long tasks, frame rate). Add `tfjsProbe(tf)` for TF.js memory. */
  readonly probes?: readonly SystemProbe[];
}

const optionsSchema = z
  .object({
    intervalMs: z.number().finite().min(100).optional(),
    probes: z.array(z.custom<SystemProbe>((p) => typeof (p as SystemProbe | null)?.sample === 'function', 'a probe has a sample() method')).optional(),
  })
  .strict();

/** A running sampler (see {@link startSystemMetrics}). */
export class SystemMetricsSampler {
  readonly #run: ActiveRun;
  readonly #probes: readonly SystemProbe[];
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #removeOnEnd: () => void;
  #step = 0;
  #stopped = false;

  /** @internal Use {@link startSystemMetrics}. */
  constructor(run: ActiveRun, probes: readonly SystemProbe[], intervalMs: number) {
    this.#run = run;
    this.#probes = probes;
    for (const probe of probes) probe.start?.({ intervalMs });
    const tags = Object.assign({}, ...probes.map((p) => p.tags?.() ?? {})) as Record<string, string>;
    if (Object.keys(tags).length > 0) run.setTags(tags);
    this.#timer = setInterval(() => this.sampleNow(), intervalMs);
    this.#removeOnEnd = run.onEnd(() => this.stop());
  }

  /** Samples logged so far. */
  get samples(): number {
    return this.#step;
  }

  /** True once stopped (by {@link SystemMetricsSampler.stop} or the run's end). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Reads every probe now and queues the values as the next step (also called every interval). */
  sampleNow(): void {
    if (this.#stopped) return;
    const values: Record<string, number> = {};
    for (const probe of this.#probes) {
      for (const [key, value] of Object.entries(probe.sample())) if (Number.isFinite(value)) values[`${SYSTEM_METRIC_PREFIX}${key}`] = value;
    }
    if (Object.keys(values).length === 0) return;
    this.#run.logMetrics(values, { step: this.#step++ });
  }

  /** Stops sampling and releases the probes' observers; idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#removeOnEnd();
    for (const probe of this.#probes) probe.stop?.();
  }
}

/**
 * Starts sampling system metrics into `run` until it ends (or `stop()`).
 *
 * @example
 * ```ts
 * const run = await client.startRun({ experimentName: 'mnist' });
 * startSystemMetrics(run, { probes: [...browserProbes(), tfjsProbe(tf)] });
 * // … train; run.end() stops the sampler.
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for an interval under 100 ms or a probe without `sample()`
 */
export function startSystemMetrics(run: ActiveRun, options: SystemMetricsOptions = {}): SystemMetricsSampler {
  const parsed = parseInput(optionsSchema, options, 'system metrics options');
  return new SystemMetricsSampler(run, parsed.probes ?? browserProbes(), parsed.intervalMs ?? DEFAULT_SYSTEM_METRICS_INTERVAL_MS);
}
