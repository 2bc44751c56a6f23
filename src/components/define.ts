/**
 * Registers every `ef-*` element. The only module of `edgeflow/components` with side effects:
 * import it once (`import 'edgeflow/components/define'`), or register the classes from
 * `edgeflow/components` under names of your own.
 * @module edgeflow/components/define
 */
import { ArtifactBrowser } from './ef-artifact-browser.js';
import { ChartGroup } from './ef-chart-group.js';
import { CompareRuns } from './ef-compare-runs.js';
import { ExperimentList } from './ef-experiment-list.js';
import { MetricChart } from './ef-metric-chart.js';
import { ModelRegistry } from './ef-model-registry.js';
import { ModelVersionPage } from './ef-model-version.js';
import { LoggedModels } from './ef-logged-models.js';
import { StoreProvider } from './ef-provider.js';
import { RunDetails } from './ef-run-details.js';
import { RunLineage } from './ef-run-lineage.js';
import { RunTable } from './ef-run-table.js';
import { Sparkline } from './ef-sparkline.js';
import { SyncStatus } from './ef-sync-status.js';
import { Viewer } from './ef-viewer.js';

const elements: ReadonlyArray<readonly [string, CustomElementConstructor]> = [
  ['ef-provider', StoreProvider],
  ['ef-experiment-list', ExperimentList],
  ['ef-run-table', RunTable],
  ['ef-metric-chart', MetricChart],
  ['ef-chart-group', ChartGroup],
  ['ef-sparkline', Sparkline],
  ['ef-run-details', RunDetails],
  ['ef-run-lineage', RunLineage],
  ['ef-artifact-browser', ArtifactBrowser],
  ['ef-compare-runs', CompareRuns],
  ['ef-model-registry', ModelRegistry],
  ['ef-model-version', ModelVersionPage],
  ['ef-logged-models', LoggedModels],
  ['ef-viewer', Viewer],
  ['ef-sync-status', SyncStatus],
];

for (const [name, element] of elements) {
  // A second copy of the library (or a hot reload) must not throw on re-registration.
  if (customElements.get(name) === undefined) customElements.define(name, element);
}
