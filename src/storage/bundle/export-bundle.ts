/**
 * Exporting a store as a zip bundle: an `mlruns/` tree MLflow itself reads (default), or the
 * mlflow-export-import layout. Everything is validated before the first byte is written; the zip is
 * streamed with fflate's `Zip` (text deflated, binary artifacts stored) and collected once.
 * @module
 */
import { parseInput } from '../../core/schemas.js';
import { exportBundleOptionsSchema } from './bundle-options.js';
import { deflateSync, Zip, ZipPassThrough } from 'fflate';
import type { Experiment, Run } from '../../core/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import { parseExperimentId, parseRunId, type ExperimentId, type RunId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { artifactFiles, collectPages } from '../../core/store-reads.js';
import {
  serializeExperimentJson,
  serializeExperimentsJson,
  serializeModelJson,
  serializeModelsJson,
  serializeRunJson,
  type ModelJsonRunInfo,
} from '../../core/formats/export-import-layout.js';
import {
  MODELS_FOLDER,
  readModelName,
  registeredModelFiles,
  TRASH_FOLDER,
  defaultArtifactLocation,
  defaultRunArtifactUri,
  encodeMetricFile,
  encodeRawValue,
  experimentFolder,
  experimentTagPath,
  findKeyPathConflict,
  metaPath,
  runFilePath,
  runFolder,
  serializeExperimentMeta,
  serializeRunMeta,
  type MetricPoints,
} from '../../core/formats/file-store/index.js';
import type { RegisteredModelRecord } from '../../core/registry/entities.js';
import type { BundleProgress } from './read-bundle.js';
import { planLoggedModelExport, runLinkFiles, writeExperimentMlflow3 } from './export-mlflow3.js';
import type { Dataset } from '../../core/datasets/entities.js';

/** The artifact root written by default: relative, so MLflow started in the unzip folder finds artifacts. */
export const DEFAULT_BUNDLE_ARTIFACT_ROOT = 'mlruns';

/** Options of {@link exportBundle}. */
export interface ExportBundleOptions {
  /** Experiments to export (all their runs). Default: every experiment. */
  readonly experimentIds?: readonly string[];
  /** Runs to export (with their experiments' metadata). Combined with `experimentIds` when both are given. */
  readonly runIds?: readonly string[];
  /** Include deleted experiments (under `.trash/`) and deleted runs. Default true. */
  readonly includeDeleted?: boolean;
  /** Include artifact files. Default true. */
  readonly includeArtifacts?: boolean;
  /** With `includeArtifacts`: which files to include (default all), e.g. to stay under a size. */
  readonly artifactFilter?: (runId: RunId, path: string) => boolean;
  /**
   * Include the whole model registry (default false): `mlruns/models/…` as MLflow's file registry
   * writes it (soft-deleted versions kept when the store's registry hands out whole records, see
   * `RegistryRecordExport`), or `models/<name>/model.json` + `models/models.json` in the
   * export-import format (live versions only, as that tool exports). A store without a registry
   * is refused with `NOT_IMPLEMENTED` before anything is written.
   */
  readonly includeModels?: boolean;
  /** `'mlflow'` (an `mlruns/` file-store tree, default) or `'export-import'` (mlflow-export-import). */
  readonly format?: 'mlflow' | 'export-import';
  /**
   * Artifact root written into `artifact_location`/`artifact_uri`: `<root>/<experiment>` and
   * `<root>/<experiment>/<run>/artifacts`. Default `mlruns` (relative: MLflow resolves it against
   * the folder it is started in). `null` keeps the URIs stored in the source store.
   */
  readonly artifactRoot?: string | null;
  /** Top folder of the tree in the zip. Default `mlruns` (`'export-import'`: none). */
  readonly rootFolder?: string;
  /** `'blob'` (default when `Blob` exists) or `'bytes'` (a `Uint8Array`). */
  readonly output?: 'blob' | 'bytes';
  /** Modification time stored in the zip. Default now. */
  readonly mtime?: Date;
  /** Called after each run is written, with how many are done of how many. */
  readonly onProgress?: (progress: BundleProgress) => void;
}

