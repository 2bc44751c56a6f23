/**
 * The page side of `bench/components.ts`: `<ef-metric-chart>` against raw uPlot on the same
 * data, and a live dashboard. Loaded by the Vite server the runner starts.
 */
import uPlot from 'uplot';
import '../src/components/define.js';
import { TrackingClient } from '../src/core/client.js';
import type { RunId } from '../src/core/ids.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import type { MetricChart } from '../src/components/ef-metric-chart.js';

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

async function rawUplot(xs: Float64Array, ys: Float64Array): Promise<number> {
  const host = box();
  let drawn!: () => void;
  const draw = new Promise<void>((r) => (drawn = r));
  const t0 = performance.now();
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

async function chart(store: MemoryStore, runId: string): Promise<number> {
  const el = document.createElement('ef-metric-chart') as MetricChart;
  el.style.cssText = `width:${W}px;--ef-chart-height:${H}px;border:0;padding:0`;
  el.hideControls = true;
  el.store = store;
  el.runIds = [runId];
  el.metricKeys = ['y'];
  const t0 = performance.now();
  document.body.append(el);
  // The first draw may be of the empty chart while the history loads; wait for the full one.
  while (((el.chartData?.[0] as ArrayLike<number> | undefined)?.length ?? 0) < 1_000_000) await el.whenDrawn();
  el.plot!.ctx.getImageData(0, 0, 1, 1);
  const t = performance.now() - t0;
  el.remove();
  return t;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** First draw of 1M points: raw uPlot vs `<ef-metric-chart>` reading the same data from a store. */
async function firstDraw(n: number, rounds: number): Promise<{ raw: number; chart: number }> {
  const { xs, ys } = walk(n);
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const run = await client.createRun('0', { runName: 'bench' });
  const runId = run.info.runId;
  const CHUNK = 100_000;
  for (let i = 0; i < n; i += CHUNK) {
    const end = Math.min(n, i + CHUNK);
    await store.logBatch(runId as RunId, { metrics: [{ key: 'y', steps: xs.slice(i, end), timestamps: new Float64Array(end - i).fill(1), values: ys.slice(i, end) }] });
  }
  const raw: number[] = [];
  const ours: number[] = [];
  await rawUplot(xs, ys);
  await chart(store, runId);
  for (let r = 0; r < rounds; r++) {
    raw.push(await rawUplot(xs, ys));
    ours.push(await chart(store, runId));
  }
  return { raw: median(raw), chart: median(ours) };
}

/** 4 charts × 10 runs, points logged every 16 ms for `seconds`: frames per second and the longest task. */
async function dashboard(seconds: number, preload: number, perTick: number): Promise<{ fps: number; longestTask: number; longestFrame: number; pointsPerSecond: number }> {
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
  await Promise.all(charts.map((c) => c.dataSettled()));
  let longestTask = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestTask = Math.max(longestTask, entry.duration);
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
  await Promise.all(charts.map((c) => c.dataSettled()));
  observer.disconnect();
  const drawn = (charts[0]!.chartData![0] as ArrayLike<number>).length;
  if (drawn !== step) throw new Error(`dashboard: chart shows ${drawn} of ${step} steps`);
  grid.remove();
  return { fps: frames / elapsed, longestTask, longestFrame, pointsPerSecond: points / elapsed };
}

Object.assign(window, { componentsBench: { firstDraw, dashboard } });
document.documentElement.dataset['ready'] = 'true';
