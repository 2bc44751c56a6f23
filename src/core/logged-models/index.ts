/**
 * MLflow 3 logged models: entities and the logged-model part of the Store contract.
 * @module
 */
export { LoggedModelStatus, type LoggedModel, type LoggedModelMetric, type MetricLink } from './entities.js';
export type * from './logged-model-store.js';
