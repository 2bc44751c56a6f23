/** Paging and limits of run searches (spec §6.3): page tokens, max_results, view types, experiment ids. */
import { describe, expect, it } from 'vitest';
import type { Run, ViewType } from '../../src/core/entities.js';
import { dict } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { decodePageToken, encodePageToken, searchRunList } from '../../src/core/search/index.js';

function makeRun(i: number, experimentId = '1', deleted = false): Run {
  const runId = i.toString(16).padStart(32, '0') as RunId;
  return {
    info: {
      runId,
      runName: `run-${String(i).padStart(3, '0')}`,
      experimentId: experimentId as ExperimentId,
      userId: 'ana',
      status: 'FINISHED',
      startTime: 1000 + i,
      endTime: null,
      artifactUri: '',
      lifecycleStage: deleted ? 'deleted' : 'active',
      deletedTime: deleted ? 5 : null,
    },
    data: { metrics: dict([['i', i]]), latestMetrics: dict(), params: dict(), tags: dict() },
  };
}

function invalid(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected INVALID_PARAMETER_VALUE');
}

describe('page tokens', () => {
  it('encodes as MLflow does', () => {
    expect(encodePageToken(1000)).toBe('eyJvZmZzZXQiOiAxMDAwfQ==');
    expect(atob(encodePageToken(25))).toBe('{"offset": 25}');
  });

  it('round-trips', () => {
    for (const offset of [1, 2, 25, 999, 50_000, 2 ** 40]) expect(decodePageToken(encodePageToken(offset))).toBe(offset);
  });

  it('treats an absent or empty token as offset 0', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it('accepts an offset written as a string of digits, as Python int() does', () => {
    expect(decodePageToken(btoa('{"offset": "30"}'))).toBe(30);
  });

  it.each([
    ['not base64', '%%%'],
    ['not JSON', btoa('offset=5')],
    ['offset 0', btoa('{"offset": 0}')],
    ['negative offset', btoa('{"offset": -5}')],
    ['fractional offset', btoa('{"offset": 2.5}')],
    ['no offset', btoa('{"start": 5}')],
    ['array', btoa('[5]')],
    ['null', btoa('null')],
    ['non-numeric string', btoa('{"offset": "five"}')],
  ])('rejects a token with %s', (_what, token) => {
    expect(invalid(() => decodePageToken(token))).toMatch(/^Invalid page token/);
  });

  it('refuses to encode offsets that are not positive integers', () => {
    for (const offset of [0, -1, 1.5, Number.NaN]) invalid(() => encodePageToken(offset));
  });
});

describe('searchRunList', () => {
  const runs = [
    ...Array.from({ length: 60 }, (_, i) => makeRun(i)),
    makeRun(100, '2'),
    makeRun(101, '1', true),
    makeRun(102, '1', true),
  ];
  const experimentIds = ['1' as ExperimentId];
  const names = (items: readonly Run[]): string[] => items.map((r) => r.info.runName);

  it('pages through the sorted result, with a token only when more follow', () => {
    const first = searchRunList(runs, { experimentIds, orderBy: ['run_name'], maxResults: 25 });
    expect(names(first.items)).toEqual(Array.from({ length: 25 }, (_, i) => `run-${String(i).padStart(3, '0')}`));
    expect(first.nextPageToken).toBe(encodePageToken(25));
    const second = searchRunList(runs, { experimentIds, orderBy: ['run_name'], maxResults: 25, pageToken: first.nextPageToken });
    expect(second.items[0]!.info.runName).toBe('run-025');
    expect(second.nextPageToken).toBe(encodePageToken(50));
    const third = searchRunList(runs, { experimentIds, orderBy: ['run_name'], maxResults: 25, pageToken: second.nextPageToken });
    expect(third.items).toHaveLength(10);
    expect(third).not.toHaveProperty('nextPageToken');
  });

  it('omits the token when the last page is exactly full', () => {
    const page = searchRunList(runs, { experimentIds, maxResults: 60 });
    expect(page.items).toHaveLength(60);
    expect(page).not.toHaveProperty('nextPageToken');
    expect(searchRunList(runs, { experimentIds, maxResults: 59 }).nextPageToken).toBe(encodePageToken(59));
  });

  it('returns an empty page past the end', () => {
    const page = searchRunList(runs, { experimentIds, pageToken: encodePageToken(500) });
    expect(page).toEqual({ items: [] });
  });

  it('defaults to 1000 results and the default order', () => {
    const many = Array.from({ length: 1001 }, (_, i) => makeRun(i));
    const page = searchRunList(many, { experimentIds });
    expect(page.items).toHaveLength(1000);
    expect(page.items[0]!.info.runName).toBe('run-1000');
    expect(page.nextPageToken).toBe('eyJvZmZzZXQiOiAxMDAwfQ==');
  });

  it.each([0, -1, 1.5, 50_001, Number.NaN, Number.POSITIVE_INFINITY])('rejects maxResults %s', (maxResults) => {
    expect(invalid(() => searchRunList(runs, { experimentIds, maxResults }))).toMatch(/max_results.*1 to 50000/);
  });

  it('accepts maxResults 1 and 50000', () => {
    expect(searchRunList(runs, { experimentIds, maxResults: 1 }).items).toHaveLength(1);
    expect(searchRunList(runs, { experimentIds, maxResults: 50_000 }).items).toHaveLength(60);
  });

  it.each([
    ['ACTIVE_ONLY', 60],
    ['DELETED_ONLY', 2],
    ['ALL', 62],
  ] as const)('filters view type %s on the run lifecycle stage', (viewType: ViewType, count) => {
    expect(searchRunList(runs, { experimentIds, viewType }).items).toHaveLength(count);
  });

  it('keeps only runs of the requested experiments', () => {
    expect(names(searchRunList(runs, { experimentIds: ['2' as ExperimentId] }).items)).toEqual(['run-100']);
    expect(searchRunList(runs, { experimentIds: ['1', '2'] as ExperimentId[] }).items).toHaveLength(61);
    expect(searchRunList(runs, { experimentIds: [] }).items).toEqual([]);
  });

  it('validates the filter, order and token even when nothing matches', () => {
    invalid(() => searchRunList([], { experimentIds, filter: 'metrics.a >' }));
    invalid(() => searchRunList([], { experimentIds, orderBy: ['metrics.a DESC NULLS LAST'] }));
    invalid(() => searchRunList([], { experimentIds, pageToken: 'x' }));
  });

  it('applies filter and order together', () => {
    const page = searchRunList(runs, { experimentIds, filter: 'metrics.i >= 55', orderBy: ['metrics.i ASC'], viewType: 'ALL' });
    expect(names(page.items)).toEqual(['run-055', 'run-056', 'run-057', 'run-058', 'run-059', 'run-101', 'run-102']);
  });
});
