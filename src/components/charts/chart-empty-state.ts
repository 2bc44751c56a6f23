/**
 * What an `<ef-metric-chart>` with nothing to draw says, so that the reader knows what to do next:
 * no runs in the store, runs that are not there, no metric chosen (listing the ones logged), or
 * no point of the chosen metric yet.
 * @module
 */
import type { MetricSeriesValue } from '../controllers/metric-series-controller.js';

/** The message for a loaded chart with nothing to draw, or undefined when there is something. */
export function emptyChartMessage(value: MetricSeriesValue, runIds: readonly string[], metricKeys: readonly string[]): string | undefined {
  if (value.runs.size === 0) {
    return runIds.length > 0
      ? 'The chosen runs are not in this store: choose runs from its run table.'
      : 'No runs yet. Start a run and log a metric: it shows here as it is logged.';
  }
  if (metricKeys.length === 0) {
    const logged = [...new Set([...value.runs.values()].flatMap((r) => Object.keys(r.data.metrics)))].sort();
    return logged.length === 0
      ? 'These runs have no metrics yet. Log one (client.logMetric) and it shows here live.'
      : `Choose a metric to plot (metric-keys): ${logged.join(', ')}.`;
  }
  if (value.sources.every((s) => s.values.length === 0)) {
    return `No run here has logged ${metricKeys.join(' or ')} yet. Points show here live as they are logged.`;
  }
  return undefined;
}
