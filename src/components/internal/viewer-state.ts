/**
 * What `<ef-viewer>` keeps in the page URL so a link reopens the same view: the experiment, the
 * selected runs, the opened run and the tab, as `#experiment=…&runs=a,b&run=…&tab=…` in the hash
 * (or the same keys in the query string). Everything read from a URL is untrusted: it only picks
 * among ids the store has and tabs the viewer knows.
 * @module
 */

/** The panels below the run table and charts. */
export const VIEWER_TABS = ['details', 'compare', 'models'] as const;
/** One of {@link VIEWER_TABS}. */
export type ViewerTab = (typeof VIEWER_TABS)[number];

/** The part of a viewer's state a link carries. */
export interface ViewerLinkState {
  readonly experimentId?: string;
  readonly runIds?: readonly string[];
  readonly openRunId?: string;
  readonly tab?: ViewerTab;
}

const KEYS = ['experiment', 'runs', 'run', 'tab'] as const;
/** Ids are short tokens (MLflow's are digits or hex); anything else in a URL is ignored. */
const ID = /^[\w.-]{1,64}$/u;
const MAX_RUNS = 100;

function paramsOf(url: URL): URLSearchParams {
  const hash = new URLSearchParams(url.hash.replace(/^#/u, ''));
  return KEYS.some((k) => hash.has(k)) ? hash : url.searchParams;
}

/** Reads the viewer state from a URL (hash first, else the query); invalid parts are dropped. */
export function readLinkState(href: string): ViewerLinkState {
  const params = paramsOf(new URL(href));
  const id = (value: string | null): string | undefined => (value !== null && ID.test(value) ? value : undefined);
  const runs = (params.get('runs') ?? '').split(',').filter((r) => ID.test(r)).slice(0, MAX_RUNS);
  const tab = params.get('tab');
  return {
    ...(id(params.get('experiment')) === undefined ? {} : { experimentId: id(params.get('experiment'))! }),
    ...(runs.length === 0 ? {} : { runIds: runs }),
    ...(id(params.get('run')) === undefined ? {} : { openRunId: id(params.get('run'))! }),
    ...(VIEWER_TABS.includes(tab as ViewerTab) ? { tab: tab as ViewerTab } : {}),
  };
}

/** `href` with the viewer state in its hash (the query keeps its other parameters, minus the viewer's). */
export function writeLinkState(href: string, state: ViewerLinkState): string {
  const url = new URL(href);
  for (const key of KEYS) url.searchParams.delete(key);
  const params = new URLSearchParams();
  if (state.experimentId !== undefined) params.set('experiment', state.experimentId);
  if (state.runIds !== undefined && state.runIds.length > 0) params.set('runs', state.runIds.slice(0, MAX_RUNS).join(','));
  if (state.openRunId !== undefined) params.set('run', state.openRunId);
  if (state.tab !== undefined) params.set('tab', state.tab);
  url.hash = params.toString();
  return url.href;
}

/** Replaces the page URL without a history entry; a sandboxed or opaque document (srcdoc, data:) cannot, and keeps its URL. */
export function replaceUrl(href: string): void {
  if (href === location.href) return;
  try {
    history.replaceState(history.state, '', href);
  } catch {
    // the view still works, only the link does not follow it
  }
}
