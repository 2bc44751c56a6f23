/**
 * `npx tsx bench/system-metrics.ts`: what the browser system-metrics sampler costs a training
 * step — the median step time of a small TF.js MLP with the sampler (all browser probes and TF.js
 * memory, at 1 s: ten times MLflow's default rate) over the same without it, alternating rounds
 * in one Chromium page, the same for whole rounds, and the time the sampler's own code ran as a
 * fraction of the training time it ran in (the figure noise does not blur). Prints JSON lines.
 */
import { openBenchPage } from './bench-page.js';
import { report } from './report.js';

const { page, close } = await openBenchPage({ script: '/bench/system-metrics-page.ts', title: 'system-metrics', viewport: { width: 800, height: 600 } });
try {
  type Times = { without: number; with: number; roundRatio: number; selfCostFraction: number; frameMs: number; sampleMs: number; samples: number };
  type Bench = { stepTimes(rounds: number, steps: number, intervalMs: number): Promise<Times> };
  const result = await page.evaluate(() => (window as unknown as { systemMetricsBench: Bench }).systemMetricsBench.stepTimes(6, 400, 1000));
  if (result.samples === 0) throw new Error('bench: the sampler took no sample');
  report('system_metrics.step_ms.without', result.without, 'ms');
  report('system_metrics.step_ms.with_sampler_1s', result.with, 'ms');
  report('system_metrics.step_with / step_without', result.with / result.without, 'x');
  report('system_metrics.round_with / round_without', result.roundRatio, 'x');
  report('system_metrics.sampler_self_time / training_time', result.selfCostFraction, 'fraction');
  report('system_metrics.sampler_frame_callbacks_ms', result.frameMs, 'ms');
  report('system_metrics.sampler_samples_ms', result.sampleMs, 'ms');
  report('system_metrics.samples', result.samples, 'count');
} finally {
  await close();
}
