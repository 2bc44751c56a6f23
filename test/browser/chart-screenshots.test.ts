/**
 * A section of charts and the comparison at desktop and phone widths: nothing wider than the
 * page, every chart's parts inside its box, and screenshots in test-output/screenshots/
 * (charts-<width>.png, compare-<width>.png) for a person to look at.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import { frames, seed, shadow, until } from './components-fixtures.js';

const SHOTS = '../../test-output/screenshots';

afterEach(() => {
  document.body.replaceChildren();
});

const inside = (inner: DOMRect, outer: DOMRect): boolean =>
  inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;

describe('charts and compare at desktop and phone widths', () => {
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    it(`fit the page at ${width} px (screenshots)`, async () => {
      await page.viewport(width, height);
      const { store, client, experimentId, runIds } = await seed();
      for (let r = 0; r < 7; r++) {
        const id = (await client.createRun(experimentId, { runName: `sweep-${r}` })).info.runId;
        runIds.push(id);
        client.logParam(id, 'lr', String(0.1 / (r + 1)));
        client.logParam(id, 'model', r % 2 === 0 ? 'mlp' : 'cnn');
        for (let step = 0; step < 20; step++) {
          client.logMetric(id, 'loss', 1 / (step + 2 + r), step);
          client.logMetric(id, 'acc', 0.4 + step / 40 + r / 100, step);
        }
      }
      await client.flush();
      document.body.style.margin = '0';
      const group = document.createElement('ef-chart-group');
      group.style.cssText = 'display:block;padding:12px';
      const grid = document.createElement('div');
      grid.style.cssText = 'display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,420px),1fr));gap:12px';
      group.append(grid);
      const charts = ['loss', 'acc', 'loss'].map((key, i) => {
        const el = document.createElement('ef-metric-chart');
        Object.assign(el, { store, runIds, metricKeys: [key], heading: i === 2 ? 'loss (wall time)' : key, xAxis: i === 2 ? 'wall' : undefined });
        grid.append(el);
        return el;
      });
      document.body.append(group);
      for (const c of charts) await c.loaded();
      await until(() => charts.every((c) => c.plot !== undefined), 5000, 'charts drawn');
      await frames(3);
      // Hover the first chart so the shot shows a tooltip listing the runs.
      const first = charts[0] as MetricChart;
      const over = first.plot!.over.getBoundingClientRect();
      first.plot!.over.dispatchEvent(new MouseEvent('mousemove', { clientX: over.left + over.width * 0.4, clientY: over.top + 20, bubbles: true, movementX: 1 }));
      await frames(2);
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(width);
      for (const c of charts) {
        const host = c.getBoundingClientRect();
        for (const part of ['toolbar', 'legend']) expect(inside(shadow(c).querySelector(`[part="${part}"]`)!.getBoundingClientRect(), host), `${part} inside the chart`).toBe(true);
      }
      expect(inside(shadow(group).querySelector('[part="settings"]')!.getBoundingClientRect(), group.getBoundingClientRect())).toBe(true);
      await page.screenshot({ path: `${SHOTS}/charts-${width}.png` });

      document.body.replaceChildren();
      const compare = document.createElement('ef-compare-runs');
      Object.assign(compare, { store, runIds, plot: 'scatter', scatterX: 'param:lr', scatterY: 'metric:acc' });
      document.body.append(compare);
      await compare.loaded();
      await frames(2);
      const svg = shadow(compare).querySelector('svg[part="scatter"]')!;
      expect(svg.querySelectorAll('circle.point')).toHaveLength(10);
      expect(svg.getBoundingClientRect().right).toBeLessThanOrEqual(width);
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(width);
      // Axis text is drawn at the element's width, not a desktop drawing scaled down: a person can read it.
      for (const text of svg.querySelectorAll('text.tick, text.label')) {
        expect(text.getBoundingClientRect().height, `"${text.textContent}" is readable`).toBeGreaterThanOrEqual(9);
      }
      // No two tick labels of the x axis overlap.
      const xTicks = [...svg.querySelectorAll('text.tick[text-anchor="middle"]')].map((t) => t.getBoundingClientRect());
      for (const [i, a] of xTicks.entries()) for (const b of xTicks.slice(i + 1)) expect(a.right <= b.left + 0.5 || b.right <= a.left + 0.5).toBe(true);
      await page.screenshot({ path: `${SHOTS}/compare-${width}.png` });
    });
  }
});
