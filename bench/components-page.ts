/**
 * The page side of `bench/components.ts`: `<ef-metric-chart>` against raw uPlot on the same
 * data, a live dashboard, and the keystrokes of a 10,000-run `<ef-run-table>`. Loaded by the Vite server the runner starts.
 */
import uPlot from 'uplot';
import '../src/components/define.js';
import { TrackingClient } from '../src/core/client.js';
import type { MetricSeries, Run } from '../src/core/entities.js';
import type { RunId } from '../src/core/ids.js';
import type { Store } from '../src/core/store.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import type { MetricChart } from '../src/components/ef-metric-chart.js';
import type { RunTable } from '../src/components/ef-run-table.js';
import { sortRunsByColumn } from '../src/components/internal/run-columns.js';
import { median } from './report.js';

const W = 800;
const H = 400;

function walk(n: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let v = 0;
  for (let i = 0; i < n; i++) {
    xs[i] = i;
    v += Math.random() - 0.5;
    ys[i] = v;
  }
  return { xs, ys };
}

function box(): HTMLDivElement {
  const div = document.createElement('div');
  div.style.cssText = `width:${W}px;height:${H}px;position:relative`;
  document.body.append(div);
  return div;
}

/** Raw uPlot on `[xs, ys]`, from `t0` (default: now) to the first draw with the raster flushed. */
async function rawUplot(xs: Float64Array, ys: Float64Array, t0 = performance.now()): Promise<number> {
  const host = box();
  let drawn!: () => void;
  const draw = new Promise<void>((r) => (drawn = r));
  const u = new uPlot(
    {
      width: W,
      height: H,
      legend: { show: false },
      scales: { x: { time: false } },
      series: [{}, { stroke: '#4e79a7', width: 1.5, points: { show: false } }],
      hooks: { draw: [() => drawn()] },
    },
    [xs, ys],
    host,
  );
  await draw;
  u.ctx.getImageData(0, 0, 1, 1);
  const t = performance.now() - t0;
  u.destroy();
  host.remove();
  return t;
}

/** The baseline of the end-to-end figure: the raw store read of the history, then raw uPlot on its columns. */
async function rawReadAndUplot(store: Store, runId: string): Promise<number> {
  const t0 = performance.now();
  const series = await store.getMetricHistory(runId as RunId, 'y');
  return rawUplot(series.steps, series.values, t0);
}

/** `<ef-metric-chart>` from `document.body.append` to its first full draw, raster flushed. */
async function chart(store: Store, runId: string, n: number): Promise<number> {
  const el = document.createElement('ef-metric-chart') as MetricChart;
  el.style.cssText = `width:${W}px;--ef-chart-height:${H}px;border:0;padding:0`;
  el.hideControls = true;
  el.store = store;
  el.runIds = [runId];
  el.metricKeys = ['y'];
  const t0 = performance.now();
  document.body.append(el);
  // The first draw may be of the empty chart while the history loads; wait for the full one.
  while (((el.chartData?.[0] as ArrayLike<number> | undefined)?.length ?? 0) < n) await el.whenDrawn();
  el.plot!.ctx.getImageData(0, 0, 1, 1);
  const t = performance.now() - t0;
  el.remove();
  return t;
}

/**
 * The store seen by a chart whose columns are already loaded: `getMetricHistory` hands out the
 * given arrays and `getRun` the run at once (the chart's own work and uPlot's remain; nothing is
 * read or copied).
 */
function preloaded(store: MemoryStore, series: MetricSeries, run: Run): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'getMetricHistory') return () => Promise.resolve(series);
      if (prop === 'getRun') return () => Promise.resolve(run);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}


/** First draws of 1M points (medians of interleaved rounds). */
interface FirstDraw {
  /** Raw uPlot on the columns in memory. */
  readonly raw: number;
  /** `<ef-metric-chart>` end to end, reading the history from a MemoryStore. */
  readonly chart: number;
  /** The store read of the same history, then raw uPlot on its columns. */
  readonly rawRead: number;
  /** `<ef-metric-chart>` given the same columns as raw uPlot, already loaded. */
  readonly chartPreloaded: number;
}

