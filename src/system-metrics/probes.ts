/**
 * What a browser can tell about itself while a model trains, as probes a sampler reads every
 * interval: the JS heap (where exposed), main-thread long tasks, and frames per second. Each probe
 * is feature-detected: where the platform lacks it (a worker has no frames, Firefox no
 * `performance.memory`) it reports nothing rather than zeros.
 * @module
 */

/** One source of system metrics. Keys are MLflow-style (`js_heap_used_megabytes`), without `system/`. */
export interface SystemProbe {
  /** Starts measuring (observers, frame counters). */
  start?(): void;
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

/** Frames the page drew per second since the last sample (0 in a hidden tab, which draws none). */
export function frameRateProbe(now: () => number = () => performance.now()): SystemProbe {
  let frames = 0;
  let since = 0;
  let handle: number | undefined;
  const tick = (): void => {
    frames++;
    handle = requestAnimationFrame(tick);
  };
  return {
    start() {
      if (typeof requestAnimationFrame !== 'function') return;
      since = now();
      handle = requestAnimationFrame(tick);
    },
    sample(): ProbeValues {
      if (handle === undefined) return NOTHING;
      const t = now();
      const seconds = (t - since) / 1000;
      const fps = seconds > 0 ? frames / seconds : 0;
      frames = 0;
      since = t;
      return { frames_per_second: fps };
    },
    stop() {
      if (handle !== undefined) cancelAnimationFrame(handle);
      handle = undefined;
    },
  };
}

/** The browser probes: JS heap, long tasks and frame rate. */
export function browserProbes(): SystemProbe[] {
  return [jsHeapProbe(), longTaskProbe(), frameRateProbe()];
}
