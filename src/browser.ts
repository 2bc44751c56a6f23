/**
 * `edgeflow/browser`: everything a web page can use, as one self-contained ES module
 * (`dist/browser/edgeflow.js`, built by `npm run build:browser`). Importing it registers every
 * `ef-*` element, so a page needs only
 * `<script type="module" src="…/edgeflow.js"></script>` and e.g. `<ef-run-table src="experiment.zip">`.
 *
 * It re-exports the root API (client, fluent `mlflow.*`-style API, search, registry, `openStore`),
 * the component classes and controllers, and the stores that work in a browser: `memory:`, `idb:`
 * (IndexedDB in a worker), bundles (`*.zip`, import/export) and MLflow tracking servers (REST),
 * plus run sync, the MLflow file formats and browser projects. Node-only parts (the file store,
 * `edgeflow ui`, `exportReport`'s bundle loader) and TF.js stay out.
 * @module edgeflow/browser
 */
import './components/define.js';

export * from './index.js';
export * from './components/index.js';
export { MemoryStore, type MemoryStoreOptions } from './storage/memory/memory-store.js';
export * from './storage/idb/index.js';
export * from './storage/bundle/index.js';
export * from './storage/rest/index.js';
export * from './storage/sync/index.js';
export * from './core/formats/index.js';
export * from './projects/index.js';
