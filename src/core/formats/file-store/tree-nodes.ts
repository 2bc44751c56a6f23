/**
 * The in-memory folder tree the file-store reader walks, and the listing helpers it shares with the
 * MLflow 3 folder readers.
 * @internal
 * @module
 */
import { dict, type Dict } from '../../entities.js';
import { describeValue } from '../../errors.js';
import { artifactPathProblem, keyProblem } from '../../validation.js';
import { fail } from './fields.js';
import { decodeUtf8 } from './raw-values.js';

/** A file of a tree being read: its path relative to the store root and its size in bytes. */
export interface TreeFile {
  readonly path: string;
  readonly size: number;
}

/** An artifact found in a run folder; its bytes are read on demand. */
export interface ArtifactEntry {
  /** Path relative to the run's artifact root. */
  readonly path: string;
  /** Path of the file in the tree. */
  readonly entry: string;
  readonly size: number;
}

/** Returns the bytes of a file of the tree. */
export type ReadTreeFile = (path: string) => Promise<Uint8Array>;

/** A folder of the tree: its files and sub-folders by name. */
export interface FolderNode {
  readonly files: Map<string, TreeFile>;
  readonly folders: Map<string, FolderNode>;
}

function newFolder(): FolderNode {
  return { files: new Map(), folders: new Map() };
}

/** The folder tree of a flat file list. */
export function buildTree(files: readonly TreeFile[]): FolderNode {
  const root = newFolder();
  for (const file of files) {
    const parts = file.path.split('/');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      let child = node.folders.get(part);
      if (!child) {
        child = newFolder();
        node.folders.set(part, child);
      }
      node = child;
    }
    node.files.set(parts[parts.length - 1]!, file);
  }
  return root;
}

export function walkFiles(node: FolderNode, prefix: string, out: TreeFile[], keys?: string[]): void {
  for (const [name, file] of node.files) {
    out.push(file);
    keys?.push(prefix + name);
  }
  for (const [name, child] of node.folders) walkFiles(child, `${prefix}${name}/`, out, keys);
}

/** Files below a folder with their keys (relative paths). */
export function filesBelow(node: FolderNode | undefined): { file: TreeFile; key: string }[] {
  if (!node) return [];
  const files: TreeFile[] = [];
  const keys: string[] = [];
  walkFiles(node, '', files, keys);
  return files.map((file, i) => ({ file, key: keys[i]! }));
}

/** Raw value files below a folder (params, tags) by key; keys are checked. */
export async function readRawValues(node: FolderNode | undefined, read: ReadTreeFile): Promise<Dict<string>> {
  const out = dict<string>();
  for (const { file, key } of filesBelow(node)) {
    const problem = keyProblem(key);
    if (problem !== undefined) fail(file.path, `invalid key ${describeValue(key)}: it ${problem}.`);
    out[key] = decodeUtf8(await read(file.path), file.path);
  }
  return out;
}


/** The paths of every file below a folder. */
export function pathsBelow(node: FolderNode): string[] {
  const list: TreeFile[] = [];
  walkFiles(node, '', list);
  return list.map((f) => f.path);
}

/** The artifacts below an `artifacts/` folder, paths checked. */
export function listArtifacts(node: FolderNode | undefined): ArtifactEntry[] {
  const artifacts: ArtifactEntry[] = [];
  for (const { file, key } of filesBelow(node)) {
    const problem = artifactPathProblem(key);
    if (problem !== undefined) fail(file.path, `invalid artifact path ${describeValue(key)}: it ${problem}.`);
    artifacts.push({ path: key, entry: file.path, size: file.size });
  }
  return artifacts;
}
