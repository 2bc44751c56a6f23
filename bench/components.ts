/**
 * `npx tsx bench/components.ts`: `<ef-metric-chart>` first draw with 1M points against raw uPlot
 * on the same data in the same page: with the columns already loaded (goal ≤ 1.2×) and end to end
 * from a store (against the raw store read plus raw uPlot), and a live dashboard of 4 charts × 10 runs
 * receiving points (frames per second, longest main-thread task), and sort/filter keystrokes of a
 * 10,000-run table against one frame budget and the raw sort/search they wrap. Chromium via the test harness,
 * the page served by Vite (production mode, so Lit's production build) from 127.0.0.1.
 * Prints one JSON line per figure: `{"name","value","unit"}`.
 */
import { openBenchPage } from './bench-page.js';
import { report } from './report.js';

const { page, close } = await openBenchPage({ script: '/bench/components-page.ts', title: 'components', viewport: { width: 1300, height: 1000 } });
try {
  type FirstDraw = { raw: number; chart: number; rawRead: number; chartPreloaded: number };
  type Bench = {
    firstDraw(n: number, rounds: number): Promise<FirstDraw>;
    dashboard(s: number, preload: number, perTick: number): Promise<Record<string, number>>;
    tableKeystrokes(n: number, rounds: number): Promise<Record<string, number>>;
  };
  const only = process.env['BENCH_ONLY']; // `first`, `dashboard` or `table` runs one part
  if (only === undefined || only === 'first') {
    const first = await page.evaluate(() => (window as unknown as { componentsBench: Bench }).componentsBench.firstDraw(1_000_000, 15));
    // (b) the chart given the columns already loaded vs raw uPlot on the same arrays (goal ≤ 1.2×).
    report('chart.first_draw.1M.raw_uplot', first.raw, 'ms');
    report('chart.first_draw.1M.ef_metric_chart_preloaded', first.chartPreloaded, 'ms');
    report('chart.first_draw.1M.ratio_preloaded', first.chartPreloaded / first.raw, 'x');
    // (a) end to end from a MemoryStore vs the raw store read followed by raw uPlot.
    report('chart.first_draw.1M.store_read_plus_raw_uplot', first.rawRead, 'ms');
    report('chart.first_draw.1M.ef_metric_chart', first.chart, 'ms');
    report('chart.first_draw.1M.ratio_end_to_end', first.chart / first.rawRead, 'x');
    // The figure reported before: the chart reading the store vs raw uPlot on arrays in memory.
    report('chart.first_draw.1M.ratio', first.chart / first.raw, 'x');
  }
  if (only === undefined || only === 'dashboard') {
    const live = await page.evaluate(() => (window as unknown as { componentsBench: Bench }).componentsBench.dashboard(5, 10_000, 2));
    report('dashboard.4x10.open_longest_task', live['openLongestTask']!, 'ms');
    report('dashboard.4x10.fps', live['fps']!, 'fps');
    report('dashboard.4x10.longest_task', live['longestTask']!, 'ms');
    report('dashboard.4x10.longest_frame', live['longestFrame']!, 'ms');
    report('dashboard.4x10.points_logged', live['pointsPerSecond']!, 'points/s');
  }
  if (only === undefined || only === 'table') {
    // Sort and filter of 10,000 runs per keystroke, against one 60 Hz frame (16.7 ms) and the raw work.
    const FRAME = 1000 / 60;
    const t = await page.evaluate(() => (window as unknown as { componentsBench: Bench }).componentsBench.tableKeystrokes(10_000, 5));
    report('run_table.10k.sort_click', t['sort']!, 'ms');
    report('run_table.10k.sort_click.frames', t['sort']! / FRAME, 'x');
    report('run_table.10k.sort_click.ratio_raw_sort', t['sort']! / t['sortRaw']!, 'x');
    report('run_table.10k.filter_keystroke', t['keystroke']!, 'ms');
    report('run_table.10k.filter_keystroke.frames', t['keystroke']! / FRAME, 'x');
    report('run_table.10k.filter_keystroke_max.frames', t['keystrokeMax']! / FRAME, 'x');
    report('run_table.10k.filter_apply', t['filter']!, 'ms');
    report('run_table.10k.filter_apply.frames', t['filter']! / FRAME, 'x');
    report('run_table.10k.filter_apply.ratio_raw_search', t['filter']! / t['filterRaw']!, 'x');
    report('run_table.10k.dom_rows', t['domRows']!, 'rows');
  }
} finally {
  await close();
}