/** What {@link exportBundleTo} wrote. */
export interface ExportSummary {
  /** Experiments written. */
  readonly experiments: number;
  /** Runs written. */
  readonly runs: number;
  /** Metric points written. */
  readonly metricPoints: number;
  /** Artifact files written. */
  readonly artifacts: number;
  /** Registered models written. */
  readonly registeredModels: number;
  /** Zip entries (files and folders). */
  readonly entries: number;
}

const STORED_EXTENSIONS = /\.(zip|gz|tgz|bz2|xz|zst|7z|png|jpe?g|gif|webp|mp4|mp3|parquet|npz|pt|pth|onnx|pkl|h5|safetensors|bin|whl)$/iu;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** True when an artifact looks like text (deflated); binary and already-compressed files are stored. */
function looksLikeText(path: string, bytes: Uint8Array): boolean {
  if (STORED_EXTENSIONS.test(path)) return false;
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return false;
  try {
    UTF8.decode(head.length < bytes.length ? head.subarray(0, Math.max(0, head.length - 4)) : head);
    return true;
  } catch {
    return false;
  }
}

interface PlannedExperiment {
  readonly experiment: Experiment;
  readonly runs: Run[];
}

function assertKeysCoexist(keys: Iterable<string>, what: string, where: string): void {
  const conflict = findKeyPathConflict(keys);
  if (conflict) {
    throw EdgeflowError.invalidParameterValue(
      `Cannot export ${where}: ${what} keys ${describeValue(conflict[0])} and ${describeValue(conflict[1])} cannot both be files (the first would have to be a folder).`,
      { details: { where, keys: [...conflict] } },
    );
  }
}

async function plan(store: Store, options: ExportBundleOptions): Promise<PlannedExperiment[]> {
  const includeDeleted = options.includeDeleted ?? true;
  const experiments = new Map<ExperimentId, PlannedExperiment>();
  const wantAll = options.experimentIds === undefined && options.runIds === undefined;
  const experimentIds = wantAll ? (await collectPages((pageToken) => store.searchExperiments({ viewType: 'ALL', maxResults: 50_000, pageToken }))).map((e) => e.experimentId) : (options.experimentIds ?? []).map(parseExperimentId);
  for (const id of experimentIds) {
    const experiment = await store.getExperiment(id);
    if (experiment.lifecycleStage === 'deleted' && !includeDeleted) continue;
    const runs = (await collectPages((pageToken) => store.searchRuns({ experimentIds: [id], viewType: 'ALL', maxResults: 50_000, pageToken }))).filter((r) => includeDeleted || r.info.lifecycleStage === 'active');
    experiments.set(id, { experiment, runs });
  }
  for (const runId of (options.runIds ?? []).map(parseRunId)) {
    const run = await store.getRun(runId);
    let planned = experiments.get(run.info.experimentId);
    if (!planned) {
      planned = { experiment: await store.getExperiment(run.info.experimentId), runs: [] };
      experiments.set(run.info.experimentId, planned);
    }
    if (!planned.runs.some((r) => r.info.runId === runId)) planned.runs.push(run);
  }
  for (const { experiment, runs } of experiments.values()) {
    if (experiment.experimentId === MODELS_FOLDER || experiment.experimentId === TRASH_FOLDER) {
      throw EdgeflowError.invalidParameterValue(
        `Cannot export experiment id ${describeValue(experiment.experimentId)}: MLflow's file store reserves that folder name.`,
      );
    }
    assertKeysCoexist(Object.keys(experiment.tags), 'tag', `experiment ${experiment.experimentId}`);
    for (const run of runs) {
      const where = `run ${run.info.runId}`;
      assertKeysCoexist(Object.keys(run.data.params), 'param', where);
      assertKeysCoexist(Object.keys(run.data.tags), 'tag', where);
      assertKeysCoexist(Object.keys(run.data.metrics), 'metric', where);
    }
  }
  return [...experiments.values()];
}

