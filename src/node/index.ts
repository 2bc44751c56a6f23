/**
 * Node-only parts of edgeflow (`edgeflow/node`): the file store over an `mlruns/` folder and MLflow's
 * REST API over any store (`createMlflowRestHandler`), and the live mirror's journal in a folder
 * (`fileMirrorJournal`). Importing it registers the `file:` scheme of
 * `openStore` (`file:./mlruns`), so `MLFLOW_TRACKING_URI=file:…` works with the module-level API.
 * @module edgeflow/node
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { EdgeflowError, describeValue } from '../core/errors.js';
import { registerStoreScheme } from '../storage/open-store.js';
import { FileStore, type FileStoreOptions } from './file-store.js';

export { FileStore, type FileStoreOptions } from './file-store.js';
export { fileMirrorJournal, type FileMirrorJournalOptions } from './file-mirror-journal.js';
export {
  createMlflowRestHandler,
  createMlflowRestApi,
  storeArtifactProxy,
  mlflowErrorResponse,
  mlflowCorsHeaders,
  type ArtifactProxy,
  type MlflowRestAdmission,
  type MlflowRestApi,
  type MlflowRestCorsOptions,
  type MlflowRestHandlerOptions,
  type MlflowRestRequest,
  type MlflowRestResponse,
} from './mlflow-rest-handler.js';

/**
 * The folder a `file:` store URI names: `file:///abs/mlruns`, `file:/abs/mlruns`, or a path
 * relative to the working directory (`file:./mlruns`, `file:mlruns`).
 * @throws `INVALID_PARAMETER_VALUE` for another scheme
 */
export function fileStorePathOfUri(uri: string): string {
  if (!/^file:/iu.test(uri)) throw EdgeflowError.invalidParameterValue(`Not a file: URI: ${describeValue(uri)}.`, { details: { field: 'uri' } });
  if (/^file:\/\//iu.test(uri)) return fileURLToPath(uri);
  return resolve(decodeURIComponent(uri.slice('file:'.length)) || '.');
}

/** Opens the file store a `file:` URI names (the opener `openStore` uses for `file:`). */
export async function openFileStoreUri(uri: string, options: FileStoreOptions = {}): Promise<FileStore> {
  return FileStore.open(fileStorePathOfUri(uri), options);
}

registerStoreScheme('file', (uri) => openFileStoreUri(uri));
