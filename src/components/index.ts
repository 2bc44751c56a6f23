/**
 * edgeflow's web components: element classes and the controllers they are built on. Importing
 * this module registers nothing; import `edgeflow/components/define` to register the `ef-*` tags.
 * @module edgeflow/components
 */
export { storeContext } from './context.js';
export { StoreProvider } from './ef-provider.js';
export { ExperimentList, type ExperimentSelectDetail, type ExperimentChangeDetail } from './ef-experiment-list.js';
export { RunTable, type RunSelectionDetail, type RunOpenDetail } from './ef-run-table.js';
export { MetricChart, type ChartOptionsDetail } from './ef-metric-chart.js';
export { ChartGroup, type ChartSettingsDetail } from './ef-chart-group.js';
export { Sparkline } from './ef-sparkline.js';
export { RunDetails } from './ef-run-details.js';
export { RunLineage, type LoggedModelOpenDetail } from './ef-run-lineage.js';
export { ArtifactBrowser, type ArtifactSelectDetail } from './ef-artifact-browser.js';
export { CompareRuns, type ComparePlot, type RunsFilterDetail } from './ef-compare-runs.js';
export { ModelRegistry, type ModelChangeDetail, type ModelVersionOpenDetail } from './ef-model-registry.js';
export { ModelVersionPage } from './ef-model-version.js';
export { LoggedModels, metricColumnsOf, type LoggedModelMetricColumn } from './ef-logged-models.js';
export { Viewer, type FileOpenDetail } from './ef-viewer.js';
export { SyncStatus } from './ef-sync-status.js';
export { VIEWER_TABS, type ViewerTab, type ViewerLinkState } from './internal/viewer-state.js';
export { StoreElement, type Theme } from './internal/store-element.js';
export { ModelRegistryController, type ModelRegistryOptions, type RegistryView } from './controllers/model-registry-controller.js';
export { QueryController, type QueryOptions } from './controllers/query-controller.js';
export { StoreChangesController, mergeChange, type ChangeBatch, type RunDataChange, type StoreChangesOptions } from './controllers/store-changes-controller.js';
export { StoreSourceController, storeUriOfSrc, type StoreSourceHost } from './controllers/store-source-controller.js';
export { MetricSeriesController, type MetricSeriesOptions, type MetricSeriesValue } from './controllers/metric-series-controller.js';
export { LoadStatus, valueOf, type LoadState } from './controllers/status.js';
export { ChartDataBuilder, XAxisMode, type ChartData, type ChartDataOptions, type SeriesSlot, type SeriesSource } from './charts/chart-data.js';
export { ema } from './charts/smoothing.js';
export { RUN_PALETTE, RUN_DASHES, RunColorScale, runColorScale, runStyle, type RunStyle } from './internal/colors.js';
export { RunColorsController } from './controllers/run-colors-controller.js';
export { toCsv, csvCell } from './internal/csv.js';
export { renderMarkdown } from './internal/markdown.js';
export type { SortSpec } from './internal/run-columns.js';
export type {} from './events.js';
