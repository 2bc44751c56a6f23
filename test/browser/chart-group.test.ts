/**
 * `<ef-chart-group>`: "all charts" settings (x axis, smoothing, log y, shared hover) for every chart
 * in a section, with per-chart overrides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import type { ChartGroup } from '../../src/components/ef-chart-group.js';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import { frames, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

async function section(store: Store, runIds: string[]): Promise<{ group: ChartGroup; charts: MetricChart[] }> {
  const group = document.createElement('ef-chart-group');
  const grid = document.createElement('div');
  grid.style.cssText = 'display:grid;grid-template-columns:1fr 1fr 1fr;gap:8px';
  group.append(grid);
  const charts = ['loss', 'acc', 'loss'].map((key) => {
    const el = document.createElement('ef-metric-chart');
    Object.assign(el, { store, runIds, metricKeys: [key] });
    grid.append(el);
    return el;
  });
  charts[2]!.xAxis = 'relative'; // a chart with an option of its own
  document.body.append(group);
  await group.updateComplete;
  for (const c of charts) await c.loaded();
  await until(() => charts.every((c) => c.plot !== undefined), 5000, 'charts drawn');
  return { group, charts };
}

function change(root: ShadowRoot, selector: string, set: (el: HTMLInputElement & HTMLSelectElement) => void, type = 'change'): void {
  const el = root.querySelector<HTMLInputElement & HTMLSelectElement>(selector)!;
  set(el);
  el.dispatchEvent(new Event(type, { bubbles: true }));
}

const settled = async (charts: readonly MetricChart[]): Promise<void> => {
  for (const c of charts) await c.loaded();
};

describe('<ef-chart-group>', () => {
  it('applies x axis, smoothing and log y to every chart without its own, and a chart can override or go back', async () => {
    const { store, runIds } = await seed();
    const { group, charts } = await section(store, runIds);
    const events: unknown[] = [];
    group.addEventListener('ef-chart-settings-change', (e) => events.push((e as CustomEvent).detail));
    const bar = shadow(group);
    expect(bar.querySelector('[part="settings"]')!.textContent).toContain('All charts');

    change(bar, 'select[aria-label="x axis"]', (s) => (s.value = 'wall'));
    await settled(charts);
    expect(charts.map((c) => c.effectiveOptions.xAxis)).toEqual(['wall', 'wall', 'relative']);
    expect(charts[0]!.plot!.scales['x']!.time).toBe(true);
    expect(charts[2]!.plot!.scales['x']!.time).toBe(false);
    // What a person sees: each chart's own select shows the axis it draws.
    expect(charts.map((c) => shadow(c).querySelector<HTMLSelectElement>('select[aria-label="x axis"]')!.value)).toEqual(['wall', 'wall', 'relative']);

    change(bar, 'input[aria-label="smoothing"]', (s) => (s.value = '0.5'), 'input');
    change(bar, 'input[aria-label="log scale"]', (s) => (s.checked = true));
    await settled(charts);
    // Smoothing adds a smoothed series per run: 3 runs → 6 series plus x.
    expect(charts.map((c) => c.chartData!.length)).toEqual([7, 7, 7]);
    expect(charts.every((c) => c.plot!.scales['y']!.distr === 3)).toBe(true);
    expect(events).toEqual([
      { xAxis: 'wall', smoothing: 0, logY: false, sharedHover: true },
      { xAxis: 'wall', smoothing: 0.5, logY: false, sharedHover: true },
      { xAxis: 'wall', smoothing: 0.5, logY: true, sharedHover: true },
    ]);

    // The chart with its own axis offers to follow the section again.
    const own = shadow(charts[2]!);
    const back = [...own.querySelectorAll('button')].find((b) => b.textContent === 'Use section settings')!;
    expect([...shadow(charts[0]!).querySelectorAll('button')].some((b) => b.textContent === 'Use section settings')).toBe(false);
    back.click();
    await settled(charts);
    expect(charts[2]!.effectiveOptions.xAxis).toBe('wall');
    expect([...own.querySelectorAll('button')].some((b) => b.textContent === 'Use section settings')).toBe(false);

    // Overriding one chart in its own toolbar leaves the others and the section alone.
    change(shadow(charts[0]!), 'select[aria-label="x axis"]', (s) => (s.value = 'step'));
    await settled(charts);
    expect(charts.map((c) => c.effectiveOptions.xAxis)).toEqual(['step', 'wall', 'wall']);
    expect(group.xAxis).toBe('wall');
  });

  it('moves the cursors of all charts together with shared hover, and only the hovered one shows a tooltip', async () => {
    const { store, runIds } = await seed();
    const { group, charts } = await section(store, runIds);
    charts[2]!.xAxis = undefined;
    await settled(charts);
    const [a, b] = charts as [MetricChart, MetricChart];
    const hover = (el: MetricChart, fraction: number): void => {
      const rect = el.plot!.over.getBoundingClientRect();
      el.plot!.over.dispatchEvent(new MouseEvent('mousemove', { clientX: rect.left + rect.width * fraction, clientY: rect.top + 10, bubbles: true, movementX: 1 }));
    };
    hover(a, 0.5);
    await frames(2);
    await a.updateComplete;
    await b.updateComplete;
    expect(b.plot!.cursor.idx).toBe(a.plot!.cursor.idx);
    expect(b.plot!.cursor.left).toBeGreaterThan(0);
    expect(shadow(a).querySelector('.tooltip')).not.toBeNull();
    expect(shadow(b).querySelector('.tooltip')).toBeNull();

    // Off: hovering one chart leaves the others' cursors where they were.
    change(shadow(group), 'input[aria-label="shared hover"]', (s) => (s.checked = false));
    await settled(charts);
    const before = b.plot!.cursor.left;
    hover(a, 0.8);
    await frames(2);
    expect(a.plot!.cursor.idx).toBeGreaterThan(10);
    expect(b.plot!.cursor.left).toBe(before);
  });
});
