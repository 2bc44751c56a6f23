/**
 * `<ef-metric-chart>` as a person uses it: zoom and its visible reset, tooltips that list every
 * run on time axes, a legend of many runs, runs with different steps arriving live, and the
 * states that say what to do next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type uPlot from 'uplot';
import type { Store } from '../../src/core/store.js';
import { ChartDataBuilder, type SeriesSource } from '../../src/components/charts/chart-data.js';
import { GrowableColumn } from '../../src/components/charts/growable.js';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { TrackingClient } from '../../src/core/client.js';
import { failingStore, frames, mount, mountChart, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const chart = mountChart;

/** Moves the pointer over the plot at fractions of its width and height (or at plot pixels). */
function hover(el: MetricChart, left: number, top: number, type = 'mousemove', target: EventTarget = el.plot!.over): void {
  const rect = el.plot!.over.getBoundingClientRect();
  target.dispatchEvent(new MouseEvent(type, { clientX: rect.left + left, clientY: rect.top + top, bubbles: true, button: 0, movementX: 1, movementY: 1 }));
}

async function tooltipRows(el: MetricChart): Promise<{ name: string; value: string; focused: boolean }[]> {
  await frames(2);
  await el.updateComplete;
  return [...shadow(el).querySelectorAll('.tooltip tr')].map((tr) => ({
    name: tr.children[1]!.textContent!.trim(),
    value: tr.children[2]!.textContent!.trim(),
    focused: tr.classList.contains('focused'),
  }));
}

const boxOf = (el: Element): DOMRect => el.getBoundingClientRect();
const inside = (inner: DOMRect, outer: DOMRect): boolean =>
  inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
const intersects = (a: DOMRect, b: DOMRect): boolean => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

describe('<ef-metric-chart> zoom', () => {
  it('shows a visible, keyboard-reachable "Reset zoom" after a drag-zoom, and keeps the zoom while live points arrive', async () => {
    const { store, client, runIds } = await seed();
    const el = await chart({ store, runIds, metricKeys: ['loss'] });
    expect(shadow(el).querySelector('[part="reset-zoom"]')).toBeNull();
    const width = el.plot!.over.clientWidth;
    // Drag across the middle of the plot: uPlot zooms the x axis to the selection.
    hover(el, width * 0.25, 50);
    hover(el, width * 0.25, 50, 'mousedown');
    await frames(1);
    hover(el, width * 0.4, 55);
    await frames(1);
    hover(el, width * 0.6, 60);
    await frames(1);
    hover(el, width * 0.6, 60, 'mouseup', document);
    await el.updateComplete;
    expect(el.zoomed).toBe(true);
    const zoomedMin = el.plot!.scales['x']!.min!;
    expect(zoomedMin).toBeGreaterThan(0);
    const button = shadow(el).querySelector<HTMLButtonElement>('[part="reset-zoom"]')!;
    expect(button.textContent).toContain('Reset zoom');
    const box = boxOf(button);
    expect(box.width).toBeGreaterThan(0);
    expect(inside(box, boxOf(shadow(el).querySelector('.plot-wrap')!))).toBe(true);
    // Live points do not undo the zoom.
    for (let step = 20; step < 30; step++) client.logMetric(runIds[0]!, 'loss', 0.01, step);
    await client.flush();
    await until(() => (el.chartData![0] as ArrayLike<number>).length === 30, 5000, 'live points');
    await el.loaded();
    expect(el.plot!.scales['x']!.min).toBe(zoomedMin);
    // Reachable by keyboard: focus it and press Enter.
    button.focus();
    expect(shadow(el).activeElement).toBe(button);
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(el.zoomed).toBe(false);
    expect(el.plot!.scales['x']!.min).toBe(0);
    expect(el.plot!.scales['x']!.max).toBe(29);
    expect(shadow(el).querySelector('[part="reset-zoom"]')).toBeNull();
  });
});

