/**
 * A read-only Store over a zip bundle (a Blob, bytes, or a URL fetched once). Metadata, params,
 * tags and metric histories are parsed when the store opens; artifact entries are inflated only
 * when read. Every write is rejected with `PERMISSION_DENIED`. The model registry, when the bundle
 * has one, is read through `store.registry`.
 * @module
 */
import { checkReadBundleOptions } from './bundle-options.js';
import {
  compareMetricRecency,
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
import { artifactFileNotFound, experimentNotFound, runNotFound } from '../../core/rules.js';
import { searchExperimentList, searchRunList } from '../../core/search/index.js';
import type {
  SearchExperimentsQuery,
  SearchRunsQuery,
  Store,
  StoreCapabilities,
} from '../../core/store.js';
import type { ArtifactEntry, MetricPoints } from '../../core/formats/file-store/index.js';
import type { GuardedZip } from '../../core/formats/zip-guard.js';
import { readBundle, type ParsedBundle, type ReadBundleOptions } from './read-bundle.js';
import { asResourceExhausted } from '../../core/formats/decode-budget.js';
import { RegistryService } from '../../core/registry/registry-service.js';
import { ReadOnlyRegistryRecords } from './registry-records.js';
import { ReadOnlyLoggedModelRecords, listArtifactEntries } from './bundle-logged-models.js';
import { LoggedModelService } from '../../core/logged-models/logged-model-service.js';

const CAPABILITIES: StoreCapabilities = { readOnly: true, atomicBatches: true, crossContextEvents: false, orderedWrites: false, snapshots: false };

interface StoredRun {
  readonly run: Run;
  readonly metrics: Map<string, MetricPoints>;
  readonly artifacts: Map<string, ArtifactEntry>;
}

function freezeRun(
  info: RunInfo,
  params: Record<string, string>,
  tags: Record<string, string>,
  metrics: readonly MetricPoints[],
  links: Pick<Run, 'inputs' | 'outputs'>,
): Run {
  const latest = dict<Metric>();
  const values = dict<number>();
  for (const m of metrics) {
    let best = -1;
    for (let i = 0; i < m.values.length; i++) {
      if (best === -1 || compareMetricRecency(m.steps[i]!, m.timestamps[i]!, m.values[i]!, m.steps[best]!, m.timestamps[best]!, m.values[best]!) > 0) best = i;
    }
    if (best === -1) continue;
    latest[m.key] = Object.freeze({ key: m.key, value: m.values[best]!, timestamp: m.timestamps[best]!, step: m.steps[best]! });
    values[m.key] = m.values[best]!;
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

  private constructor(bundle: ParsedBundle) {
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
        this.__runs.set(r.meta.runId, {
          run: freezeRun(info, r.params, r.tags, r.metrics, r),
          metrics: new Map(r.metrics.map((m) => [m.key, m])),
          artifacts: new Map(r.artifacts.map((a) => [a.path, a])),
        });
        ids.push(r.meta.runId);
      }
      this.__runsByExperiment.set(id, ids);
    }
  }

  /**
   * Opens a bundle: a Blob, bytes, or a URL fetched once. The zip goes through the zip guard and
   * every metadata file is validated here, within `options.limits` (`DEFAULT_BUNDLE_LIMITS`).
   * @throws `INVALID_PARAMETER_VALUE` naming the offending entry; `RESOURCE_EXHAUSTED` when the
   * bundle needs more memory than its limits allow (or memory runs out anyway).
   */
  static async open(source: Blob | Uint8Array | ArrayBuffer | string | URL, options: ReadBundleOptions = {}): Promise<BundleStore> {
    checkReadBundleOptions(options);
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
    const bundle = await readBundle(input, options);
    try {
      return new BundleStore(bundle);
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

  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    const m = this.__run(runId).metrics.get(key);
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
