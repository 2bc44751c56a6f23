/**
 * A run's artifact files in memory, keyed by relative path, with the folder rules of a file
 * system: a file and a folder cannot share a path.
 * @module
 */
import type { FileInfo } from '../core/entities.js';
import { artifactFileNotFound, artifactNotFound, artifactPathIsFolder, artifactPathUnderFile } from '../core/rules.js';
import type { ArtifactData } from '../core/store.js';

/** Copies artifact data into a fresh `Uint8Array`. */
export async function toBytes(data: ArtifactData): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data.slice();
  return new Uint8Array(await data.arrayBuffer());
}

/** Files of one run. Paths are validated relative paths (see `assertArtifactPath`). */
export class ArtifactTree {
  readonly #files = new Map<string, Uint8Array>();

  /** Writes a file, replacing one at the same path. */
  put(path: string, bytes: Uint8Array): void {
    this.#assertPlaceable(path);
    this.#files.set(path, bytes);
  }

  /** The bytes at `path` (not copied). */
  get(runId: string, path: string): Uint8Array {
    const bytes = this.#files.get(path);
    if (bytes === undefined) throw artifactFileNotFound(runId, path);
    return bytes;
  }

  /** Direct children of folder `path` ('' = root), folders first, then by name. */
  list(path: string): FileInfo[] {
    const prefix = path === '' ? '' : `${path}/`;
    const dirs = new Set<string>();
    const files: FileInfo[] = [];
    for (const [filePath, bytes] of this.#files) {
      if (!filePath.startsWith(prefix)) continue;
      const rest = filePath.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) files.push({ path: filePath, isDir: false, fileSize: bytes.byteLength });
      else dirs.add(prefix + rest.slice(0, slash));
    }
    const folders: FileInfo[] = [...dirs].map((p) => ({ path: p, isDir: true }));
    const byPath = (a: FileInfo, b: FileInfo): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return [...folders.sort(byPath), ...files.sort(byPath)];
  }

  /** Deletes the file at `path`, or every file below folder `path`. */
  delete(runId: string, path: string): void {
    if (this.#files.delete(path)) return;
    const prefix = `${path}/`;
    let found = false;
    for (const filePath of [...this.#files.keys()]) {
      if (filePath.startsWith(prefix)) {
        this.#files.delete(filePath);
        found = true;
      }
    }
    if (!found) throw artifactNotFound(runId, path);
  }

  /** Every file, for exports. */
  entries(): IterableIterator<[string, Uint8Array]> {
    return this.#files.entries();
  }

  #assertPlaceable(path: string): void {
    const prefix = `${path}/`;
    for (const existing of this.#files.keys()) {
      if (existing.startsWith(prefix)) throw artifactPathIsFolder(path);
    }
    let slash = path.indexOf('/');
    while (slash !== -1) {
      const folder = path.slice(0, slash);
      if (this.#files.has(folder)) throw artifactPathUnderFile(path, folder);
      slash = path.indexOf('/', slash + 1);
    }
  }
}
