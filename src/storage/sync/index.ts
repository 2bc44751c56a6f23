/**
 * Offline-first sync between stores (`edgeflow/storage/sync`): push local runs to an MLflow
 * server, pull a server's runs into a local store, idempotently and resumably.
 * @module edgeflow/storage/sync
 */
export { ORIGIN_RUN_ID_TAG, syncRuns, type SyncOptions, type SyncProgress, type SyncReport } from './sync-runs.js';
export {
  MemorySyncState,
  localStorageSyncState,
  type MemorySyncStateOptions,
  type SyncDirection,
  type SyncRunRecord,
  type SyncState,
  type SyncStateJSON,
} from './sync-state.js';
