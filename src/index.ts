/**
 * edgeflow: MLflow-style experiment tracking in the browser and at the edge.
 *
 * The root entry holds the core (client, run handles, entities, errors, search), the store
 * registry and the module-level `mlflow.*`-style API. Backends, bundles and components have their
 * own subpaths.
 * @module
 */
export * from './core/index.js';
export { openStore, registerStoreScheme, defaultTrackingUri, type StoreOpener } from './storage/open-store.js';
export * from './fluent.js';
export * from './system-metrics/index.js';
