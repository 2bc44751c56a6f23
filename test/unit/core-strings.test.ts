/**
 * Code-point order (`core/strings.ts`), the one comparison behind MLflow's search ordering and the
 * YAML emitter's `sort_keys`, where it differs from JS `<` (UTF-16 code units).
 */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../src/core/entities.js';
import type { ExperimentId } from '../../src/core/ids.js';
import { dumpYaml } from '../../src/core/formats/yaml-dialect.js';
import { sortExperimentsBy } from '../../src/core/search/index.js';
import { compareCodePoints } from '../../src/core/strings.js';

// U+FFFD is below U+1F600 by code point, but its UTF-16 unit is above the emoji's surrogates.
const BMP_HIGH = 'k\ufffd';
const ASTRAL = 'k😀';

describe('code-point order', () => {
  it('puts an astral character after U+E000..U+FFFF, where `<` puts it before', () => {
    expect(ASTRAL < BMP_HIGH).toBe(true);
    expect(compareCodePoints(BMP_HIGH, ASTRAL)).toBeLessThan(0);
    expect(compareCodePoints(ASTRAL, BMP_HIGH)).toBeGreaterThan(0);
    expect([ASTRAL, 'k', BMP_HIGH, 'j😀'].sort(compareCodePoints)).toEqual(['j😀', 'k', BMP_HIGH, ASTRAL]);
  });

  it('orders YAML keys as PyYAML sort_keys does', () => {
    expect(dumpYaml({ [ASTRAL]: 1, [BMP_HIGH]: 2 })).toBe(`${BMP_HIGH}: 2\n${ASTRAL}: 1\n`);
  });

  it('orders experiment names as MLflow searches do', () => {
    const experiment = (experimentId: string, name: string): Experiment => ({
      experimentId: experimentId as ExperimentId,
      name,
      artifactLocation: '',
      lifecycleStage: 'active' as const,
      creationTime: 0,
      lastUpdateTime: 0,
      tags: {},
    });
    const sorted = sortExperimentsBy([experiment('1', ASTRAL), experiment('2', BMP_HIGH)], [{ type: 'attribute', key: 'name', ascending: true }]);
    expect(sorted.map((e) => e.name)).toEqual([BMP_HIGH, ASTRAL]);
  });
});
