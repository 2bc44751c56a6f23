/**
 * A read-only Store over a zip bundle (a Blob, bytes, or a URL fetched once). Metadata, params,
 * tags and each metric's latest point are read when the store opens; a metric history is parsed
 * when first asked for (see {@link BundleMetrics}), artifact entries are inflated only when read. Every write is rejected with `PERMISSION_DENIED`. The model registry, when the bundle
 * has one, is read through `store.registry`.
 * @module
 */
import { parseInput } from '../../core/schemas.js';
import { bundleStoreOptionsSchema } from './bundle-options.js';
import {
  dict,
  type Experiment,
  type FileInfo,
  type Metric,
  type MetricSeries,
  type Page,
  type Run,
  type RunInfo,
} from '../../core/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { ExperimentId, RunId } from '../../core/ids.js';
import { artifactFileNotFound, experimentNotFound, latestOf, runNotFound } from '../../core/rules.js';
import { searchExperimentList, searchRunList } from '../../core/search/index.js';
import type {
  SearchExperimentsQuery,
  SearchRunsQuery,
  Store,
  StoreCapabilities,
} from '../../core/store.js';
import type { ArtifactEntry, MetricPoints, RunRecord } from '../../core/formats/file-store/index.js';
import type { GuardedZip } from '../../core/formats/zip-guard.js';
import { readBundle, type ParsedBundle, type ReadBundleOptions } from './read-bundle.js';
import { asResourceExhausted } from '../../core/formats/decode-budget.js';
import { RegistryService } from '../../core/registry/registry-service.js';
import { ReadOnlyRegistryRecords } from './registry-records.js';
import { ReadOnlyLoggedModelRecords, listArtifactEntries } from './bundle-logged-models.js';
import { LoggedModelService } from '../../core/logged-models/logged-model-service.js';
import { BundleMetrics, type BundleMetricsOptions } from './bundle-metrics.js';

const CAPABILITIES: StoreCapabilities = { readOnly: true, atomicBatches: true, crossContextEvents: false, orderedWrites: false, snapshots: false };

/** Options of {@link BundleStore.open}. */
export interface BundleStoreOptions extends ReadBundleOptions, Pick<BundleMetricsOptions, 'historyCacheBytes'> {}

interface StoredRun {
  readonly run: Run;
  /** Each metric's points (read at open from an mlflow-export-import bundle), or its zip entry. */
  readonly metrics: Map<string, MetricPoints | string>;
  readonly artifacts: Map<string, ArtifactEntry>;
}

/** The latest point of each metric of a run; a file-store run's files are scanned, not parsed. */
async function latestMetrics(run: RunRecord, prefix: string, metrics: BundleMetrics): Promise<Metric[]> {
  const latest: (Metric | undefined)[] = run.metrics.map((m) => latestOf(undefined, m));
  for (const { key, file } of run.metricFiles ?? []) latest.push(await metrics.latest(prefix + file.path, key));
  return latest.filter((m) => m !== undefined);
}

function freezeRun(
  info: RunInfo,
  params: Record<string, string>,
  tags: Record<string, string>,
  metrics: readonly Metric[],
  links: Pick<Run, 'inputs' | 'outputs'>,
): Run {
  const latest = dict<Metric>();
  const values = dict<number>();
  for (const m of metrics) {
    latest[m.key] = Object.freeze({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step });
    values[m.key] = m.value;
  }
  return Object.freeze({
    info: Object.freeze({ ...info }),
    data: Object.freeze({
      metrics: Object.freeze(values),
      latestMetrics: Object.freeze(latest),
      params: Object.freeze(dict(Object.entries(params))),
      tags: Object.freeze(dict(Object.entries(tags))),
    }),
    ...(links.inputs === undefined ? {} : { inputs: links.inputs }),
    ...(links.outputs === undefined ? {} : { outputs: links.outputs }),
  });
}

