/**
 * `<ef-compare-runs>` plots: brushing the parallel coordinates filters the runs (table, plots and
 * an `ef-runs-filter` event), a scatter plot of any field against any other, a box plot by group,
 * and the states that say what to do next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../src/core/entities.js';
import type { RunId } from '../../src/core/ids.js';
import { boxStats } from '../../src/components/charts/box-plot.js';
import { compareFields } from '../../src/components/charts/compare-fields.js';
import type { CompareRuns, RunsFilterDetail } from '../../src/components/ef-compare-runs.js';
import { failingStore, mount, seed, shadow } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const headerNames = (el: CompareRuns): string[] => [...shadow(el).querySelectorAll('thead th button.link')].map((b) => b.textContent!.trim());

/** Drags along an axis' brush area from position `from` to `to` (0 = bottom, 1 = top). */
function brush(el: CompareRuns, axis: string, from: number, to: number): void {
  const area = shadow(el).querySelector(`g.axis[data-axis="${axis}"] rect.brush-area`)!;
  const box = area.getBoundingClientRect();
  const at = (p: number): PointerEventInit => ({ clientX: box.left + box.width / 2, clientY: box.top + (1 - p) * box.height, bubbles: true, pointerId: 1 });
  area.dispatchEvent(new PointerEvent('pointerdown', at(from)));
  area.dispatchEvent(new PointerEvent('pointermove', at((from + to) / 2)));
  area.dispatchEvent(new PointerEvent('pointermove', at(to)));
  area.dispatchEvent(new PointerEvent('pointerup', at(to)));
}

describe('<ef-compare-runs> brushing', () => {
  it('keeps only the runs inside a dragged range: the table follows, an event tells the page, a click clears', async () => {
    const { store, runIds } = await seed();
    const el = await mount('ef-compare-runs', { store, runIds });
    await el.loaded();
    const events: RunsFilterDetail[] = [];
    el.addEventListener('ef-runs-filter', (e) => events.push((e as CustomEvent<RunsFilterDetail>).detail));
    expect(headerNames(el)).toEqual(['alpha', 'beta', 'gamma']);
    // Final acc: alpha 0.9, beta 0.85, gamma 0.8; the axis spans 0.8…0.9. Keep the top 40 %.
    brush(el, 'acc', 1, 0.6);
    await el.updateComplete;
    expect(events.at(-1)!.runIds).toEqual([runIds[0]]);
    expect(events.at(-1)!.ranges['acc']![0]).toBeCloseTo(0.6, 2);
    expect(headerNames(el)).toEqual(['alpha']);
    const brushRect = shadow(el).querySelector('g.axis[data-axis="acc"] rect.brush')!.getBoundingClientRect();
    expect(brushRect.height).toBeGreaterThan(10);
    expect([...shadow(el).querySelectorAll('g.run.filtered')].map((g) => g.getAttribute('data-run-id'))).toEqual([runIds[1], runIds[2]]);
    expect(shadow(el).querySelector('.bar')!.textContent).toContain('1 of 3 runs in the brushed ranges');
    // A second axis narrows further: model = cnn (top of its axis) leaves nobody.
    brush(el, 'model', 0.2, 0);
    await el.updateComplete;
    expect(events.at(-1)!.runIds).toEqual([]);
    // A click on an axis clears that axis' range.
    brush(el, 'model', 0.5, 0.5);
    await el.updateComplete;
    expect(events.at(-1)!.runIds).toEqual([runIds[0]]);
    // "Clear brushes" (a button, so the keyboard reaches it) brings every run back.
    const clear = [...shadow(el).querySelectorAll('button')].find((b) => b.textContent === 'Clear brushes')!;
    clear.click();
    await el.updateComplete;
    expect(events.at(-1)!.runIds).toEqual(runIds);
    expect(headerNames(el)).toEqual(['alpha', 'beta', 'gamma']);
    expect(shadow(el).querySelector('rect.brush')).toBeNull();
  });
});

