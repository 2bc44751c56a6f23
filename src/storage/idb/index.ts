/**
 * The IndexedDB store (`edgeflow/storage/idb`): `openIdbStore()` for the worker-backed default,
 * `IdbStore` to use IndexedDB on the current thread, `RemoteStore` for the page side of the worker.
 * Most code opens it through `openStore('idb:<name>')` instead.
 * @module edgeflow/storage/idb
 */
export { openIdbStore, type BrowserStore, type OpenIdbStoreOptions } from './open-idb-store.js';
export { IdbStore, type IdbStoreOptions } from './idb-store.js';
export { RemoteStore } from './remote-store.js';
export { DB_VERSION, CHUNK_POINTS } from './schema.js';
export type { StorageFigures } from './storage-figures.js';
