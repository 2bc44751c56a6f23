/**
 * Real MLflow's search results (../fixtures/mlflow/search-cases.json) replayed through the public
 * client: the 80 runs are logged, then every query, page and rejected filter is checked.
 */
import cases from '../fixtures/mlflow/search-cases.json' with { type: 'json' };
import type { TrackingClient } from '../../src/core/client.js';

interface CaseMetricPoint {
  timestamp: number;
  value: number | string | null;
  step: number;
}

interface CaseRun {
  name: string;
  startTime: number;
  endTime: number | null;
  status: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: Record<string, CaseMetricPoint[]>;
  deleted: boolean;
}

export interface SearchQueryCase {
  filter: string;
  orderBy: string[];
  viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  expect: string[];
}

export const searchCases = cases as unknown as {
  runs: CaseRun[];
  queries: SearchQueryCase[];
  pages: string[][];
  badFilters: { filter: string; error: string }[];
};

function caseValue(value: number | string | null): number {
  if (value === null) return Number.NaN;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  return Number(value);
}

/** Logs the fixture's runs into a new experiment; returns its id. */
export async function logSearchCaseRuns(client: TrackingClient, experimentName = 'search-cases'): Promise<string> {
  const experimentId = await client.createExperiment(experimentName);
  for (const run of searchCases.runs) {
    const created = await client.createRun(experimentId, { runName: run.name, startTime: run.startTime, tags: run.tags });
    const runId = created.info.runId;
    const metrics = Object.entries(run.metrics).flatMap(([key, points]) =>
      points.map((p) => ({ key, value: caseValue(p.value), timestamp: p.timestamp, step: p.step })),
    );
    await client.logBatch(runId, { params: Object.entries(run.params).map(([key, value]) => ({ key, value })), metrics });
    await client.updateRun(runId, { status: run.status as 'FINISHED', endTime: run.endTime });
    if (run.deleted) await client.deleteRun(runId);
  }
  return experimentId;
}
