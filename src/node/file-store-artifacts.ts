/**
 * Where the Node file store keeps a run's artifacts, and how an artifact path becomes a file path
 * there without leaving it.
 *
 * The folder is the one the run's `artifact_uri` names, as MLflow reads it (`<experiment
 * artifact_location>/<run_id>/artifacts` when the run was created), with two exceptions that keep
 * the artifacts in the run's own `artifacts/` folder:
 * - the URI is what this store writes for the run (its root or `artifactRoot` option), relative
 *   (bundles carry `mlruns/<exp>/<run>/artifacts`), or empty;
 * - the URI names the run folder of an `mlruns/` tree (`<root>/<exp>/<run>/artifacts`) whose root
 *   is not on this machine, or that holds this run too (the tree was moved or copied here).
 *
 * Other `file:` URIs and absolute paths are honoured, for writing and reading. Any other scheme
 * (`s3:`, `mlflow-artifacts:`, `http:`, …) is refused with `NOT_IMPLEMENTED`.
 *
 * Symbolic links are never followed out of that folder: every target is resolved to its real path
 * (the real path of its deepest existing ancestor, plus the rest) and refused with
 * `PERMISSION_DENIED` unless it lies inside the folder's real path; a run folder or `artifacts/`
 * folder that is itself reached through a link is refused the same way. The check runs before each
 * operation; it does not guard against another process swapping in a link in between.
 * @module
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeflowError, ErrorCode, describeValue } from '../core/errors.js';
import { META_FILE, RunFileKind } from '../core/formats/file-store/index.js';
import type { FileInfo } from '../core/entities.js';
import type { ArtifactData } from '../core/store.js';
import { artifactPathIsFolder, artifactPathUnderFile } from '../core/rules.js';
import { assertStorable, exists, isFsError, writeFileAtomic } from './fs-helpers.js';
import { listFolder, type RunEntry } from './file-store-index.js';

/** A run's artifact folder on this machine. */
export interface ArtifactFolder {
  readonly runId: string;
  /** The folder as named (absolute). */
  readonly folder: string;
  /** Its real path: every target must lie inside it. */
  readonly real: string;
}

/**
 * The artifact folder of the run in `entry` (see the module rules).
 * @param storeRoot absolute root of the store
 * @param ownUri the `artifact_uri` this store writes for the run
 * @throws `NOT_IMPLEMENTED` for a location that is not local; `PERMISSION_DENIED` when the run's
 *   own folder is reached through a symbolic link
 */
export async function artifactFolderOf(storeRoot: string, ownUri: string, entry: RunEntry): Promise<ArtifactFolder> {
  const { runId, experimentId, artifactUri } = entry.meta;
  const own = join(entry.folder, RunFileKind.ARTIFACTS);
  const folderEscape = (): EdgeflowError => linkEscape(runId, '');
  const local = artifactUri === '' || artifactUri === ownUri ? undefined : localPathOf(artifactUri, runId);
  if (local === undefined || local === own || (await isMlrunsCopy(local, experimentId, runId))) return ownArtifactFolder(storeRoot, runId, own);
  return { runId, folder: local, real: await realPathOf(local, folderEscape) };
}

/**
 * An artifact folder inside the store (a run's or a logged model's `artifacts/`), refused when it
 * is reached through a symbolic link.
 * @throws `PERMISSION_DENIED`
 */
export async function ownArtifactFolder(storeRoot: string, ownerId: string, folder: string): Promise<ArtifactFolder> {
  const folderEscape = (): EdgeflowError => linkEscape(ownerId, '');
  const real = await realPathOf(folder, folderEscape);
  if (real !== join(await realPathOf(storeRoot, folderEscape), relative(storeRoot, folder))) throw folderEscape();
  return { runId: ownerId, folder, real };
}

/** The entries of artifact folder `path`: folders first, then files, each sorted by path. */
export async function listArtifactFolder(folder: ArtifactFolder, path: string): Promise<FileInfo[]> {
  const prefix = path === '' ? '' : `${path}/`;
  const dirs: FileInfo[] = [];
  const files: FileInfo[] = [];
  for (const item of await listFolder(await artifactTarget(folder, path))) {
    if (item.isDir) dirs.push({ path: prefix + item.name, isDir: true });
    else files.push({ path: prefix + item.name, isDir: false, fileSize: item.size });
  }
  const byPath = (a: FileInfo, b: FileInfo): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...dirs.sort(byPath), ...files.sort(byPath)];
}

/** Writes artifact `path` of `folder` atomically, refusing a path where a folder is or below a file. */
export async function writeArtifact(folder: ArtifactFolder, path: string, data: ArtifactData): Promise<void> {
  assertStorable(folder.folder, [{ what: 'Artifact path', name: path, path }]);
  const target = await artifactTarget(folder, path);
  await assertPlaceable(folder, path);
  await writeFileAtomic(target, data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer()));
}

