/**
 * The metric-file codec against the string codec it replaced: the byte writer and the in-place
 * scanner must give exactly what the old per-line code gave (bytes, columns, or the error), on
 * random doubles (every bit pattern kind, the repr boundaries) and random, partly hostile lines.
 * The old code is kept here, verbatim in behaviour, as the oracle.
 */
import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/core/errors.js';
import { formatPythonFloat, parseMetricValue } from '../../src/core/formats/float-text.js';
import { encodeMetricFile, parseMetricFile, parseModelMetricFile, type MetricPoints } from '../../src/core/formats/file-store/index.js';
import { fail } from '../../src/core/formats/file-store/fields.js';

// ------------------------------------------------------------------------------- the old codec

function oldFormatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const exp = Math.abs(value).toExponential();
  const eIndex = exp.indexOf('e');
  const mantissa = exp.slice(0, eIndex);
  const exponent = Number(exp.slice(eIndex + 1));
  const digits = mantissa.replace('.', '');
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function oldMetricFile(p: Pick<MetricPoints, 'timestamps' | 'values' | 'steps'>): Uint8Array {
  let text = '';
  for (let i = 0; i < p.values.length; i++) text += `${p.timestamps[i]} ${oldFormatPythonFloat(p.values[i]!)} ${p.steps[i]}\n`;
  return new TextEncoder().encode(text);
}

function oldInteger(text: string, what: string, where: string): number {
  if (/^-?\d{1,15}$/u.test(text)) return Number(text);
  if (!/^[+-]?\d(?:_?\d)*$/u.test(text)) fail(where, `invalid ${what} ${describeValue(text)}.`);
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value)) fail(where, `${what} ${text} is outside ±2^53.`);
  return value;
}

/** The old run-metric reader: one trimmed, split string per line. */
function oldParse(text: string, where: string, maxLineLength = 4096): { timestamps: number[]; values: number[]; steps: number[]; datasets: unknown[] } {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body === '' ? [] : body.split('\n');
  const out = { timestamps: [] as number[], values: [] as number[], steps: [] as number[], datasets: [] as unknown[] };
  lines.forEach((raw, i) => {
    const at = `${where} line ${i + 1}`;
    if (raw.length > maxLineLength) fail(at, `line longer than ${maxLineLength} characters.`);
    const parts = raw.trim().split(' ');
    if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) {
      fail(at, `malformed metric line ${describeValue(raw)}: expected "timestamp value step".`);
    }
    const timestamp = oldInteger(parts[0]!, 'timestamp', at);
    if (timestamp < 0) fail(at, `timestamp ${timestamp} must not be negative.`);
    out.timestamps.push(timestamp);
    out.values.push(parseMetricValue(parts[1]!, at));
    const step = parts.length >= 3 ? oldInteger(parts[2]!, 'step', at) : 0;
    out.steps.push(parts.length === 5 ? 0 : step);
    out.datasets.push(parts.length === 5 ? { name: parts[3], digest: parts[4] } : undefined);
  });
  return out;
}

// ------------------------------------------------------------------------------- random inputs

/** A seeded generator (tests repeat exactly). */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** Doubles of every kind: random bit patterns, integers, values at and around the repr boundaries. */
function randomDoubles(random: () => number, n: number): Float64Array {
  const out = new Float64Array(n);
  const bits = new DataView(new ArrayBuffer(8));
  const boundaries = [1e-4, 1e16, 1e-5, 1e15, 1e21, 1e-7, 9999999999999998, 0.0001, 5e-324, Number.MAX_VALUE, 2 ** 53, 0.1 + 0.2];
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    let v: number;
    if (kind === 0) {
      bits.setUint32(0, Math.floor(random() * 2 ** 32));
      bits.setUint32(4, Math.floor(random() * 2 ** 32));
      v = bits.getFloat64(0);
    } else if (kind === 1) v = Math.floor((random() - 0.5) * 2 ** (1 + Math.floor(random() * 60)));
    else if (kind === 2) {
      // A boundary, or the double just below or above it.
      const b = boundaries[Math.floor(random() * boundaries.length)]!;
      bits.setFloat64(0, b);
      bits.setBigUint64(0, bits.getBigUint64(0) + BigInt(Math.floor(random() * 3) - 1));
      v = bits.getFloat64(0) * (random() < 0.5 ? -1 : 1);
    } else if (kind === 3) v = [NaN, Infinity, -Infinity, 0, -0][Math.floor(random() * 5)]!;
    else v = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    out[i] = v;
  }
  return out;
}

