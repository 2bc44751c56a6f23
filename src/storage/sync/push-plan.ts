/**
 * What a push sends, worked out from the source and the target: the params, tags and dataset
 * inputs the target lacks, `logBatch` inputs packed within MLflow's limits, and the order of runs
 * (parents first).
 * @module
 */
import type { KeyValue, MetricColumns, Run } from '../../core/entities.js';
import { hasKey } from '../../core/entities.js';
import { DATASET_CONTEXT_TAG, type DatasetInput } from '../../core/datasets/entities.js';
import { MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH } from '../../core/limits.js';
import type { LogBatchInput } from '../../core/store.js';
import { SystemTag } from '../../core/system-tags.js';

/**
 * `logBatch` inputs holding `params`, `tags` and the points of `series` within MLflow's limits
 * (≤ 100 params, ≤ 100 tags, ≤ 1000 metrics, ≤ 1000 entities per request): each key's points in
 * order, keys one after another, params and tags in the first requests.
 */
export function packBatches(params: readonly KeyValue[], tags: readonly KeyValue[], series: readonly MetricColumns[]): Array<LogBatchInput & { readonly metrics: MetricColumns[] }> {
  const batches: Array<LogBatchInput & { metrics: MetricColumns[] }> = [];
  let p = 0;
  let t = 0;
  let s = 0;
  let offset = 0;
  while (p < params.length || t < tags.length || s < series.length) {
    const batchParams = params.slice(p, p + MAX_PARAMS_PER_BATCH);
    const batchTags = tags.slice(t, t + MAX_TAGS_PER_BATCH);
    p += batchParams.length;
    t += batchTags.length;
    let room = Math.min(MAX_METRICS_PER_BATCH, MAX_ENTITIES_PER_BATCH - batchParams.length - batchTags.length);
    const metrics: MetricColumns[] = [];
    while (room > 0 && s < series.length) {
      const { key, steps, timestamps, values } = series[s]!;
      const end = Math.min(values.length, offset + room);
      metrics.push({ key, steps: steps.subarray(offset, end), timestamps: timestamps.subarray(offset, end), values: values.subarray(offset, end) });
      room -= end - offset;
      offset = end;
      if (offset === values.length) {
        s++;
        offset = 0;
      }
    }
    batches.push({
      ...(batchParams.length > 0 ? { params: batchParams } : {}),
      ...(batchTags.length > 0 ? { tags: batchTags } : {}),
      metrics,
    });
  }
  return batches;
}

/** `runs` with every parent (by `mlflow.parentRunId`) before its children; otherwise in order. */
export function parentsFirst(runs: readonly Run[]): Run[] {
  const byId = new Map(runs.map((run) => [run.info.runId as string, run]));
  const out: Run[] = [];
  const placed = new Set<string>();
  const place = (run: Run, path: Set<string>): void => {
    const id = run.info.runId;
    if (placed.has(id) || path.has(id)) return;
    path.add(id);
    const parent = byId.get(run.data.tags[SystemTag.PARENT_RUN_ID] ?? '');
    if (parent !== undefined) place(parent, path);
    placed.add(id);
    out.push(run);
  };
  for (const run of runs) place(run, new Set());
  return out;
}

/** The dataset inputs of `source` that `target` lacks: same name, digest and context. */
export function missingInputs(source: Run, target: Run): DatasetInput[] {
  const identity = (input: DatasetInput): string =>
    JSON.stringify([input.dataset.name, input.dataset.digest, input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value ?? null]);
  const held = new Set((target.inputs?.datasetInputs ?? []).map(identity));
  return (source.inputs?.datasetInputs ?? []).filter((input) => !held.has(identity(input)));
}

export function pairs(d: Readonly<Record<string, string>>): KeyValue[] {
  return Object.keys(d).map((key) => ({ key, value: d[key]! }));
}

/** Source entries whose key the target lacks (params are immutable: an equal value is already there). */
export function missing(source: Readonly<Record<string, string>>, target: Readonly<Record<string, string>>): KeyValue[] {
  return pairs(source).filter(({ key }) => !hasKey(target, key));
}

/** Source entries the target lacks or holds with another value (tags are mutable). */
export function differing(source: Readonly<Record<string, string>>, target: Readonly<Record<string, string>>): KeyValue[] {
  return pairs(source).filter(({ key, value }) => !hasKey(target, key) || target[key] !== value);
}
