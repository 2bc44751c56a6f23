/**
 * The artifact proxy of `edgeflow ui` (`/api/2.0/mlflow-artifacts/artifacts/<path>`): GET, PUT,
 * DELETE of files, and a listing with `?path=` that answers basenames, over an {@link ArtifactProxy}
 * — by default the store's own run artifacts (`<experiment>/<run>/artifacts/<path>`) and logged-model
 * files (`<experiment>/models/<model id>/artifacts/<path>`).
 * @module
 */
import { TrackingClient } from '../core/client.js';
import type { FileInfo } from '../core/entities.js';
import { EdgeflowError, isEdgeflowError } from '../core/errors.js';
import type { RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { decodeUrlComponent } from './http-guard.js';
import { endpointNotFound, json } from './mlflow-rest-answers.js';
import type { MlflowRestRequest, MlflowRestResponse } from './mlflow-rest-handler.js';

/** Where the artifact proxy keeps files, by proxy path (`<experiment>/<run>/artifacts/<path>`). */
export interface ArtifactProxy {
  /** Entries directly inside folder `path` (their `path` may be full or a basename). */
  list(path: string): Promise<readonly FileInfo[]>;
  get(path: string): Promise<Uint8Array>;
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** Deletes a file or folder; nothing happens when absent (as MLflow's local repository). */
  delete(path: string): Promise<void>;
}

/** MLflow's `validate_path_is_safe`: no `..`, no absolute paths, no backslashes or `#`. */
export function safePath(path: string): string {
  if (path.includes('\\') || path.includes('#') || path.startsWith('/') || /^[A-Za-z]:/u.test(path) || path.split('/').includes('..')) {
    throw EdgeflowError.invalidParameterValue(`Invalid path: ${JSON.stringify(path)}`, { details: { field: 'path' } });
  }
  return path;
}

/**
 * The artifact proxy over a store's run artifacts: proxy path `<experiment>/<run>/artifacts/<path>`
 * is file `<path>` of run `<run>` (which must belong to `<experiment>`).
 */
export function storeArtifactProxy(store: Store): ArtifactProxy {
  const client = new TrackingClient(store, { userId: '' });
  const none = (proxyPath: string): EdgeflowError => EdgeflowError.resourceDoesNotExist(`No artifacts at '${proxyPath}'.`, { details: { path: proxyPath } });
  const locate = async (proxyPath: string): Promise<{ runId: RunId; path: string }> => {
    const match = /^([^/]+)\/([^/]+)\/artifacts(?:\/(.*))?$/u.exec(proxyPath);
    const run = match === null ? null : await client.getRun(match[2]!).catch(() => null);
    if (match === null || run === null || run.info.experimentId !== match[1]) throw none(proxyPath);
    return { runId: run.info.runId, path: (match[3] ?? '').replace(/\/+$/u, '') };
  };
  /** A logged model's files: `<experiment>/models/<model id>/artifacts/<path>`; undefined for other paths. */
  const locateModel = async (proxyPath: string): Promise<{ modelId: string; path: string } | undefined> => {
    const match = /^([^/]+)\/models\/([^/]+)\/artifacts(?:\/(.*))?$/u.exec(proxyPath);
    if (match === null) return undefined;
    const model = await client.getLoggedModel(match[2]!).catch(() => null);
    if (model === null || model.experimentId !== match[1]) throw none(proxyPath);
    return { modelId: model.modelId, path: (match[3] ?? '').replace(/\/+$/u, '') };
  };
  return {
    async list(proxyPath) {
      const model = await locateModel(proxyPath);
      if (model) return client.listLoggedModelArtifacts(model.modelId, model.path);
      const { runId, path } = await locate(proxyPath);
      return client.listArtifacts(runId, path);
    },
    async get(proxyPath) {
      const model = await locateModel(proxyPath);
      if (model) return client.downloadLoggedModelArtifact(model.modelId, model.path);
      const { runId, path } = await locate(proxyPath);
      return client.downloadArtifact(runId, path);
    },
    async put(proxyPath, bytes) {
      const model = await locateModel(proxyPath);
      if (model) return client.logLoggedModelArtifact(model.modelId, model.path, bytes);
      const { runId, path } = await locate(proxyPath);
      await client.logArtifact(runId, path, bytes);
    },
    async delete(proxyPath) {
      const { runId, path } = await locate(proxyPath);
      await client.deleteArtifact(runId, path).catch((error: unknown) => {
        if (!isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) throw error;
      });
    },
  };
}

/** What an artifact proxy request is about: the listing, or one file path (decoded, checked). */
export type ArtifactTarget = { readonly list: true } | { readonly list: false; readonly path: string };

export function artifactTarget(method: string, requestPath: string, rest: string): ArtifactTarget {
  if (rest === '' || rest === '/') return { list: true };
  if (!rest.startsWith('/')) throw endpointNotFound(method, requestPath);
  return { list: false, path: safePath(rest.slice(1).split('/').map((segment) => decodeUrlComponent(segment, 'artifact path')).join('/')) };
}

export async function artifactRoute(proxy: ArtifactProxy, request: MlflowRestRequest, target: ArtifactTarget): Promise<MlflowRestResponse> {
  if (target.list) {
    const path = safePath((request.query.get('path') ?? '').replace(/\/+$/u, ''));
    const files = (await proxy.list(path)).map((f) => ({
      path: f.path.slice(f.path.lastIndexOf('/') + 1),
      is_dir: f.isDir,
      ...(f.isDir ? {} : { file_size: f.fileSize ?? 0 }),
    }));
    return json(200, files.length === 0 ? {} : { files });
  }
  if (request.method === 'PUT') {
    await proxy.put(target.path, request.body);
    return json(200, {});
  }
  if (request.method === 'DELETE') {
    await proxy.delete(target.path);
    return json(200, {});
  }
  return fileAnswer(await proxy.get(target.path));
}

/** A file's bytes as a download (never rendered by the browser). */
export function fileAnswer(bytes: Uint8Array): MlflowRestResponse {
  return { status: 200, headers: { 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }, body: bytes };
}
