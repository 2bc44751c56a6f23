/**
 * MLflow 3 logged models: entities, the logged-model part of the Store contract, the one
 * service backends build on, search, and the client methods.
 * @module
 */
export { LoggedModelStatus, type LoggedModel, type LoggedModelMetric, type MetricLink } from './entities.js';
export type * from './logged-model-store.js';
export { LoggedModelService, loggedModelArtifactLocation, toLoggedModel } from './logged-model-service.js';
export { searchLoggedModelList } from './search.js';
export { DATASET_PAIR_MESSAGE, appendModelMetricLines, latestModelMetrics, modelMetricLines, type MetricDataset } from './metrics.js';
export { withModelOutputs } from './outputs.js';
export { LoggedModelClient, type CreateLoggedModelOptions, type ModelOutputInput, type SearchLoggedModelsOptions } from './logged-model-client.js';