/**
 * A zip entry given whole and deflated in one `deflateSync` call (level 6, as `zipSync` does):
 * fflate's streaming `ZipDeflate` would allocate a 2 MiB hash table and a 96 KiB window for each
 * entry, which for thousands of small files costs more than compressing them.
 */
class WholeDeflate extends ZipPassThrough {
  constructor(path: string) {
    super(path);
    this.compression = 8;
  }

  protected override process(chunk: Uint8Array<ArrayBuffer>, final: boolean): void {
    this.ondata(null, deflateSync(chunk, { level: 6 }), final);
  }
}

/** Writes zip entries through fflate's streaming `Zip`. */
class ZipWriter {
  private readonly zip: Zip;
  private error: unknown;
  entries = 0;

  constructor(
    write: (chunk: Uint8Array) => void,
    private readonly mtime: Date,
  ) {
    this.zip = new Zip((err, chunk) => {
      if (err) this.error = err;
      else write(chunk);
    });
  }

  private check(): void {
    if (this.error) throw EdgeflowError.internalError('Zip writing failed.', { cause: this.error });
  }

  text(path: string, text: string): void {
    this.deflate(path, encodeRawValue(text));
  }

  deflate(path: string, bytes: Uint8Array): void {
    const file = new WholeDeflate(path);
    file.mtime = this.mtime;
    file.os = 3;
    file.attrs = 0o100644 << 16;
    this.zip.add(file);
    file.push(bytes, true);
    this.entries++;
    this.check();
  }

  store(path: string, bytes: Uint8Array): void {
    const file = new ZipPassThrough(path);
    file.mtime = this.mtime;
    file.os = 3;
    file.attrs = 0o100644 << 16;
    this.zip.add(file);
    file.push(bytes, true);
    this.entries++;
    this.check();
  }

  folder(path: string): void {
    const file = new ZipPassThrough(path.endsWith('/') ? path : `${path}/`);
    file.mtime = this.mtime;
    file.os = 3;
    file.attrs = ((0o040755 << 16) | 0x10) >>> 0;
    this.zip.add(file);
    file.push(new Uint8Array(0), true);
    this.entries++;
    this.check();
  }

  end(): void {
    this.zip.end();
    this.check();
  }
}

/** The registry to export, checked (names, aliases, tag keys) before anything is written. */
async function planModels(store: Store): Promise<RegisteredModelRecord[]> {
  if (store.registry === undefined) {
    throw new EdgeflowError('NOT_IMPLEMENTED', 'Cannot export the model registry: this store has none (export without includeModels).');
  }
  const records = (await store.registry.exportRegisteredModels()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const record of records) {
    readModelName(record.name, `registered model ${describeValue(record.name)}`);
    registeredModelFiles(record);
  }
  return records;
}

async function metricPoints(store: Store, run: Run): Promise<MetricPoints[]> {
  const out: MetricPoints[] = [];
  for (const key of Object.keys(run.data.metrics)) {
    const series = await store.getMetricHistory(run.info.runId, key);
    out.push({ key, timestamps: series.timestamps, values: series.values, steps: series.steps });
  }
  return out;
}

/**
 * Exports to a sink, chunk by chunk, as the zip is produced (nothing is held twice).
 * @param store - The store to read.
 * @param write - Receives each chunk of the zip, in order (e.g. a file or a `WritableStream`'s writer).
 * @param options - What to export and in which layout (see {@link ExportBundleOptions}).
 * @returns what was written: experiments, runs, metric points, artifacts, models, zip entries
 * @throws `INVALID_PARAMETER_VALUE` before writing anything when keys cannot coexist on a file
 * system or an experiment id is a reserved folder name; `RESOURCE_DOES_NOT_EXIST` for unknown ids
 */
