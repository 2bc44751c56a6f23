import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { MetricSeries } from '../../src/core/entities.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { ema } from '../../src/components/charts/smoothing.js';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import { frames, mountChart, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const chart = mountChart;

describe('<ef-metric-chart>', () => {
  it('draws runs × keys from the store with a legend in stable run colours', async () => {
    const { store, runIds } = await seed();
    const el = await chart({ store, runIds, metricKeys: ['loss', 'acc'] });
    const data = el.chartData!;
    expect(data).toHaveLength(1 + 6);
    expect(Array.from(data[0] as ArrayLike<number>)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((data[1] as ArrayLike<number>)[0]).toBeCloseTo(1);
    const legend = [...shadow(el).querySelectorAll('.legend button .name')].map((n) => n.textContent);
    expect(legend).toEqual(['alpha · loss', 'alpha · acc', 'beta · loss', 'beta · acc', 'gamma · loss', 'gamma · acc']);
    const swatch = shadow(el).querySelector<HTMLElement>('.legend .line')!;
    expect(getComputedStyle(swatch).borderTopColor).not.toBe('');
    const strokeOf = (c: MetricChart, i: number): unknown => {
      const stroke = c.plot!.series[i]!.stroke;
      return typeof stroke === 'function' ? stroke(c.plot!, i) : stroke;
    };
    // Series 1, 3, 5 are the loss of alpha, beta, gamma: three different colours, the keys told
    // apart by dash patterns.
    expect(new Set([1, 3, 5].map((i) => strokeOf(el, i))).size).toBe(3);
    expect(strokeOf(el, 2)).toBe(strokeOf(el, 1));
    expect(el.plot!.series[2]!.dash).not.toEqual(el.plot!.series[1]!.dash);
    // Another chart of the same store shows a subset in another order: the same colours.
    const again = await chart({ store, runIds: [runIds[2]!, runIds[0]!], metricKeys: ['loss'] });
    expect(strokeOf(again, 1)).toBe(strokeOf(el, 5));
    expect(strokeOf(again, 2)).toBe(strokeOf(el, 1));
    expect(shadow(el).querySelector('canvas')).not.toBeNull();
  });

  it('switches the x axis between step, wall time and relative time', async () => {
    const { store, runIds } = await seed();
    const el = await chart({ store, runIds: [runIds[1]!], metricKeys: ['loss'] });
    expect((el.chartData![0] as ArrayLike<number>)[5]).toBe(5);
    const select = shadow(el).querySelector<HTMLSelectElement>('select[aria-label="x axis"]')!;
    const changes: unknown[] = [];
    el.addEventListener('ef-chart-options-change', (e) => changes.push((e as CustomEvent).detail));
    select.value = 'wall';
    select.dispatchEvent(new Event('change'));
    await el.loaded();
    await frames();
    expect(el.xAxis).toBe('wall');
    expect((el.chartData![0] as ArrayLike<number>)[5]).toBe((1_700_000_000_000 + 60_000 + 5000) / 1000);
    expect(el.plot!.scales['x']!.time).toBe(true);
    select.value = 'relative';
    select.dispatchEvent(new Event('change'));
    await el.loaded();
    expect((el.chartData![0] as ArrayLike<number>)[5]).toBe(5);
    expect(changes).toHaveLength(2);
  });

  it('smooths with a debiased EMA as TensorBoard, keeping the raw series faded', async () => {
    const { store, runIds } = await seed();
    const el = await chart({ store, runIds: [runIds[0]!], metricKeys: ['acc'] });
    const raw = Array.from(el.chartData![1] as ArrayLike<number>);
    const slider = shadow(el).querySelector<HTMLInputElement>('input[aria-label="smoothing"]')!;
    slider.value = '0.6';
    slider.dispatchEvent(new Event('input'));
    await el.loaded();
    const data = el.chartData!;
    expect(data).toHaveLength(3);
    const smoothed = Array.from(data[2] as ArrayLike<number>);
    const expected = Array.from(ema(raw, 0.6));
    smoothed.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    // Debiased: the first smoothed point equals the first raw point.
    expect(smoothed[0]).toBeCloseTo(raw[0]!, 12);
    expect(smoothed[10]).not.toBeCloseTo(raw[10]!, 6);
  });

  it('shows NaN and ±inf as null gaps and non-positive values as gaps on a log scale', async () => {
    const { store, client, experimentId } = await seed();
    const run = await client.createRun(experimentId, { runName: 'gappy' });
    const id = run.info.runId;
    [1, NaN, 3, Infinity, 5, -Infinity, 0, 8].forEach((v, step) => client.logMetric(id, 'm', v, step));
    await client.flush();
    const el = await chart({ store, runIds: [id], metricKeys: ['m'] });
    expect(Array.from(el.chartData![1] as ArrayLike<number | null>)).toEqual([1, null, 3, null, 5, null, 0, 8]);
    el.logY = true;
    await el.loaded();
    expect(Array.from(el.chartData![1] as ArrayLike<number | null>)).toEqual([1, null, 3, null, 5, null, null, 8]);
    expect(el.plot!.scales['y']!.distr).toBe(3);
  });

  it('appends live points, coalesced per frame, reading only the new tail', async () => {
    const { store, client, runIds } = await seed();
    let fullReads = 0;
    let tailReads = 0;
    const tracked = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'getMetricHistory') {
          return async (runId: RunId, key: string) => {
            fullReads++;
            return target.getMetricHistory(runId, key);
          };
        }
        if (prop === 'getMetricHistoryFrom') {
          return async (runId: RunId, key: string, from: number): Promise<MetricSeries> => {
            tailReads++;
            const all = await target.getMetricHistory(runId, key);
            return { key, steps: all.steps.slice(from), timestamps: all.timestamps.slice(from), values: all.values.slice(from) };
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;
    const el = await chart({ store: tracked, runIds: [runIds[0]!], metricKeys: ['loss'] });
    expect(fullReads).toBe(1);
    const before = (el.chartData![0] as ArrayLike<number>).length;
    for (let step = 20; step < 520; step++) {
      client.logMetric(runIds[0]!, 'loss', 1 / step, step);
      if (step % 50 === 0) await client.flush();
    }
    await client.flush();
    await until(() => (el.chartData![0] as ArrayLike<number>).length === 520, 5000, 'live points');
    await el.loaded();
    expect(before).toBe(20);
    expect(fullReads).toBe(1);
    expect(tailReads).toBeGreaterThan(0);
    // Coalesced: far fewer tail reads than flushes + points.
    expect(tailReads).toBeLessThan(30);
    expect((el.chartData![1] as ArrayLike<number>)[519]).toBeCloseTo(1 / 519);
    expect(el.readStats.fullReads).toBe(1);
  });

  it('aligns runs with different steps through uPlot.join, with alignment holes spanned', async () => {
    const { store, client, experimentId } = await seed();
    const a = (await client.createRun(experimentId, { runName: 'even' })).info.runId;
    const b = (await client.createRun(experimentId, { runName: 'odd' })).info.runId;
    for (let s = 0; s < 10; s += 2) client.logMetric(a, 'x', s, s);
    for (let s = 1; s < 10; s += 2) client.logMetric(b, 'x', s, s);
    await client.flush();
    const el = await chart({ store, runIds: [a, b], metricKeys: ['x'] });
    const data = el.chartData!;
    expect(Array.from(data[0] as ArrayLike<number>)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((data[1] as ArrayLike<number | undefined>)[1]).toBeUndefined();
    expect((data[1] as ArrayLike<number | undefined>)[2]).toBe(2);
    expect((data[2] as ArrayLike<number | undefined>)[1]).toBe(1);
  });

  it('toggles series from the legend, shows a tooltip, exports formula-safe CSV, and cleans up', async () => {
    const { store, runIds, client } = await seed();
    client.setTag(runIds[0]!, 'note', 'x');
    await client.updateRun(runIds[0]!, { runName: '=HYPERLINK("http://x")' });
    const el = await chart({ store, runIds: [runIds[0]!, runIds[1]!], metricKeys: ['loss'] });
    const button = shadow(el).querySelector<HTMLButtonElement>('.legend button')!;
    button.click();
    await el.updateComplete;
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(el.plot!.series[1]!.show).toBe(false);
    const over = el.plot!.over;
    const rect = over.getBoundingClientRect();
    over.dispatchEvent(new MouseEvent('mousemove', { clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2, bubbles: true }));
    await frames(2);
    await el.updateComplete;
    expect(shadow(el).querySelector('.tooltip')?.textContent).toContain('Step');
    const csv = el.toCsv();
    expect(csv.split('\r\n')[0]).toBe(`Step,"'=HYPERLINK(""http://x"")",beta`);
    expect(csv.split('\r\n')).toHaveLength(22);
    el.remove();
    expect(el.plot).toBeUndefined();
  });

  describe('layout in a grid', () => {
    type Box = DOMRect;
    const intersects = (a: Box, b: Box): boolean => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const inside = (inner: Box, outer: Box): boolean =>
      inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;

    /** Ten runs with long names, so each legend wraps over several lines. */
    async function tenRuns(): Promise<{ store: Store; runIds: string[] }> {
      const { store, client, experimentId } = await seed();
      const runIds: string[] = [];
      for (let r = 0; r < 10; r++) {
        const id = (await client.createRun(experimentId, { runName: `sweep-learning-rate-${r}-with-a-long-name` })).info.runId;
        runIds.push(id);
        for (let step = 0; step < 30; step++) {
          client.logMetric(id, 'loss', 1 / (step + 1 + r), step);
          client.logMetric(id, 'acc', step / 30 - r / 100, step);
        }
      }
      await client.flush();
      return { store, runIds };
    }

    async function grid(store: Store, runIds: string[], chartStyle: string): Promise<MetricChart[]> {
      const box = document.createElement('div');
      box.style.cssText = 'display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,400px),1fr));gap:12px;padding:12px';
      document.body.append(box);
      const charts = ['loss', 'acc', 'loss', 'acc', 'loss'].map((key, i) => {
        const el = document.createElement('ef-metric-chart');
        el.style.cssText = chartStyle;
        Object.assign(el, { store, runIds, metricKeys: [key], heading: `${key} ${i}` });
        box.append(el);
        return el;
      });
      for (const el of charts) await el.loaded();
      return charts;
    }

    function expectNoOverlap(charts: readonly MetricChart[], where: string): void {
      const hosts = charts.map((c) => c.getBoundingClientRect());
      hosts.forEach((a, i) => hosts.slice(i + 1).forEach((b, j) => expect(intersects(a, b), `${where}: charts ${i} and ${i + j + 1} overlap`).toBe(false)));
      charts.forEach((c, i) => {
        const parts = ['toolbar', 'plot', 'legend'].map((p) => {
          const el = shadow(c).querySelector(`[part="${p}"]`);
          expect(el, `${where}: chart ${i} has a ${p}`).not.toBeNull();
          return [p, (p === 'plot' ? el!.parentElement! : el!).getBoundingClientRect()] as const;
        });
        for (const [name, box] of parts) {
          expect(box.height, `${where}: chart ${i} ${name} is drawn`).toBeGreaterThan(0);
          expect(inside(box, hosts[i]!), `${where}: chart ${i} ${name} inside its box`).toBe(true);
        }
        parts.forEach(([a, boxA], k) => parts.slice(k + 1).forEach(([b, boxB]) => expect(intersects(boxA, boxB), `${where}: chart ${i} ${a} and ${b} overlap`).toBe(false)));
        // uPlot was sized to the plot area (ResizeObserver → setSize).
        const plot = shadow(c).querySelector<HTMLElement>('[part="plot"]')!;
        expect(Math.abs(c.plot!.width - plot.clientWidth), `${where}: chart ${i} plot width`).toBeLessThanOrEqual(1);
      });
    }

    for (const [width, height] of [
      [1440, 900],
      [1024, 768],
      [390, 844],
    ] as const) {
      it(`never overlaps at ${width} px wide, sized by its content or squeezed by the page`, async () => {
        await page.viewport(width, height);
        const { store, runIds } = await tenRuns();
        // Sized by content: toolbar, plot and the wrapped legend of 10 runs.
        const free = await grid(store, runIds, '');
        await frames(3);
        expectNoOverlap(free, `${width}px, content-sized`);
        const legend = shadow(free[0]!).querySelector('[part="legend"]')!;
        expect(legend.querySelectorAll('button')).toHaveLength(10);
        expect(free[0]!.getBoundingClientRect().height).toBeGreaterThan(260 + legend.getBoundingClientRect().height);
        document.body.replaceChildren();
        // A page that fixes the box at 260 px (as the report did): the plot shrinks instead.
        const squeezed = await grid(store, runIds, 'display:block;height:260px');
        await frames(3);
        expectNoOverlap(squeezed, `${width}px, 260px boxes`);
      });
    }
  });
});
