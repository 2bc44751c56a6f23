/**
 * The reference {@link Store}: everything in memory, all rules from core. Every other backend must
 * behave exactly like it (the conformance suite checks).
 * @module edgeflow/storage/memory
 */
import {
  dict,
  hasKey,
  type Dict,
  type Experiment,
  type FileInfo,
  type KeyValue,
  type Metric,
  type MetricSeries,
  type Page,
  type Run,
  type RunInfo,
} from '../../core/entities.js';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, newExperimentId, newRunId, type ExperimentId, type RunId } from '../../core/ids.js';
import { MetricBuffer, emptySeries } from '../../core/metric-buffer.js';
import {
  KeyIndex,
  assertExperimentActive,
  assertExperimentDeletable,
  assertExperimentNameFree,
  assertExperimentRestorable,
  assertExperimentTagExists,
  assertNoKeyConflicts,
  assertRunActive,
  assertRunTagExists,
  experimentIdTaken,
  experimentNotFound,
  initialRunTags,
  latestOf,
  newExperiment,
  newParamsOf,
  newRunInfo,
  runIdTaken,
  runNotFound,
} from '../../core/rules.js';
import { searchExperimentList, searchRunList } from '../../core/search/index.js';
import type {
  ArtifactData,
  CreateExperimentInput,
  CreateRunInput,
  DeleteOptions,
  LogBatchInput,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Store,
  StoreCapabilities,
  StoreChange,
  UpdateRunInput,
} from '../../core/store.js';
import { runDataChange } from '../../core/store.js';
import { SystemTag } from '../../core/system-tags.js';
import { assertHistoryIndex } from '../../core/validation.js';
import { ChangeEmitter } from '../change-emitter.js';
import { ArtifactTree, toBytes } from '../artifact-tree.js';
import { RegistryService } from '../../core/registry/registry-service.js';
import { MemoryRegistryRecords } from './memory-registry-records.js';
import type { LogInputsInput, RunInputs } from '../../core/datasets/entities.js';
import { addRunInputs } from '../../core/datasets/run-inputs.js';
import { LoggedModelService } from '../../core/logged-models/logged-model-service.js';
import { appendModelMetricLines, modelMetricLines } from '../../core/logged-models/metrics.js';
import { withModelOutputs } from '../../core/logged-models/outputs.js';
import type { ModelOutput } from '../../core/datasets/entities.js';
import { MemoryLoggedModelRecords } from './memory-logged-model-records.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Artifact root URI that experiment artifact locations are made from. Default `memory://artifacts`. */
  readonly artifactRoot?: string;
}

interface ExperimentRecord {
  experiment: Experiment;
  runIds: Set<RunId>;
}

interface RunRecord {
  info: RunInfo;
  params: Dict<string>;
  tags: Dict<string>;
  latest: Dict<Metric>;
  history: Map<string, MetricBuffer>;
  paramKeys: KeyIndex;
  tagKeys: KeyIndex;
  metricKeys: KeyIndex;
  artifacts: ArtifactTree;
  outputs: readonly ModelOutput[];
  /** Immutable view handed out until the next write. */
  snapshot: Run | undefined;
  /** MLflow 3 dataset and model inputs (none: undefined). */
  inputs?: RunInputs | undefined;
}

const CAPABILITIES: StoreCapabilities = { readOnly: false, atomicBatches: true, crossContextEvents: false, orderedWrites: true, snapshots: true };

/** A {@link Store} held in memory. Data lives as long as the object. */
export class MemoryStore implements Store {
  readonly capabilities = CAPABILITIES;
  /** The model registry, in memory too. */
  readonly registry: RegistryService;
  /** MLflow 3 logged models, in memory too. */
  readonly loggedModels: LoggedModelService;
  readonly #models = new MemoryLoggedModelRecords();
  readonly #experiments = new Map<ExperimentId, ExperimentRecord>();
  readonly #runs = new Map<RunId, RunRecord>();
  readonly #events = new ChangeEmitter();
  readonly #artifactRoot: string;

