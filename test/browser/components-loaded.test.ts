/**
 * `loaded()` of every element resolves once its data is on screen, read from a zip bundle given
 * by a `src` attribute (opened asynchronously): checked right after `loaded()`, without polling.
 * The elements are written as HTML with attributes only, as a docs page would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreElement } from '../../src/components/internal/store-element.js';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import type { RunTable } from '../../src/components/ef-run-table.js';
import type { Sparkline } from '../../src/components/ef-sparkline.js';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { shadow } from './components-fixtures.js';

/** MLflow's own mlruns/ as a zip: experiments "to-delete", "demo-exp" (runs run-0, run-1) and "Default" (empty). */
const ZIP = new URL('../fixtures/mlflow/mlruns-small.zip', import.meta.url).pathname;
const RUN_0 = 'df5129c3fedd4548b171ed5b1e3f8603';
const RUN_1 = '73578a5954134fa28c4911c12998734b';

afterEach(() => {
  document.body.replaceChildren();
});

/** Parses `markup` into the page (attributes only, no properties set from script) and returns its element. */
function place<T extends StoreElement>(markup: string): T {
  const box = document.createElement('div');
  box.style.width = '900px';
  box.innerHTML = markup;
  document.body.append(box);
  return box.firstElementChild as T;
}

const text = (el: Element): string => shadow(el).textContent ?? '';

describe('loaded() resolves when the data is shown', () => {
  it('<ef-run-table src> without experiment ids shows the runs of the first experiment with runs', async () => {
    const el = place<RunTable>(`<ef-run-table src="${ZIP}"></ef-run-table>`);
    await el.loaded();
    const names = [...shadow(el).querySelectorAll('.row .name button.link')].map((b) => b.textContent!.trim());
    expect(names.sort()).toEqual(['run-0', 'run-1']);
    expect(text(el)).not.toContain('No runs yet.');
    expect(el.shownExperimentIds).toEqual(['272009504367940677']);
  });

  it('<ef-metric-chart src metric-keys> plots the runs of the first experiment, drawn when loaded() resolves', async () => {
    const el = place<MetricChart>(`<ef-metric-chart src="${ZIP}" metric-keys="loss"></ef-metric-chart>`);
    await el.loaded();
    expect(el.plot).toBeDefined();
    expect(el.chartData).toHaveLength(3);
    expect((el.chartData![0] as ArrayLike<number>).length).toBeGreaterThan(0);
    const legend = [...shadow(el).querySelectorAll('[part="legend"] .name')].map((n) => n.textContent);
    expect(legend.sort()).toEqual(['run-0', 'run-1']);
  });

  it('<ef-metric-chart run-ids> plots the runs named in the attribute', async () => {
    const el = place<MetricChart>(`<ef-metric-chart src="${ZIP}" run-ids="${RUN_1}" metric-keys="acc,loss"></ef-metric-chart>`);
    await el.loaded();
    expect(el.chartData).toHaveLength(3);
    expect([...shadow(el).querySelectorAll('[part="legend"] .name')].map((n) => n.textContent)).toEqual(['run-1 · acc', 'run-1 · loss']);
  });

  it('<ef-metric-chart experiment-ids max-runs> takes that many runs of the named experiment', async () => {
    const el = place<MetricChart>(`<ef-metric-chart src="${ZIP}" experiment-ids="272009504367940677" max-runs="1" metric-keys="loss"></ef-metric-chart>`);
    await el.loaded();
    expect(el.chartData).toHaveLength(2);
    expect(shadow(el).querySelectorAll('[part="legend"] .name')).toHaveLength(1);
  });

  it('<ef-sparkline> says and shows when a key has no points yet, and draws a single point as a dot', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const experimentId = await client.createExperiment('spark-states');
    const { runId } = (await client.createRun(experimentId)).info;
    client.logMetric(runId, 'once', 0.5, 0);
    await client.flush();
    const inked = (el: Sparkline): number => {
      const canvas = shadow(el).querySelector('canvas')!;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.filter((v, i) => i % 4 === 3 && v > 0).length;
    };
    const empty = place<Sparkline>(`<ef-sparkline run-id="${runId}" metric-key="later"></ef-sparkline>`);
    empty.store = store;
    await empty.loaded();
    await empty.updateComplete;
    expect(empty.pointCount).toBe(0);
    expect(shadow(empty).querySelector('canvas')!.getAttribute('aria-label')).toBe('later: no points yet');
    expect(inked(empty)).toBeGreaterThan(0);
    const single = place<Sparkline>(`<ef-sparkline run-id="${runId}" metric-key="once"></ef-sparkline>`);
    single.store = store;
    await single.loaded();
    expect(single.pointCount).toBe(1);
    expect(shadow(single).querySelector('canvas')!.getAttribute('aria-label')).toBe('once history');
    expect(inked(single)).toBeGreaterThan(0);
  });

  it('<ef-sparkline src> has drawn its points', async () => {
    const el = place<Sparkline>(`<ef-sparkline src="${ZIP}" run-id="${RUN_0}" metric-key="loss"></ef-sparkline>`);
    await el.loaded();
    expect(el.pointCount).toBeGreaterThan(0);
    const canvas = shadow(el).querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    expect(pixels.some((v, i) => i % 4 === 3 && v > 0)).toBe(true);
  });

  it('<ef-experiment-list>, <ef-run-details>, <ef-compare-runs>, <ef-model-registry>, <ef-artifact-browser> from src', async () => {
    const list = place<StoreElement>(`<ef-experiment-list src="${ZIP}"></ef-experiment-list>`);
    const details = place<StoreElement>(`<ef-run-details src="${ZIP}" run-id="${RUN_0}"></ef-run-details>`);
    const compare = place<StoreElement>(`<ef-compare-runs src="${ZIP}" run-ids="${RUN_0},${RUN_1}"></ef-compare-runs>`);
    const registry = place<StoreElement>(`<ef-model-registry src="${ZIP}"></ef-model-registry>`);
    const artifacts = place<StoreElement>(`<ef-artifact-browser src="${ZIP}" run-id="${RUN_0}"></ef-artifact-browser>`);
    await Promise.all([list, details, compare, registry, artifacts].map((el) => el.loaded()));
    expect(text(list)).toContain('demo-exp');
    expect(shadow(details).querySelector('h2')?.textContent).toContain('run-0');
    expect(shadow(compare).querySelector('[part="table"]')?.textContent).toContain('run-1');
    expect(text(registry)).toContain('DemoModel');
    expect([...shadow(artifacts).querySelectorAll('.node .name')].map((n) => n.textContent)).toContain('artifact-0.txt');
  });
});
