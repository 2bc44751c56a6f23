/**
 * Float text exactly as Python writes it (`repr(float)`), and the metric-value parser MLflow's file
 * store uses (spec §1.4).
 * @module
 */
import { EdgeflowError, describeValue } from '../errors.js';

/**
 * Formats a double like Python's `repr(float)`: the shortest digits that round-trip, positional
 * notation with a fractional part when the decimal exponent `e` satisfies `-4 <= e < 16`
 * (`5.0`, `0.0001`, `1.3333333333333333`), otherwise `d[.ddd]e±XX` (`1e-05`, `1e+20`, `1.5e+16`);
 * `nan`, `inf`, `-inf` and `-0.0` for the specials.
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    // Exactly the doubles whose shortest digits have an exponent in [-4, 16): `String` writes those
    // digits positionally there (it does from 1e-7 to 1e21), without the `.0` Python adds to a
    // whole number.
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  // toExponential() without an argument yields the shortest round-trip digits (ECMA-262 Number::toString).
  const exp = value.toExponential();
  const eIndex = exp.indexOf('e');
  const exponent = Number(exp.slice(eIndex + 1));
  const expSign = exponent < 0 ? '-' : '+';
  return `${exp.slice(0, eIndex)}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/**
 * Formats a float as PyYAML's safe dumper does: Python repr lowercased, `.0` inserted before an
 * exponent when there is no dot (`1.0e+20`), and `.nan`, `.inf`, `-.inf`.
 */
export function formatYamlFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  const text = formatPythonFloat(value);
  return !text.includes('.') && text.includes('e') ? text.replace('e', '.0e') : text;
}

/** 10^0 … 10^22: every one is a double exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, e) => Number(`1e${e}`));
/** 2^53: integers below it are doubles exactly. */
const EXACT_INTEGER_LIMIT = 2 ** 53;

/**
 * Reads `text[start, end)` when it is a plain decimal as Python writes floats and integers
 * (`-?\d+(\.\d*)?([eE][+-]?\d+)?`, no `_`, no `+` sign, no spaces), else returns NaN (the text
 * `nan` is not plain: its caller falls back to {@link parsePythonFloat}). The result is exactly
 * `Number` of the text: when the digits make an integer m < 2^53 and the decimal exponent e has
 * |e| ≤ 22, m and 10^|e| are exact doubles and one multiplication or division rounds correctly
 * (Clinger's fast path); other plain decimals (17 significant digits, large exponents) are read by
 * `Number` on their slice of the text.
 */
export function parsePlainDecimal(text: string, start: number, end: number): number {
  let p = start;
  const negative = p < end && text.charCodeAt(p) === 45;
  if (negative) p++;
  let mantissa = 0;
  let fractionDigits = 0;
  let code = p < end ? text.charCodeAt(p) : -1;
  if (code < 48 || code > 57) return NaN;
  for (; code >= 48 && code <= 57; code = ++p < end ? text.charCodeAt(p) : -1) {
    mantissa = mantissa * 10 + (code - 48);
  }
  if (code === 46) {
    for (code = ++p < end ? text.charCodeAt(p) : -1; code >= 48 && code <= 57; code = ++p < end ? text.charCodeAt(p) : -1) {
      mantissa = mantissa * 10 + (code - 48);
      fractionDigits++;
    }
  }
  let exponent = 0;
  if (code === 101 || code === 69) {
    code = ++p < end ? text.charCodeAt(p) : -1;
    const negativeExponent = code === 45;
    if (code === 45 || code === 43) code = ++p < end ? text.charCodeAt(p) : -1;
    if (code < 48 || code > 57) return NaN;
    for (; code >= 48 && code <= 57; code = ++p < end ? text.charCodeAt(p) : -1) {
      // Past 10^5 the value is 0 or infinite whatever the digits; Number reads it below.
      if (exponent < 100_000) exponent = exponent * 10 + (code - 48);
    }
    if (negativeExponent) exponent = -exponent;
  }
  if (p !== end) return NaN;
  const e = exponent - fractionDigits;
  // `mantissa` is exact while below 2^53 (each step is exact there; a rounded step lands at or
  // above 2^53, which the test refuses).
  if (mantissa < EXACT_INTEGER_LIMIT && e >= -22 && e <= 22) {
    const value = e >= 0 ? mantissa * EXACT_POWERS_OF_TEN[e]! : mantissa / EXACT_POWERS_OF_TEN[-e]!;
    return negative ? -value : value;
  }
  return Number(text.slice(start, end));
}

const DECIMAL = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/u;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/iu;

/**
 * Parses float text as Python's `float()` does for the forms MLflow writes and reads: decimal
 * numbers and integers (optional sign, fraction, exponent, `_` between digits), and
 * case-insensitive `nan`, `inf`, `infinity` with an optional sign. Surrounding ASCII whitespace is
 * ignored. Returns undefined for anything else (hex, empty text, `1e`, …).
 */
export function parsePythonFloat(text: string): number | undefined {
  // What MLflow writes (`0.5`, `1e-05`, `-3`) is plain; anything else takes the full grammar.
  const plain = parsePlainDecimal(text, 0, text.length);
  if (!Number.isNaN(plain)) return plain;
  const trimmed = text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/gu, '');
  const special = SPECIAL.exec(trimmed);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!DECIMAL.test(trimmed)) return undefined;
  return Number(trimmed.replaceAll('_', ''));
}

/**
 * Parses the value field of a metric line (spec §1.4).
 * @throws `INVALID_PARAMETER_VALUE` naming `where` when the text is not a float.
 */
export function parseMetricValue(text: string, where: string): number {
  const value = parsePythonFloat(text);
  if (value === undefined) {
    throw EdgeflowError.invalidParameterValue(`${where}: invalid metric value ${describeValue(text)}.`, { details: {
      entry: where,
    } });
  }
  return value;
}