/** First draw of 1M points: `<ef-metric-chart>` vs raw uPlot, end to end from a store and with the columns loaded. */
async function firstDraw(n: number, rounds: number): Promise<FirstDraw> {
  const { xs, ys } = walk(n);
  const timestamps = new Float64Array(n).fill(1);
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const run = await client.createRun('0', { runName: 'bench' });
  const runId = run.info.runId;
  const CHUNK = 100_000;
  for (let i = 0; i < n; i += CHUNK) {
    const end = Math.min(n, i + CHUNK);
    await store.logBatch(runId as RunId, { metrics: [{ key: 'y', steps: xs.slice(i, end), timestamps: timestamps.slice(i, end), values: ys.slice(i, end) }] });
  }
  const loaded = preloaded(store, { key: 'y', steps: xs, timestamps, values: ys }, await store.getRun(runId as RunId));
  const out = { raw: [] as number[], chart: [] as number[], rawRead: [] as number[], chartPreloaded: [] as number[] };
  const measure = {
    raw: () => rawUplot(xs, ys),
    chart: () => chart(store, runId, n),
    rawRead: () => rawReadAndUplot(store, runId),
    chartPreloaded: () => chart(loaded, runId, n),
  };
  const names = Object.keys(measure) as (keyof typeof measure)[];
  for (const name of names) await measure[name](); // warm-up
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so no variant always follows the same one (GC, caches).
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      await new Promise((resolve) => setTimeout(resolve, 20));
      out[name].push(await measure[name]());
    }
  }
  return { raw: median(out.raw), chart: median(out.chart), rawRead: median(out.rawRead), chartPreloaded: median(out.chartPreloaded) };
}

/** 4 charts × 10 runs, points logged every 16 ms for `seconds`: frames per second and the longest task. */
async function dashboard(seconds: number, preload: number, perTick: number): Promise<{ openLongestTask: number; fps: number; longestTask: number; longestFrame: number; pointsPerSecond: number }> {
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const keys = ['loss', 'acc', 'val_loss', 'lr'];
  const runIds: string[] = [];
  for (let r = 0; r < 10; r++) {
    const id = (await client.createRun('0', { runName: `run-${r}` })).info.runId;
    runIds.push(id);
    for (const key of keys) {
      const steps = Float64Array.from({ length: preload }, (_, i) => i);
      const values = Float64Array.from(steps, (s) => Math.exp(-s / 5000) + Math.random() * 0.05);
      await store.logBatch(id as RunId, { metrics: [{ key, steps, timestamps: new Float64Array(preload).fill(Date.now()), values }] });
    }
  }
  // Opening the dashboard: 4 charts load and first-draw 10 runs each.
  let openLongestTask = 0;
  const opening = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) openLongestTask = Math.max(openLongestTask, entry.duration);
  });
  opening.observe({ entryTypes: ['longtask'] });
  const grid = document.createElement('div');
  grid.style.cssText = 'display:grid;grid-template-columns:1fr 1fr;gap:8px;width:1200px';
  document.body.append(grid);
  const charts = keys.map((key) => {
    const el = document.createElement('ef-metric-chart') as MetricChart;
    el.store = store;
    el.runIds = runIds;
    el.metricKeys = [key];
    el.smoothing = 0.6;
    el.style.setProperty('--ef-chart-height', '240px');
    grid.append(el);
    return el;
  });
  await Promise.all(charts.map((c) => c.loaded()));
  await new Promise((r) => setTimeout(r, 100));
  opening.disconnect();
  let longestTask = 0;
  const tasks: { start: number; duration: number }[] = [];
  const t00 = performance.now();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longestTask = Math.max(longestTask, entry.duration);
      tasks.push({ start: Math.round(entry.startTime - t00), duration: Math.round(entry.duration) });
    }
  });
  observer.observe({ entryTypes: ['longtask'] });
  let frames = 0;
  let longestFrame = 0;
  let last = performance.now();
  let running = true;
  const frame = (now: number): void => {
    frames++;
    longestFrame = Math.max(longestFrame, now - last);
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  let step = preload;
  let points = 0;
  const start = performance.now();
  const timer = setInterval(() => {
    for (let k = 0; k < perTick; k++, step++) {
      for (const id of runIds) for (const key of keys) client.logMetric(id, key, Math.exp(-step / 5000) + Math.random() * 0.05, step);
      points += runIds.length * keys.length;
    }
    void client.flush();
  }, 16);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  await client.flush();
  await Promise.all(charts.map((c) => c.loaded()));
  observer.disconnect();
  const drawn = (charts[0]!.chartData![0] as ArrayLike<number>).length;
  if (drawn !== step) throw new Error(`dashboard: chart shows ${drawn} of ${step} steps`);
  grid.remove();
  (window as unknown as { benchTasks: unknown }).benchTasks = tasks;
  return { openLongestTask, fps: frames / elapsed, longestTask, longestFrame, pointsPerSecond: points / elapsed };
}

