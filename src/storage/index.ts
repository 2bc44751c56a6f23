/**
 * The Store contract and the URI registry. Backends live on their own subpaths
 * (`edgeflow/storage/memory`, …) and load lazily through {@link openStore}.
 * @module edgeflow/storage
 */
export type * from '../core/store.js';
export { openStore, registerStoreScheme, defaultTrackingUri, type StoreOpener } from './open-store.js';