/** The first index where the arrays differ (`Object.is`), or -1 when they are equal. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('the metric-file writer against the old string writer', () => {
  it('formats 200,000 random doubles exactly as before (repr boundaries included)', () => {
    const values = randomDoubles(generator(7), 200_000);
    const differing = Array.from(values).filter((v) => formatPythonFloat(v) !== oldFormatPythonFloat(v));
    expect(differing).toEqual([]);
    // The boundaries themselves, by hand (Python's repr).
    expect([1e-4, 9.999999999999999e-5, 1e16, 9999999999999998, 1.5e16, 12.0, -0.5].map(formatPythonFloat)).toEqual([
      '0.0001',
      '9.999999999999999e-05',
      '1e+16',
      '9999999999999998.0',
      '1.5e+16',
      '12.0',
      '-0.5',
    ]);
  });

  it('encodes random columns to the same bytes, which read back to the same columns', () => {
    const random = generator(11);
    for (let file = 0; file < 20; file++) {
      const n = Math.floor(random() * 5000);
      const values = randomDoubles(random, n);
      // Integers of every size up to ±(2^53 - 1), which is written too.
      const integer = (): number => (random() < 0.05 ? 2 ** 53 - 1 : Math.floor(random() * 2 ** Math.floor(random() * 54)));
      const timestamps = Float64Array.from({ length: n }, integer);
      const steps = Float64Array.from({ length: n }, () => (random() < 0.5 ? -integer() : integer()) || 0);
      const bytes = encodeMetricFile({ timestamps, values, steps });
      expect(firstDifference(bytes, oldMetricFile({ timestamps, values, steps }))).toBe(-1);
      const back = parseMetricFile('k', new TextDecoder().decode(bytes), 'f');
      expect(firstDifference(back.values, values)).toBe(-1);
      expect(firstDifference(back.timestamps, timestamps)).toBe(-1);
      expect(firstDifference(back.steps, steps)).toBe(-1);
    }
  });

  it('encodes runs of repeated values (0 and -0, NaN, constants) to the same bytes', () => {
    const random = generator(5);
    const pool = [0, -0, NaN, Infinity, 0.1, 1e-5, 3];
    const values = Float64Array.from({ length: 4000 }, () => pool[Math.floor(random() * pool.length)]!);
    for (let i = 1; i < values.length; i++) if (random() < 0.6) values[i] = values[i - 1]!;
    const timestamps = Float64Array.from(values, (_, i) => i);
    const points = { timestamps, values, steps: timestamps };
    expect(firstDifference(encodeMetricFile(points), oldMetricFile(points))).toBe(-1);
  });

  it('writes dataset lines as the line formatter does (UTF-8 names)', () => {
    const points = { timestamps: new Float64Array([1, 2]), values: new Float64Array([0.5, 2]), steps: new Float64Array([0, 1]), datasets: [undefined, { name: 'évaluation', digest: 'abc' }] };
    expect(new TextDecoder().decode(encodeMetricFile(points))).toBe('1 0.5 0\n2 2.0 1 évaluation abc\n');
  });
});

/** A random field: mostly what MLflow writes, sometimes what Python's float()/int() or nobody accepts. */
function randomField(random: () => number): string {
  const forms = [
    () => String(Math.floor(random() * 2e12)),
    () => formatPythonFloat((random() - 0.5) * 10 ** Math.floor(random() * 30 - 15)),
    () => ['nan', 'NaN', '-inf', 'Infinity', '+inf', 'INF', '-infinity'][Math.floor(random() * 7)]!,
    () => ['1_000', '+5', '-0', '0x10', '1e', '.5', '5.', '1e5', '', '1__0', '١٢', 'abc', '9'.repeat(16 + Math.floor(random() * 4))][Math.floor(random() * 13)]!,
    () => String(-Math.floor(random() * 1000)),
  ];
  return forms[Math.floor(random() * forms.length)]!();
}

