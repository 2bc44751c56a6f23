/**
 * File-system helpers of the Node file store: atomic rewrites (temp file + rename), raw reads
 * that treat "missing" as undefined, empty-folder cleanup, path containment, and a tiny async mutex.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, realpath, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { dict, type Dict } from '../core/entities.js';
import { EdgeflowError, describeValue } from '../core/errors.js';
import { decodeUtf8 } from '../core/formats/file-store-layout.js';

/** True for a Node error with one of `codes`. */
export function isFsError(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes(String((error as { code?: unknown }).code));
}

/**
 * Writes `data` to `path` atomically: the bytes go to `<path>.tmp-<random>` in the same folder,
 * which is then renamed over `path` (rename is atomic on POSIX file systems), so a reader or a
 * crash sees the old file or the new one, never a half-written one. Parent folders are created.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The bytes of `path`, or undefined when it does not exist (or is a folder). */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isFsError(error, 'ENOENT', 'EISDIR', 'ENOTDIR')) return undefined;
    throw error;
  }
}

/** Names of the sub-folders of `path` ([] when it does not exist). */
export async function subfolders(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    if (isFsError(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isFsError(error, 'ENOENT', 'ENOTDIR')) return false;
    throw error;
  }
}

/**
 * Every file below `folder` as `[key, absolute path]`, keys `/`-separated relative paths
 * (how MLflow reads nested param/tag/metric keys). Temp files of atomic writes are skipped.
 */
export async function filesBelow(folder: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isFsError(error, 'ENOENT', 'ENOTDIR')) return;
      throw error;
    }
    for (const entry of entries) {
      const full = `${dir}${sep}${entry.name}`;
      if (entry.isDirectory()) await walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile() && !isTempName(entry.name)) out.push([prefix + entry.name, full]);
    }
  };
  await walk(folder, '');
  return out;
}

/** Raw value files below `folder` (params, tags, aliases) as a dict; keys with `/` come from nested folders. */
export async function readValues(folder: string): Promise<Dict<string>> {
  const out = dict<string>();
  for (const [key, path] of await filesBelow(folder)) {
    const bytes = await readIfExists(path);
    if (bytes !== undefined) out[key] = decodeUtf8(bytes, path);
  }
  return out;
}

/** True for the name of an unfinished atomic write (`meta.yaml.tmp-1a2b3c…`). */
export function isTempName(name: string): boolean {
  return /\.tmp-[0-9a-f]{12}$/u.test(name);
}

/** Removes now-empty folders from `path`'s parent up to (not including) `stop`. */
export async function pruneEmptyParents(path: string, stop: string): Promise<void> {
  let dir = dirname(path);
  while (dir.startsWith(stop + sep) && dir !== stop) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

/**
 * `base/relativePath`, refusing anything that would leave `base` (also through a symbolic link
 * inside it, when `followLinks`).
 * @throws `INVALID_PARAMETER_VALUE`
 */
export async function containedPath(base: string, relativePath: string, followLinks = true): Promise<string> {
  const target = resolve(base, ...relativePath.split('/'));
  const outside = (from: string, to: string): boolean => {
    const rel = relative(from, to);
    return rel.startsWith('..') || isAbsolute(rel);
  };
  if (outside(base, target)) throw escapes(relativePath);
  if (followLinks) {
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      return target;
    }
    let realBase: string;
    try {
      realBase = await realpath(base);
    } catch {
      realBase = base;
    }
    if (outside(realBase, real)) throw escapes(relativePath);
  }
  return target;
}

function escapes(path: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(`Path ${describeValue(path)} leaves the run's artifact folder.`, { path });
}

/** A FIFO async mutex: `run(fn)` waits for every earlier `run` to settle. */
export class Mutex {
  private __tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.__tail.then(fn, fn);
    this.__tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves when everything queued so far has settled. */
  idle(): Promise<void> {
    return this.__tail.then(() => undefined);
  }
}
