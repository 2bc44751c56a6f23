import { describe, expect, it } from 'vitest';
import { formatPythonFloat, formatYamlFloat, parseMetricValue, parsePlainDecimal, parsePythonFloat } from '../../src/core/formats/float-text.js';

// Left: Python 3.11 repr(float) of the right.
const TABLE: [string, number][] = [
  ['5.0', 5],
  ['0.6', 0.6],
  ['1.3333333333333333', 4 / 3],
  ['0.0001', 0.0001],
  ['1e-05', 1e-5],
  ['1e+20', 1e20],
  ['1.5e+16', 1.5e16],
  ['2.5e-07', 2.5e-7],
  ['1e+100', 1e100],
  ['-0.0', -0],
  ['0.0', 0],
  ['1e+16', 1e16],
  ['9999999999999998.0', 9999999999999998],
  ['123456789012345.6', 123456789012345.6],
  ['0.30000000000000004', 0.1 + 0.2],
  ['-1.5', -1.5],
  ['5e-324', 5e-324],
  ['1.7976931348623157e+308', 1.7976931348623157e308],
  ['1000000000000000.0', 1e15],
  ['0.00012345', 0.00012345],
  ['123.0', 123],
  ['1e+22', 1e22],
  ['1e+21', 1e21],
  ['nan', NaN],
  ['inf', Infinity],
  ['-inf', -Infinity],
];

describe('formatPythonFloat', () => {
  it.each(TABLE)('writes %s', (text, value) => {
    expect(formatPythonFloat(value)).toBe(text);
    expect(Object.is(parsePythonFloat(text), value) || (Number.isNaN(value) && Number.isNaN(parsePythonFloat(text)!))).toBe(true);
  });

  it('round-trips random doubles', () => {
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 5000; i++) {
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      const x = view.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      expect(Object.is(parsePythonFloat(formatPythonFloat(x)), x)).toBe(true);
    }
  });
});

describe('formatYamlFloat (PyYAML represent_float)', () => {
  it.each([
    ['1.0e+20', 1e20],
    ['1.0e-05', 1e-5],
    ['1.5', 1.5],
    ['.nan', NaN],
    ['.inf', Infinity],
    ['-.inf', -Infinity],
    ['-0.0', -0],
  ] as [string, number][])('writes %s', (text, value) => expect(formatYamlFloat(value)).toBe(text));
});

describe('metric value text', () => {
  it.each([
    ['NaN', NaN],
    ['nan', NaN],
    ['-nan', NaN],
    ['INF', Infinity],
    ['Infinity', Infinity],
    ['-infinity', -Infinity],
    ['+inf', Infinity],
    ['5', 5],
    ['-7', -7],
    ['1e5', 1e5],
    ['.5', 0.5],
    ['5.', 5],
    ['1_000.5', 1000.5],
  ] as [string, number][])('reads %s', (text, value) => {
    const parsed = parseMetricValue(text, 'f');
    expect(Number.isNaN(value) ? Number.isNaN(parsed) : parsed).toBe(Number.isNaN(value) ? true : value);
  });

  it.each(['', 'abc', '0x10', '1e', '1__0', 'in f', '--1', 'nanx'])('rejects %j', (text) => {
    expect(() => parseMetricValue(text, 'metrics/x')).toThrow(/metrics\/x/u);
  });
});

describe('parsePlainDecimal (exact fast path)', () => {
  /** A random double over every exponent (any bit pattern but NaN and the infinities). */
  const randomDouble = (view: DataView): number => {
    for (;;) {
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      const x = view.getFloat64(0);
      if (Number.isFinite(x)) return x;
    }
  };
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
  /** Text of every plain shape: repr of doubles of any size and of [0, 1), integers, short and long digit runs, exponents to ±330. */
  const shapes: (() => string)[] = [
    () => formatPythonFloat(randomDouble(new DataView(new ArrayBuffer(8)))),
    () => formatPythonFloat(Math.random()),
    () => formatPythonFloat(Math.random() * 1000 - 500),
    () => formatPythonFloat(Math.fround(Math.random())),
    () => String(Math.floor(Math.random() * 2 ** 53) - 2 ** 52),
    () => `${digits(1 + Math.floor(Math.random() * 20))}.${digits(Math.floor(Math.random() * 20))}`,
    () => `${digits(1 + Math.floor(Math.random() * 17))}e${Math.random() < 0.5 ? '-' : '+'}${Math.floor(Math.random() * 330)}`,
    () => `-${digits(1 + Math.floor(Math.random() * 5))}.${digits(1 + Math.floor(Math.random() * 12))}E${Math.floor(Math.random() * 40) - 20}`,
  ];

  it('reads every plain shape exactly as Number does, in place in longer text', () => {
    const wrong: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const text = shapes[i % shapes.length]!();
      const padded = ` ${text}\n`;
      if (!Object.is(parsePlainDecimal(padded, 1, 1 + text.length), Number(text))) wrong.push(text);
      if (!Object.is(parsePythonFloat(text), Number(text))) wrong.push(`parsePythonFloat ${text}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['0', 0],
    ['-0', -0],
    ['-0.0', -0],
    ['5.', 5],
    ['9007199254740991', 2 ** 53 - 1],
    ['9007199254740993', 9007199254740992],
    ['0.1', 0.1],
    ['1e22', 1e22],
    ['1e23', 1e23],
    ['1e-22', 1e-22],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    ['1e-400', 0],
    ['5e-324', 5e-324],
    ['2.4703282292062328e-324', 5e-324],
    ['0.00000000000000000000000001', 1e-26],
    ['1.7976931348623157e+308', Number.MAX_VALUE],
  ] as [string, number][])('reads %s', (text, value) => expect(Object.is(parsePlainDecimal(text, 0, text.length), value)).toBe(true));

  it.each(['', '-', '.5', '+1', '1_0', 'nan', '-inf', 'inf', 'Infinity', '1e', '1e+', '1.2.3', '0x10', ' 1', '1 ', '1-2', '--1'])(
    'leaves %j to the full grammar (NaN)',
    (text) => expect(parsePlainDecimal(text, 0, text.length)).toBeNaN(),
  );
});
