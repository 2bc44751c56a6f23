/**
 * The demo page: opens the default store (IndexedDB, so runs survive a reload), wires the
 * elements together, trains TensorFlow.js models on demand and exports/imports zip bundles.
 * @module
 */
import '../src/components/define.js';
import { TrackingClient } from '../src/core/client.js';
import { hasKey } from '../src/core/entities.js';
import type { Store } from '../src/core/store.js';
import { defaultTrackingUri, openStore } from '../src/storage/open-store.js';
import { exportBundle, importBundle } from '../src/storage/bundle/index.js';
import { train, type TrainConfig } from './train.js';

const $ = <T extends Element>(selector: string): T => document.querySelector<T>(selector)!;

const provider = $<HTMLElementTagNameMap['ef-provider']>('#provider');
const experiments = $<HTMLElementTagNameMap['ef-experiment-list']>('#experiments');
const runs = $<HTMLElementTagNameMap['ef-run-table']>('#runs');
const details = $<HTMLElementTagNameMap['ef-run-details']>('#details');
const compare = $<HTMLElementTagNameMap['ef-compare-runs']>('#compare');
const registry = $<HTMLElementTagNameMap['ef-model-registry']>('#registry');
const charts = [...document.querySelectorAll<HTMLElementTagNameMap['ef-metric-chart']>('ef-metric-chart')];
const status = $<HTMLElement>('#train-status');
const bar = $<HTMLElement>('#bar');
const trainButton = $<HTMLButtonElement>('#train');
const stopButton = $<HTMLButtonElement>('#stop');

const EXPERIMENT_KEY = 'edgeflow-demo:experiment';
let store: Store;
let client: TrackingClient;
let training: AbortController | undefined;
let liveRunId: string | undefined;
/** The best validation accuracy trained in this session, per data set (the registered "champion"). */
const sessionBest = new Map<string, number>();

async function openDefaultStore(): Promise<{ store: Store; label: string }> {
  const uri = defaultTrackingUri();
  try {
    return { store: await openStore(uri), label: uri.startsWith('idb:') ? `IndexedDB · ${uri.slice(4)}` : `${uri} (not persisted)` };
  } catch (error) {
    console.warn('edgeflow demo: falling back to memory', error);
    return { store: await openStore('memory:demo'), label: 'memory (not persisted)' };
  }
}

function selectExperiment(id: string): void {
  experiments.selected = id;
  runs.experimentIds = [id];
  runs.selectedRunIds = [];
  localStorage.setItem(EXPERIMENT_KEY, id);
  void runs.loaded().then(() => updateCharts());
}

/** Charts show the selected runs, else the run training now and the latest others. */
function updateCharts(): void {
  let ids = runs.selectedRunIds;
  if (ids.length === 0) {
    const latest = [...runs.runs].sort((a, b) => b.info.startTime - a.info.startTime).map((r) => r.info.runId as string);
    ids = [...new Set([...(liveRunId === undefined ? [] : [liveRunId]), ...latest])].slice(0, 4);
  }
  for (const chart of charts) chart.runIds = ids;
  compare.runIds = runs.selectedRunIds.length > 0 ? runs.selectedRunIds : ids;
}

function readConfig(form: HTMLFormElement): TrainConfig {
  const data = new FormData(form);
  const num = (name: string, fallback: number): number => {
    const v = Number(data.get(name));
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    dataset: data.get('dataset') === 'moons' ? 'moons' : 'spiral',
    layers: Math.round(num('layers', 2)),
    hidden: Math.round(num('hidden', 24)),
    activation: data.get('activation') === 'tanh' ? 'tanh' : 'relu',
    learningRate: num('learningRate', 0.01),
    epochs: Math.round(num('epochs', 40)),
    batchSize: Math.round(num('batchSize', 32)),
    noise: Number(data.get('noise')) || 0,
  };
}