export async function exportBundleTo(
  store: Store,
  write: (chunk: Uint8Array) => void,
  options: ExportBundleOptions = {},
): Promise<ExportSummary> {
  parseInput(exportBundleOptionsSchema, options, 'bundle export options');
  const planned = await plan(store, options);
  const models = options.includeModels === true ? await planModels(store) : [];
  const format = options.format ?? 'mlflow';
  const loggedModels = format === 'mlflow' ? await planLoggedModelExport(store, planned.map((p) => p.experiment.experimentId), options.includeDeleted ?? true) : new Map<string, never[]>();
  const zip = new ZipWriter(write, options.mtime ?? new Date());
  const includeArtifacts = options.includeArtifacts ?? true;
  const artifactRoot = options.artifactRoot === undefined ? DEFAULT_BUNDLE_ARTIFACT_ROOT : options.artifactRoot;
  const total = planned.reduce((n, p) => n + p.runs.length, 0);
  let done = 0;
  let points = 0;
  let artifacts = 0;
  const exportTime = (options.mtime ?? new Date()).getTime();

  const writeFile = (path: string, bytes: Uint8Array): void => {
    if (looksLikeText(path, bytes)) zip.deflate(path, bytes);
    else zip.store(path, bytes);
  };
  const writeArtifacts = async (run: Run, prefix: string): Promise<void> => {
    if (!includeArtifacts) return;
    for (const { path } of await artifactFiles(store, run.info.runId)) {
      if (options.artifactFilter !== undefined && !options.artifactFilter(run.info.runId, path)) continue;
      writeFile(`${prefix}/${path}`, await store.getArtifact(run.info.runId, path));
      artifacts++;
    }
  };

  if (format === 'export-import') {
    const root = options.rootFolder === undefined ? 'experiments' : options.rootFolder;
    const base = root === '' ? '' : `${root}/`;
    const runInfo = new Map<string, ModelJsonRunInfo>();
    for (const { experiment, runs } of planned) {
      const dir = `${base}${experiment.experimentId}`;
      const location = artifactRoot === null ? experiment.artifactLocation : defaultArtifactLocation(artifactRoot, experiment.experimentId);
      zip.text(`${dir}/experiment.json`, serializeExperimentJson({ ...experiment, artifactLocation: location }, experiment.tags, runs.map((r) => r.info.runId), exportTime));
      for (const run of runs) {
        const metrics = await metricPoints(store, run);
        points += metrics.reduce((n, m) => n + m.values.length, 0);
        const artifactUri = artifactRoot === null ? run.info.artifactUri : defaultRunArtifactUri(location, run.info.runId);
        const runDir = `${dir}/runs/${run.info.runId}`;
        runInfo.set(run.info.runId, { artifactUri, experimentName: experiment.name });
        zip.text(`${runDir}/run.json`, serializeRunJson({ meta: { ...run.info, artifactUri }, params: run.data.params, tags: run.data.tags, metrics }, exportTime));
        await writeArtifacts(run, `${runDir}/artifacts`);
        options.onProgress?.({ phase: 'export', done: ++done, total });
      }
    }
    zip.text(
      `${base}experiments.json`,
      serializeExperimentsJson(planned.map((p) => ({ id: p.experiment.experimentId, name: p.experiment.name, runs: p.runs.length })), exportTime),
    );
    // mlflow-export-import's bulk layout: `models/<name>/model.json` next to `experiments/`.
    if (models.length > 0) {
      for (const model of models) zip.text(`models/${model.name}/model.json`, serializeModelJson(model, exportTime, (id) => runInfo.get(id)));
      zip.text('models/models.json', serializeModelsJson(models.map((m) => m.name), exportTime));
    }
  } else {
    const root = options.rootFolder === undefined ? 'mlruns' : options.rootFolder;
    const base = root === '' ? '' : `${root}/`;
    if (root !== '') zip.folder(root);
    zip.folder(`${base}${TRASH_FOLDER}`);
    for (const { experiment, runs } of planned) {
      const folder = base + experimentFolder(experiment.experimentId, experiment.lifecycleStage);
      const location = artifactRoot === null ? experiment.artifactLocation : defaultArtifactLocation(artifactRoot, experiment.experimentId);
      // MLflow adds a stale `tags:` map whenever it rewrites the file (rename, delete, restore).
      const rewritten = experiment.lifecycleStage === 'deleted' || experiment.lastUpdateTime !== experiment.creationTime;
      zip.text(
        metaPath(folder),
        serializeExperimentMeta({ ...experiment, artifactLocation: location }, rewritten ? { staleTags: experiment.tags } : {}),
      );
      for (const [key, value] of Object.entries(experiment.tags)) zip.text(experimentTagPath(folder, key), value);
      const datasets = new Map<string, Dataset>();
      for (const run of runs) {
        const dir = runFolder(folder, run.info.runId);
        const artifactUri = artifactRoot === null ? run.info.artifactUri : defaultRunArtifactUri(location, run.info.runId);
        zip.text(metaPath(dir), serializeRunMeta({ ...run.info, artifactUri }));
        zip.folder(`${dir}/metrics`);
        zip.folder(`${dir}/params`);
        zip.folder(`${dir}/tags`);
        zip.folder(`${dir}/artifacts`);
        for (const [key, value] of Object.entries(run.data.params)) zip.text(runFilePath(dir, 'params', key), value);
        for (const [key, value] of Object.entries(run.data.tags)) zip.text(runFilePath(dir, 'tags', key), value);
        for (const m of await metricPoints(store, run)) {
          zip.deflate(runFilePath(dir, 'metrics', m.key), encodeMetricFile(m));
          points += m.values.length;
        }
        await writeArtifacts(run, `${dir}/artifacts`);
        for (const file of runLinkFiles(run, dir, datasets)) zip.text(file.path, file.text);
        options.onProgress?.({ phase: 'export', done: ++done, total });
      }
      const records = loggedModels.get(experiment.experimentId) ?? [];
      const sink = { text: (path: string, text: string) => zip.text(path, text), file: writeFile };
      artifacts += await writeExperimentMlflow3(store, folder, records, datasets, artifactRoot === null ? null : location, includeArtifacts, sink);
    }
    if (options.includeModels === true) {
      zip.folder(`${base}${MODELS_FOLDER}`);
      for (const model of models) for (const file of registeredModelFiles(model)) zip.text(base + file.path, file.text);
    }
  }
  zip.end();
  return { experiments: planned.length, runs: total, metricPoints: points, artifacts, registeredModels: models.length, entries: zip.entries };
}

