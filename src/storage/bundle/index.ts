/**
 * Zip bundles in MLflow's file-store layout (and mlflow-export-import's): export, import, and a
 * read-only store over a zip.
 * @module edgeflow/storage/bundle
 */
export { exportBundle, exportBundleTo, DEFAULT_BUNDLE_ARTIFACT_ROOT, type ExportBundleOptions, type ExportSummary } from './export-bundle.js';
export {
  importBundle,
  type ImportBundleOptions,
  type ImportConflictPolicy,
  type ImportReport,
  type RegistryImportReport,
} from './import-bundle.js';
export type { Mlflow3ImportReport, Mlflow3PartReport } from './import-mlflow3.js';
export { BundleStore, type BundleStoreOptions } from './bundle-store.js';
export {
  readBundle,
  BundleLayout,
  DEFAULT_BUNDLE_LIMITS,
  type BundleLimits,
  type BundleProgress,
  type ParsedBundle,
  type ReadBundleOptions,
} from './read-bundle.js';
