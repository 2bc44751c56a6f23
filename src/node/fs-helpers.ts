/**
 * File-system helpers of the Node file store: atomic rewrites (temp file + rename), raw reads
 * that treat "missing" as undefined, empty-folder cleanup, the name rules of the file system
 * (bytes per name and per path), the mapping of raw Node errors to `EdgeflowError`s, and a tiny
 * async mutex.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { dict, type Dict } from '../core/entities.js';
import { EdgeflowError, ErrorCode, describeValue } from '../core/errors.js';
import { decodeUtf8 } from '../core/formats/file-store/index.js';

/** Longest file or folder name, in UTF-8 bytes, that common file systems take (ext4, XFS, Btrfs, APFS). */
export const MAX_NAME_BYTES = 255;
/** Longest absolute path, in UTF-8 bytes, that Linux takes (`PATH_MAX` 4096 with the final NUL). */
export const MAX_PATH_BYTES = 4095;

/** True for a Node error with one of `codes`. */
export function isFsError(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes(String((error as { code?: unknown }).code));
}

/**
 * The name of an unfinished atomic write: `.#<12 hex>.tmp`. No key or artifact path can hold `#`
 * (both rules refuse it), so a temp file never shares a name with, or hides, a user's file, and its
 * length does not depend on the name being written.
 */
const TEMP_NAME = /^\.#[0-9a-f]{12}\.tmp$/u;

/** True for the name of an unfinished atomic write (see {@link writeFileAtomic}). */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Writes `data` to `path` atomically: the bytes go to a temp file `.#<random>.tmp` in the same
 * folder, which is then renamed over `path` (rename is atomic on POSIX file systems), so a reader or
 * a crash sees the old file or the new one, never a half-written one. Parent folders are created.
 * @throws `INVALID_PARAMETER_VALUE` when `data` is text with a lone surrogate (it would be written as U+FFFD).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  if (typeof data === 'string' && LONE_SURROGATE.test(data)) {
    throw EdgeflowError.invalidParameterValue('Cannot write text that holds a lone UTF-16 surrogate: UTF-8 files cannot store it.');
  }
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.#${randomBytes(6).toString('hex')}.tmp`);
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