/** A read-only {@link Store} over a zip bundle in either layout. */
export class BundleStore implements Store {
  readonly capabilities = CAPABILITIES;
  /**
   * The bundle's model registry (empty when it has none): every read of core's registry service,
   * over the bundle's records; every write is refused with `PERMISSION_DENIED`.
   */
  readonly registry: RegistryService;
  /**
   * The bundle's MLflow 3 logged models (none when it has none): every read of core's logged-model
   * service, files read from the zip; every write is refused with `PERMISSION_DENIED`.
   */
  readonly loggedModels: LoggedModelService;
  private readonly __experiments = new Map<ExperimentId, Experiment>();
  private readonly __runs = new Map<RunId, StoredRun>();
  private readonly __runsByExperiment = new Map<ExperimentId, RunId[]>();
  private readonly __zip: GuardedZip;
  private readonly __prefix: string;
  private __closed = false;
  readonly #metrics: BundleMetrics;

  private constructor(bundle: ParsedBundle, metrics: BundleMetrics, latest: ReadonlyMap<RunRecord, readonly Metric[]>) {
    this.#metrics = metrics;
    this.__zip = bundle.zip;
    this.__prefix = bundle.prefix;
    this.registry = new RegistryService(new ReadOnlyRegistryRecords(bundle.snapshot.registeredModels.map((m) => m.record)));
    const models = bundle.snapshot.experiments.flatMap((e) => e.loggedModels);
    this.loggedModels = new LoggedModelService(
      new ReadOnlyLoggedModelRecords(models, (entry) => this.__zip.read(this.__prefix + entry)),
      (id) => this.getExperiment(id as ExperimentId),
      () => undefined,
    );
    for (const exp of bundle.snapshot.experiments) {
      const id = exp.meta.experimentId;
      this.__experiments.set(id, Object.freeze({ ...exp.meta, tags: Object.freeze(dict(Object.entries(exp.tags))) }));
      const ids: RunId[] = [];
      for (const r of exp.runs) {
        const info: RunInfo = { ...r.meta, runName: r.runName };
        const files = (r.metricFiles ?? []).map(({ key, file }): [string, string] => [key, this.__prefix + file.path]);
        this.__runs.set(r.meta.runId, {
          run: freezeRun(info, r.params, r.tags, latest.get(r) ?? [], r),
          metrics: new Map<string, MetricPoints | string>([...r.metrics.map((m): [string, MetricPoints] => [m.key, m]), ...files]),
          artifacts: new Map(r.artifacts.map((a) => [a.path, a])),
        });
        ids.push(r.meta.runId);
      }
      this.__runsByExperiment.set(id, ids);
    }
  }

  /**
   * Opens a bundle: a Blob, bytes, or a URL fetched once. The zip goes through the zip guard and
   * every metadata file is validated here, within `options.limits` (`DEFAULT_BUNDLE_LIMITS`); each
   * metric file is scanned for its latest point, and parsed only when its history is asked for.
   * @throws `INVALID_PARAMETER_VALUE` naming the offending entry; `RESOURCE_EXHAUSTED` when the
   * bundle needs more memory than its limits allow (or memory runs out anyway).
   */
  static async open(source: Blob | Uint8Array | ArrayBuffer | string | URL, options: BundleStoreOptions = {}): Promise<BundleStore> {
    parseInput(bundleStoreOptionsSchema, options, 'BundleStore options');
    let input: Blob | Uint8Array | ArrayBuffer;
    if (typeof source === 'string' || source instanceof URL) {
      const response = await fetch(source);
      if (!response.ok) {
        throw EdgeflowError.resourceDoesNotExist(`Cannot fetch bundle ${describeValue(String(source))}: HTTP ${response.status}.`);
      }
      try {
        input = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw asResourceExhausted(error, `the bundle at ${describeValue(String(source))}`);
      }
    } else {
      input = source;
    }
    // Progress counts runs once their metrics are scanned, the bulk of opening.
    const { limits, maxLineLength, onMismatch, onProgress } = options;
    const bundle = await readBundle(input, { limits, maxLineLength, onMismatch }, 'list');
    const metrics = new BundleMetrics(bundle.zip, bundle.budget, options);
    const latest = new Map<RunRecord, readonly Metric[]>();
    for (const experiment of bundle.snapshot.experiments) {
      for (const run of experiment.runs) {
        latest.set(run, await latestMetrics(run, bundle.prefix, metrics));
        onProgress?.({ phase: 'read', done: latest.size });
      }
    }
    try {
      return new BundleStore(bundle, metrics, latest);
    } catch (error) {
      throw asResourceExhausted(error, 'the bundle');
    }
  }

