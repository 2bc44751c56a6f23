/**
 * Reads that walk a whole listing of any {@link Store}: every page of a search, every artifact
 * file of a run. Written once for exporters, importers, sync, reports and components.
 * @module
 */
import type { FileInfo, MetricSeries, Page } from './entities.js';
import { isEdgeflowError } from './errors.js';
import type { RunId } from './ids.js';
import type { Store } from './store.js';

/**
 * Every item of a paged listing: calls `fetchPage` with each next-page token until the last page.
 * With `signal`, stops with an `AbortError` between pages once it is aborted.
 */
export async function collectPages<T>(fetchPage: (pageToken: string | undefined) => Promise<Page<T>>, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let pageToken: string | undefined;
  do {
    const page = await fetchPage(pageToken);
    signal?.throwIfAborted();
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return items;
}

/** Every artifact file of a run below folder `path` ('' = all), depth first. */
export async function artifactFiles(store: Store, runId: RunId, path = ''): Promise<FileInfo[]> {
  return filesOfListing((p) => store.listArtifacts(runId, p), path);
}

/** Every file below `path` of a folder listing, folders walked depth first (runs' and logged models' files). */
export async function filesOfListing(list: (path: string) => Promise<FileInfo[]>, path = ''): Promise<FileInfo[]> {
  const files: FileInfo[] = [];
  for (const info of await list(path)) {
    if (info.isDir) files.push(...(await filesOfListing(list, info.path)));
    else files.push(info);
  }
  return files;
}

/**
 * The points of a metric from position `fromIndex` (logging order) to the end: the store's tail
 * read when it has one, else the whole history, sliced.
 */
export async function readMetricHistoryFrom(store: Store, runId: RunId, key: string, fromIndex: number): Promise<MetricSeries> {
  if (typeof store.getMetricHistoryFrom === 'function') return store.getMetricHistoryFrom(runId, key, fromIndex);
  const all = await store.getMetricHistory(runId, key);
  if (fromIndex === 0) return all;
  return { key, steps: all.steps.slice(fromIndex), timestamps: all.timestamps.slice(fromIndex), values: all.values.slice(fromIndex) };
}

/** The value of `read`, or undefined when it fails with `RESOURCE_DOES_NOT_EXIST` (any other failure is thrown). */
export async function orUndefinedIfMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  }
}