async function startTraining(config: TrainConfig): Promise<string> {
  training = new AbortController();
  trainButton.disabled = true;
  stopButton.disabled = false;
  bar.style.width = '0';
  status.textContent = 'Preparing TensorFlow.js…';
  try {
    const runId = await train(
      client,
      config,
      (p) => {
        if (liveRunId !== p.runId) {
          liveRunId = p.runId;
          void client.getRun(p.runId).then((run) => {
            if (experiments.selected !== run.info.experimentId) selectExperiment(run.info.experimentId);
            else updateCharts();
            details.runId = p.runId;
          });
        }
        bar.style.width = `${(100 * p.epoch) / p.epochs}%`;
        status.textContent = `Epoch ${p.epoch}/${p.epochs} · loss ${p.loss?.toFixed(4) ?? '—'} · accuracy ${p.acc === undefined ? '—' : (100 * p.acc).toFixed(1) + '%'}`;
      },
      training.signal,
    );
    status.textContent = `${training.signal.aborted ? 'Stopped' : 'Finished'}: the run, its metrics, decision boundary, predictions and model are stored.`;
    if (!training.signal.aborted) await registerIfBest(runId, config).catch((error: unknown) => console.warn('edgeflow demo: could not register the model', error));
    return runId;
  } catch (error) {
    status.textContent = `Training failed: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  } finally {
    training = undefined;
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
}

/**
 * Registers the run's logged model (`runs:/<id>/model`) as a new version of `<dataset>-classifier`
 * when its final validation accuracy is the best of this session, and points the `champion` alias at it.
 */
async function registerIfBest(runId: string, config: TrainConfig): Promise<void> {
  if (store.registry === undefined || store.capabilities.readOnly) return;
  const run = await client.getRun(runId);
  const metrics = run.data.metrics;
  const score = hasKey(metrics, 'val_acc') ? metrics['val_acc'] : hasKey(metrics, 'acc') ? metrics['acc'] : undefined;
  if (score === undefined || !Number.isFinite(score) || score <= (sessionBest.get(config.dataset) ?? -Infinity)) return;
  sessionBest.set(config.dataset, score);
  const name = `${config.dataset}-classifier`;
  const version = await client.registerModel(`runs:/${runId}/model`, name, { tags: { val_acc: score.toFixed(4), dataset: config.dataset } });
  if (version.version === 1) {
    await client.updateRegisteredModel(name, {
      description: `Best TensorFlow.js MLP of a demo session on the **${config.dataset}** data set, by final \`val_acc\`. The \`champion\` alias points at the best version.`,
    });
    await client.setRegisteredModelTag(name, 'framework', 'tfjs');
  }
  await client.setRegisteredModelAlias(name, 'champion', version.version);
  status.textContent += ` Registered as ${name} v${version.version} (@champion, val_acc ${(100 * score).toFixed(1)}%).`;
}

function wire(): void {
  $<HTMLFormElement>('#train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void startTraining(readConfig(e.target as HTMLFormElement)).catch(() => undefined);
  });
  stopButton.addEventListener('click', () => training?.abort());
  experiments.addEventListener('ef-experiment-select', (e) => selectExperiment(e.detail.experimentId));
  runs.addEventListener('ef-selection-change', () => updateCharts());
  runs.addEventListener('ef-run-open', (e) => {
    details.runId = e.detail.runId;
    showTab('details');
    details.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  details.addEventListener('ef-run-open', (e) => (details.runId = e.detail.runId));
  registry.addEventListener('ef-run-open', (e) => {
    details.runId = e.detail.runId;
    showTab('details');
    details.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  compare.addEventListener('ef-run-open', (e) => {
    details.runId = e.detail.runId;
    showTab('details');
  });
  $('#tab-details').addEventListener('click', () => showTab('details'));
  $('#tab-compare').addEventListener('click', () => showTab('compare'));
  $('#theme').addEventListener('click', () => {
    const next = provider.theme === undefined ? 'dark' : provider.theme === 'dark' ? 'light' : undefined;
    provider.theme = next;
    if (next === undefined) delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = next;
  });
  $('#export').addEventListener('click', () => void exportCurrent());
  $<HTMLInputElement>('#import').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file !== undefined) void importFile(file);
  });
}

function showTab(tab: 'details' | 'compare'): void {
  details.hidden = tab !== 'details';
  compare.hidden = tab !== 'compare';
  $('#tab-details').setAttribute('aria-selected', String(tab === 'details'));
  $('#tab-compare').setAttribute('aria-selected', String(tab === 'compare'));
}

async function exportCurrent(): Promise<void> {
  const id = experiments.selected;
  if (id === '') return void (status.textContent = 'Select an experiment to export.');
  const experiment = await client.getExperiment(id);
  const zip = await exportBundle(store, { experimentIds: [experiment.experimentId], output: 'blob' } as Parameters<typeof exportBundle>[1]);
  const url = URL.createObjectURL(zip as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${experiment.name.replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'experiment'}.zip`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  status.textContent = `Exported “${experiment.name}” as an MLflow-compatible zip.`;
}

async function importFile(file: Blob): Promise<void> {
  try {
    const report = await importBundle(store, file, { onConflict: 'new-ids' });
    status.textContent = `Imported ${JSON.stringify(report).length > 300 ? 'the bundle' : JSON.stringify(report)}.`;
  } catch (error) {
    status.textContent = `Import failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function main(): Promise<void> {
  const opened = await openDefaultStore();
  store = opened.store;
  client = new TrackingClient(store, { userId: 'demo' });
  $('#store-status').textContent = opened.label;
  provider.store = store;
  wire();
  const page = await client.searchExperiments({ maxResults: 1000 });
  const remembered = localStorage.getItem(EXPERIMENT_KEY);
  const initial = page.items.find((e) => e.experimentId === remembered) ?? page.items.find((e) => e.name !== 'Default') ?? page.items[0];
  if (initial !== undefined) selectExperiment(initial.experimentId);
  // For tests and the console.
  Object.assign(window, { edgeflowDemo: { store, client, train: (c: Partial<TrainConfig>) => startTraining({ ...readConfig($('#train-form')), ...c }) } });
  document.documentElement.dataset['ready'] = 'true';
}

void main();
