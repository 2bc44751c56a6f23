/**
 * Metric files of MLflow's file store, one line a point, as MLflow writes and reads them: a run's
 * `metrics/<key>` (spec §1.4, 3 or 5 fields) and a logged model's `metrics/<key>`
 * (mlflow3-models-and-inputs.md §1.6, 4 or 6 fields).
 * @module
 */
import { describeValue } from '../../errors.js';
import type { LoggedModelMetric } from '../../logged-models/entities.js';
import { METRIC_POINT_BYTES, type DecodeBudget } from '../decode-budget.js';
import { formatPythonFloat, parseMetricValue } from '../float-text.js';
import { fail } from './fields.js';

/** Metric points of one key, as columns, in file order. */
export interface MetricPoints {
  readonly key: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly steps: Float64Array;
  /**
   * The dataset each point was logged against (5-field lines), index by index; absent when no point
   * has one.
   */
  readonly datasets?: readonly (MetricDataset | undefined)[];
}

/** The dataset a metric point was logged against. */
export interface MetricDataset {
  readonly name: string;
  readonly digest: string;
}

const INTEGER = /^[+-]?\d(?:_?\d)*$/u;

const SIMPLE_INTEGER = /^-?\d{1,15}$/u;

function parseInteger(text: string, what: string, where: string): number {
  if (SIMPLE_INTEGER.test(text)) return Number(text);
  if (!INTEGER.test(text)) fail(where, `invalid ${what} ${describeValue(text)}.`);
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value)) fail(where, `${what} ${text} is outside ±2^53.`);
  return value;
}

/** A field of a metric line: MLflow splits lines on spaces, so a field must hold none. */
function lineField(value: string, what: string): string {
  if (value === '' || /\s/u.test(value)) {
    fail('metric line', `${what} ${describeValue(value)} cannot be written to a metric file: it is empty or holds whitespace.`);
  }
  return value;
}

function datasetFields(dataset: MetricDataset | undefined): string {
  return dataset === undefined ? '' : ` ${lineField(dataset.name, 'dataset name')} ${lineField(dataset.digest, 'dataset digest')}`;
}

/**
 * One run metric line as MLflow writes it: `<timestamp> <value> <step>\n`, or with a dataset
 * `<timestamp> <value> <step> <dataset_name> <dataset_digest>\n`.
 * @throws `INVALID_PARAMETER_VALUE` when the dataset name or digest is empty or holds whitespace
 * (MLflow could not read the line back).
 */
export function formatMetricLine(timestamp: number, value: number, step: number, dataset?: MetricDataset): string {
  return `${timestamp} ${formatPythonFloat(value)} ${step}${datasetFields(dataset)}\n`;
}

/** The whole metric file for columns in logging order. */
export function serializeMetricFile(points: Pick<MetricPoints, 'timestamps' | 'values' | 'steps' | 'datasets'>): string {
  const n = points.values.length;
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) lines[i] = formatMetricLine(points.timestamps[i]!, points.values[i]!, points.steps[i]!, points.datasets?.[i]);
  return lines.join('');
}

/**
 * One logged-model metric line as MLflow writes it: `<timestamp> <value> <step> <run_id>\n`, or
 * with a dataset `… <run_id> <dataset_name> <dataset_digest>\n`.
 * @throws `INVALID_PARAMETER_VALUE` without a run id, or when a field is empty or holds whitespace.
 */
export function formatModelMetricLine(metric: Omit<LoggedModelMetric, 'key' | 'modelId'>): string {
  const dataset = metric.datasetName === undefined ? undefined : { name: metric.datasetName, digest: metric.datasetDigest ?? '' };
  const runId = lineField(metric.runId ?? '', 'run id');
  return `${metric.timestamp} ${formatPythonFloat(metric.value)} ${metric.step} ${runId}${datasetFields(dataset)}\n`;
}

/** A logged model's metric file for its lines of one key, in logging order. */
export function serializeModelMetricFile(lines: readonly Omit<LoggedModelMetric, 'key' | 'modelId'>[]): string {
  return lines.map(formatModelMetricLine).join('');
}

/** Options of {@link parseMetricFile}. */
export interface MetricFileOptions {
  /** Longest accepted line in characters. Default 4096. */
  readonly maxLineLength?: number;
  /** Charged with the columns ({@link METRIC_POINT_BYTES} a point) before they are allocated. */
  readonly budget?: DecodeBudget;
}

