/** Run ordering (spec §6.2): order_by parsing, MLflow's sort semantics, and a 10 000-run sanity check. */
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/core/entities.js';
import { dict, hasKey } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { compareCodePoints, compileRunFilter, parseOrderBy, searchRunList, sortRuns } from '../../src/core/search/index.js';

interface RunSpec {
  readonly name: string;
  readonly id?: string;
  readonly start?: number;
  readonly end?: number | null;
  readonly metrics?: Record<string, number>;
  readonly params?: Record<string, string>;
  readonly tags?: Record<string, string>;
}

function makeRun(spec: RunSpec): Run {
  const runId = (spec.id ?? spec.name.padEnd(32, '0')) as RunId;
  const metrics = spec.metrics ?? {};
  return {
    info: {
      runId,
      runName: spec.name,
      experimentId: '1' as ExperimentId,
      userId: 'ana',
      status: 'FINISHED',
      startTime: spec.start ?? 0,
      endTime: spec.end === undefined ? null : spec.end,
      artifactUri: `file:///a/${runId}`,
      lifecycleStage: 'active',
      deletedTime: null,
    },
    data: {
      metrics: dict(Object.entries(metrics)),
      latestMetrics: dict(Object.entries(metrics).map(([key, value]) => [key, { key, value, timestamp: 0, step: 0 }] as const)),
      params: dict(Object.entries(spec.params ?? {})),
      tags: dict(Object.entries(spec.tags ?? {})),
    },
  };
}

const names = (runs: readonly Run[]): string[] => runs.map((r) => r.info.runName);