describe('<ef-compare-runs> scatter and box plots', () => {
  it('plots any param or metric against any other, one point per run, and names the hovered run', async () => {
    const { store, runIds } = await seed();
    const el = await mount('ef-compare-runs', { store, runIds });
    await el.loaded();
    [...shadow(el).querySelectorAll<HTMLButtonElement>('[role="tab"]')].find((b) => b.textContent === 'Scatter')!.click();
    await el.updateComplete;
    const pick = async (label: string, value: string): Promise<void> => {
      const select = shadow(el).querySelector<HTMLSelectElement>(`select[aria-label="${label}"]`)!;
      expect([...select.options].map((o) => o.value)).toContain(value);
      select.value = value;
      select.dispatchEvent(new Event('change'));
      await el.updateComplete;
    };
    await pick('x axis', 'param:lr');
    await pick('y axis', 'metric:acc');
    const svg = shadow(el).querySelector('svg[part="scatter"]')!;
    const points = [...svg.querySelectorAll<SVGCircleElement>('circle.point')];
    expect(points.map((p) => p.getAttribute('data-run-id'))).toEqual(runIds);
    // Higher accuracy is higher on screen: alpha (0.9) above beta (0.85) above gamma (0.8).
    const tops = points.map((p) => p.getBoundingClientRect().top);
    expect(tops[0]).toBeLessThan(tops[1]!);
    expect(tops[1]).toBeLessThan(tops[2]!);
    const frame = svg.getBoundingClientRect();
    for (const p of points) {
      const box = p.getBoundingClientRect();
      expect(box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom).toBe(true);
    }
    points[1]!.dispatchEvent(new MouseEvent('mouseenter'));
    await el.updateComplete;
    expect(svg.querySelector('text.hover-label')!.textContent).toBe('beta');
    points[1]!.dispatchEvent(new MouseEvent('mouseleave'));
    await el.updateComplete;
    expect(svg.querySelector('text.hover-label')).toBeNull();
  });

  it('draws a box plot of a metric grouped by a param', async () => {
    const { store, runIds } = await seed();
    const el = await mount('ef-compare-runs', { store, runIds, plot: 'box' });
    await el.loaded();
    const metric = shadow(el).querySelector<HTMLSelectElement>('select[aria-label="Metric"]')!;
    metric.value = 'metric:acc';
    metric.dispatchEvent(new Event('change'));
    const group = shadow(el).querySelector<HTMLSelectElement>('select[aria-label="Group by"]')!;
    group.value = 'param:model';
    group.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const boxes = [...shadow(el).querySelectorAll('svg[part="box-plot"] g.box')];
    expect(boxes.map((b) => b.getAttribute('data-group'))).toEqual(['cnn', 'mlp']);
    expect(boxes[1]!.textContent).toContain('mlp (n=2)');
    expect(boxes[1]!.querySelector('title')!.textContent).toMatch(/median 0\.875/);
    // mlp's box (0.85…0.9) sits above cnn's single value (0.8).
    const medianTop = (b: Element): number => b.querySelector('line.median')!.getBoundingClientRect().top;
    expect(medianTop(boxes[1]!)).toBeLessThan(medianTop(boxes[0]!));
  });

  it('computes quartiles, whiskers within 1.5 IQR and outliers per group', async () => {
    const { client, experimentId, store } = await seed();
    const runs: Run[] = [];
    for (const [i, v] of [1, 2, 3, 4, 100, 7].entries()) {
      const run = await client.createRun(experimentId, { runName: `r${i}` });
      client.logParam(run.info.runId, 'opt', i < 5 ? 'adam' : 'sgd');
      client.logMetric(run.info.runId, 'score', v, 0);
      await client.flush();
      runs.push(await store.getRun(run.info.runId as RunId));
    }
    const fields = compareFields(runs);
    const stats = boxStats(runs, fields.find((f) => f.id === 'metric:score')!, fields.find((f) => f.id === 'param:opt')!);
    expect(stats).toEqual([
      { group: 'adam', count: 5, q1: 2, median: 3, q3: 4, low: 1, high: 4, outliers: [100] },
      { group: 'sgd', count: 1, q1: 7, median: 7, q3: 7, low: 7, high: 7, outliers: [] },
    ]);
  });
});

describe('<ef-compare-runs> states', () => {
  it('says what to do with no runs, one run, and a store error (with "Try again")', async () => {
    const { store, runIds } = await seed();
    const none = await mount('ef-compare-runs', { store, runIds: [] });
    await none.loaded();
    expect(shadow(none).textContent).toContain('Select two or more runs (in the run table) to compare them.');
    const one = await mount('ef-compare-runs', { store, runIds: [runIds[0]!] });
    await one.loaded();
    expect(shadow(one).textContent).toContain('Select one more run in the run table');
    const flaky = failingStore(store, 'getRun', 'The store is locked.');
    const el = await mount('ef-compare-runs', { store: flaky.store, runIds });
    await el.loaded();
    const error = shadow(el).querySelector('[part="error"]')!;
    expect(error.textContent).toContain('Could not read the runs: The store is locked.');
    flaky.heal();
    error.querySelector('button')!.click();
    await el.loaded();
    expect(headerNames(el)).toEqual(['alpha', 'beta', 'gamma']);
  });
});