/**
 * Exports experiments and runs as a zip: by default an `mlruns/` tree that
 * `mlflow ui --backend-store-uri ./mlruns`, started in the folder where the zip is extracted, reads
 * with its artifacts.
 * @param store - The store to read.
 * @param options - What to export, the layout, and `output: 'bytes'` for a `Uint8Array`.
 * @returns a `Blob` (default where `Blob` exists) or a `Uint8Array` (`output: 'bytes'`)
 * @throws as {@link exportBundleTo}
 * @example
 * ```ts
 * const zip = await exportBundle(store, { experimentIds: ['1'] });
 * ```
 */
export async function exportBundle(store: Store, options: ExportBundleOptions & { output: 'bytes' }): Promise<Uint8Array>;
export async function exportBundle(store: Store, options?: ExportBundleOptions): Promise<Blob | Uint8Array>;
export async function exportBundle(store: Store, options: ExportBundleOptions = {}): Promise<Blob | Uint8Array> {
  const chunks: Uint8Array[] = [];
  await exportBundleTo(store, (chunk) => chunks.push(chunk), options);
  const output = options.output ?? (typeof Blob !== 'undefined' ? 'blob' : 'bytes');
  if (output === 'blob') return new Blob(chunks as BlobPart[], { type: 'application/zip' });
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
