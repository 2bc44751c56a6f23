/**
 * The page of `bench/browser.ts`: time to the first chart of the one-file build (`edgeflow.js`,
 * loaded by a plain script tag as users load it) showing `bench.zip`, against the raw baseline:
 * fetch, fflate `unzipSync`, parse the same metric files, draw the same columns with raw uPlot.
 */
import { strFromU8, unzipSync } from 'fflate';
import uPlot from 'uplot';
import type { MetricChart } from '../../../src/components/ef-metric-chart.js';

/** What the first chart showed, so the baseline draws the same. */
interface FirstChart {
  readonly ms: number;
  readonly runIds: string[];
  readonly metricKey: string;
  readonly points: number;
}

function deepCharts(root: ParentNode, out: MetricChart[] = []): MetricChart[] {
  for (const el of root.querySelectorAll('*')) {
    if (el.localName === 'ef-metric-chart') out.push(el as MetricChart);
    if (el.shadowRoot) deepCharts(el.shadowRoot, out);
  }
  return out;
}

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/** Loads `edgeflow.js` with a module script tag and waits for its elements. */
async function loadEdgeflow(): Promise<void> {
  const script = document.createElement('script');
  script.type = 'module';
  script.src = './edgeflow.js';
  document.head.append(script);
  await customElements.whenDefined('ef-metric-chart');
}

/** Inserts `markup` (an `<ef-viewer src>`) and waits for its first chart with data, drawn (raster flushed): from insertion to that frame. */
async function viewer(markup: string): Promise<FirstChart> {
  const host = document.createElement('div');
  const t0 = performance.now();
  host.innerHTML = markup;
  document.body.append(host);
  for (;;) {
    const chart = deepCharts(host).find((c) => ((c.chartData?.[0] as ArrayLike<number> | undefined)?.length ?? 0) > 0 && c.plot !== undefined);
    if (chart !== undefined) {
      chart.plot!.ctx.getImageData(0, 0, 1, 1);
      const ms = performance.now() - t0;
      const result = { ms, runIds: [...chart.runIds], metricKey: chart.metricKeys[0]!, points: (chart.chartData![0] as ArrayLike<number>).length };
      // The other charts finish loading before the baseline runs, so their work is not timed in it.
      await (host.firstElementChild as HTMLElement & { loaded(): Promise<void> }).loaded();
      host.remove();
      return result;
    }
    await frame();
  }
}

/** Fetch, unzip everything, parse the chart's metric files and draw them with raw uPlot. */
async function baseline(url: string, runIds: readonly string[], metricKey: string): Promise<number> {
  const t0 = performance.now();
  const files = unzipSync(new Uint8Array(await (await fetch(url, { cache: 'no-store' })).arrayBuffer()));
  const names = Object.keys(files);
  const columns: Float64Array[] = [];
  for (const runId of runIds) {
    const name = names.find((n) => n.endsWith(`/${runId}/metrics/${metricKey}`))!;
    const lines = strFromU8(files[name]!).split('\n').filter((l) => l !== '');
    const steps = new Float64Array(lines.length);
    const values = new Float64Array(lines.length);
    lines.forEach((line, i) => {
      const [, value, step] = line.split(' ');
      values[i] = Number(value);
      steps[i] = Number(step);
    });
    if (columns.length === 0) columns.push(steps);
    columns.push(values);
  }
  const host = document.createElement('div');
  document.body.append(host);
  let drawn!: () => void;
  const draw = new Promise<void>((resolve) => (drawn = resolve));
  const plot = new uPlot(
    {
      width: 800,
      height: 400,
      scales: { x: { time: false } },
      series: [{}, ...runIds.map(() => ({ stroke: '#4e79a7', width: 1.5, points: { show: false } }))],
      hooks: { draw: [() => drawn()] },
    },
    columns,
    host,
  );
  await draw;
  plot.ctx.getImageData(0, 0, 1, 1);
  const ms = performance.now() - t0;
  plot.destroy();
  host.remove();
  return ms;
}

(window as unknown as { browserBench: unknown }).browserBench = { loadEdgeflow, viewer, baseline };
document.documentElement.dataset['ready'] = 'true';