/**
 * The file path of artifact `path` ('' = the folder itself) in `folder`, after checking that it
 * does not leave the folder's real path. Names MLflow may have written that edgeflow would not
 * (`#`, backslashes) can be read; only what leaves the folder is refused.
 * @throws `INVALID_PARAMETER_VALUE` for an absolute path or a `.`, `..` or empty segment;
 *   `PERMISSION_DENIED` when it leaves through a symbolic link (or a link to nowhere)
 */
export async function artifactTarget(folder: ArtifactFolder, path: string): Promise<string> {
  if (path !== '' && (isAbsolute(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..'))) {
    throw EdgeflowError.invalidParameterValue(`Artifact path ${describeValue(path)} leaves the run's artifact folder.`, { details: { path } });
  }
  const target = path === '' ? folder.folder : join(folder.folder, ...path.split('/'));
  const real = await realPathOf(target, () => linkEscape(folder.runId, path));
  if (real !== folder.real && !real.startsWith(folder.real + sep)) throw linkEscape(folder.runId, path);
  return target;
}

/**
 * Refuses to write artifact `path` where a folder of that name exists, or below a file.
 * @throws `INVALID_PARAMETER_VALUE`
 */
export async function assertPlaceable(folder: ArtifactFolder, path: string): Promise<void> {
  const parts = path.split('/');
  let current = folder.folder;
  for (let i = 0; i < parts.length; i++) {
    current = join(current, parts[i]!);
    let info;
    try {
      info = await stat(current);
    } catch (error) {
      if (isFsError(error, 'ENOENT')) return;
      throw error;
    }
    const last = i === parts.length - 1;
    if (last && info.isDirectory()) throw artifactPathIsFolder(path);
    if (!last && !info.isDirectory()) throw artifactPathUnderFile(path, parts.slice(0, i + 1).join('/'));
  }
}

/**
 * The local path an artifact URI names, or undefined for a relative one (kept in the run folder).
 * @throws `NOT_IMPLEMENTED` for any scheme but `file:` (and for `file:` URIs of another host)
 */
function localPathOf(uri: string, runId: string): string | undefined {
  if (/^[a-zA-Z]:[\\/]/u.test(uri)) return isAbsolute(uri) ? resolve(uri) : undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/u.exec(uri)?.[1];
  if (scheme === undefined) return isAbsolute(uri) ? resolve(uri) : undefined;
  if (scheme.toLowerCase() === 'file') {
    try {
      return resolve(fileURLToPath(uri));
    } catch {
      // A file: URI with a host, or one that is not a path: not reachable from here.
    }
  }
  return notReachable(uri, scheme, runId);
}

function notReachable(uri: string, scheme: string, runId: string): never {
  throw new EdgeflowError(
    ErrorCode.NOT_IMPLEMENTED,
    `Run ${runId} keeps its artifacts at ${describeValue(uri)}: the file store reads and writes only local artifact locations (file: URIs on this machine, or absolute paths), not '${scheme.toLowerCase()}:'.`,
    { details: { runId, scheme: scheme.toLowerCase() } },
  );
}

/**
 * True when `path` is `<root>/<experimentId>/<runId>/artifacts` of an `mlruns/` tree that was moved
 * (its root is gone) or copied (that tree holds this run's `meta.yaml` too).
 */
async function isMlrunsCopy(path: string, experimentId: string, runId: string): Promise<boolean> {
  const runFolder = dirname(path);
  const experimentFolder = dirname(runFolder);
  if (basename(path) !== RunFileKind.ARTIFACTS || basename(runFolder) !== runId || basename(experimentFolder) !== experimentId) return false;
  return !(await exists(dirname(experimentFolder))) || exists(join(runFolder, META_FILE));
}

/**
 * The real path of `path`: the real path of its deepest existing ancestor, plus the rest.
 * @param dangling the error for a link to nowhere (its target cannot be checked)
 */
async function realPathOf(path: string, dangling: () => EdgeflowError): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(await realpath(current), ...rest);
    } catch (error) {
      if (!isFsError(error, 'ENOENT', 'ENOTDIR')) throw error;
    }
    if (await exists(current, false)) throw dangling();
    const parent = dirname(current);
    if (parent === current) return path;
    rest.unshift(basename(current));
    current = parent;
  }
}

function linkEscape(runId: string, path: string): EdgeflowError {
  const what = path === '' ? `The artifact folder of run ${runId}` : `Artifact path ${describeValue(path)} of run ${runId}`;
  return new EdgeflowError(
    ErrorCode.PERMISSION_DENIED,
    `${what} leads outside the run's artifact folder through a symbolic link; the file store does not follow links out of it.`,
    { details: { runId, path } },
  );
}
