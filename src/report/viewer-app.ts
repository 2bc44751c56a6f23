/**
 * The read-only viewer page shared by `edgeflow ui` and `exportReport`: experiments on the left,
 * the run table, charts of the selected runs' metrics, the opened run's details and a comparison
 * when several runs are selected. It only composes the `ef-*` elements over a store.
 * @module
 */
import '../components/define.js';
import type { Store } from '../core/store.js';
import { EdgeflowError } from '../core/errors.js';

/** Options of {@link mountViewer}. */
export interface ViewerOptions {
  /** Page heading (plain text). */
  readonly title?: string;
  /** Experiment to select first; default: the first experiment with runs, else `0`. */
  readonly experimentId?: string;
}

const STYLE = `
  :root { color-scheme: light dark; font: 14px system-ui, sans-serif; }
  body { margin: 0; }
  .ef-viewer { display: grid; grid-template-columns: minmax(180px, 240px) 1fr; grid-template-rows: auto 1fr; height: 100vh; }
  .ef-viewer > header { grid-column: 1 / -1; padding: 8px 16px; border-bottom: 1px solid #8884; display: flex; gap: 12px; align-items: baseline; }
  .ef-viewer > header h1 { font-size: 16px; margin: 0; }
  .ef-viewer > header small { opacity: 0.7; }
  .ef-viewer > nav { border-right: 1px solid #8884; overflow: auto; }
  .ef-viewer > main { overflow: auto; padding: 8px 16px; display: flex; flex-direction: column; gap: 16px; }
  .ef-viewer ef-run-table { height: 360px; display: block; }
  .ef-viewer .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 12px; }
  .ef-viewer ef-metric-chart { height: 260px; display: block; }
`;

/** A view of `store` that reports itself read-only (the elements then hide edit actions) and refuses writes. */
export function readOnlyView(store: Store): Store {
  const capabilities = { ...store.capabilities, readOnly: true };
  const writes = new Set([
    'createExperiment', 'renameExperiment', 'deleteExperiment', 'restoreExperiment', 'setExperimentTag', 'deleteExperimentTag',
    'purgeExperiment', 'createRun', 'updateRun', 'deleteRun', 'restoreRun', 'purgeRun', 'logBatch', 'deleteTag', 'putArtifact', 'deleteArtifact',
  ]);
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'capabilities') return capabilities;
      if (typeof prop === 'string' && writes.has(prop)) {
        return () => Promise.reject(new EdgeflowError('PERMISSION_DENIED', `This view is read-only: cannot ${prop}.`));
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** Renders the viewer into `root` over `store`. */
export async function mountViewer(root: HTMLElement, store: Store, options: ViewerOptions = {}): Promise<void> {
  const style = el('style');
  style.textContent = STYLE;
  document.head.append(style);

  const provider = el('ef-provider');
  provider.store = store;
  const shell = el('div', { class: 'ef-viewer' });
  const header = el('header');
  const h1 = el('h1');
  h1.textContent = options.title ?? 'edgeflow';
  const mode = el('small');
  mode.textContent = store.capabilities.readOnly ? 'read-only' : 'read-write';
  header.append(h1, mode);
  const nav = el('nav');
  const list = el('ef-experiment-list');
  nav.append(list);
  const main = el('main');
  const table = el('ef-run-table');
  const charts = el('div', { class: 'charts' });
  const compare = el('ef-compare-runs');
  const details = el('ef-run-details');
  compare.hidden = true;
  details.hidden = true;
  main.append(table, charts, compare, details);
  shell.append(header, nav, main);
  provider.append(shell);
  root.append(provider);

  let selectedRuns: string[] = [];
  const showCharts = async (): Promise<void> => {
    const keys = new Set<string>();
    for (const runId of selectedRuns) {
      try {
        for (const key of Object.keys((await store.getRun(runId as never)).data.metrics)) keys.add(key);
      } catch {
        // a run deleted meanwhile: no chart for it
      }
    }
    charts.replaceChildren(
      ...[...keys].sort().map((key) => {
        const chart = el('ef-metric-chart');
        chart.runIds = selectedRuns;
        chart.metricKeys = [key];
        return chart;
      }),
    );
    compare.runIds = selectedRuns;
    compare.hidden = selectedRuns.length < 2;
  };
  const selectExperiment = async (experimentId: string): Promise<void> => {
    list.selected = experimentId;
    table.experimentIds = [experimentId];
    const runs = await store.searchRuns({ experimentIds: [experimentId as never], maxResults: 5, orderBy: ['attributes.start_time DESC'] });
    selectedRuns = runs.items.map((r) => r.info.runId);
    table.selectedRunIds = selectedRuns;
    details.hidden = true;
    await showCharts();
  };

  list.addEventListener('ef-experiment-select', (event) => {
    void selectExperiment((event as CustomEvent<{ experimentId: string }>).detail.experimentId);
  });
  table.addEventListener('ef-selection-change', (event) => {
    selectedRuns = [...(event as CustomEvent<{ runIds: string[] }>).detail.runIds];
    void showCharts();
  });
  const open = (event: Event): void => {
    details.runId = (event as CustomEvent<{ runId: string }>).detail.runId;
    details.hidden = false;
    details.scrollIntoView({ block: 'nearest' });
  };
  table.addEventListener('ef-run-open', open);
  compare.addEventListener('ef-run-open', open);
  details.addEventListener('ef-run-open', open);

  let first = options.experimentId;
  if (first === undefined) {
    const experiments = (await store.searchExperiments({ maxResults: 1000 })).items;
    for (const e of experiments) {
      if ((await store.searchRuns({ experimentIds: [e.experimentId], maxResults: 1 })).items.length > 0) {
        first = e.experimentId;
        break;
      }
    }
  }
  await selectExperiment(first ?? '0');
}
