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
import { exportBundle, importBundle, type ImportReport } from '../src/storage/bundle/index.js';
import { mirrorTo } from '../src/storage/mirror/mirror.js';
import { RestStore } from '../src/storage/rest/rest-store.js';
import { train, type TrainConfig } from './train.js';

const $ = <T extends Element>(selector: string): T => document.querySelector<T>(selector)!;

const viewer = $<HTMLElementTagNameMap['ef-viewer']>('#viewer');
const syncStatus = $<HTMLElementTagNameMap['ef-sync-status']>('#sync');
const status = $<HTMLElement>('#train-status');
const bar = $<HTMLElement>('#bar');
const trainButton = $<HTMLButtonElement>('#train');
const stopButton = $<HTMLButtonElement>('#stop');

/** How many runs the charts show while one trains: it and the latest others. */
const LIVE_RUNS = 4;
let store: Store;
let client: TrackingClient;
let training: AbortController | undefined;
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

/** Shows a run that just started training: its experiment, charted live with the latest others, and its details. */
async function showLiveRun(runId: string): Promise<void> {
  const run = await client.getRun(runId);
  const latest = await client.searchRuns([run.info.experimentId], { maxResults: LIVE_RUNS, orderBy: ['attributes.start_time DESC'] });
  viewer.selectedRunIds = [...new Set([runId, ...latest.items.map((r) => r.info.runId as string)])].slice(0, LIVE_RUNS);
  viewer.experimentId = run.info.experimentId;
  viewer.runId = runId;
  viewer.tab = 'details';
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
  let liveRunId: string | undefined;
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
          void showLiveRun(p.runId);
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
 * Registers the run's model (`runs:/<id>/model`) as a new version of `<dataset>-classifier` when its
 * final validation accuracy is the best of this session, and points the `champion` alias at it only
 * when it beats the version `@champion` points at now (across every session, by its `val_acc` tag).
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
      description: `The best TensorFlow.js MLP of each demo session on the **${config.dataset}** data set, by final \`val_acc\`. The \`champion\` alias points at the best version of all.`,
    });
    await client.setRegisteredModelTag(name, 'framework', 'tfjs');
  }
  const champion = await championScore(name);
  status.textContent += ` Registered as ${name} v${version.version} (val_acc ${(100 * score).toFixed(1)}%).`;
  if (champion !== undefined && champion.score >= score) {
    status.textContent += ` @champion stays on v${champion.version} (val_acc ${(100 * champion.score).toFixed(1)}%).`;
    return;
  }
  await client.setRegisteredModelAlias(name, 'champion', version.version);
  status.textContent += ' It is the new @champion.';
}

/** The version `@champion` points at and its `val_acc` tag, if there is one. */
async function championScore(name: string): Promise<{ version: number; score: number } | undefined> {
  const model = await client.getRegisteredModel(name);
  const version = model.aliases['champion'];
  if (version === undefined) return undefined;
  const tagged = Number((await client.getModelVersion(name, version)).tags['val_acc']);
  return Number.isFinite(tagged) ? { version, score: tagged } : undefined;
}

function wire(): void {
  $<HTMLFormElement>('#train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void startTraining(readConfig(e.target as HTMLFormElement)).catch(() => undefined);
  });
  stopButton.addEventListener('click', () => training?.abort());
  $('#theme').addEventListener('click', () => {
    const next = viewer.theme === undefined ? 'dark' : viewer.theme === 'dark' ? 'light' : undefined;
    viewer.theme = next;
    syncStatus.theme = next;
    if (next === undefined) delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = next;
  });
  $('#export').addEventListener('click', () => void exportCurrent());
  // A zip opened or dropped on the viewer is imported into IndexedDB instead of shown read-only.
  viewer.addEventListener('ef-file-open', (e) => {
    e.preventDefault();
    void importFile(e.detail.file);
  });
}

