/**
 * The latest point of a run metric file, read from its bytes without building its columns: what a
 * lazy reader (`BundleStore`) needs for its run table and search before any history is asked for.
 * @module
 */
import type { Metric } from '../../entities.js';
import { latestOf } from '../../rules.js';
import { METRIC_POINT_BYTES } from '../decode-budget.js';
import { parseMetricValue } from '../float-text.js';
import { parseMetricFile, type MetricFileOptions } from './metric-file.js';
import { decodeUtf8 } from './raw-values.js';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
/** Most digits of an integer field read in place (as the full parser reads them). */
const MAX_DIGITS = 15;

/** Bytes a scanned value may hold: digits, `+-._eE` and the letters of `nan`, `inf`, `infinity`. */
const FLOAT_BYTE = new Uint8Array(256);
for (const c of '0123456789+-._eEnNaAiIfFtTyY') FLOAT_BYTE[c.charCodeAt(0)] = 1;

/**
 * The latest point of a run metric file by core's rule ({@link latestOf}), or undefined when it has
 * no points. Lines as MLflow writes them (`<timestamp> <value> <step>`: integers of at most 15
 * digits, a value of float characters) are scanned in the bytes: their integers are read in place,
 * and only the values of the lines at the highest step (the rule's first key) are parsed. A file
 * with any other line (2 or 5 fields, whitespace, underscores, non-ASCII) is parsed whole by
 * {@link parseMetricFile}, its columns dropped. The other lines' values are checked by their
 * characters only here: a value such as `1.2.3` is found when the history is parsed.
 * @param where File name for errors.
 * @throws `INVALID_PARAMETER_VALUE` naming `where` and the line, as {@link parseMetricFile}.
 */
export function scanLatestMetric(key: string, bytes: Uint8Array, where: string, options: MetricFileOptions = {}): Metric | undefined {
  const maxLineLength = options.maxLineLength ?? 4096;
  const n = bytes.length;
  let maxStep = -Infinity;
  /** Starts and line numbers of the `count` lines at `maxStep`. */
  const starts: number[] = [];
  const lines: number[] = [];
  let count = 0;
  let line = 0;
  for (let i = 0; i < n; line++) {
    const start = i;
    while (i < n && isDigit(bytes[i]!)) i++;
    if (i === start || i - start > MAX_DIGITS || bytes[i] !== SPACE) return parseWhole(key, bytes, where, options);
    const valueStart = ++i;
    while (i < n && FLOAT_BYTE[bytes[i]!] === 1) i++;
    if (i === valueStart || bytes[i] !== SPACE) return parseWhole(key, bytes, where, options);
    const negative = bytes[++i] === MINUS;
    if (negative) i++;
    const stepStart = i;
    let step = 0;
    for (; i < n && isDigit(bytes[i]!); i++) step = step * 10 + bytes[i]! - ZERO;
    if (i === stepStart || i - stepStart > MAX_DIGITS || (i < n && bytes[i] !== NEWLINE) || i - start > maxLineLength) {
      return parseWhole(key, bytes, where, options);
    }
    if (negative) step = -step;
    if (step >= maxStep) {
      if (step > maxStep) count = 0;
      maxStep = step;
      starts[count] = start;
      lines[count++] = line;
    }
    i++;
  }
  if (count === 0) return undefined;
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    let i = starts[c]!;
    let timestamp = 0;
    for (; bytes[i] !== SPACE; i++) timestamp = timestamp * 10 + bytes[i]! - ZERO;
    const valueStart = ++i;
    while (bytes[i] !== SPACE) i++;
    timestamps[c] = timestamp;
    values[c] = parseMetricValue(String.fromCharCode(...bytes.subarray(valueStart, i)), `${where} line ${lines[c]! + 1}`);
  }
  return latestOf(undefined, { key, steps: new Float64Array(count).fill(maxStep), timestamps, values });
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= ZERO + 9;
}

/** The latest point of a file the scan does not read, from its columns (given back at once). */
function parseWhole(key: string, bytes: Uint8Array, where: string, options: MetricFileOptions): Metric | undefined {
  const points = parseMetricFile(key, decodeUtf8(bytes, where), where, options);
  options.budget?.release(points.values.length * METRIC_POINT_BYTES);
  return latestOf(undefined, points);
}