describe('<ef-metric-chart> tooltips', () => {
  it('lists every run on wall time (no two runs share an x), nearest point each, sorted by value', async () => {
    const { store, runIds } = await seed();
    const el = await chart({ store, runIds, metricKeys: ['acc'], xAxis: 'wall' });
    expect(el.chartData).toHaveLength(4);
    // Over the middle of alpha's points: beta and gamma started a minute and two later.
    const u = el.plot!;
    const alphaMid = (1_700_000_000_000 + 10_000) / 1000;
    hover(el, u.valToPos(alphaMid, 'x'), 5);
    const rows = await tooltipRows(el);
    expect(rows.map((r) => r.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    const values = rows.map((r) => Number(r.value));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // alpha's own point at the cursor: acc at step 10; beta's nearest is its first point.
    expect(Number(rows.find((r) => r.name === 'alpha')!.value)).toBeCloseTo(0.5 + (0.4 * 10) / 19, 3);
    expect(Number(rows.find((r) => r.name === 'beta')!.value)).toBeCloseTo(0.45, 3);
    expect(shadow(el).querySelector('.tooltip td.at')!.textContent).toBe('');
    expect([...shadow(el).querySelectorAll('.tooltip td.at')].some((td) => td.textContent!.startsWith('@'))).toBe(true);
  });

  it('highlights the hovered series in the tooltip and on the plot', async () => {
    const { store, runIds } = await seed();
    const el = await chart({ store, runIds, metricKeys: ['acc'], xAxis: 'relative' });
    const u = el.plot!;
    // Right on gamma's line at step 12 (gamma's acc is the lowest).
    const gamma = 3;
    const y = (u.data[gamma] as ArrayLike<number>)[12]!;
    hover(el, u.valToPos((u.data[0] as ArrayLike<number>)[12]!, 'x'), u.valToPos(y, 'y'));
    const rows = await tooltipRows(el);
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.focused).map((r) => r.name)).toEqual(['gamma']);
    expect(rows[2]!.name).toBe('gamma');
    expect(u.series[gamma]!.alpha ?? 1).toBe(1);
    expect(u.series[1]!.alpha).toBeLessThan(1);
  });

  it('lists both runs on the step axis when they logged different steps', async () => {
    const { store, client, experimentId } = await seed();
    const a = (await client.createRun(experimentId, { runName: 'even' })).info.runId;
    const b = (await client.createRun(experimentId, { runName: 'odd' })).info.runId;
    for (let s = 0; s < 40; s += 2) client.logMetric(a, 'x', 100 + s, s);
    for (let s = 1; s < 40; s += 2) client.logMetric(b, 'x', s, s);
    await client.flush();
    const el = await chart({ store, runIds: [a, b], metricKeys: ['x'] });
    hover(el, el.plot!.valToPos(20, 'x'), 5);
    const rows = await tooltipRows(el);
    expect(rows.map((r) => r.name)).toEqual(['even', 'odd']);
    expect(rows[0]!.value).toBe('120');
    expect(['19', '21']).toContain(rows[1]!.value);
  });
});

describe('<ef-metric-chart> legend', () => {
  async function manyRuns(n: number): Promise<{ store: Store; runIds: string[] }> {
    const { store, client, experimentId } = await seed();
    const runIds: string[] = [];
    for (let r = 0; r < n; r++) {
      const id = (await client.createRun(experimentId, { runName: `sweep-${String(r).padStart(2, '0')}-learning-rate-warmup` })).info.runId;
      runIds.push(id);
      for (let step = 0; step < 10; step++) client.logMetric(id, 'loss', 1 / (step + 1 + r), step);
    }
    await client.flush();
    return { store, runIds };
  }

  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    it(`keeps 12 entries inside the chart at ${width} px (scrolling), and hides a run by click, Enter or Space`, async () => {
      await page.viewport(width, height);
      const { store, runIds } = await manyRuns(12);
      const el = await chart({ store, runIds, metricKeys: ['loss'] });
      // A page that fixes the chart's height: the legend must still fit inside.
      el.style.cssText = 'display:block;height:340px';
      await frames(3);
      const legend = shadow(el).querySelector<HTMLElement>('[part="legend"]')!;
      const host = boxOf(el);
      const plotBox = boxOf(shadow(el).querySelector('.plot-wrap')!);
      expect(inside(boxOf(legend), host)).toBe(true);
      expect(intersects(boxOf(legend), plotBox)).toBe(false);
      const buttons = [...legend.querySelectorAll('button')];
      expect(buttons).toHaveLength(12);
      // The last entry is reached by scrolling the legend, and is then visible inside it.
      const last = buttons[11]!;
      last.scrollIntoView({ block: 'nearest' });
      await frames(1);
      expect(inside(boxOf(last), boxOf(legend))).toBe(true);
      expect(last.querySelector('.name')!.textContent).toBe('sweep-11-learning-rate-warmup');
      last.click();
      await el.updateComplete;
      expect(last.getAttribute('aria-pressed')).toBe('false');
      expect(el.plot!.series[12]!.show).toBe(false);
      // Keyboard: Space hides, Enter shows.
      buttons[0]!.focus();
      await userEvent.keyboard(' ');
      await el.updateComplete;
      expect(el.plot!.series[1]!.show).toBe(false);
      await userEvent.keyboard('{Enter}');
      await el.updateComplete;
      expect(el.plot!.series[1]!.show).toBe(true);
      expect(buttons[0]!.getAttribute('aria-pressed')).toBe('true');
    });
  }
});

