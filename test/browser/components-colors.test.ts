/**
 * One colour assignment for the elements of a view: the same run has the same colour (and dash)
 * in the run table's swatch, the chart's uPlot series, the compare table and the parallel
 * coordinates, whatever subset each shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { CompareRuns } from '../../src/components/ef-compare-runs.js';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import type { RunTable } from '../../src/components/ef-run-table.js';
import { mount, shadow } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
  document.body.style.removeProperty('--ef-run-table-height');
});

/** `#rrggbb` or `rgb(…)` as `rgb(r, g, b)` (what computed styles report). */
function rgb(color: string): string {
  const probe = document.createElement('span');
  probe.style.color = color;
  document.body.append(probe);
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value;
}

describe('run colours across elements', () => {
  it('are the same in the table, the chart and compare for 30 runs, the chart and compare showing subsets', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const experimentId = await client.createExperiment('colours');
    const runIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = (await client.createRun(experimentId, { runName: `run-${String(i).padStart(2, '0')}`, startTime: 1_700_000_000_000 + i })).info.runId;
      runIds.push(id);
      client.logParam(id, 'lr', String(i / 100));
      for (let step = 0; step < 5; step++) client.logMetric(id, 'loss', 1 / (step + 1 + i), step);
    }
    await client.flush();
    const charted = [2, 5, 11, 26, 29].map((i) => runIds[i]!);
    const compared = [29, 5, 0].map((i) => runIds[i]!);
    // A table tall enough to show all 30 rows at once.
    document.body.style.setProperty('--ef-run-table-height', '1400px');
    const table = await mount('ef-run-table', { store, experimentIds: [experimentId] });
    const chart = await mount('ef-metric-chart', { store, runIds: charted, metricKeys: ['loss'] });
    const compare = await mount('ef-compare-runs', { store, runIds: compared });
    await Promise.all([table.loaded(), compare.loaded(), chart.loaded()]);

    const swatch = (el: RunTable, runId: string): CSSStyleDeclaration => getComputedStyle(shadow(el).querySelector(`.row[data-run-id="${runId}"] .swatch`)!);
    const series = (el: MetricChart, runId: string): { stroke: string; dash: number[] } => {
      const i = el.runIds.indexOf(runId) + 1;
      const s = el.plot!.series[i]!;
      return { stroke: rgb(String(typeof s.stroke === 'function' ? s.stroke(el.plot!, i) : s.stroke)), dash: s.dash ?? [] };
    };
    const compareSwatch = (el: CompareRuns, runId: string): string => {
      const column = el.runIds.indexOf(runId);
      return getComputedStyle(shadow(el).querySelectorAll('thead th .swatch')[column]!).backgroundColor;
    };
    const polyline = (el: CompareRuns, runId: string): Element => shadow(el).querySelector(`g.run[data-run-id="${runId}"] polyline`)!;

    for (const runId of charted) {
      const inChart = series(chart, runId);
      const inTable = swatch(table, runId);
      expect(inTable.backgroundColor, `run ${runId}`).toBe(inChart.stroke);
      // Runs drawn dashed (past the palette) have a dashed swatch too.
      expect(inTable.backgroundImage === 'none', `run ${runId} dash`).toBe(inChart.dash.length === 0);
    }
    expect(charted.some((id) => series(chart, id).dash.length > 0)).toBe(true);
    for (const runId of compared) {
      const inTable = swatch(table, runId).backgroundColor;
      expect(compareSwatch(compare, runId)).toBe(inTable);
      expect(rgb(polyline(compare, runId).getAttribute('stroke')!)).toBe(inTable);
    }
    // 30 runs in the table: 30 different colour and dash combinations.
    const styles = runIds.map((id) => `${swatch(table, id).backgroundColor}|${swatch(table, id).backgroundImage}`);
    expect(new Set(styles).size).toBe(30);
  });
});