function rejects(action: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isEdgeflowError(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('parseOrderBy', () => {
  it('reads identifiers and case-insensitive directions, default ASC', () => {
    expect(parseOrderBy(['metrics.acc DESC', 'params.lr asc', 'tags.team', 'run_name Desc'], 'run')).toEqual([
      { type: 'metric', key: 'acc', ascending: false },
      { type: 'param', key: 'lr', ascending: true },
      { type: 'tag', key: 'team', ascending: true },
      { type: 'attribute', key: 'run_name', ascending: false },
    ]);
  });

  it('accepts quoted keys, attribute prefixes and the created alias', () => {
    expect(parseOrderBy(['metrics.`val-loss` DESC', 'tags."my tag"', 'attributes.start_time', 'Created DESC'], 'run')).toEqual([
      { type: 'metric', key: 'val-loss', ascending: false },
      { type: 'tag', key: 'my tag', ascending: true },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'attribute', key: 'start_time', ascending: false },
    ]);
    expect(parseOrderBy(['  end_time   DESC  '], 'run')).toEqual([{ type: 'attribute', key: 'end_time', ascending: false }]);
  });

  it.each([
    ['metrics.acc DESC NULLS LAST', /Expected the end of the order_by clause, found 'NULLS' at position 17/],
    ['metrics.acc UP', /Expected ASC or DESC after metric 'acc', found 'UP'/],
    ['`Run name`', /Unknown attribute 'Run name'/],
    ['experiment_id', /Attribute 'experiment_id' cannot be used/],
    ['lifecycle_stage DESC', /Unknown attribute 'lifecycle_stage'/],
    ['dataset.name', /'dataset' keys cannot be used/],
    ['', /Empty order_by clause/],
    ['metrics.acc, params.lr', /Expected ASC or DESC/],
  ])('rejects %j', (entry, message) => {
    rejects(() => parseOrderBy([entry], 'run'), message);
  });

  it('reports the index of the bad entry', () => {
    try {
      parseOrderBy(['run_name', 'metrics.acc sideways'], 'run');
      expect.unreachable();
    } catch (error) {
      expect(isEdgeflowError(error) && error.details).toMatchObject({ field: 'order_by', index: 1, position: 12 });
    }
  });
});

describe('sortRuns', () => {
  it('defaults to start_time DESC, then run_id ASC', () => {
    const runs = [
      makeRun({ name: 'old', start: 1 }),
      makeRun({ name: 'b', id: 'b'.repeat(32), start: 5 }),
      makeRun({ name: 'a', id: 'a'.repeat(32), start: 5 }),
      makeRun({ name: 'new', start: 9 }),
    ];
    expect(names(sortRuns(runs, []))).toEqual(['new', 'a', 'b', 'old']);
  });

  const metricRuns = [
    makeRun({ name: 'missing1', start: 1 }),
    makeRun({ name: 'nan', start: 2, metrics: { m: Number.NaN } }),
    makeRun({ name: 'two', start: 3, metrics: { m: 2 } }),
    makeRun({ name: 'inf', start: 4, metrics: { m: Number.POSITIVE_INFINITY } }),
    makeRun({ name: 'missing2', start: 5 }),
    makeRun({ name: 'minusInf', start: 6, metrics: { m: Number.NEGATIVE_INFINITY } }),
    makeRun({ name: 'nan2', start: 7, metrics: { m: Number.NaN } }),
    makeRun({ name: 'one', start: 8, metrics: { m: 1 } }),
  ];

  it('puts NaN after values and missing last, ascending', () => {
    expect(names(sortRuns(metricRuns, ['metrics.m ASC']))).toEqual(
      ['minusInf', 'one', 'two', 'inf', 'nan2', 'nan', 'missing2', 'missing1'],
    );
  });

  it('puts NaN after values and missing last, descending', () => {
    expect(names(sortRuns(metricRuns, ['metrics.m DESC']))).toEqual(
      ['inf', 'two', 'one', 'minusInf', 'nan2', 'nan', 'missing2', 'missing1'],
    );
  });

  it('compares params and tags as strings, missing last', () => {
    const runs = [
      makeRun({ name: 'nine', start: 1, params: { n: '9' } }),
      makeRun({ name: 'ten', start: 2, params: { n: '10' } }),
      makeRun({ name: 'none', start: 3 }),
      makeRun({ name: 'upper', start: 4, params: { n: 'Z' } }),
      makeRun({ name: 'lower', start: 5, params: { n: 'a' } }),
    ];
    expect(names(sortRuns(runs, ['params.n']))).toEqual(['ten', 'nine', 'upper', 'lower', 'none']);
    expect(names(sortRuns(runs, ['params.n DESC']))).toEqual(['lower', 'upper', 'nine', 'ten', 'none']);
  });

  it('orders strings by code point, as Python does', () => {
    const runs = [
      makeRun({ name: 'bmp', start: 1, tags: { t: '\uffff' } }),
      makeRun({ name: 'astral', start: 2, tags: { t: '😀' } }),
      makeRun({ name: 'ascii', start: 3, tags: { t: 'z' } }),
    ];
    expect(names(sortRuns(runs, ['tags.t']))).toEqual(['ascii', 'bmp', 'astral']);
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect(compareCodePoints('😀', '😁')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'abc')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });

  it('applies clauses in order, then the default order', () => {
    const runs = [
      makeRun({ name: 'a1', start: 1, params: { g: 'a' }, metrics: { m: 1 } }),
      makeRun({ name: 'a2', start: 2, params: { g: 'a' }, metrics: { m: 1 } }),
      makeRun({ name: 'b3', start: 3, params: { g: 'b' }, metrics: { m: 0 } }),
      makeRun({ name: 'a4', start: 4, params: { g: 'a' }, metrics: { m: 5 } }),
    ];
    expect(names(sortRuns(runs, ['params.g', 'metrics.m']))).toEqual(['a2', 'a1', 'a4', 'b3']);
    expect(names(sortRuns(runs, ['params.g DESC', 'metrics.m DESC']))).toEqual(['b3', 'a4', 'a2', 'a1']);
    expect(names(sortRuns(runs, ['metrics.m', 'start_time ASC']))).toEqual(['b3', 'a1', 'a2', 'a4']);
  });

  it('puts a null end_time last in both directions', () => {
    const runs = [
      makeRun({ name: 'open', start: 1, end: null }),
      makeRun({ name: 'early', start: 2, end: 10 }),
      makeRun({ name: 'late', start: 3, end: 20 }),
    ];
    expect(names(sortRuns(runs, ['end_time']))).toEqual(['early', 'late', 'open']);
    expect(names(sortRuns(runs, ['end_time DESC']))).toEqual(['late', 'early', 'open']);
  });

  it('returns a new array and leaves the input alone', () => {
    const runs = [makeRun({ name: 'x', start: 1 }), makeRun({ name: 'y', start: 2 })];
    const sorted = sortRuns(runs, []);
    expect(names(sorted)).toEqual(['y', 'x']);
    expect(names(runs)).toEqual(['x', 'y']);
  });
});

describe('10 000 runs (sanity, no timing assertions)', () => {
  // A small deterministic generator, so failures reproduce.
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const runs = Array.from({ length: 10_000 }, (_, i) => {
    const r = random();
    const metrics: Record<string, number> = r < 0.1 ? {} : { loss: r < 0.15 ? Number.NaN : Math.round(random() * 1000) / 100 };
    return makeRun({
      name: `run-${i}`,
      id: i.toString(16).padStart(32, '0'),
      start: 1_700_000_000_000 + Math.floor(random() * 1000),
      metrics,
      params: { model: ['cnn', 'rnn', 'mlp'][i % 3]! },
      tags: { team: random() < 0.5 ? 'nlp' : 'vision' },
    });
  });

  it('filters and sorts consistently', () => {
    const started = performance.now();
    const page = searchRunList(runs, {
      experimentIds: ['1' as ExperimentId],
      filter: "params.model != 'mlp' and tags.team = 'nlp'",
      orderBy: ['metrics.loss DESC', 'params.model'],
      maxResults: 50_000,
    });
    const elapsed = performance.now() - started;
    const expected = runs.filter(compileRunFilter("params.model != 'mlp' and tags.team = 'nlp'"));
    expect(page.items).toHaveLength(expected.length);
    expect(new Set(page.items)).toEqual(new Set(expected));
    const rank = (r: Run): number => {
      const m = r.data.metrics;
      return !hasKey(m, 'loss') ? 2 : Number.isNaN(m['loss']) ? 1 : 0;
    };
    for (let i = 1; i < page.items.length; i++) {
      const a = page.items[i - 1]!;
      const b = page.items[i]!;
      expect(rank(a)).toBeLessThanOrEqual(rank(b));
      if (rank(a) === 0 && rank(b) === 0) expect(a.data.metrics['loss']!).toBeGreaterThanOrEqual(b.data.metrics['loss']!);
    }
    console.info(`search over 10 000 runs: ${elapsed.toFixed(1)} ms`);
  });
});
