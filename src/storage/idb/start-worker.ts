/**
 * Starts the dedicated worker of the IndexedDB store. Written as
 * `new Worker(new URL('./idb.worker.js', import.meta.url), …)` so that bundlers (Vite, webpack,
 * Parcel, esbuild) see it and emit the worker file. The one-file build (`edgeflow/browser`)
 * replaces this module with `start-sibling-worker.ts`.
 * @module
 */

/** A new module worker running `idb.worker.js` for database `name`. */
export function startIdbWorker(name: string): Worker {
  return new Worker(new URL('./idb.worker.js', import.meta.url), { type: 'module', name: `edgeflow-idb:${name}` });
}
