import { describe, expect, it } from 'vitest';
import { MetricBuffer } from '../../src/core/metric-buffer.js';

function filled(count: number, capacity: number): MetricBuffer {
  const buffer = new MetricBuffer('loss', capacity);
  for (let i = 0; i < count; i++) buffer.push(i, 1000 + i, i / 2);
  return buffer;
}

describe('MetricBuffer.takeColumns', () => {
  it('hands over exact-length columns of a partly filled buffer as views, without copying the points', () => {
    const columns = filled(5, 8).takeColumns();
    expect([...columns.steps]).toEqual([0, 1, 2, 3, 4]);
    expect([...columns.timestamps]).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect([...columns.values]).toEqual([0, 0.5, 1, 1.5, 2]);
    // A view of the buffer's own array (8 points), not a 5-point copy.
    expect(columns.values.buffer.byteLength).toBe(8 * 8);
  });

  it('hands over the arrays themselves when the buffer is full, grown ones included', () => {
    for (const [count, capacity] of [[4, 4], [8, 2]] as const) {
      const columns = filled(count, capacity).takeColumns();
      expect(columns.steps.length).toBe(count);
      expect(columns.values.buffer.byteLength).toBe(columns.values.byteLength);
      expect(columns.values[count - 1]).toBe((count - 1) / 2);
    }
  });
});
