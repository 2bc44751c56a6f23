import { describe, expect, it } from 'vitest';
import { packColumns, unpackColumns } from '../../src/storage/idb/batch-wire.js';

const columns = (key: string, steps: number[], link?: { modelId: string }) => ({
  key,
  steps: Float64Array.from(steps),
  timestamps: Float64Array.from(steps, (s) => 1_700_000_000_000 + s),
  values: Float64Array.from(steps, (s) => s / 4),
  ...(link === undefined ? {} : { link }),
});
const plain = (c: { key: string; steps: Float64Array; timestamps: Float64Array; values: Float64Array; link?: unknown }) => ({
  key: c.key,
  steps: [...c.steps],
  timestamps: [...c.timestamps],
  values: [...c.values],
  ...(c.link === undefined ? {} : { link: c.link }),
});

describe('IndexedDB batch wire: a batch’s metric columns in one array', () => {
  it('unpacks exactly the columns it packed, in order, with their links, a key twice and an empty column included', () => {
    const metrics = [columns('loss', [0, 1, 2]), columns('acc', [5], { modelId: 'm-1' }), columns('empty', []), columns('loss', [3, 4]), columns('lr', [NaN, 7])];
    const packed = packColumns(metrics);
    expect(packed.points.length).toBe(3 * 8);
    expect(unpackColumns(packed).map(plain)).toEqual(metrics.map(plain));
  });

  it('copies the columns when packing: later changes to the caller’s arrays do not reach the packed batch', () => {
    const metrics = [columns('loss', [0, 1])];
    const packed = packColumns(metrics);
    metrics[0]!.values[0] = 99;
    expect([...unpackColumns(packed)[0]!.values]).toEqual([0, 0.25]);
  });

  it('packs no metrics as an empty batch', () => {
    expect(unpackColumns(packColumns([]))).toEqual([]);
  });
});
