/**
 * The Store contract and the URI registry. Backends live on their own subpaths
 * (`edgeflow/storage/memory`, …) and load lazily through {@link openStore}.
 * @module
 */
export type {
  ArtifactData,
  CreateExperimentInput,
  CreateRunInput,
  DeleteOptions,
  LogBatchInput,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Store,
  StoreCapabilities,
  StoreChange,
  StoreListener,
  UpdateRunInput,
} from '../core/store.js';
export { openStore, registerStoreScheme, defaultTrackingUri, type StoreOpener } from './open-store.js';
