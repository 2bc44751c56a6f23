/**
 * Metrics of logged models (mlflow3-models-and-inputs.md §1.6): what a model shows of its metric
 * lines, and the lines a linked metric group of a run batch appends to a model.
 * @module
 */
import { compareMetricRecency, type MetricColumns } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import type { LoggedModelMetric, MetricLink } from './entities.js';
import type { LoggedModelRecord } from './logged-model-store.js';

/**
 * The message MLflow gives for a metric with a dataset name but no digest, or the reverse.
 * Exported for the REST layer, which must answer with the same text.
 */
export const DATASET_PAIR_MESSAGE = 'Both dataset_name and dataset_digest must be provided if one is provided';

/** Throws `INVALID_PARAMETER_VALUE` unless a link's dataset name and digest are both set or both absent. */
export function assertMetricLink(link: MetricLink): void {
  if ((link.datasetName === undefined) !== (link.datasetDigest === undefined)) {
    throw EdgeflowError.invalidParameterValue(DATASET_PAIR_MESSAGE, { details: { field: 'dataset_digest', datasetName: link.datasetName } });
  }
  if (link.modelId !== undefined && (typeof link.modelId !== 'string' || link.modelId === '')) {
    throw EdgeflowError.invalidParameterValue(`Invalid model id ${describeValue(link.modelId)}: it must be a non-empty string.`, { details: { field: 'model_id' } });
  }
}

/** The group a metric line belongs to: its key and dataset. */
function groupOf(line: LoggedModelMetric): string {
  return line.datasetName === undefined ? `${line.key}\u0000` : `${line.key}\u0000${line.datasetName}\u0000${line.datasetDigest ?? ''}`;
}

/**
 * What a model shows of its metric lines, as MLflow reads them: one metric per (key, dataset
 * group) — lines without a dataset form one group — the line with the largest (step, timestamp,
 * value), groups in order of first appearance.
 */
export function latestModelMetrics(lines: readonly LoggedModelMetric[]): LoggedModelMetric[] {
  const best = new Map<string, LoggedModelMetric>();
  for (const line of lines) {
    const group = groupOf(line);
    const current = best.get(group);
    if (current === undefined || compareMetricRecency(line.step, line.timestamp, line.value, current.step, current.timestamp, current.value) > 0) {
      best.set(group, line);
    }
  }
  return [...best.values()];
}

/** A metric group of a run batch, maybe linked to a model and/or a dataset. */
export type LinkedColumns = MetricColumns & { readonly link?: MetricLink };

/**
 * The model metric lines of a batch's linked groups, by model id, after checking every link (a
 * dataset name needs its digest and the reverse). Backends call it before writing anything, then
 * append the lines with {@link appendModelMetricLines} in the batch's own atomic write.
 * @throws `INVALID_PARAMETER_VALUE` for a half dataset pair
 */
export function modelMetricLines(runId: string, metrics: readonly LinkedColumns[]): Map<string, LoggedModelMetric[]> {
  const byModel = new Map<string, LoggedModelMetric[]>();
  for (const columns of metrics) {
    const link = columns.link;
    if (link === undefined) continue;
    assertMetricLink(link);
    if (link.modelId === undefined) continue;
    let lines = byModel.get(link.modelId);
    if (lines === undefined) byModel.set(link.modelId, (lines = []));
    const dataset = link.datasetName === undefined ? {} : { datasetName: link.datasetName, datasetDigest: link.datasetDigest! };
    for (let i = 0; i < columns.values.length; i++) {
      lines.push({ key: columns.key, value: columns.values[i]!, timestamp: columns.timestamps[i]!, step: columns.steps[i]!, modelId: link.modelId, runId, ...dataset });
    }
  }
  return byModel;
}

/** The message of a logged model that does not exist (MLflow's text). */
export function missingLoggedModel(modelId: string): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`Model '${modelId}' not found`, { details: { modelId } });
}

/**
 * The records of `lines`' models with the lines appended. A model that does not exist, or is
 * deleted, is refused (MLflow's file store writes a "ghost" folder instead, spec §1.6).
 * @throws `RESOURCE_DOES_NOT_EXIST`
 */
export function appendModelMetricLines(
  current: ReadonlyMap<string, LoggedModelRecord | undefined>,
  lines: ReadonlyMap<string, readonly LoggedModelMetric[]>,
): LoggedModelRecord[] {
  const out: LoggedModelRecord[] = [];
  for (const [modelId, added] of lines) {
    const record = current.get(modelId);
    if (record === undefined || record.lifecycleStage !== 'active') throw missingLoggedModel(modelId);
    out.push({ ...record, metricLines: [...record.metricLines, ...added] });
  }
  return out;
}

/** A dataset a metric was computed on, as `logMetric` takes it: a `Dataset` or `{name, digest}`. */
export interface MetricDataset {
  readonly name: string;
  readonly digest: string;
}

/**
 * Splits `logMetric` options into the step/time part (checked by `metricPosition`) and the link
 * part (`modelId`, `dataset`), checked here.
 * @throws `INVALID_PARAMETER_VALUE` for a model id that is not a non-empty string or a dataset
 *   without a string name and digest
 */
export function splitMetricOptions(key: string, options: unknown): { position: unknown; link: MetricLink | undefined } {
  if (typeof options !== 'object' || options === null || !('modelId' in options || 'dataset' in options)) return { position: options, link: undefined };
  const { modelId, dataset, ...position } = options as { modelId?: unknown; dataset?: unknown };
  let link: MetricLink = {};
  if (modelId !== undefined) {
    if (typeof modelId !== 'string' || modelId === '') {
      throw EdgeflowError.invalidParameterValue(`Invalid model id ${describeValue(modelId)} for metric ${describeValue(key)}: it must be a non-empty string.`, { details: { field: 'model_id', key } });
    }
    link = { modelId };
  }
  if (dataset !== undefined) {
    const { name, digest } = (typeof dataset === 'object' && dataset !== null ? dataset : {}) as { name?: unknown; digest?: unknown };
    if (typeof name !== 'string' || name === '' || typeof digest !== 'string') {
      throw EdgeflowError.invalidParameterValue(`Invalid dataset ${describeValue(dataset)} for metric ${describeValue(key)}: pass a Dataset or { name, digest }.`, { details: { field: 'dataset', key } });
    }
    link = { ...link, datasetName: name, datasetDigest: digest };
  }
  return { position, link };
}
