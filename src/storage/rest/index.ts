/**
 * The MLflow REST store (`edgeflow/storage/rest`): the Store contract over a tracking server.
 * @module edgeflow/storage/rest
 */
export { RestStore, HISTORY_PAGE_SIZE, type RestStoreOptions } from './rest-store.js';
export { RestRegistryStore } from './rest-registry.js';
export type { FetchLike, HeadersHook } from './http.js';
export { MLFLOW_BATCH_LIMITS, MAX_BATCH_BODY_BYTES, splitLogBatch, type BatchLimits, type BatchRequest } from './log-batch.js';
export { openRestStore, mlflowEnvHeaders } from './open-rest-store.js';
