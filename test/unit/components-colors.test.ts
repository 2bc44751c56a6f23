import { describe, expect, it } from 'vitest';
import { RUN_PALETTE, runColor, runColors } from '../../src/components/internal/colors.js';

const ids = (n: number, seed = 'run'): string[] => Array.from({ length: n }, (_, i) => `${seed}-${i.toString(16).padStart(4, '0')}`);

describe('run colours', () => {
  it('gives a run alone its own stable colour', () => {
    for (const id of ids(50)) {
      expect(runColors([id]).get(id)).toBe(runColor(id));
      expect(RUN_PALETTE).toContain(runColor(id));
    }
  });

  it('gives runs shown together distinct colours of distinct hue families (up to 8 runs), whatever their order', () => {
    const families = new Map<string, number>(RUN_PALETTE.map((c, i) => [c, [0, 1, 2, 3, 4, 5, 6, 2, 7, 0, 3, 2][i]!]));
    for (let trial = 0; trial < 40; trial++) {
      const runIds = ids(8, `t${trial}`);
      const colors = runColors(runIds);
      expect(new Set(runIds.map((id) => families.get(colors.get(id)!))).size).toBe(8);
      expect(runColors([...runIds].reverse())).toEqual(colors);
    }
    const twelve = runColors(ids(12));
    expect(new Set(twelve.values()).size).toBe(12);
  });
});