  private __denied(operation: string): never {
    throw new EdgeflowError('PERMISSION_DENIED', `A bundle store is read-only: cannot ${operation}.`, {
      details: { operation },
    });
  }

  private __run(runId: RunId): StoredRun {
    const stored = this.__runs.get(runId);
    if (!stored) throw runNotFound(runId);
    return stored;
  }

  // ---- reads

  async getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    const experiment = this.__experiments.get(experimentId);
    if (!experiment) throw experimentNotFound(experimentId);
    return experiment;
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    for (const e of this.__experiments.values()) if (e.name === name) return e;
    return null;
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    return searchExperimentList(this.__experiments.values(), query);
  }

  async getRun(runId: RunId): Promise<Run> {
    return this.__run(runId).run;
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const runs: Run[] = [];
    for (const id of query.experimentIds) for (const runId of this.__runsByExperiment.get(id) ?? []) runs.push(this.__runs.get(runId)!.run);
    return searchRunList(runs, query);
  }

  /**
   * A metric's points, parsed from its file the first time they are asked for.
   * @throws `INVALID_PARAMETER_VALUE` naming the file and line when the metric file is malformed;
   * `RESOURCE_EXHAUSTED` when its points do not fit the bundle's `maxDecodedBytes`.
   */
  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    const source = this.__run(runId).metrics.get(key);
    const m = typeof source === 'string' ? await this.#metrics.history(source, key) : source;
    if (!m) return { key, steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
    return { key, steps: m.steps.slice(), timestamps: m.timestamps.slice(), values: m.values.slice() };
  }

  async listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    return listArtifactEntries(this.__run(runId).artifacts, path);
  }

  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    const entry = this.__run(runId).artifacts.get(path);
    if (!entry) throw artifactFileNotFound(runId, path);
    return this.__zip.read(this.__prefix + entry.entry);
  }

  // ---- writes: rejected

  async createExperiment(): Promise<ExperimentId> {
    return this.__denied('create an experiment');
  }
  async renameExperiment(): Promise<void> {
    this.__denied('rename an experiment');
  }
  async deleteExperiment(): Promise<void> {
    this.__denied('delete an experiment');
  }
  async restoreExperiment(): Promise<void> {
    this.__denied('restore an experiment');
  }
  async setExperimentTag(): Promise<void> {
    this.__denied('set an experiment tag');
  }
  async deleteExperimentTag(): Promise<void> {
    this.__denied('delete an experiment tag');
  }
  async purgeExperiment(): Promise<void> {
    this.__denied('purge an experiment');
  }
  async createRun(): Promise<Run> {
    return this.__denied('create a run');
  }
  async updateRun(): Promise<RunInfo> {
    return this.__denied('update a run');
  }
  async deleteRun(): Promise<void> {
    this.__denied('delete a run');
  }
  async restoreRun(): Promise<void> {
    this.__denied('restore a run');
  }
  async purgeRun(): Promise<void> {
    this.__denied('purge a run');
  }
  async logBatch(): Promise<void> {
    this.__denied('log metrics, params or tags');
  }
  async deleteTag(): Promise<void> {
    this.__denied('delete a tag');
  }
  async putArtifact(): Promise<void> {
    this.__denied('write an artifact');
  }
  async deleteArtifact(): Promise<void> {
    this.__denied('delete an artifact');
  }

  // ---- lifecycle

  subscribe(): () => void {
    return () => undefined;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {
    this.__closed = true;
  }
  /** True after {@link BundleStore.close}. */
  get closed(): boolean {
    return this.__closed;
  }
}