/**
 * Reads a run metric file. Lines are split on single spaces after trimming whitespace: 2 fields
 * (legacy `timestamp value`, step 0), 3 fields, or 5 fields (`… dataset_name dataset_digest`).
 * A 5-field line reads as MLflow reads it: **step 0**, whatever its third field holds (MLflow's
 * run-metric reader bug, spec §1.4; the fixture `mlruns-mlflow3.json` shows it), with its dataset
 * in `datasets`. Values are
 * Python float text (`nan`, `inf`, `-inf`, `infinity` in any case; integers accepted). A final
 * newline is optional; an empty line elsewhere is malformed, as for MLflow.
 * Lines are read one at a time (no array of all lines), so memory is the text and the columns.
 * @param where File name for errors.
 * @throws `INVALID_PARAMETER_VALUE` naming `where` and the line number; `RESOURCE_EXHAUSTED` when
 * the columns would pass `options.budget`.
 */
export function parseMetricFile(key: string, text: string, where: string, options: MetricFileOptions = {}): MetricPoints {
  const maxLineLength = options.maxLineLength ?? 4096;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const n = countLines(body);
  options.budget?.charge(n * METRIC_POINT_BYTES, where, `${n} metric points`);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const steps = new Float64Array(n);
  let datasets: (MetricDataset | undefined)[] | undefined;
  forEachLine(body, n, where, maxLineLength, (i, parts, raw, at) => {
    if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) {
      fail(at, `malformed metric line ${describeValue(raw)}: expected "timestamp value step".`);
    }
    timestamps[i] = parseTimestamp(parts[0]!, at);
    values[i] = parseMetricValue(parts[1]!, at);
    const step = parts.length >= 3 ? parseInteger(parts[2]!, 'step', at) : 0;
    steps[i] = parts.length === 5 ? 0 : step;
    if (parts.length === 5) (datasets ??= new Array<MetricDataset | undefined>(n))[i] = { name: parts[3]!, digest: parts[4]! };
  });
  return datasets === undefined ? { key, timestamps, values, steps } : { key, timestamps, values, steps, datasets };
}

/**
 * Reads a logged model's metric file (`models/<id>/metrics/<key>`): every line, in file order, with
 * 4 fields (`timestamp value step run_id`) or 6 (`… dataset_name dataset_digest`); any other count
 * is malformed, as for MLflow. Steps are read as written.
 * @throws `INVALID_PARAMETER_VALUE` naming `where` and the line number; `RESOURCE_EXHAUSTED` past
 * `options.budget`.
 */
export function parseModelMetricFile(key: string, modelId: string, text: string, where: string, options: MetricFileOptions = {}): LoggedModelMetric[] {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const n = countLines(body);
  options.budget?.charge(n * METRIC_POINT_BYTES * 2, where, `${n} model metric lines`);
  const out = new Array<LoggedModelMetric>(n);
  forEachLine(body, n, where, options.maxLineLength ?? 4096, (i, parts, raw, at) => {
    if (parts.length !== 4 && parts.length !== 6) {
      fail(at, `malformed model metric line ${describeValue(raw)}: expected "timestamp value step run_id [dataset_name dataset_digest]".`);
    }
    const line = {
      key,
      value: parseMetricValue(parts[1]!, at),
      timestamp: parseTimestamp(parts[0]!, at),
      step: parseInteger(parts[2]!, 'step', at),
      modelId,
      runId: parts[3]!,
    };
    out[i] = parts.length === 6 ? { ...line, datasetName: parts[4]!, datasetDigest: parts[5]! } : line;
  });
  return out;
}

function countLines(body: string): number {
  let n = body === '' ? 0 : 1;
  for (let nl = body.indexOf('\n'); nl !== -1; nl = body.indexOf('\n', nl + 1)) n++;
  return n;
}

function parseTimestamp(text: string, at: string): number {
  const timestamp = parseInteger(text, 'timestamp', at);
  if (timestamp < 0) fail(at, `timestamp ${timestamp} must not be negative.`);
  return timestamp;
}

/** Calls `visit` with each of the `n` lines of `body` split on single spaces after trimming. */
function forEachLine(
  body: string,
  n: number,
  where: string,
  maxLineLength: number,
  visit: (index: number, parts: string[], raw: string, at: string) => void,
): void {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const nl = body.indexOf('\n', start);
    const end = nl === -1 ? body.length : nl;
    const at = `${where} line ${i + 1}`;
    if (end - start > maxLineLength) fail(at, `line longer than ${maxLineLength} characters.`);
    const raw = body.slice(start, end);
    start = end + 1;
    visit(i, raw.trim().split(' '), raw, at);
  }
}