describe('runs with different steps', () => {
  function source(runId: string, steps: number[], values: number[]): SeriesSource {
    const col = (xs: number[]): GrowableColumn => {
      const c = new GrowableColumn();
      for (const x of xs) c.push(x);
      return c;
    };
    return { runId, key: 'm', steps: col(steps), timestamps: col(steps.map((s) => 1_700_000_000_000 + s * 1000)), values: col(values), origin: 1_700_000_000_000 };
  }

  function joinedFromScratch(sources: readonly SeriesSource[]): uPlot.AlignedData {
    const fresh = new ChartDataBuilder();
    fresh.setSources(sources);
    return fresh.build().data;
  }

  const plain = (data: uPlot.AlignedData): unknown[][] => data.map((c) => Array.from(c as ArrayLike<unknown>));

  it('merges live points into the aligned table without joining everything again', () => {
    // Three runs at different progress: even steps, odd steps, every third step with a gap.
    const a = source('a', [0, 2, 4, 6, 8], [0, 2, 4, 6, 8]);
    const b = source('b', [1, 3], [1, 3]);
    const c = source('c', [0, 3, 6], [0, NaN, 6]);
    const builder = new ChartDataBuilder();
    builder.setSources([a, b, c]);
    expect(builder.build().joined).toBe(true);
    expect(builder.fullJoins).toBe(1);
    // b catches up between a's rows (new x), c appends past the end, a fills a row of c's.
    for (const [s, step, v] of [
      [b, 5, 5],
      [b, 7, 7],
      [c, 9, 9],
      [a, 10, 10],
      [c, 12, Infinity],
      [a, 12, 12],
    ] as const) {
      s.steps.push(step);
      s.timestamps.push(1_700_000_000_000 + step * 1000);
      s.values.push(v);
      const data = builder.build().data;
      expect(plain(data)).toEqual(plain(joinedFromScratch([a, b, c])));
    }
    expect(builder.fullJoins).toBe(1);
    const data = plain(builder.build().data);
    expect(data[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
    // A point that cannot be drawn is a gap (null); no point at that x is a hole (undefined).
    expect(data[3]![3]).toBeNull();
    expect(data[3]![1]).toBeUndefined();
    expect(data[3]![11]).toBeNull();
    expect(data[1]![11]).toBe(12);
  });

  it('keeps a live chart of runs on the relative-time axis equal to a fresh join', async () => {
    const { store, client, runIds } = await seed();
    const el = await chart({ store, runIds, metricKeys: ['loss'], xAxis: 'relative' });
    for (let step = 20; step < 60; step++) {
      client.logMetric(runIds[step % 3]!, 'loss', 1 / step, { step, timestamp: 1_700_000_000_000 + (step % 3) * 60_000 + step * 1000 + 500 });
      if (step % 7 === 0) await client.flush();
    }
    await client.flush();
    await until(() => el.readStats.tailReads > 0, 5000, 'tail reads');
    await el.loaded();
    const fresh = await chart({ store, runIds, metricKeys: ['loss'], xAxis: 'relative' });
    expect(plain(el.chartData!)).toEqual(plain(fresh.chartData!));
    // 20 steps every run logged at the same relative time, then 40 points at times of their own.
    expect((el.chartData![0] as ArrayLike<number>).length).toBe(20 + 40);
  });
});

describe('<ef-metric-chart> empty, loading and error states', () => {
  const message = (el: MetricChart): string => shadow(el).querySelector('.overlay')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  it('says what to do next: no runs, no metrics yet, choose a metric, metric not logged', async () => {
    const empty = new MemoryStore();
    const client = new TrackingClient(empty);
    const experimentId = await client.createExperiment('fresh');
    let el = await mount('ef-metric-chart', { store: empty, metricKeys: ['loss'] });
    await el.loaded();
    expect(message(el)).toContain('No runs yet. Start a run and log a metric');
    el.remove();
    const run = await client.createRun(experimentId, { runName: 'quiet' });
    el = await mount('ef-metric-chart', { store: empty, experimentIds: [experimentId] });
    await el.loaded();
    expect(message(el)).toContain('These runs have no metrics yet');
    el.remove();
    client.logMetric(run.info.runId, 'loss', 1, 0);
    client.logMetric(run.info.runId, 'acc', 1, 0);
    await client.flush();
    el = await mount('ef-metric-chart', { store: empty, experimentIds: [experimentId] });
    await el.loaded();
    expect(message(el)).toContain('Choose a metric to plot (metric-keys): acc, loss.');
    el.metricKeys = ['f1'];
    await el.loaded();
    expect(message(el)).toContain('No run here has logged f1 yet');
    el.metricKeys = ['loss'];
    await el.loaded();
    expect(message(el)).toBe('');
  });

  it('shows a store error with "Try again", which loads once the store answers', async () => {
    const { store, runIds } = await seed();
    const flaky = failingStore(store, 'getMetricHistory', 'The disk is full.');
    const el = await mount('ef-metric-chart', { store: flaky.store, runIds, metricKeys: ['loss'] });
    await el.loaded();
    const error = shadow(el).querySelector('[part="error"]')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('Could not read the metrics: The disk is full.');
    flaky.heal();
    error.querySelector('button')!.click();
    await el.loaded();
    await until(() => el.chartData !== undefined && el.chartData.length === 4, 5000, 'reload');
    expect(shadow(el).querySelector('[part="error"]')).toBeNull();
  });
});
