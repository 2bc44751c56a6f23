import { describe, expect, it } from 'vitest';
import { artifactPathProblem, keyProblem, metricPosition, stringifyValue, textProblem } from '../../src/core/validation.js';
import { KeyIndex, assertNoKeyConflicts, latestOf } from '../../src/core/rules.js';
import { isEdgeflowError } from '../../src/core/errors.js';

describe('keyProblem (MLflow key rule)', () => {
  it.each(['a', 'a.b', 'a/b', 'mlflow.runName', 'my metric', 'val:loss', 'über', '数据', 'a-b_c', 'a/..x', 'x'.repeat(250)])(
    'accepts %j',
    (key) => expect(keyProblem(key)).toBeUndefined(),
  );
  it.each(['', '.', '..', '..x', '/a', 'a/', 'a//b', 'a/./b', './a', 'a/../b', 'a$b', 'a#b', 'a\tb', 'a\nb', 'a,b', 'a@b', "a'b", 'x'.repeat(251)])(
    'rejects %j',
    (key) => expect(keyProblem(key)).toBeTypeOf('string'),
  );
  it('rejects non-strings', () => {
    expect(keyProblem(3)).toBe('must be a string');
    expect(keyProblem(null)).toBe('must be a string');
  });
});

describe('artifactPathProblem', () => {
  it.each(['a.txt', 'dir/a.txt', 'a b/c', '..x/y', 'x..'])('accepts %j', (p) => expect(artifactPathProblem(p)).toBeUndefined());
  it.each(['', '/a', 'C:/a', 'c:a', 'a\\b', '../a', 'a/../b', 'a/..', './a', 'a//b', 'a/', 'a#b', 'a\u0001b'])('rejects %j', (p) =>
    expect(artifactPathProblem(p)).toBeTypeOf('string'),
  );
  it('allows the root only when asked', () => {
    expect(artifactPathProblem('', true)).toBeUndefined();
  });
});

