/**
 * MLflow's dataset digests, profiles and schemas (mlflow3-models-and-inputs.md §2.2–§2.4): the 17
 * vectors MLflow computed (test/fixtures/mlflow3/mlruns-mlflow3.json → datasetDigestVectors),
 * rebuilt from the data a JS user has (plain arrays, typed arrays, records).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetFromArrays, datasetFromRecords } from '../../src/core/datasets/builders.js';
import { md5Hex } from '../../src/core/datasets/md5.js';
import type { ArrayData, ArrayScalar, NumericTypedArray } from '../../src/core/datasets/ndarray.js';
import { recordsToColumns, type DataRecord } from '../../src/core/datasets/records.js';
import { pythonJson } from '../../src/core/formats/python-json.js';
import { isEdgeflowError } from '../../src/core/errors.js';

type Value = number | string | boolean | unknown[];
interface ArraySpec { dtype: string; shape: number[]; values?: Value[]; generator?: string }
interface Vector {
  kind: 'numpy' | 'pandas';
  label: string;
  features?: ArraySpec | Record<string, ArraySpec>;
  targets?: ArraySpec | null;
  columns?: { name: string; dtype: string; values?: Value[]; generator?: string }[];
  digest: string;
  profile: unknown;
  schema: string;
}

const vectors = (JSON.parse(readFileSync('test/fixtures/mlflow3/mlruns-mlflow3.json', 'utf8')) as { datasetDigestVectors: Vector[] }).datasetDigestVectors;

const special = (v: Value): ArrayScalar => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as ArrayScalar));

/** Nested plain arrays of `shape` from flat values. */
function nest(flat: readonly ArrayScalar[], shape: readonly number[]): ArrayData {
  if (shape.length <= 1) return flat;
  const step = flat.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1))) as ArrayData;
}

/** The JS form of a NumPy array: plain arrays where JS has the dtype, typed arrays elsewhere. */
function jsArray(spec: ArraySpec): ArrayData {
  const flat = spec.generator === 'arange(12000) row-major' ? Array.from({ length: 12000 }, (_, i) => i) : (spec.values ?? []).map(special);
  const typed: Record<string, (v: ArrayScalar[]) => NumericTypedArray> = {
    int64: (v) => BigInt64Array.from(v as number[], BigInt),
    int32: (v) => Int32Array.from(v as number[]),
    float32: (v) => Float32Array.from(v as number[]),
    uint8: (v) => Uint8Array.from(v as number[]),
  };
  const make = typed[spec.dtype];
  if (make) return { values: make(flat), shape: spec.shape };
  if (spec.generator) throw new Error(`unknown generator ${spec.generator}`);
  return nest(flat, spec.shape); // float64 numbers, bools, strings
}

function arraysOf(spec: ArraySpec | Record<string, ArraySpec>): ArrayData | Record<string, ArrayData> {
  return 'dtype' in spec ? jsArray(spec as ArraySpec) : Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, jsArray(s)]));
}

function columnValues(column: NonNullable<Vector['columns']>[number]): unknown[] {
  if (column.generator === 'i for i in 0..10004 (int64)') return Array.from({ length: 10005 }, (_, i) => i);
  if (column.generator === 'i / 3 for i in 0..10004 (float64)') return Array.from({ length: 10005 }, (_, i) => i / 3);
  if (column.generator) throw new Error(`unknown generator ${column.generator}`);
  return column.values!.map((v) => (typeof v === 'string' ? special(v) : v));
}

function records(vector: Vector): DataRecord[] {
  const columns = vector.columns!.map((c) => [c.name, columnValues(c)] as const);
  return Array.from({ length: columns[0]![1].length }, (_, row) => Object.fromEntries(columns.map(([name, values]) => [name, values[row]])));
}