/** A 10,000-run table's keystroke costs (ms, medians), each against the raw work it wraps. */
interface TableKeystrokes {
  /** Click on a column header to the committed, laid-out update (sorted rows shown). */
  readonly sort: number;
  /** `sortRunsByColumn` alone on the same runs. */
  readonly sortRaw: number;
  /** One character typed into the filter box (validated, error or not shown) to the laid-out update. */
  readonly keystroke: number;
  /** The slowest keystroke of the filter text. */
  readonly keystrokeMax: number;
  /** A filter applied to the laid-out update showing the matching rows. */
  readonly filter: number;
  /** `store.searchRuns` alone with the same filter. */
  readonly filterRaw: number;
  /** Most row elements the table held at once (it draws the visible rows and a few beyond). */
  readonly domRows: number;
}

async function tableKeystrokes(n: number, rounds: number): Promise<TableKeystrokes> {
  const store = new MemoryStore();
  const experimentId = await new TrackingClient(store).createExperiment('table bench');
  for (let i = 0; i < n; i++) {
    const run = await store.createRun({ experimentId: experimentId as never, userId: 'u', runName: `run-${i}`, startTime: 1_700_000_000_000 + i, tags: [] });
    await store.logBatch(run.info.runId, {
      params: [{ key: 'seed', value: String(i % 97) }],
      metrics: [{ key: 'acc', steps: Float64Array.of(0), timestamps: Float64Array.of(1), values: Float64Array.of(Math.random()) }],
    });
  }
  const el = document.createElement('ef-run-table') as RunTable;
  el.store = store;
  el.experimentIds = [experimentId];
  document.body.append(el);
  await el.loaded();
  const root = el.shadowRoot!;
  const layout = (): number => root.querySelector<HTMLElement>('.scroll')!.getBoundingClientRect().height;
  const time = async (act: () => void, settle: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    act();
    await settle();
    layout();
    return performance.now() - t0;
  };
  const header = (): HTMLElement => root.querySelector<HTMLElement>('.head [data-column="metric:acc"]')!;
  const input = (): HTMLInputElement => root.querySelector<HTMLInputElement>('input[part="filter"]')!;
  const text = "metrics.acc > 0.5 and params.seed = '5'";
  const runIds = (): string[] => [...root.querySelectorAll<HTMLElement>('.row[data-run-id]')].map((row) => row.dataset['runId']!);
  /** Fails the bench if the table does not show the first rows of `expected` (a timing of a no-op proves nothing). */
  const expectFirst = (expected: readonly Run[], what: string): void => {
    const shown = runIds().slice(0, 5).join();
    if (shown !== expected.slice(0, 5).map((r) => r.info.runId).join()) throw new Error(`tableKeystrokes: ${what} shows the wrong rows`);
  };
  let domRows = 0;
  const out = { sort: [] as number[], sortRaw: [] as number[], keystroke: [] as number[], filter: [] as number[], filterRaw: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    out.sort.push(await time(() => header().click(), () => el.updateComplete));
    const runs = el.runs;
    out.sortRaw.push(await time(() => sortRunsByColumn(runs, { column: 'metric:acc', direction: 'desc' }), () => Promise.resolve()));
    expectFirst(sortRunsByColumn(runs, el.sort), 'the sort');
    domRows = Math.max(domRows, runIds().length);
    for (let k = 1; k <= text.length; k++) {
      out.keystroke.push(
        await time(
          () => {
            input().value = text.slice(0, k);
            input().dispatchEvent(new Event('input'));
          },
          () => el.updateComplete,
        ),
      );
    }
    out.filter.push(await time(() => (el.filter = text), () => el.loaded()));
    out.filterRaw.push(await time(() => void 0, () => store.searchRuns({ experimentIds: [experimentId as never], filter: text, maxResults: 50_000 })));
    expectFirst(sortRunsByColumn(el.runs, el.sort), 'the filter');
    domRows = Math.max(domRows, runIds().length);
    el.filter = '';
    input().value = '';
    await el.loaded();
  }
  el.remove();
  return {
    sort: median(out.sort),
    sortRaw: median(out.sortRaw),
    keystroke: median(out.keystroke),
    keystrokeMax: Math.max(...out.keystroke),
    filter: median(out.filter),
    filterRaw: median(out.filterRaw),
    domRows,
  };
}

Object.assign(window, { componentsBench: { firstDraw, dashboard, tableKeystrokes } });
document.documentElement.dataset['ready'] = 'true';
