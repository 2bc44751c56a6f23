/**
 * The registry of stores by URI: `openStore(uri)` gives a store from a string, so components and
 * the module-level API never import a backend. Backends load lazily (dynamic `import()`), so a page
 * only downloads the ones it uses.
 *
 * Built in:
 * - `memory:` a new in-memory store; `memory:<name>` the same named store for this page/process.
 * - `idb:<name>` the IndexedDB database `<name>` (default `edgeflow`), run in a dedicated worker.
 * - `bundle:<url>` a read-only store over the zip bundle at `<url>` (fetched once); any other URI or
 *   relative URL whose path ends in `.zip` (`experiment.zip`, `https://x/y.zip?v=1`) opens one too.
 * - `http://…`, `https://…` an MLflow tracking server through its REST API.
 *
 * Other schemes are added by the modules that implement them, or by users with
 * {@link registerStoreScheme}: `file:<path>` (an `mlruns/` folder in MLflow's file-store layout) is
 * registered by the Node entry (`edgeflow/node`, which the root entry loads in Node).
 * @module
 */
import { EdgeflowError, describeValue } from '../core/errors.js';
import { nodeProcess } from '../core/environment.js';
import type { Store } from '../core/store.js';

/** Opens a store for a URI of one scheme (see {@link registerStoreScheme}). */
export type StoreOpener = (uri: string) => Promise<Store>;

const namedMemoryStores = new Map<string, Promise<Store>>();

const openers = new Map<string, StoreOpener>([
  [
    'memory',
    async (uri) => {
      const name = uri.slice('memory:'.length);
      const open = async (): Promise<Store> => new (await import('./memory/memory-store.js')).MemoryStore();
      if (name === '') return open();
      let store = namedMemoryStores.get(name);
      if (store === undefined) {
        store = open();
        namedMemoryStores.set(name, store);
      }
      return store;
    },
  ],
  [
    'idb',
    async (uri) => {
      const rest = uri.slice('idb:'.length);
      let name = rest;
      try {
        name = decodeURIComponent(rest);
      } catch {
        // not percent-encoded: use as written
      }
      return (await import('./idb/open-idb-store.js')).openIdbStore({ name: name || 'edgeflow' });
    },
  ],
  ['bundle', (uri) => openBundle(uri.slice('bundle:'.length))],
  ['http', openRest],
  ['https', openRest],
]);

/** Opens an MLflow tracking server (`http(s)://host[:port][/prefix]`) through its REST API, or the bundle at a `.zip` URL. */
async function openRest(uri: string): Promise<Store> {
  if (isZipUrl(uri)) return openBundle(uri);
  return (await import('./rest/open-rest-store.js')).openRestStore(uri);
}

/** Opens the read-only store of the zip bundle at `url` (relative URLs resolve as `fetch` does). */
async function openBundle(url: string): Promise<Store> {
  if (url === '') {
    throw EdgeflowError.invalidParameterValue('Invalid store URI "bundle:": expected bundle:<url of a zip>.', { details: { field: 'uri' } });
  }
  return (await import('./bundle/bundle-store.js')).BundleStore.open(url);
}

/** True when the path of a URI or relative URL ends in `.zip` (query and fragment ignored). */
function isZipUrl(uri: string): boolean {
  return /\.zip$/iu.test(uri.replace(/[?#].*$/su, ''));
}

/**
 * Adds (or replaces) the opener of a URI scheme for {@link openStore}.
 * @param scheme - Lower-case URI scheme without the colon (`s3`).
 * @param opener - Opens a store for a URI of that scheme.
 * @throws `INVALID_PARAMETER_VALUE` for a malformed scheme
 * @example
 * ```ts
 * registerStoreScheme('s3', (uri) => openMyS3Store(uri));
 * const store = await openStore('s3://bucket/runs');
 * ```
 */
export function registerStoreScheme(scheme: string, opener: StoreOpener): void {
  if (!/^[a-z][a-z0-9+.-]*$/u.test(scheme)) {
    throw EdgeflowError.invalidParameterValue(`Invalid URI scheme ${describeValue(scheme)}.`, { details: { field: 'scheme' } });
  }
  openers.set(scheme, opener);
}

/** The scheme of a store URI (`idb:runs` → `idb`). */
function schemeOf(uri: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/u.exec(uri);
  return match?.[1]?.toLowerCase();
}

/**
 * Opens the store a URI names: `idb:<name>` (IndexedDB in a worker), `memory:` / `memory:<name>`,
 * `https://…` (an MLflow tracking server), `file:./mlruns` (Node, once `edgeflow/node` is loaded;
 * the root entry loads it in Node), `….zip` or `bundle:<url>` (a read-only bundle), or a scheme
 * added with {@link registerStoreScheme}. Backends load lazily.
 * @param uri - The store's URI.
 * @returns the open store; close it with `store.close()`
 * @throws `INVALID_PARAMETER_VALUE` for a malformed URI or an unknown scheme; the backend's errors
 * while opening (e.g. `RESOURCE_DOES_NOT_EXIST` for a bundle URL that is not there)
 * @example
 * ```ts
 * const client = new TrackingClient(await openStore('idb:edgeflow'));
 * ```
 */
export async function openStore(uri: string): Promise<Store> {
  if (typeof uri !== 'string' || uri.length === 0) {
    throw EdgeflowError.invalidParameterValue(`Invalid store URI ${describeValue(uri)}: expected e.g. "memory:" or "idb:edgeflow".`, { details: {
      field: 'uri',
    } });
  }
  const scheme = schemeOf(uri);
  const opener = scheme === undefined ? undefined : openers.get(scheme);
  // A registered scheme wins (`memory:runs.zip` is a memory store); otherwise a `.zip` is a bundle.
  if (opener === undefined && isZipUrl(uri)) return openBundle(uri);
  if (opener === undefined) {
    throw EdgeflowError.invalidParameterValue(
      `No store for URI ${describeValue(uri)}: known schemes are ${[...openers.keys()].map((s) => `"${s}:"`).join(', ')}, and URLs of .zip bundles.` +
        (scheme === 'file' ? ' The "file:" scheme is registered by importing "edgeflow/node" (Node only).' : ''),
      { details: { field: 'uri', uri } },
    );
  }
  return opener(uri);
}

/**
 * The URI the module-level API uses when none is set: `MLFLOW_TRACKING_URI` in Node, the
 * IndexedDB store (`idb:edgeflow`) where IndexedDB exists, else `memory:default`.
 * @returns the URI
 */
export function defaultTrackingUri(): string {
  const fromEnv = nodeProcess()?.env['MLFLOW_TRACKING_URI'];
  if (fromEnv) return fromEnv;
  if (openers.has('idb') && typeof indexedDB !== 'undefined') return 'idb:edgeflow';
  return 'memory:default';
}
