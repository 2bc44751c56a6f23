/**
 * Metric files of MLflow's file store, one line a point, as MLflow writes and reads them: a run's
 * `metrics/<key>` (spec §1.4, 3 or 5 fields) and a logged model's `metrics/<key>`
 * (mlflow3-models-and-inputs.md §1.6, 4 or 6 fields).
 * @module
 */
import { describeValue } from '../../errors.js';
import type { LoggedModelMetric } from '../../logged-models/entities.js';
import { METRIC_POINT_BYTES, type DecodeBudget } from '../decode-budget.js';
import { formatPythonFloat, parseMetricValue, parsePlainDecimal, parsePythonFloat } from '../float-text.js';
import { fail } from './fields.js';
import { encodeRawValue } from './raw-values.js';

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

/**
 * The whole metric file for columns in logging order, as UTF-8 bytes: each line's bytes exactly
 * as {@link formatMetricLine} writes it, written straight into one buffer (no string per line).
 * @throws as {@link formatMetricLine}.
 */
export function encodeMetricFile(points: Pick<MetricPoints, 'timestamps' | 'values' | 'steps' | 'datasets'>): Uint8Array {
  const { timestamps, values, steps, datasets } = points;
  const out = new ByteWriter(values.length * 40);
  // A value repeated from the line before (a constant series) reuses its text.
  let previous = NaN;
  let previousText = formatPythonFloat(NaN);
  for (let i = 0; i < values.length; i++) {
    const dataset = datasets?.[i];
    if (dataset !== undefined) {
      out.utf8(formatMetricLine(timestamps[i]!, values[i]!, steps[i]!, dataset));
      continue;
    }
    out.reserve(LONGEST_PLAIN_LINE);
    out.integer(timestamps[i]!);
    out.byte(SPACE);
    const value = values[i]!;
    if (!Object.is(value, previous)) {
      previous = value;
      previousText = formatPythonFloat(value);
    }
    out.ascii(previousText);
    out.byte(SPACE);
    out.integer(steps[i]!);
    out.byte(NEWLINE);
  }
  return out.result();
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
/** Longest line without a dataset: two numbers of at most 24 characters (`String` of a double) and a float of at most 24, 3 separators. */
const LONGEST_PLAIN_LINE = 3 * 24 + 3;

/** A growing byte buffer for {@link encodeMetricFile}. */
class ByteWriter {
  #bytes: Uint8Array;
  #length = 0;

  constructor(capacity: number) {
    this.#bytes = new Uint8Array(Math.max(64, capacity));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + n));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }

  byte(b: number): void {
    this.#bytes[this.#length++] = b;
  }

  /** ASCII text (room reserved by the caller). */
  ascii(text: string): void {
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  /** A number as `${n}` writes it: digit by digit for safe non-negative integers (room reserved by the caller). */
  integer(n: number): void {
    if (!(Number.isSafeInteger(n) && n >= 0)) {
      this.ascii(String(n));
      return;
    }
    const bytes = this.#bytes;
    const start = this.#length;
    let end = start;
    do {
      const q = Math.floor(n / 10);
      bytes[end++] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
    this.#length = end;
    for (let i = start, j = end - 1; i < j; i++, j--) {
      const t = bytes[i]!;
      bytes[i] = bytes[j]!;
      bytes[j] = t;
    }
  }

  /** Any text, UTF-8 encoded. */
  utf8(text: string): void {
    const encoded = encodeRawValue(text);
    this.reserve(encoded.length);
    this.#bytes.set(encoded, this.#length);
    this.#length += encoded.length;
  }

  /** The bytes written (a view of the buffer). */
  result(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }
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
 * The text is scanned in place straight into the columns: no string or array per line (a plain
 * line, as MLflow writes it, is read digit by digit; other lines build only their fields' text),
 * so memory is the text and the columns.
 * @param where File name for errors.
 * @throws `INVALID_PARAMETER_VALUE` naming `where` and the line number; `RESOURCE_EXHAUSTED` when
 * the columns would pass `options.budget`.
 */
export function parseMetricFile(key: string, text: string, where: string, options: MetricFileOptions = {}): MetricPoints {
  const n = countLines(text);
  options.budget?.charge(n * METRIC_POINT_BYTES, where, `${n} metric points`);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const steps = new Float64Array(n);
  let datasets: (MetricDataset | undefined)[] | undefined;
  const plain = (i: number, start: number, end: number): boolean => readPlainLine(text, start, end, i, timestamps, values, steps);
  scanLines(text, n, where, options.maxLineLength ?? 4096, plain, (i, line) => {
    const count = line.count;
    if (count !== 2 && count !== 3 && count !== 5) {
      fail(line.at(), `malformed metric line ${describeValue(line.raw())}: expected "timestamp value step".`);
    }
    timestamps[i] = timestampField(line, 0);
    values[i] = valueField(line, 1);
    const step = count >= 3 ? integerField(line, 2, 'step') : 0;
    steps[i] = count === 5 ? 0 : step;
    if (count === 5) (datasets ??= new Array<MetricDataset | undefined>(n))[i] = { name: line.field(3), digest: line.field(4) };
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
  const n = countLines(text);
  options.budget?.charge(n * METRIC_POINT_BYTES * 2, where, `${n} model metric lines`);
  const out = new Array<LoggedModelMetric>(n);
  scanLines(text, n, where, options.maxLineLength ?? 4096, () => false, (i, line) => {
    if (line.count !== 4 && line.count !== 6) {
      fail(line.at(), `malformed model metric line ${describeValue(line.raw())}: expected "timestamp value step run_id [dataset_name dataset_digest]".`);
    }
    const metric = {
      key,
      value: valueField(line, 1),
      timestamp: timestampField(line, 0),
      step: integerField(line, 2, 'step'),
      modelId,
      runId: line.field(3),
    };
    out[i] = line.count === 6 ? { ...metric, datasetName: line.field(4), datasetDigest: line.field(5) } : metric;
  });
  return out;
}

/** Lines in `text`: a final newline ends the last line and starts none. */
function countLines(text: string): number {
  const length = bodyLength(text);
  let n = length === 0 ? 0 : 1;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < length; nl = text.indexOf('\n', nl + 1)) n++;
  return n;
}

/** The length of `text` without its final newline. */
function bodyLength(text: string): number {
  return text.endsWith('\n') ? text.length - 1 : text.length;
}

/** Fields bounded on a line with more are not kept (no metric line has more than 6). */
const MAX_FIELDS = 6;

/**
 * One line of a metric file, split as MLflow splits it (`line.strip().split(" ")`), kept as field
 * bounds in the file's text: one object for the whole file, reused from line to line.
 */
class MetricLine {
  /** Fields on the line (an empty line has one, empty). */
  count = 0;
  /** Index of the line, from 0. */
  index = 0;
  start = 0;
  end = 0;
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);

  constructor(
    readonly text: string,
    readonly where: string,
  ) {}

  /** Splits the line `[start, end)` of the text. */
  split(index: number, start: number, end: number): void {
    this.index = index;
    this.start = start;
    this.end = end;
    const text = this.text;
    let from = start;
    let to = end;
    // Trimmed exactly as String#trim trims (and Python's strip, for what MLflow writes); a line
    // beginning and ending with a printable ASCII character, as every written line does, needs none.
    if (from < to && !(isPrintable(text.charCodeAt(from)) && isPrintable(text.charCodeAt(to - 1)))) {
      const raw = text.slice(from, to);
      const lead = raw.length - raw.trimStart().length;
      if (lead === raw.length) to = from;
      else {
        from += lead;
        to -= raw.length - raw.trimEnd().length;
      }
    }
    let count = 0;
    let fieldStart = from;
    for (let space = text.indexOf(' ', from); space !== -1 && space < to; space = text.indexOf(' ', fieldStart)) {
      if (count < MAX_FIELDS) {
        this.starts[count] = fieldStart;
        this.ends[count] = space;
      }
      count++;
      fieldStart = space + 1;
    }
    if (count < MAX_FIELDS) {
      this.starts[count] = fieldStart;
      this.ends[count] = to;
    }
    this.count = count + 1;
  }

  /** The text of field `f`. */
  field(f: number): string {
    return this.text.slice(this.starts[f], this.ends[f]);
  }

  /** The whole line as written, for error messages. */
  raw(): string {
    return this.text.slice(this.start, this.end);
  }

  /** `<file> line <n>`, for error messages. */
  at(): string {
    return `${this.where} line ${this.index + 1}`;
  }
}

function isPrintable(code: number): boolean {
  return code > 32 && code < 127;
}

/**
 * Calls `plain` with the bounds of each of the `n` lines of `text`, and `visit` with the line split
 * (see {@link MetricLine}) when `plain` did not read it.
 */
function scanLines(
  text: string,
  n: number,
  where: string,
  maxLineLength: number,
  plain: (index: number, start: number, end: number) => boolean,
  visit: (index: number, line: MetricLine) => void,
): void {
  const length = bodyLength(text);
  const line = new MetricLine(text, where);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 || nl > length ? length : nl;
    if (end - start > maxLineLength) fail(`${where} line ${i + 1}`, `line longer than ${maxLineLength} characters.`);
    if (!plain(i, start, end)) {
      line.split(i, start, end);
      visit(i, line);
    }
    start = end + 1;
  }
}

/** The value of `text[start, end)` when it is 1 to 15 digits (what MLflow writes for a step or timestamp; exact), else -1. */
function digitsValue(text: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let p = start; p < end; p++) {
    const digit = text.charCodeAt(p) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Reads line `i` (`text[start, end)`) into the columns when it is exactly what MLflow writes for a
 * point without a dataset, `<digits> <plain decimal> -?<digits>` (integers of at most 15 digits),
 * and returns whether it did. Such a line reads exactly as the general path reads it; any other
 * line (a dataset, `nan`, spaces to trim, an error) is left to that path.
 */
function readPlainLine(text: string, start: number, end: number, i: number, timestamps: Float64Array, values: Float64Array, steps: Float64Array): boolean {
  const timestampEnd = text.indexOf(' ', start);
  if (timestampEnd === -1 || timestampEnd >= end) return false;
  const valueEnd = text.indexOf(' ', timestampEnd + 1);
  if (valueEnd === -1 || valueEnd >= end) return false;
  const timestamp = digitsValue(text, start, timestampEnd);
  const value = parsePlainDecimal(text, timestampEnd + 1, valueEnd);
  const negative = text.charCodeAt(valueEnd + 1) === 45;
  const step = digitsValue(text, negative ? valueEnd + 2 : valueEnd + 1, end);
  if (timestamp < 0 || Number.isNaN(value) || step < 0) return false;
  timestamps[i] = timestamp;
  values[i] = value;
  steps[i] = negative ? -step : step;
  return true;
}

const INTEGER = /^[+-]?\d(?:_?\d)*$/u;

/** An integer as Python's `int()` reads it (`_` between digits, a sign), within ±2^53. */
function parseInteger(text: string, what: string, where: string): number {
  if (!INTEGER.test(text)) fail(where, `invalid ${what} ${describeValue(text)}.`);
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value)) fail(where, `${what} ${text} is outside ±2^53.`);
  return value;
}

/** Integer field `f`: read in place when it is `-?\d{1,15}` (what MLflow writes), else by {@link parseInteger}. */
function integerField(line: MetricLine, f: number, what: string): number {
  const { text } = line;
  const start = line.starts[f]!;
  const end = line.ends[f]!;
  let p = start;
  const negative = p < end && text.charCodeAt(p) === 45;
  if (negative) p++;
  if (end - p >= 1 && end - p <= 15) {
    let value = 0;
    for (; p < end; p++) {
      const digit = text.charCodeAt(p) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (p === end) return negative ? -value : value;
  }
  return parseInteger(text.slice(start, end), what, line.at());
}

function timestampField(line: MetricLine, f: number): number {
  const timestamp = integerField(line, f, 'timestamp');
  if (timestamp < 0) fail(line.at(), `timestamp ${timestamp} must not be negative.`);
  return timestamp;
}

function valueField(line: MetricLine, f: number): number {
  const value = parsePythonFloat(line.field(f));
  return value !== undefined ? value : parseMetricValue(line.field(f), line.at());
}