/** True when `path` exists (with `followLinks` false, also when it is a link to nowhere). */
export async function exists(path: string, followLinks = true): Promise<boolean> {
  try {
    await (followLinks ? stat(path) : lstat(path));
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

/**
 * Raw value files below `folder` (params, tags, aliases) as a dict; keys with `/` come from nested
 * folders. Errors name files relative to `root`.
 */
export async function readValues(folder: string, root: string): Promise<Dict<string>> {
  const out = dict<string>();
  for (const [key, path] of await filesBelow(folder)) {
    const bytes = await readIfExists(path);
    if (bytes !== undefined) out[key] = decodeUtf8(bytes, layoutPathOf(root, path));
  }
  return out;
}

/** `path` relative to `root`, `/`-separated: how errors name a file of the store. */
export function layoutPathOf(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
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

/** What is written to the store: a `/`-separated path below a folder and, for value files, the text. */
export interface StorableItem {
  /** What the user calls it in the error message (`Param key`, `Artifact path`, …). */
  readonly what: string;
  /** The user's name (key or path) for the message and the details. */
  readonly name: string;
  /** Its path below `base`, `/`-separated. */
  readonly path: string;
  /** The text written into it, if any. */
  readonly text?: string;
}

/**
 * Refuses, before anything is written, items the file system cannot store as given: a name (path
 * segment) longer than {@link MAX_NAME_BYTES} UTF-8 bytes, an absolute path longer than
 * {@link MAX_PATH_BYTES}, or a lone surrogate in a name or a text (it would silently become U+FFFD).
 * @throws `INVALID_PARAMETER_VALUE` naming the item
 */
export function assertStorable(base: string, items: Iterable<StorableItem>): void {
  const baseBytes = Buffer.byteLength(base);
  for (const { what, name, path, text } of items) {
    const details = { field: what, value: name };
    assertWellFormed(name, what, details);
    if (text !== undefined) assertWellFormed(text, `The value of ${what.toLowerCase()} ${describeValue(name)}`, details);
    for (const segment of path.split('/')) {
      const bytes = Buffer.byteLength(segment);
      if (bytes > MAX_NAME_BYTES) {
        throw EdgeflowError.invalidParameterValue(
          `${what} ${describeValue(name)} cannot be stored in the file store: the name ${describeValue(segment)} is ${bytes} bytes in UTF-8, and a file name may have at most ${MAX_NAME_BYTES}.`,
          { details: { ...details, bytes, limit: MAX_NAME_BYTES } },
        );
      }
    }
    const total = baseBytes + 1 + Buffer.byteLength(path);
    if (total > MAX_PATH_BYTES) {
      throw EdgeflowError.invalidParameterValue(
        `${what} ${describeValue(name)} cannot be stored in the file store: its full path would be ${total} bytes in UTF-8, and a path may have at most ${MAX_PATH_BYTES}.`,
        { details: { ...details, bytes: total, limit: MAX_PATH_BYTES } },
      );
    }
  }
}

/** Lone surrogates only: with the `u` flag, a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function assertWellFormed(text: string, what: string, details: Record<string, unknown> = {}): void {
  if (LONE_SURROGATE.test(text)) {
    throw EdgeflowError.invalidParameterValue(`${what} ${describeValue(text)} holds a lone UTF-16 surrogate, which UTF-8 files cannot store.`, { details });
  }
}

const CODE_OF_FS_ERROR: Readonly<Record<string, ErrorCode>> = {
  ENAMETOOLONG: ErrorCode.INVALID_PARAMETER_VALUE,
  ENOSPC: ErrorCode.RESOURCE_EXHAUSTED,
  EDQUOT: ErrorCode.RESOURCE_EXHAUSTED,
  EFBIG: ErrorCode.RESOURCE_EXHAUSTED,
  EMFILE: ErrorCode.RESOURCE_EXHAUSTED,
  ENFILE: ErrorCode.RESOURCE_EXHAUSTED,
  ENOMEM: ErrorCode.RESOURCE_EXHAUSTED,
  EACCES: ErrorCode.PERMISSION_DENIED,
  EPERM: ErrorCode.PERMISSION_DENIED,
  EROFS: ErrorCode.PERMISSION_DENIED,
};

/**
 * `error` as an `EdgeflowError` whose message holds no absolute local path: a raw Node file-system
 * error (`ENAMETOOLONG`, `ENOSPC`, `EACCES`, …) is mapped to an MLflow code, its path shown relative
 * to the first of `roots` that holds it (or not at all); the original is kept as `cause`. Other
 * errors are returned unchanged.
 */
export function toStoreError(error: unknown, roots: readonly string[]): unknown {
  if (error instanceof EdgeflowError || typeof error !== 'object' || error === null || typeof (error as { code?: unknown }).code !== 'string') return error;
  const { code, syscall, path } = error as { code: string; syscall?: unknown; path?: unknown };
  if (!/^E[A-Z]+$/u.test(code)) return error;
  const where = typeof path === 'string' ? shownPath(path, roots) : undefined;
  const action = typeof syscall === 'string' ? syscall : 'access';
  const message = `The file store could not ${action} ${where === undefined ? 'a file' : describeValue(where)}: ${code}.`;
  return new EdgeflowError(CODE_OF_FS_ERROR[code] ?? ErrorCode.INTERNAL_ERROR, message, { details: { fsError: code }, cause: error });
}

/** `path` relative to the first root that holds it, or undefined when none does. */
function shownPath(path: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    const rel = relative(root, path);
    if (rel === '') return '.';
    if (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return layoutPathOf(root, path);
  }
  return undefined;
}

/** True when `name` can be one folder name (a model name or id; callers validate the rest). */
export function isFolderName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\u0000]/u.test(name);
}

/** A FIFO async mutex: `run(fn)` waits for every earlier `run` to settle. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves when everything queued so far has settled. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
