/**
 * `openIdbStore()`: the embedded default store of a browser page — IndexedDB, run in a dedicated
 * worker so that logging never competes with the page's main thread.
 * @module
 */
import { z } from 'zod';
import { parseInput } from '../../core/schemas.js';
import { EdgeflowError } from '../../core/errors.js';
import type { Store } from '../../core/store.js';
import { IdbStore } from './idb-store.js';
import { RemoteStore } from './remote-store.js';
import { startIdbWorker } from './start-worker.js';
import { requestPersistence, type StorageFigures } from './storage-figures.js';

/** Options of {@link openIdbStore}. */
export interface OpenIdbStoreOptions {
  /** Database name (one database per name and origin). Default `edgeflow`. */
  readonly name?: string;
  /** Run the store in a dedicated worker (default true; falls back to this thread where workers are missing). */
  readonly worker?: boolean;
  /**
   * Ask the browser to keep the data under storage pressure (`navigator.storage.persist()`). The
   * browser may decline (see `storageEstimate().persisted`). Default false.
   */
  readonly persist?: boolean;
}

/** A store that lives in this browser's IndexedDB. */
export interface BrowserStore extends Store {
  /** The database name. */
  readonly name: string;
  /** Origin storage figures (`navigator.storage.estimate()`, `persisted()`). */
  storageEstimate(): Promise<StorageFigures>;
}

const openIdbStoreOptionsSchema = z
  .object({ name: z.string().min(1).max(1000).optional(), worker: z.boolean().optional(), persist: z.boolean().optional() })
  .strict();

/**
 * Opens (creating or upgrading) an IndexedDB store.
 * @throws `INVALID_PARAMETER_VALUE` for bad options; `INVALID_STATE` where IndexedDB does not exist (use `memory:` there), or when the
 *   database was upgraded by a newer, incompatible edgeflow in another tab
 */
export async function openIdbStore(options: OpenIdbStoreOptions = {}): Promise<BrowserStore> {
  parseInput(openIdbStoreOptionsSchema, options, 'openIdbStore options');
  const name = options.name ?? 'edgeflow';
  if (typeof indexedDB === 'undefined') {
    throw EdgeflowError.invalidState('IndexedDB is not available here; use a "memory:" store instead.', { details: { dbName: name } });
  }
  if (options.persist) await requestPersistence();
  if (options.worker !== false && typeof Worker !== 'undefined') {
    // A factory: the store starts a new worker whenever the last one stopped.
    return RemoteStore.open(() => startIdbWorker(name), name);
  }
  return new IdbStore({ name }).open();
}
