/**
 * Writes that MLflow would apply twice if sent twice (`runs/create`, `runs/log-batch` with metrics),
 * made safe to send again after an ambiguous failure (see `idempotency.ts`): first look whether
 * the server applied them, and send again only what it did not.
 *
 * - `runs/create`: the run is looked up by what the request set — experiment, start time (ms),
 *   name, user and every tag. A run matching all of them is taken as the one created (another
 *   client creating an identical run in the same millisecond is the accepted limit).
 * - `runs/log-batch`: for each metric key of the request, the tail of the server's history is
 *   compared with the request's points (step, timestamp, value); keys whose points are there are
 *   left out of the request sent again (params and tags with the same values are idempotent).
 *
 * After a timeout or a 504 the server may still be applying the request, so a look that finds
 * nothing proves nothing: the request is not sent again and its error is thrown.
 * @module
 */
import type { KeyValue, MetricSeries, Run } from '../../core/entities.js';
import type { CreateRunInput } from '../../core/store.js';
import { isAmbiguousFailure, mayStillApply } from './http.js';
import { decodeDouble, type Json } from './wire.js';

/**
 * Sends a write; after an ambiguous failure asks `applied()` whether the server holds it (a result
 * means yes) and sends it again, at most `rounds` times, only when it does not and the server
 * cannot still be applying it.
 */
export async function sendOnce<T>(send: () => Promise<T>, applied: () => Promise<T | undefined>, rounds: number): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await send();
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      const found = await applied();
      if (found !== undefined) return found;
      if (mayStillApply(error) || round >= rounds) throw error;
    }
  }
}

/** The MLflow filter that finds candidates for the run `input` created. */
export function createdRunFilter(input: CreateRunInput): string {
  return `attributes.start_time = ${input.startTime}`;
}

/** True when `run` holds everything `input` asked `runs/create` to set. */
export function isCreatedBy(run: Run, input: CreateRunInput): boolean {
  const hasTag = (tag: KeyValue): boolean => run.data.tags[tag.key] === tag.value;
  return (
    run.info.experimentId === input.experimentId &&
    run.info.startTime === input.startTime &&
    run.info.runName === input.runName &&
    run.info.userId === input.userId &&
    input.tags.every(hasTag)
  );
}

interface SentMetric {
  readonly key: string;
  readonly value: number | string;
  readonly timestamp: number;
  readonly step: number;
}

/**
 * The part of a `runs/log-batch` body the server does not hold, as a body to send again, or
 * undefined when it holds every metric point of it. `history` reads a metric's whole history.
 */
export async function unappliedLogBatch(body: string, history: (key: string) => Promise<MetricSeries>): Promise<string | undefined> {
  const request = JSON.parse(body) as Json & { metrics?: SentMetric[] };
  const byKey = new Map<string, SentMetric[]>();
  for (const metric of request.metrics ?? []) {
    const list = byKey.get(metric.key);
    if (list === undefined) byKey.set(metric.key, [metric]);
    else list.push(metric);
  }
  const missing: string[] = [];
  for (const [key, sent] of byKey) if (!endsWith(await history(key), sent)) missing.push(key);
  if (missing.length === 0) return undefined;
  return JSON.stringify({ ...request, metrics: (request.metrics ?? []).filter((m) => missing.includes(m.key)) });
}

/** True when the last points of `series` are `sent`, in order. */
function endsWith(series: MetricSeries, sent: readonly SentMetric[]): boolean {
  const offset = series.values.length - sent.length;
  if (offset < 0) return false;
  return sent.every((point, i) => {
    const value = decodeDouble(point.value, 'metric.value');
    const stored = series.values[offset + i]!;
    return (
      series.steps[offset + i] === point.step &&
      series.timestamps[offset + i] === point.timestamp &&
      (stored === value || (Number.isNaN(stored) && Number.isNaN(value)))
    );
  });
}