describe('stringifyValue (MLflow str())', () => {
  it.each([
    ['x', 'x'],
    [0.01, '0.01'],
    [5, '5'],
    [true, 'True'],
    [false, 'False'],
    [null, ''],
    [undefined, ''],
    [Number.NaN, 'nan'],
    [Infinity, 'inf'],
    [1e-7, '1e-07'],
    [1.5e20, '1.5e+20'],
    [-0.5, '-0.5'],
  ])('%j → %j', (input, expected) => expect(stringifyValue(input)).toBe(expected));
  it('writes bigints in decimal', () => expect(stringifyValue(10n ** 20n)).toBe('100000000000000000000'));
  it('refuses what has no string form with INVALID_PARAMETER_VALUE naming the key', () => {
    const circular: Record<string, unknown> = {};
    circular['me'] = circular;
    for (const value of [circular, { n: 1n }, Symbol('s'), () => 0, { toJSON: () => undefined }, 'x\ud800']) {
      let caught: unknown;
      try {
        stringifyValue(value, 'lr');
      } catch (error) {
        caught = error;
      }
      expect(isEdgeflowError(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
      expect((caught as Error).message).toMatch(/^Cannot store the value of "lr": /u);
    }
  });
});

describe('textProblem (lone surrogates)', () => {
  it.each(['', 'abc', '😀', 'ü数据', '\uffff'])('accepts %j', (text) => expect(textProblem(text)).toBeUndefined());
  it.each(['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud83d', '\ude00\ud83d', '😀\ud83d'])('refuses %j', (text) =>
    expect(textProblem(text)).toMatch(/lone surrogate \(U\+D[89A-F][0-9A-F]{2} at index \d+\)/u),
  );
  it('applies to keys and artifact paths', () => {
    expect(keyProblem('a\ud800')).toMatch(/lone surrogate/u);
    expect(artifactPathProblem('dir/\udc00.txt')).toMatch(/lone surrogate/u);
  });
});

describe('metricPosition (the step/time argument of logMetric)', () => {
  it.each([
    [undefined, 0, undefined],
    [3, 3, undefined],
    [-3, -3, undefined],
    [{}, 0, undefined],
    [{ step: 2 }, 2, undefined],
    [{ timestamp: 9 }, 0, 9],
    [{ step: undefined, timestamp: undefined }, 0, undefined],
    [{ step: 1, timestamp: 0 }, 1, 0],
    [Object.assign(Object.create(null) as object, { step: 4 }), 4, undefined],
  ])('%j → step %j, timestamp %j', (options, step, timestamp) => expect(metricPosition('k', options)).toEqual({ step, timestamp }));
  it.each(['5', true, 1n, null, 0.5, Number.NaN, 2 ** 53, [2], new Date(1), { step: '1' }, { step: null }, { timestamp: -1 }, { timestamp: 0.5 }, { other: 1 }, Object.assign(Object.create(null) as object, { step: 1, extra: 2 })])(
    'refuses %s',
    (options) => expect(() => metricPosition('k', options)).toThrow(/metric "k"/u),
  );
});

describe('KeyIndex and key conflicts', () => {
  it('finds folder/file conflicts in both directions and among new keys', () => {
    const index = new KeyIndex(['a/b/c', 'x']);
    expect(index.conflictWith('a')).toBe('a/b/c');
    expect(index.conflictWith('a/b')).toBe('a/b/c');
    expect(index.conflictWith('x/y')).toBe('x');
    expect(index.conflictWith('a/b/d')).toBeUndefined();
    expect(index.conflictWith('x')).toBeUndefined();
    index.delete('a/b/c');
    expect(index.conflictWith('a')).toBeUndefined();
    let caught: unknown;
    try {
      assertNoKeyConflicts('param', new KeyIndex(), ['p', 'p/q']);
    } catch (error) {
      caught = error;
    }
    expect(isEdgeflowError(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
  });
});

describe('latestOf', () => {
  it('picks the highest step, then the newest timestamp, then the largest value', () => {
    const cols = (s: number[], t: number[], v: number[]) => ({ key: 'm', steps: Float64Array.from(s), timestamps: Float64Array.from(t), values: Float64Array.from(v) });
    expect(latestOf(undefined, cols([1, 3, 2], [9, 1, 9], [10, 20, 30]))).toEqual({ key: 'm', step: 3, timestamp: 1, value: 20 });
    expect(latestOf({ key: 'm', step: 3, timestamp: 5, value: 0 }, cols([3], [4], [99]))).toEqual({ key: 'm', step: 3, timestamp: 5, value: 0 });
    expect(latestOf(undefined, cols([0, 0], [1, 1], [2, 5]))?.value).toBe(5);
    expect(latestOf(undefined, cols([], [], []))).toBeUndefined();
  });

  it('keeps the earlier point on a full tie, and compares points of the current step against the latest so far', () => {
    const cols = (s: number[], t: number[], v: number[]) => ({ key: 'm', steps: Float64Array.from(s), timestamps: Float64Array.from(t), values: Float64Array.from(v) });
    const current = { key: 'm', step: 3, timestamp: 5, value: 1 };
    expect(latestOf(current, cols([3, 2], [5, 9], [1, 9]))).toBe(current);
    expect(latestOf(current, cols([3], [6], [0]))).toEqual({ key: 'm', step: 3, timestamp: 6, value: 0 });
    // NaN ties with every value: the point after it is compared with the current latest (1), and wins.
    expect(latestOf(current, cols([3, 3], [5, 5], [Number.NaN, 2]))).toEqual({ key: 'm', step: 3, timestamp: 5, value: 2 });
    expect(latestOf(undefined, cols([0, 1, 2, 2, 1], [0, 0, 7, 3, 9], [0, 0, 1, 5, 9]))).toEqual({ key: 'm', step: 2, timestamp: 7, value: 1 });
  });
});
