/**
 * Splits a {@link LogBatchInput} (metric columns of any length, params, tags) into `runs/log-batch`
 * request bodies within MLflow's limits (spec §5): ≤ 1000 metrics, ≤ 100 params, ≤ 100 tags,
 * ≤ 1000 items and < 1 000 000 bytes per request. Bodies are written as JSON text item by item,
 * so 100k points cost no object per point.
 *
 * Order is kept: the server writes params, metrics, tags inside one request, and every request
 * holding params precedes every request holding metrics, which precede every request holding
 * tags — so the run sees params, then metrics in logging order, then tags, as one request would.
 * @module
 */
import type { MetricLink } from '../../core/logged-models/entities.js';
import { metricLinkToJson } from './wire-mlflow3.js';
import type { KeyValue, MetricColumns } from '../../core/entities.js';
import { MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH } from '../../core/limits.js';
import type { LogBatchInput } from '../../core/store.js';
import { encodeDouble } from './wire.js';

/** What MLflow's server accepts in one request body, in bytes (it rejects bodies over 1 000 000). */
export const MAX_BATCH_BODY_BYTES = 1_000_000;

/** Limits of one request; lower values are for tests. */
export interface BatchLimits {
  readonly metrics: number;
  readonly params: number;
  readonly tags: number;
  readonly total: number;
  readonly bytes: number;
}

/** MLflow's limits, with a margin below the body limit. */
export const MLFLOW_BATCH_LIMITS: BatchLimits = {
  metrics: MAX_METRICS_PER_BATCH,
  params: MAX_PARAMS_PER_BATCH,
  tags: MAX_TAGS_PER_BATCH,
  total: MAX_ENTITIES_PER_BATCH,
  bytes: MAX_BATCH_BODY_BYTES - 1024,
};

/** One request body and what it holds. */
export interface BatchRequest {
  readonly body: string;
  readonly metrics: number;
  readonly params: number;
  readonly tags: number;
}

/** UTF-8 length of a string without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

type Kind = 'params' | 'metrics' | 'tags';

class BodyBuilder {
  readonly out: BatchRequest[] = [];
  #items: Record<Kind, string[]> = { params: [], metrics: [], tags: [] };
  #bytes = 0;
  #count = 0;
  readonly #head: string;
  /** Bytes of the body around the items: run id, field names, brackets, commas' slack. */
  readonly #frame: number;
  readonly #limits: BatchLimits;

  constructor(
    runId: string,
    limits: BatchLimits,
  ) {
    this.#limits = limits;
    this.#head = `{"run_id":${JSON.stringify(runId)}`;
    this.#frame = utf8Length(this.#head) + 40;
  }

  add(kind: Kind, item: string): void {
    const size = utf8Length(item) + 1;
    const perKind = kind === 'params' ? this.#limits.params : kind === 'tags' ? this.#limits.tags : this.#limits.metrics;
    if (
      this.#count > 0 &&
      (this.#items[kind].length >= perKind || this.#count >= this.#limits.total || this.#frame + this.#bytes + size > this.#limits.bytes)
    ) {
      this.flush();
    }
    this.#items[kind].push(item);
    this.#bytes += size;
    this.#count++;
  }

  flush(): void {
    if (this.#count === 0) return;
    const { params, metrics, tags } = this.#items;
    this.out.push({
      body: `${this.#head},"params":[${params.join(',')}],"metrics":[${metrics.join(',')}],"tags":[${tags.join(',')}]}`,
      metrics: metrics.length,
      params: params.length,
      tags: tags.length,
    });
    this.#items = { params: [], metrics: [], tags: [] };
    this.#bytes = 0;
    this.#count = 0;
  }
}

function keyValueItem({ key, value }: KeyValue): string {
  return `{"key":${JSON.stringify(key)},"value":${JSON.stringify(value)}}`;
}

/** The `runs/log-batch` bodies for `batch`, in order. */
export function splitLogBatch(runId: string, batch: LogBatchInput, limits: BatchLimits = MLFLOW_BATCH_LIMITS): BatchRequest[] {
  const builder = new BodyBuilder(runId, limits);
  for (const param of batch.params ?? []) builder.add('params', keyValueItem(param));
  for (const columns of batch.metrics ?? []) addMetrics(builder, columns);
  for (const tag of batch.tags ?? []) builder.add('tags', keyValueItem(tag));
  builder.flush();
  return builder.out;
}

/** Adds the points of a column group; a linked group carries `model_id`/`dataset_*` on each point. */
function addMetrics(builder: BodyBuilder, { key, steps, timestamps, values, link }: MetricColumns & { readonly link?: MetricLink }): void {
  const head = `{"key":${JSON.stringify(key)},"value":`;
  const linkJson = JSON.stringify(metricLinkToJson(link)).slice(1, -1);
  const tail = linkJson === '' ? '}' : `,${linkJson}}`;
  for (let i = 0; i < values.length; i++) {
    builder.add('metrics', `${head}${encodeDouble(values[i]!)},"timestamp":${timestamps[i]!},"step":${steps[i]!}${tail}`);
  }
}
