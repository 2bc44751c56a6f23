/**
 * Metric files of MLflow's file store: one line a point, as MLflow writes and reads them.
 * @module
 */
import { describeValue } from '../../errors.js';
import { METRIC_POINT_BYTES, type DecodeBudget } from '../decode-budget.js';
import { formatPythonFloat, parseMetricValue } from '../float-text.js';
import { fail } from './fields.js';

/** Metric points of one key, as columns, in file order. */
export interface MetricPoints {
  readonly key: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly steps: Float64Array;
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

/** One metric line as MLflow writes it: `<timestamp> <value> <step>\n`. */
export function formatMetricLine(timestamp: number, value: number, step: number): string {
  return `${timestamp} ${formatPythonFloat(value)} ${step}\n`;
}

/** The whole metric file for columns in logging order. */
export function serializeMetricFile(points: Pick<MetricPoints, 'timestamps' | 'values' | 'steps'>): string {
  const n = points.values.length;
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) lines[i] = formatMetricLine(points.timestamps[i]!, points.values[i]!, points.steps[i]!);
  return lines.join('');
}

/** Options of {@link parseMetricFile}. */
export interface MetricFileOptions {
  /** Longest accepted line in characters. Default 4096. */
  readonly maxLineLength?: number;
  /** Charged with the columns ({@link METRIC_POINT_BYTES} a point) before they are allocated. */
  readonly budget?: DecodeBudget;
}

/**
 * Reads a metric file. Lines are split on single spaces after trimming whitespace: 2 fields
 * (legacy `timestamp value`, step 0), 3 fields, or 5 fields (`… dataset_name dataset_digest`: the
 * real step is the third field — MLflow's own reader shows 0 there, a known MLflow bug). Values are
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
  let n = body === '' ? 0 : 1;
  for (let nl = body.indexOf('\n'); nl !== -1; nl = body.indexOf('\n', nl + 1)) n++;
  options.budget?.charge(n * METRIC_POINT_BYTES, where, `${n} metric points`);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const steps = new Float64Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const nl = body.indexOf('\n', start);
    const end = nl === -1 ? body.length : nl;
    const at = `${where} line ${i + 1}`;
    if (end - start > maxLineLength) fail(at, `line longer than ${maxLineLength} characters.`);
    const raw = body.slice(start, end);
    start = end + 1;
    const parts = raw.trim().split(' ');
    if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) {
      fail(at, `malformed metric line ${describeValue(raw)}: expected "timestamp value step".`);
    }
    const timestamp = parseInteger(parts[0]!, 'timestamp', at);
    if (timestamp < 0) fail(at, `timestamp ${timestamp} must not be negative.`);
    timestamps[i] = timestamp;
    values[i] = parseMetricValue(parts[1]!, at);
    steps[i] = parts.length >= 3 ? parseInteger(parts[2]!, 'step', at) : 0;
  }
  return { key, timestamps, values, steps };
}