  constructor(options: MemoryStoreOptions = {}) {
    this.#artifactRoot = (options.artifactRoot ?? 'memory://artifacts').replace(/\/+$/u, '');
    this.registry = new RegistryService(new MemoryRegistryRecords(), (change) => this.#emit(change));
    this.loggedModels = new LoggedModelService(this.#models, (id) => this.getExperiment(id as ExperimentId), (change) => this.#emit(change));
    const defaultExperiment = newExperiment({ name: DEFAULT_EXPERIMENT_NAME }, DEFAULT_EXPERIMENT_ID, `${this.#artifactRoot}/${DEFAULT_EXPERIMENT_ID}`);
    this.#experiments.set(DEFAULT_EXPERIMENT_ID, { experiment: freezeExperiment(defaultExperiment), runIds: new Set() });
  }

  // ----------------------------------------------------------------------------------- experiments

  async createExperiment(input: CreateExperimentInput): Promise<ExperimentId> {
    this.#assertNameFree(input.name);
    const experimentId = input.experimentId ?? this.#freshExperimentId();
    if (this.#experiments.has(experimentId)) throw experimentIdTaken(experimentId);
    const artifactLocation = input.artifactLocation ?? `${this.#artifactRoot}/${experimentId}`;
    this.#experiments.set(experimentId, { experiment: freezeExperiment(newExperiment(input, experimentId, artifactLocation)), runIds: new Set() });
    this.#emit({ kind: 'experiment', experimentId });
    return experimentId;
  }

  async getExperiment(experimentId: ExperimentId): Promise<Experiment> {
    return this.#experiment(experimentId).experiment;
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    return this.#experimentNamed(name);
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    return searchExperimentList(Array.from(this.#experiments.values(), (r) => r.experiment), query);
  }

  async renameExperiment(experimentId: ExperimentId, newName: string): Promise<void> {
    const record = this.#experiment(experimentId);
    assertExperimentActive(record.experiment, 'rename');
    if (record.experiment.name === newName) return;
    this.#assertNameFree(newName);
    this.#updateExperiment(record, { name: newName, lastUpdateTime: Date.now() });
  }

  async deleteExperiment(experimentId: ExperimentId, options: DeleteOptions = {}): Promise<void> {
    assertExperimentDeletable(experimentId);
    const record = this.#experiment(experimentId);
    assertExperimentActive(record.experiment, 'delete it');
    const now = options.deletedTime ?? Date.now();
    for (const runId of record.runIds) {
      const run = this.#runs.get(runId)!;
      if (run.info.lifecycleStage === 'active') this.#updateInfo(run, { lifecycleStage: 'deleted', deletedTime: now });
    }
    this.#updateExperiment(record, { lifecycleStage: 'deleted', lastUpdateTime: now });
  }

  async restoreExperiment(experimentId: ExperimentId): Promise<void> {
    const record = this.#experiment(experimentId);
    assertExperimentRestorable(record.experiment);
    for (const runId of record.runIds) {
      const run = this.#runs.get(runId)!;
      if (run.info.lifecycleStage === 'deleted') this.#updateInfo(run, { lifecycleStage: 'active', deletedTime: null });
    }
    this.#updateExperiment(record, { lifecycleStage: 'active', lastUpdateTime: Date.now() });
  }

  async setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void> {
    const record = this.#experiment(experimentId);
    assertExperimentActive(record.experiment, 'set a tag');
    const tags = dict(Object.entries(record.experiment.tags));
    tags[tag.key] = tag.value;
    this.#updateExperiment(record, { tags });
  }

  async deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void> {
    const record = this.#experiment(experimentId);
    assertExperimentActive(record.experiment, 'delete a tag');
    assertExperimentTagExists(experimentId, record.experiment.tags, key);
    const tags = dict(Object.entries(record.experiment.tags).filter(([k]) => k !== key));
    this.#updateExperiment(record, { tags });
  }

  async purgeExperiment(experimentId: ExperimentId): Promise<void> {
    const record = this.#experiment(experimentId);
    for (const runId of record.runIds) this.#runs.delete(runId);
    this.#models.purgeExperiment(experimentId);
    this.#experiments.delete(experimentId);
    this.#emit({ kind: 'experiment', experimentId });
  }

  // ------------------------------------------------------------------------------------------ runs

  async createRun(input: CreateRunInput): Promise<Run> {
    const experimentRecord = this.#experiment(input.experimentId);
    assertExperimentActive(experimentRecord.experiment, 'create a run');
    const runId = input.runId ?? newRunId();
    if (this.#runs.has(runId)) throw runIdTaken(runId);
    const tags = initialRunTags(input);
    const record: RunRecord = {
      info: newRunInfo(input, runId, input.artifactUri ?? `${experimentRecord.experiment.artifactLocation}/${runId}/artifacts`),
      params: dict(),
      tags,
      latest: dict(),
      history: new Map(),
      paramKeys: new KeyIndex(),
      tagKeys: new KeyIndex(Object.keys(tags)),
      metricKeys: new KeyIndex(),
      artifacts: new ArtifactTree(),
      outputs: [],
      snapshot: undefined,
    };
    this.#runs.set(runId, record);
    experimentRecord.runIds.add(runId);
    this.#emit({ kind: 'run', runId, experimentId: input.experimentId });
    return this.#snapshot(record);
  }

  async getRun(runId: RunId): Promise<Run> {
    return this.#snapshot(this.#run(runId));
  }

  async updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    const changes: Partial<RunInfo> = {};
    if (update.status !== undefined) (changes as { status: RunInfo['status'] }).status = update.status;
    if (update.endTime !== undefined) (changes as { endTime: number | null }).endTime = update.endTime;
    if (update.runName !== undefined && update.runName !== '') {
      (changes as { runName: string }).runName = update.runName;
      record.tags[SystemTag.RUN_NAME] = update.runName;
    }
    this.#updateInfo(record, changes);
    return record.info;
  }

  async deleteRun(runId: RunId, options: DeleteOptions = {}): Promise<void> {
    const record = this.#run(runId);
    this.#updateInfo(record, { lifecycleStage: 'deleted', deletedTime: options.deletedTime ?? Date.now() });
  }

  async restoreRun(runId: RunId): Promise<void> {
    const record = this.#run(runId);
    this.#updateInfo(record, { lifecycleStage: 'active', deletedTime: null });
  }

  async purgeRun(runId: RunId): Promise<void> {
    const record = this.#run(runId);
    this.#runs.delete(runId);
    this.#experiments.get(record.info.experimentId)?.runIds.delete(runId);
    this.#emit({ kind: 'run', runId, experimentId: record.info.experimentId });
  }

  async logBatch(runId: RunId, batch: LogBatchInput): Promise<void> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    const params = newParamsOf(runId, record.params, batch.params ?? []);
    const metrics = batch.metrics ?? [];
    const tags = batch.tags ?? [];
    assertNoKeyConflicts('param', record.paramKeys, params.map((p) => p.key));
    assertNoKeyConflicts('metric', record.metricKeys, metrics.map((m) => m.key));
    assertNoKeyConflicts('tag', record.tagKeys, tags.map((t) => t.key));
    const modelLines = modelMetricLines(runId, metrics);
    const models = appendModelMetricLines(this.#models.current(modelLines.keys()), modelLines);
    if (params.length === 0 && metrics.length === 0 && tags.length === 0) return;

    for (const { key, value } of params) {
      record.params[key] = value;
      record.paramKeys.add(key);
    }
    for (const columns of metrics) {
      let buffer = record.history.get(columns.key);
      if (buffer === undefined) {
        buffer = new MetricBuffer(columns.key, Math.max(64, columns.values.length));
        record.history.set(columns.key, buffer);
        record.metricKeys.add(columns.key);
      }
      buffer.pushColumns(columns);
      const latest = latestOf(hasKey(record.latest, columns.key) ? record.latest[columns.key] : undefined, columns);
      if (latest !== undefined) record.latest[columns.key] = latest;
    }
    let renamed: string | undefined;
    for (const { key, value } of tags) {
      record.tags[key] = value;
      record.tagKeys.add(key);
      if (key === SystemTag.RUN_NAME) renamed = value;
    }
    this.#models.put(models);
    record.snapshot = undefined;
    if (renamed !== undefined) this.#updateInfo(record, { runName: renamed });
    this.#emit(runDataChange(runId, record.info.experimentId, { metrics, params, tags }));
    for (const model of models) this.#emit({ kind: 'logged-model', modelId: model.modelId, experimentId: model.experimentId });
  }

  async logOutputs(runId: RunId, outputs: readonly ModelOutput[]): Promise<void> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    const merged = withModelOutputs(record.outputs, outputs);
    if (merged === record.outputs) return;
    record.outputs = merged;
    record.snapshot = undefined;
    this.#emit({ kind: 'run', runId, experimentId: record.info.experimentId });
  }

  async logInputs(runId: RunId, inputs: LogInputsInput): Promise<void> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    const next = addRunInputs(record.inputs, inputs);
    if (next === record.inputs) return;
    record.inputs = next;
    record.snapshot = undefined;
    this.#emit({ kind: 'run', runId, experimentId: record.info.experimentId });
  }

  async deleteTag(runId: RunId, key: string): Promise<void> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    assertRunTagExists(runId, record.tags, key);
    delete record.tags[key];
    record.tagKeys.delete(key);
    record.snapshot = undefined;
    this.#emit(runDataChange(runId, record.info.experimentId, { tags: [{ key }] }));
  }

  async getMetricHistory(runId: RunId, key: string): Promise<MetricSeries> {
    const buffer = this.#run(runId).history.get(key);
    return buffer === undefined ? emptySeries(key) : buffer.toColumns();
  }

  async getMetricHistoryFrom(runId: RunId, key: string, fromIndex: number): Promise<MetricSeries> {
    assertHistoryIndex(fromIndex);
    const buffer = this.#run(runId).history.get(key);
    return buffer === undefined ? emptySeries(key) : buffer.columnsFrom(fromIndex);
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const wanted = new Set(query.experimentIds);
    const candidates: Run[] = [];
    for (const id of wanted) {
      const record = this.#experiments.get(id);
      if (record === undefined) continue;
      for (const runId of record.runIds) candidates.push(this.#snapshot(this.#runs.get(runId)!));
    }
    return searchRunList(candidates, query);
  }

  // ------------------------------------------------------------------------------------- artifacts

  async putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    const bytes = await toBytes(data);
    record.artifacts.put(path, bytes);
    this.#emit({ kind: 'artifacts', runId, path });
  }

  async listArtifacts(runId: RunId, path: string): Promise<FileInfo[]> {
    return this.#run(runId).artifacts.list(path);
  }

  async getArtifact(runId: RunId, path: string): Promise<Uint8Array> {
    return this.#run(runId).artifacts.get(runId, path).slice();
  }

  async deleteArtifact(runId: RunId, path: string): Promise<void> {
    const record = this.#run(runId);
    assertRunActive(record.info);
    record.artifacts.delete(runId, path);
    this.#emit({ kind: 'artifacts', runId, path });
  }

  // ------------------------------------------------------------------------------------- lifecycle

  subscribe(listener: (change: StoreChange) => void): () => void {
    return this.#events.subscribe(listener);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.#events.clear();
  }

  // --------------------------------------------------------------------------------------- helpers

  #emit(change: StoreChange): void {
    this.#events.emit(change);
  }

  #experiment(experimentId: ExperimentId): ExperimentRecord {
    const record = this.#experiments.get(experimentId);
    if (record === undefined) throw experimentNotFound(experimentId);
    return record;
  }