describe('dataset digests match MLflow', () => {
  it('the fixture holds the 17 vectors', () => {
    expect(vectors).toHaveLength(17);
  });

  for (const vector of vectors) {
    it(`${vector.kind}: ${vector.label}`, () => {
      const dataset =
        vector.kind === 'numpy'
          ? datasetFromArrays({ features: arraysOf(vector.features!), ...(vector.targets ? { targets: jsArray(vector.targets) } : {}) })
          : datasetFromRecords({ records: records(vector) });
      expect(dataset.digest).toBe(vector.digest);
      expect(dataset.profile).toBe(pythonJson(vector.profile));
      expect(dataset.schema).toBe(vector.schema);
      expect(dataset.name).toBe('dataset');
      expect(dataset.sourceType).toBe('code');
    });
  }

  it('records get the dtype pandas gave each column', () => {
    for (const vector of vectors.filter((v) => v.kind === 'pandas')) {
      const dtypes = recordsToColumns(records(vector)).map((c) => c.array?.dtype ?? 'not hashed');
      const expected = vector.columns!.map((c) => ({ float64: 'float64', int64: 'int64' })[c.dtype] ?? (c.values?.every((v) => typeof v === 'string') ? 'str' : 'not hashed'));
      expect(dtypes, vector.label).toEqual(expected);
    }
  });
});

describe('digest inputs', () => {
  it('md5 names the dataset folder as MLflow does', () => {
    expect(md5Hex('iris_train' + '899cd733')).toBe('d7aba23d913ea8d173a0223f00f1b2f1');
  });

  it('a typed array hashes by its own dtype: the same numbers as float32 and float64 differ', () => {
    const f64 = datasetFromArrays({ features: Float64Array.of(1.5, -2.25) });
    const f32 = datasetFromArrays({ features: Float32Array.of(1.5, -2.25) });
    expect(f32.digest).toBe('dcb1d720');
    expect(f64.digest).toBe(datasetFromArrays({ features: [1.5, -2.25] }).digest);
    expect(f64.digest).not.toBe(f32.digest);
  });

  it('refuses ragged and mixed arrays with INVALID_PARAMETER_VALUE', () => {
    for (const features of [[[1, 2], [3]], [1, 'a'], { values: [1, 2, 3], shape: [2, 2] }] as ArrayData[]) {
      let error: unknown;
      try {
        datasetFromArrays({ features });
      } catch (e) {
        error = e;
      }
      expect(isEdgeflowError(error) && error.code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('refuses a name longer than 500 characters and a digest longer than 36', () => {
    expect(() => datasetFromArrays({ features: [1], name: 'n'.repeat(501) })).toThrow(/name/);
    expect(() => datasetFromRecords({ records: [{ a: 1 }], digest: 'd'.repeat(37) })).toThrow(/digest/);
    expect(datasetFromRecords({ records: [{ a: 1 }], name: 'n'.repeat(500), digest: 'd'.repeat(36) }).digest).toHaveLength(36);
  });
});

describe('dataset sources as MLflow writes them', () => {
  it('writes local, http, s3 and code sources with Python separators', async () => {
    const { localSource, httpSource, uriSource, codeSource } = await import('../../src/core/datasets/builders.js');
    expect(localSource('data/iris_train.csv')).toEqual({ sourceType: 'local', source: '{"uri": "data/iris_train.csv"}' });
    expect(httpSource('https://example.com/iris_eval.csv')).toEqual({ sourceType: 'http', source: '{"url": "https://example.com/iris_eval.csv"}' });
    expect(uriSource('s3://bucket/images.npz')).toEqual({ sourceType: 's3', source: '{"uri": "s3://bucket/images.npz"}' });
    expect(codeSource({ 'mlflow.user': 'carol', 'mlflow.source.name': 'train.py' }).source).toBe(
      '{"tags": {"mlflow.user": "carol", "mlflow.source.name": "train.py"}}',
    );
    expect(() => httpSource('ftp://x')).toThrow(/http/);
  });
});