/** Mostly a line as MLflow writes it; one in eight random fields, of a random count, oddly joined. */
function randomLine(random: () => number): string {
  let line: string;
  if (random() < 0.875) {
    const dataset = random() < 0.1 ? ' train d41d8cd9' : '';
    line = `${Math.floor(random() * 2e12)} ${formatPythonFloat((random() - 0.5) * 10 ** Math.floor(random() * 30 - 15))} ${Math.floor(random() * 1e6)}${dataset}`;
  } else {
    const count = [2, 3, 3, 3, 5, 1, 4, 6][Math.floor(random() * 8)]!;
    line = Array.from({ length: count }, () => randomField(random)).join(random() < 0.2 ? '  ' : ' ');
  }
  const pad = ['', '', '', '', ' ', '\t', '\r', '\u00a0', '\ufeff', '\u2028', '\u3000'];
  if (random() < 0.15) line = pad[Math.floor(random() * pad.length)]! + line;
  if (random() < 0.15) line += pad[Math.floor(random() * pad.length)]!;
  return line;
}

function outcome(read: () => { timestamps: ArrayLike<number>; values: ArrayLike<number>; steps: ArrayLike<number>; datasets?: ArrayLike<unknown> }): unknown {
  try {
    const r = read();
    return { timestamps: Array.from(r.timestamps), values: Array.from(r.values), steps: Array.from(r.steps), datasets: Array.from(r.datasets ?? [], (d) => d) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('the metric-file scanner against the old line splitter', () => {
  it('reads 3,000 random files to the same columns, or fails with the same message', () => {
    const random = generator(3);
    let failures = 0;
    for (let file = 0; file < 3000; file++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomLine(random));
      const text = lines.join('\n') + (random() < 0.7 ? '\n' : '') + (random() < 0.03 ? '\n' : '');
      const maxLineLength = random() < 0.1 ? 10 : 4096;
      const expected = outcome(() => oldParse(text, 'm/k', maxLineLength));
      const actual = outcome(() => {
        const r = parseMetricFile('k', text, 'm/k', { maxLineLength });
        return { ...r, datasets: r.datasets ?? Array.from(r.values, () => undefined) };
      });
      expect(actual, JSON.stringify(text)).toEqual(expected);
      if ((expected as { error?: string }).error !== undefined) failures++;
    }
    // Both kinds were exercised.
    expect(failures).toBeGreaterThan(300);
    expect(failures).toBeLessThan(2700);
  });

  it('reads lines as MLflow writes them (read digit by digit) to the same columns, or the same error', () => {
    const random = generator(11);
    const digits = (n: number): string => Array.from({ length: n }, (_, i) => Math.floor(random() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0)).join('');
    const integer = (): string => ['0', '-0', digits(1 + Math.floor(random() * 16)), `-${digits(1 + Math.floor(random() * 16))}`][Math.floor(random() * 4)]!;
    const value = (): string => {
      const forms = [
        () => formatPythonFloat(random()),
        () => formatPythonFloat(randomDoubles(random, 1)[0]!),
        () => `${random() < 0.5 ? '-' : ''}${digits(1 + Math.floor(random() * 18))}${random() < 0.5 ? `.${digits(Math.floor(random() * 18))}` : ''}`,
        () => `${digits(1 + Math.floor(random() * 17))}${['e', 'E'][Math.floor(random() * 2)]}${['', '+', '-'][Math.floor(random() * 3)]}${Math.floor(random() * 400)}`,
      ];
      return forms[Math.floor(random() * forms.length)]!();
    };
    for (let file = 0; file < 2000; file++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 8) }, () => `${integer()} ${value()} ${integer()}`);
      const text = lines.join('\n') + (random() < 0.5 ? '\n' : '');
      const expected = outcome(() => oldParse(text, 'm/k'));
      const actual = outcome(() => {
        const r = parseMetricFile('k', text, 'm/k');
        return { ...r, datasets: Array.from(r.values, () => undefined) };
      });
      expect(actual, JSON.stringify(text)).toEqual(expected);
    }
  });

  it('reads model metric lines (4 or 6 fields) in place too', () => {
    const lines = parseModelMetricFile('k', 'm', ' 1 0.5 3 r1\n2 -inf -4 r2 train d1 \n', 'f');
    expect(lines.map((l) => [l.timestamp, l.value, l.step, l.runId, l.datasetName, l.datasetDigest])).toEqual([
      [1, 0.5, 3, 'r1', undefined, undefined],
      [2, -Infinity, -4, 'r2', 'train', 'd1'],
    ]);
    expect(() => parseModelMetricFile('k', 'm', '1 0.5 3 r1\n1 0.5 3\n', 'f')).toThrow(/f line 2: malformed model metric line/u);
  });
});