  #run(runId: RunId): RunRecord {
    const record = this.#runs.get(runId);
    if (record === undefined) throw runNotFound(runId);
    return record;
  }

  #assertNameFree(name: string): void {
    assertExperimentNameFree(name, this.#experimentNamed(name));
  }

  #experimentNamed(name: string): Experiment | null {
    for (const { experiment } of this.#experiments.values()) if (experiment.name === name) return experiment;
    return null;
  }

  #freshExperimentId(): ExperimentId {
    let id = newExperimentId();
    while (this.#experiments.has(id)) id = newExperimentId();
    return id;
  }

  #updateExperiment(record: ExperimentRecord, changes: Partial<Experiment>): void {
    record.experiment = freezeExperiment({ ...record.experiment, ...changes });
    this.#emit({ kind: 'experiment', experimentId: record.experiment.experimentId });
  }

  #updateInfo(record: RunRecord, changes: Partial<RunInfo>): void {
    record.info = Object.freeze({ ...record.info, ...changes });
    record.snapshot = undefined;
    this.#emit({ kind: 'run', runId: record.info.runId, experimentId: record.info.experimentId });
  }

  #snapshot(record: RunRecord): Run {
    if (record.snapshot === undefined) {
      const metrics = dict<number>();
      const latestMetrics = dict<Metric>();
      for (const key of Object.keys(record.latest)) {
        const metric = record.latest[key]!;
        metrics[key] = metric.value;
        latestMetrics[key] = metric;
      }
      record.snapshot = Object.freeze({
        info: record.info,
        data: Object.freeze({
          metrics: Object.freeze(metrics),
          latestMetrics: Object.freeze(latestMetrics),
          params: Object.freeze(dict(Object.entries(record.params))),
          tags: Object.freeze(dict(Object.entries(record.tags))),
        }),
        ...(record.inputs ? { inputs: record.inputs } : {}),
        ...(record.outputs.length === 0 ? {} : { outputs: Object.freeze({ modelOutputs: record.outputs }) }),
      });
    }
    return record.snapshot;
  }
}

function freezeExperiment(experiment: Experiment): Experiment {
  Object.freeze(experiment.tags);
  return Object.freeze(experiment);
}
