/**
 * MLflow's file-store layout (`mlruns/`, spec §1–2): paths, the exact bytes MLflow writes for each
 * file kind, and readers that accept what MLflow writes, quirks included. This folder is the one
 * place that knows the layout; the bundle exporter, importer, bundle store and the Node file store
 * use it.
 * @module
 */
export * from './paths.js';
export * from './experiment-meta.js';
export * from './run-meta.js';
export * from './metric-file.js';
export * from './raw-values.js';
export * from './registry.js';
export * from './tree-reader.js';
export type { ArtifactEntry, TreeFile } from './tree-nodes.js';
export type { LoggedModelEntry } from './mlflow3-folders.js';
export * from './logged-model-meta.js';
export * from './run-io-records.js';