/** Downloads the selected experiment, with the model registry, as an MLflow-compatible zip. */
async function exportCurrent(): Promise<void> {
  const id = viewer.experimentId;
  if (id === '') return void (status.textContent = 'Select an experiment to export.');
  const experiment = await client.getExperiment(id);
  const includeModels = store.registry !== undefined;
  const zip = await exportBundle(store, { experimentIds: [experiment.experimentId], includeModels, output: 'blob' });
  const url = URL.createObjectURL(zip as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${experiment.name.replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'experiment'}.zip`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  status.textContent = `Exported “${experiment.name}”${includeModels ? ' and the model registry' : ''} as an MLflow-compatible zip.`;
}

/** Imports a zip into the store, shows progress, then opens what it brought and says what that was. */
async function importFile(file: Blob): Promise<void> {
  const before = new Set((await client.searchExperiments({ viewType: 'ALL', maxResults: 50_000 })).items.map((e) => e.experimentId));
  bar.style.width = '0';
  try {
    const report = await importBundle(store, file, {
      onConflict: 'new-ids',
      onProgress: (p) => {
        if (p.total === undefined || p.total === 0) return;
        bar.style.width = `${(100 * p.done) / p.total}%`;
        status.textContent = `Importing${p.phase === 'read' ? ' (reading)' : ''}… ${p.done.toLocaleString()} of ${p.total.toLocaleString()}`;
      },
    });
    const added = (await client.searchExperiments({ viewType: 'ALL', maxResults: 50_000 })).items.filter((e) => !before.has(e.experimentId));
    if (added[0] !== undefined) viewer.experimentId = added[0].experimentId;
    status.textContent = describeImport(report, added.map((e) => e.name));
  } catch (error) {
    status.textContent = `Import failed, nothing was changed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    bar.style.width = '0';
  }
}

/** “Imported 2 experiments (…): 14 runs, 3,200 metric points, 9 artifacts; 1 registered model.” */
function describeImport(report: ImportReport, names: readonly string[]): string {
  const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;
  const parts = [count(report.runs, 'run'), count(report.metricPoints, 'metric point'), count(report.artifacts, 'artifact')];
  const models = report.registry.status === 'imported' ? `; ${count(report.registry.models.length, 'registered model')}` : '';
  const skipped = report.skipped.length === 0 ? '' : ` ${count(report.skipped.length, 'item')} skipped.`;
  const which = names.length === 0 ? '' : ` (${names.map((n) => `“${n}”`).join(', ')})`;
  return `Imported ${count(report.experiments, 'experiment')}${which}: ${parts.join(', ')}${models}.${skipped}`;
}

/**
 * `?mirror=<MLflow server URL>` offers to mirror this browser's runs to that server live
 * (`mirrorTo`), shown by `<ef-sync-status>`. A link must not send someone's runs away unasked, so
 * the mirror starts only when the button naming the server is pressed.
 */
function offerMirror(): void {
  const asked = new URLSearchParams(location.search).get('mirror');
  if (asked === null) return;
  let baseUrl: URL;
  try {
    baseUrl = new URL(asked);
  } catch {
    return void (status.textContent = 'The mirror URL is not a URL.');
  }
  if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') return void (status.textContent = 'The mirror URL must be http: or https:.');
  const button = $<HTMLButtonElement>('#mirror-start');
  button.textContent = `Mirror to ${baseUrl.host}`;
  button.title = `Send the runs of this browser to the MLflow server at ${baseUrl.href}, live`;
  button.hidden = false;
  button.addEventListener('click', () => {
    button.hidden = true;
    syncStatus.mirror = mirrorTo(store, new RestStore({ baseUrl: baseUrl.href.replace(/\/$/u, '') }));
    syncStatus.hidden = false;
  }, { once: true });
}

async function main(): Promise<void> {
  const opened = await openDefaultStore();
  store = opened.store;
  client = new TrackingClient(store, { userId: 'demo' });
  $('#store-status').textContent = opened.label;
  wire();
  offerMirror();
  viewer.store = store;
  await viewer.loaded();
  // For tests and the console.
  Object.assign(window, { edgeflowDemo: { store, client, train: (c: Partial<TrainConfig>) => startTraining({ ...readConfig($('#train-form')), ...c }) } });
  document.documentElement.dataset['ready'] = 'true';
}

void main();
