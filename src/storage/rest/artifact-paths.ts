/**
 * Where a run's artifacts live behind the tracking server's artifact proxy
 * (`/api/2.0/mlflow-artifacts/artifacts/<path>`, server started with `--serve-artifacts`, the 3.x
 * default): the run's `artifact_uri` is `mlflow-artifacts:/<experiment>/<run>/artifacts`, and the
 * proxy path is that URI without its scheme.
 * @module
 */
import type { FileInfo } from '../../core/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { Json } from './wire.js';

/** Path of the artifact proxy below the server's base URL. */
export const ARTIFACTS_PATH = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * The proxy path of a run's artifact root (`0/<run_id>/artifacts`).
 * @throws `NOT_IMPLEMENTED` when the run's artifacts are not served by the proxy (e.g. `s3://…`)
 */
export function proxyRootOf(runId: string, artifactUri: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/u.exec(artifactUri);
  if (match === null) {
    throw new EdgeflowError(
      'NOT_IMPLEMENTED',
      `The artifacts of run ${runId} are at ${describeValue(artifactUri)}, which the tracking server's artifact proxy does not serve. ` +
        `RestStore reads and writes artifacts only through the proxy (mlflow-artifacts:/ URIs; start the server with --serve-artifacts).`,
      { details: { runId, artifactUri } },
    );
  }
  return match[1]!.replace(/\/+$/u, '');
}

/** `root/path` with every segment percent-encoded, for a URL path. */
export function encodeProxyPath(root: string, path: string): string {
  const full = root === '' ? path : path === '' ? root : `${root}/${path}`;
  return full.split('/').map(encodeURIComponent).join('/');
}

/** `root/path` for the `path` query parameter of a listing. */
export function joinProxyPath(root: string, path: string): string {
  return root === '' ? path : path === '' ? root : `${root}/${path}`;
}

/** Parent folder of a relative path ('' for top-level entries). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/**
 * A proxy listing (`files: [{path: <basename>, is_dir, file_size}]`) as {@link FileInfo}s relative to
 * the run's root: folders first, then files, each by path (the order every edgeflow store uses).
 */
export function toFileInfos(folder: string, files: readonly Json[]): FileInfo[] {
  const infos: FileInfo[] = files.map((file) => {
    const raw = typeof file['path'] === 'string' ? file['path'] : '';
    const name = raw.slice(raw.lastIndexOf('/') + 1);
    const path = folder === '' ? name : `${folder}/${name}`;
    if (file['is_dir'] === true) return { path, isDir: true };
    const size = file['file_size'];
    return { path, isDir: false, fileSize: typeof size === 'number' ? size : Number(size ?? 0) };
  });
  const byPath = (a: FileInfo, b: FileInfo): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...infos.filter((f) => f.isDir).sort(byPath), ...infos.filter((f) => !f.isDir).sort(byPath)];
}
