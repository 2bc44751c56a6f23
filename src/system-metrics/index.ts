/**
 * Browser system metrics for a run (MLflow's `system/…` metrics): the sampler and its probes.
 * @module
 */
export { startSystemMetrics, SystemMetricsSampler, SYSTEM_METRIC_PREFIX, DEFAULT_SYSTEM_METRICS_INTERVAL_MS, type SystemMetricsOptions } from './sampler.js';
export { browserProbes, frameRateProbe, jsHeapProbe, longTaskProbe, BYTES_PER_MEGABYTE, type ProbeValues, type SystemProbe } from './probes.js';
