/**
 * The IndexedDB worker of the one-file build (`edgeflow/browser`): the file
 * `edgeflow-idb-worker.js` next to `edgeflow.js`, found from `import.meta.url`.
 *
 * A page may not start a worker from another origin's URL (`new Worker` throws a SecurityError),
 * yet `edgeflow.js` is often served by a CDN. Then the worker starts from a same-origin `blob:`
 * module whose only line imports the sibling file (module scripts from other origins load with
 * CORS, as `edgeflow.js` itself did). Its store is the page origin's IndexedDB either way.
 * @module
 */

/** File name of the worker next to `edgeflow.js`; the browser build writes it under this name. */
export const SIBLING_WORKER_FILE = 'edgeflow-idb-worker.js';

/** A new module worker running the sibling worker file for database `name`. */
export function startIdbWorker(name: string): Worker {
  const url = new URL(/* @vite-ignore */ SIBLING_WORKER_FILE, import.meta.url);
  const options: WorkerOptions = { type: 'module', name: `edgeflow-idb:${name}` };
  if (url.origin === globalThis.location?.origin) return new Worker(url, options);
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' }));
  // The constructor resolves the blob when it parses the URL, so the URL can be revoked at once.
  const worker = new Worker(shim, options);
  URL.revokeObjectURL(shim);
  return worker;
}
