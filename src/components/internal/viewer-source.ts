/**
 * Opening what `<ef-viewer>` is given: a `store-uri` through `openStore`, a `src` URL of a zip
 * bundle (any URL: the path need not end in `.zip`), or a `File`/`Blob` of one.
 * @module
 */
import type { ExperimentId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { collectPages } from '../../core/store-reads.js';
import { BundleStore } from '../../storage/bundle/bundle-store.js';
import type { BundleProgress } from '../../storage/bundle/read-bundle.js';
import { countOf } from './viewer-notice.js';
import { openStore } from '../../storage/open-store.js';

/** What a viewer can open. */
export type ViewerSource = { readonly storeUri: string } | { readonly src: string | Blob };

/** URLs fetched as bundles; other schemes (`bundle:`, `memory:`, `idb:`) go through `openStore`. */
const FETCHED = /^(https?|file|blob|data):/iu;
const SCHEME = /^[a-z][a-z0-9+.-]*:/iu;

/** Options of {@link openViewerSource}. */
export interface OpenSourceOptions {
  /** Called as a bundle's runs are read. */
  readonly onProgress?: (progress: BundleProgress) => void;
}

/** Opens `source` (a bundle read-only). */
export async function openViewerSource(source: ViewerSource, options: OpenSourceOptions = {}): Promise<Store> {
  if ('storeUri' in source) return openStore(source.storeUri);
  const { src } = source;
  if (typeof src !== 'string') return BundleStore.open(src, options);
  if (SCHEME.test(src) && !FETCHED.test(src)) return openStore(src);
  return BundleStore.open(new URL(src, document.baseURI).href, options);
}

/** What an opened source holds, said in a line: `Opened x.zip: 2 experiments, 40 runs.` */
export async function openedSummary(label: string, store: Store, experimentIds: readonly ExperimentId[]): Promise<string> {
  const runs = experimentIds.length === 0 ? [] : await collectPages((pageToken) => store.searchRuns({ experimentIds, maxResults: 1000, pageToken }));
  return `Opened ${label}: ${countOf(experimentIds.length, 'experiment')}, ${countOf(runs.length, 'run')}.`;
}

/** A short name of `source` for notices (`exp.zip`, a file's name). */
export function sourceLabel(source: ViewerSource): string {
  if ('storeUri' in source) return source.storeUri;
  const { src } = source;
  if (typeof src === 'string') return src;
  return src instanceof File ? src.name : 'the dropped file';
}
