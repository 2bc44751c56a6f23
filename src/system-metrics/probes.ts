/**
 * What a browser can tell about itself while a model trains, as probes a sampler reads every
 * interval: the JS heap (where exposed), main-thread long tasks, and frames per second. Each probe
 * is feature-detected: where the platform lacks it (a worker has no frames, Firefox no
 * `performance.memory`) it reports nothing rather than zeros.
 * @module
 */

/** One source of system metrics. Keys are MLflow-style (`js_heap_used_megabytes`), without `system/`. */
export interface SystemProbe {
  /** Starts measuring (observers, frame counters); `intervalMs` is the sampler's interval. */
  start?(context?: { readonly intervalMs: number }): void;
  /** The values now, or since the last sample for rates and totals. */
  sample(): ProbeValues;
  /** Run tags to set once when sampling starts (e.g. the TF.js backend). */
  tags?(): Readonly<Record<string, string>>;
  stop?(): void;
}

/** What a probe reports: metric name (without `system/`) → value. */
export type ProbeValues = Readonly<Record<string, number>>;

/** A probe's report when the platform lacks what it measures. */
const NOTHING: ProbeValues = Object.freeze({});

/** MLflow's system metrics use megabytes of 10^6 bytes. */
export const BYTES_PER_MEGABYTE = 1e6;

/** Chromium's non-standard `performance.memory`. */
interface PerformanceMemory {
  readonly usedJSHeapSize: number;
  readonly totalJSHeapSize: number;
  readonly jsHeapSizeLimit: number;
}

/** The JS heap of this page or worker (Chromium's `performance.memory`): used, total and limit. */
export function jsHeapProbe(): SystemProbe {
  return {
    sample(): ProbeValues {
      const memory = (globalThis.performance as (Performance & { memory?: PerformanceMemory }) | undefined)?.memory;
      if (memory === undefined) return NOTHING;
      return {
        js_heap_used_megabytes: memory.usedJSHeapSize / BYTES_PER_MEGABYTE,
        js_heap_total_megabytes: memory.totalJSHeapSize / BYTES_PER_MEGABYTE,
        js_heap_limit_megabytes: memory.jsHeapSizeLimit / BYTES_PER_MEGABYTE,
      };
    },
  };
}

/** Time the main thread spent in long tasks (> 50 ms) since the last sample, in ms. */
export function longTaskProbe(): SystemProbe {
  let observer: PerformanceObserver | undefined;
  let total = 0;
  return {
    start() {
      if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes.includes('longtask')) return;
      observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) total += entry.duration;
      });
      observer.observe({ type: 'longtask' });
    },
    sample(): ProbeValues {
      if (observer === undefined) return NOTHING;
      for (const entry of observer.takeRecords()) total += entry.duration;
      const value = total;
      total = 0;
      return { long_tasks_milliseconds: value };
    },
    stop() {
      observer?.disconnect();
      observer = undefined;
    },
  };
}

/** Longest window a frame-rate probe counts frames in, ms. */
export const FRAME_WINDOW_MAX_MS = 1000;

/**
 * Frames the page drew per second, counted in a window after each sample (0 in a hidden tab, which
 * draws none). Counting frames needs a `requestAnimationFrame` loop, and a loop makes the page run
 * its rendering steps every frame even when nothing changed; so the loop runs only for a quarter of
 * the sampling interval, at most {@link FRAME_WINDOW_MAX_MS}, after each sample (a tenth of the
 * time at MLflow's 10 s interval), and the next sample reports that window's rate.
 */
export function frameRateProbe(now: () => number = () => performance.now()): SystemProbe {
  let windowMs = FRAME_WINDOW_MAX_MS;
  let frames = 0;
  let since = 0;
  /** The rate of the last completed window, until the next sample takes it. */
  let completed: number | undefined;
  let handle: number | undefined;
  let running = false;
  const tick = (): void => {
    frames++;
    const elapsed = now() - since;
    if (elapsed < windowMs) {
      handle = requestAnimationFrame(tick);
      return;
    }
    completed = (frames * 1000) / elapsed;
    handle = undefined;
  };
  const openWindow = (): void => {
    frames = 0;
    completed = undefined;
    since = now();
    handle = requestAnimationFrame(tick);
  };
  const closeWindow = (): void => {
    if (handle !== undefined) cancelAnimationFrame(handle);
    handle = undefined;
  };
  return {
    start(context) {
      if (typeof requestAnimationFrame !== 'function') return;
      if (context?.intervalMs !== undefined) windowMs = Math.min(FRAME_WINDOW_MAX_MS, context.intervalMs / 4);
      running = true;
      openWindow();
    },
    sample(): ProbeValues {
      if (!running) return NOTHING;
      let fps = completed;
      if (fps === undefined) {
        const elapsed = now() - since;
        fps = elapsed > 0 ? (frames * 1000) / elapsed : 0;
      }
      closeWindow();
      openWindow();
      return { frames_per_second: fps };
    },
    stop() {
      closeWindow();
      running = false;
    },
  };
}

/** The browser probes: JS heap, long tasks and frame rate. */
export function browserProbes(): SystemProbe[] {
  return [jsHeapProbe(), longTaskProbe(), frameRateProbe()];
}
