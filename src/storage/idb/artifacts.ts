/**
 * Artifact files of a run as stored records, checked with the same folder rules as the memory
 * store ({@link ArtifactTree}: a file and a folder cannot share a path).
 * @module
 */
import type { FileInfo } from '../../core/entities.js';
import type { RunId } from '../../core/ids.js';
import { ArtifactTree } from '../artifact-tree.js';

const NO_BYTES = new Uint8Array(0);

/** An artifact tree over stored paths (sizes are not needed for the rules). */
export function treeOf(paths: Iterable<string>): ArtifactTree {
  const tree = new ArtifactTree();
  for (const path of paths) tree.put(path, NO_BYTES);
  return tree;
}

/** The listing of folder `path`, with the stored sizes. */
export function listArtifacts(files: readonly { path: string; size: number }[], path: string): FileInfo[] {
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  return treeOf(sizes.keys())
    .list(path)
    .map((info) => (info.isDir ? info : { ...info, fileSize: sizes.get(info.path) ?? 0 }));
}

/** The stored paths removed by deleting `path` (a file or a folder); throws as the memory store does. */
export function pathsToDelete(runId: RunId, paths: readonly string[], path: string): string[] {
  const tree = treeOf(paths);
  tree.delete(runId, path);
  const kept = new Set(Array.from(tree.entries(), ([p]) => p));
  return paths.filter((p) => !kept.has(p));
}
