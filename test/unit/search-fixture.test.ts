/**
 * Replays the searches real MLflow answered (test/fixtures/mlflow/search-cases.json) through
 * searchRunList, and through searchRows over the IndexedDB store's packed run index, and compares
 * the run names, in order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Metric, Run, RunStatus, ViewType } from '../../src/core/entities.js';
import { compareMetricRecency, dict } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { searchRows, searchRunList } from '../../src/core/search/index.js';
import { packRuns } from '../../src/storage/idb/run-index.js';
import { RunTable } from '../../src/storage/idb/run-table.js';

interface FixturePoint {
  readonly timestamp: number;
  readonly value: number | null | 'inf' | '-inf';
  readonly step: number;
}
interface FixtureRun {
  readonly name: string;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly status: RunStatus;
  readonly tags: Record<string, string>;
  readonly params: Record<string, string>;
  readonly metrics: Record<string, FixturePoint[]>;
  readonly deleted: boolean;
}
interface FixtureQuery {
  readonly filter: string;
  readonly orderBy: string[];
  readonly viewType: ViewType;
  readonly expect: string[];
}
interface Fixture {
  readonly runs: FixtureRun[];
  readonly queries: FixtureQuery[];
  readonly pages: string[][];
  readonly badFilters: { filter: string; error: string }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/mlflow/search-cases.json', import.meta.url), 'utf8'),
) as Fixture;

const EXPERIMENT = '1' as ExperimentId;

function pointValue(value: FixturePoint['value']): number {
  if (value === null) return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  return value;
}

function latest(key: string, points: readonly FixturePoint[]): Metric {
  let best: Metric | undefined;
  for (const p of points) {
    const m: Metric = { key, value: pointValue(p.value), timestamp: p.timestamp, step: p.step };
    if (best === undefined || compareMetricRecency(m.step, m.timestamp, m.value, best.step, best.timestamp, best.value) > 0) {
      best = m;
    }
  }
  return best!;
}

function toRun(r: FixtureRun, index: number): Run {
  const runId = (index + 1).toString(16).padStart(32, '0') as RunId;
  const latestMetrics = dict(Object.entries(r.metrics).map(([k, points]) => [k, latest(k, points)] as const));
  return {
    info: {
      runId,
      runName: r.name,
      experimentId: EXPERIMENT,
      userId: 'tester',
      status: r.status,
      startTime: r.startTime,
      endTime: r.endTime,
      artifactUri: `file:///mlruns/1/${runId}/artifacts`,
      lifecycleStage: r.deleted ? 'deleted' : 'active',
      deletedTime: r.deleted ? r.startTime + 1 : null,
    },
    data: {
      metrics: dict(Object.values(latestMetrics).map((m) => [m.key, m.value] as const)),
      latestMetrics,
      params: dict(Object.entries(r.params)),
      tags: dict(Object.entries(r.tags)),
    },
  };
}

const runs = fixture.runs.map(toRun);
const names = (items: readonly Run[]): string[] => items.map((r) => r.info.runName);

describe('search fixture (real MLflow answers)', () => {
  it('has the expected shape', () => {
    expect(runs).toHaveLength(80);
    expect(fixture.queries).toHaveLength(21);
    expect(fixture.pages).toHaveLength(4);
    expect(fixture.badFilters).toHaveLength(7);
  });

  it.each(fixture.queries.map((q, i) => [i, q.filter, q.orderBy.join(', '), q.viewType, q] as const))(
    'query %i: filter %j order by %j view %s',
    (_i, _filter, _order, _view, q) => {
      const page = searchRunList(runs, {
        experimentIds: [EXPERIMENT],
        filter: q.filter,
        orderBy: q.orderBy,
        viewType: q.viewType,
        maxResults: 50_000,
      });
      expect(names(page.items)).toEqual(q.expect);
      expect(page).not.toHaveProperty('nextPageToken');
    },
  );

  // The IndexedDB store searches its packed run index in place: same answers, as rows.
  const table = new RunTable(packRuns(runs));
  const tableNames = (rows: readonly number[]): string[] => rows.map((row) => table.run(row).info.runName);
  const tableRows = Array.from({ length: table.size }, (_, row) => row);

  it.each(fixture.queries.map((q, i) => [i, q.filter, q.orderBy.join(', '), q.viewType, q] as const))(
    'query %i over the packed run index: filter %j order by %j view %s',
    (_i, _filter, _order, _view, q) => {
      const page = searchRows(tableRows, { experimentIds: [EXPERIMENT], filter: q.filter, orderBy: q.orderBy, viewType: q.viewType, maxResults: 50_000 }, table.fields);
      expect(tableNames(page.items)).toEqual(q.expect);
    },
  );

  it('pages the packed run index with max_results=25 ordered by run_name ASC', () => {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = searchRows(tableRows, { experimentIds: [EXPERIMENT], orderBy: ['run_name ASC'], maxResults: 25, pageToken }, table.fields);
      pages.push(tableNames(page.items));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && pages.length < 10);
    expect(pages).toEqual(fixture.pages);
  });

  it('pages with max_results=25 ordered by run_name ASC', () => {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = searchRunList(runs, { experimentIds: [EXPERIMENT], orderBy: ['run_name ASC'], maxResults: 25, pageToken });
      pages.push(names(page.items));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && pages.length < 10);
    expect(pages).toEqual(fixture.pages);
  });

  it.each(fixture.badFilters.map((b) => [b.filter, b.error] as const))('rejects %j with %s', (filter, code) => {
    let caught: unknown;
    try {
      searchRunList(runs, { experimentIds: [EXPERIMENT], filter });
    } catch (error) {
      caught = error;
    }
    expect(isEdgeflowError(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect(code).toBe('INVALID_PARAMETER_VALUE');
    expect((caught as Error).message).toContain(JSON.stringify(filter));
  });

  it('returns nothing for other experiments', () => {
    expect(searchRunList(runs, { experimentIds: ['2' as ExperimentId] }).items).toEqual([]);
  });
});
