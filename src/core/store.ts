/**
 * The Store contract: the one seam between the tracking core and every backend (memory,
 * IndexedDB in a worker, zip bundle, MLflow REST, Node file store).
 *
 * It lives in core (the client depends on it and core imports nothing from `storage/`);
 * `edgeflow/storage` re-exports it. Backends implement only these methods: `logMetric`,
 * `logParam` and `setTag` are written once in the client on top of {@link Store.logBatch}.
 *
 * Inputs reaching a store have been validated by the client (keys, values, names); stores enforce
 * the stateful rules with the helpers in `rules.ts`, and the conformance suite proves it.
 * @module
 */
import type {
  Experiment,
  FileInfo,
  LifecycleStage,
  KeyValue,
  MetricColumns,
  MetricSeries,
  Page,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from './entities.js';
import type { ExperimentId, RunId } from './ids.js';
import type { RegistryStore } from './registry/registry-store.js';
import type { LoggedModelStore } from './logged-models/logged-model-store.js';
import type { MetricLink } from './logged-models/entities.js';
import type { DatasetSummary, LogInputsInput, ModelOutput } from './datasets/entities.js';

/** What a backend can do; the conformance suite reads this. */
export interface StoreCapabilities {
  /** Writes are rejected with `INVALID_STATE`/`PERMISSION_DENIED`. */
  readonly readOnly: boolean;
  /** A failed {@link Store.logBatch} leaves nothing written. */
  readonly atomicBatches: boolean;
  /** Change events reach subscribers in other tabs/processes, not only this one. */
  readonly crossContextEvents: boolean;
  /**
   * Writes issued without waiting for each other are applied in the order they were issued, so the
   * logging queue may keep several batches in flight.
   */
  readonly orderedWrites: boolean;
  /**
   * {@link Store.logBatch} keeps no reference to the batch's arrays once it settled (it copies what
   * it keeps), so the caller may write later points into them: the logging queue then reuses its
   * column buffers. Absent: false.
   */
  readonly copiesBatches?: boolean;
  /**
   * Recreates items as they were (imports): keeps given ids, states and times, deletion times
   * included. False for MLflow's REST API, which assigns them itself.
   */
  readonly snapshots: boolean;
}

/** Input of {@link Store.createExperiment}. */
export interface CreateExperimentInput {
  readonly name: string;
  readonly artifactLocation?: string;
  readonly tags?: readonly KeyValue[];
  /** ms; defaults to now. For imports and tests. */
  readonly creationTime?: number;
  /** Snapshot fields for imports: keep an id, a stage, an update time. Absent for new experiments. */
  readonly experimentId?: ExperimentId;
  readonly lifecycleStage?: LifecycleStage;
  readonly lastUpdateTime?: number | null;
}

/** Input of {@link Store.createRun}. */
export interface CreateRunInput {
  readonly experimentId: ExperimentId;
  readonly userId: string;
  readonly runName: string;
  /** ms */
  readonly startTime: number;
  readonly tags: readonly KeyValue[];
  /** Snapshot fields for imports (bundles, sync): absent for new runs. */
  readonly runId?: RunId;
  readonly status?: RunStatus;
  readonly endTime?: number | null;
  readonly lifecycleStage?: LifecycleStage;
  readonly deletedTime?: number | null;
  readonly artifactUri?: string;
}

/** Fields of {@link Store.updateRun}; absent fields are unchanged. */
export interface UpdateRunInput {
  readonly status?: RunStatus;
  /** ms */
  readonly endTime?: number | null;
  readonly runName?: string;
}

/** What {@link Store.logBatch} writes; applied in the order params, metrics, tags. */
export interface LogBatchInput {
  /**
   * Points to append. A group with `link.modelId` is also written to that logged model's metrics;
   * a group with `link.datasetName`/`datasetDigest` records the dataset on each point.
   */
  readonly metrics?: readonly (MetricColumns & { readonly link?: MetricLink })[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
  /**
   * An id of this batch, unique to it (the logging queue sets one). A store that records ids
   * (IndexedDB) applies a batch whose id it has already applied as a no-op, so a batch can be sent
   * again when a failure left unknown whether it was written. Other stores ignore it.
   */
  readonly batchId?: string;
}

/** Options of {@link Store.deleteRun} and {@link Store.deleteExperiment}. */
export interface DeleteOptions {
  /**
   * ms of the deletion; default now. Imports pass the original time so that a deleted run keeps
   * its `deleted_time` (and a deleted experiment its `last_update_time`).
   */
  readonly deletedTime?: number;
}

/** A run search (spec §6.1–6.3). */
export interface SearchRunsQuery {
  readonly experimentIds: readonly ExperimentId[];
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly viewType?: ViewType;
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/** An experiment search (spec §6.4). */
export interface SearchExperimentsQuery {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly viewType?: ViewType;
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/** A change a store reports to its subscribers. */
export type StoreChange =
  | { readonly kind: 'experiment'; readonly experimentId: ExperimentId }
  | { readonly kind: 'run'; readonly runId: RunId; readonly experimentId: ExperimentId }
  | {
      readonly kind: 'run-data';
      readonly runId: RunId;
      readonly experimentId: ExperimentId;
      readonly metricKeys: readonly string[];
      readonly paramKeys: readonly string[];
      readonly tagKeys: readonly string[];
    }
  | { readonly kind: 'artifacts'; readonly runId: RunId; readonly path: string }
  | { readonly kind: 'registered-model'; readonly name: string }
  | { readonly kind: 'logged-model'; readonly modelId: string; readonly experimentId: string };

/** The change event of data written to a run: the keys of the metrics, params and tags written. */
export function runDataChange(
  runId: RunId,
  experimentId: ExperimentId,
  written: { readonly metrics?: readonly { key: string }[]; readonly params?: readonly { key: string }[]; readonly tags?: readonly { key: string }[] },
): StoreChange {
  const keys = (items: readonly { key: string }[] | undefined): string[] => (items ?? []).map((item) => item.key);
  return { kind: 'run-data', runId, experimentId, metricKeys: keys(written.metrics), paramKeys: keys(written.params), tagKeys: keys(written.tags) };
}

/** Receives store changes. */
export type StoreListener = (change: StoreChange) => void;

/** Bytes of an artifact as written. */
export type ArtifactData = Uint8Array | Blob;

/** The contract every backend implements. All methods are asynchronous. */
export interface Store {
  /** What this backend can do. */
  readonly capabilities: StoreCapabilities;
  /** The model registry, when the backend has one. */
  readonly registry?: RegistryStore;
  /** MLflow 3 logged models, when the backend holds them. */
  readonly loggedModels?: LoggedModelStore;

  // Experiments
  /**
   * Creates an experiment.
   * @returns its id
   * @throws `RESOURCE_ALREADY_EXISTS` when an active or deleted experiment has the name
   */
  createExperiment(input: CreateExperimentInput): Promise<ExperimentId>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` */
  getExperiment(experimentId: ExperimentId): Promise<Experiment>;
  /** The experiment (active or deleted) with this name, or null. */
  getExperimentByName(name: string): Promise<Experiment | null>;
  /**
   * One page of experiments matching a filter, in order.
   * @throws `INVALID_PARAMETER_VALUE` for a bad filter, order or page token
   */
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>>;
  /**
   * Renames an experiment.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment; `RESOURCE_ALREADY_EXISTS` when the name is taken
   */
  renameExperiment(experimentId: ExperimentId, newName: string): Promise<void>;
  /**
   * Soft-deletes an experiment and marks its active runs deleted.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment; `INVALID_PARAMETER_VALUE` for the Default experiment `0`
   */
  deleteExperiment(experimentId: ExperimentId, options?: DeleteOptions): Promise<void>;
  /**
   * Restores a deleted experiment and its deleted runs.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment
   */
  restoreExperiment(experimentId: ExperimentId): Promise<void>;
  /**
   * Sets an experiment tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment
   */
  setExperimentTag(experimentId: ExperimentId, tag: KeyValue): Promise<void>;
  /**
   * Deletes an experiment tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment or tag
   */
  deleteExperimentTag(experimentId: ExperimentId, key: string): Promise<void>;
  /** Removes an experiment with its runs and artifacts for good (MLflow's `gc`); used to roll back imports. */
  purgeExperiment(experimentId: ExperimentId): Promise<void>;

  // Runs
  /**
   * Creates a run, RUNNING unless the input says otherwise.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment; `INVALID_STATE` for a deleted one
   */
  createRun(input: CreateRunInput): Promise<Run>;
  /**
   * A run with its latest metrics, params and tags.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run
   */
  getRun(runId: RunId): Promise<Run>;
  /**
   * Updates a run's status, end time or name.
   * @returns the run's info after the update
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run; `INVALID_PARAMETER_VALUE` for a deleted run
   */
  updateRun(runId: RunId, update: UpdateRunInput): Promise<RunInfo>;
  /**
   * Soft-deletes a run: it becomes read-only.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run
   */
  deleteRun(runId: RunId, options?: DeleteOptions): Promise<void>;
  /**
   * Restores a deleted run.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run
   */
  restoreRun(runId: RunId): Promise<void>;
  /** Removes a run with its data and artifacts for good (MLflow's `gc`); used to roll back imports. */
  purgeRun(runId: RunId): Promise<void>;
  /**
   * Writes metrics, params and tags; all-or-nothing when `capabilities.atomicBatches`, always
   * validated and conflict-checked first.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run; `INVALID_PARAMETER_VALUE` for a changed param, a key that is both a file and a folder,
   * or a deleted run
   */
  logBatch(runId: RunId, batch: LogBatchInput): Promise<void>;
  /**
   * Deletes a run tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run or tag; `INVALID_PARAMETER_VALUE` for a deleted run
   */
  deleteTag(runId: RunId, key: string): Promise<void>;
  /** The whole history of one metric in logging order (empty columns when never logged). */
  getMetricHistory(runId: RunId, key: string): Promise<MetricSeries>;
  /**
   * Optional: the points of one metric from position `fromIndex` (0-based, logging order) to the
   * end, so a live chart holding N points reads only the new ones. Empty columns when `fromIndex` is
   * at or past the end (or the metric was never logged). Callers without it use
   * `getMetricHistory` and slice (`TrackingClient.getMetricHistoryFrom` does).
   * @throws `INVALID_PARAMETER_VALUE` unless `fromIndex` is a whole number ≥ 0;
   *   `RESOURCE_DOES_NOT_EXIST` when the run does not exist
   */
  getMetricHistoryFrom?(runId: RunId, key: string, fromIndex: number): Promise<MetricSeries>;
  /**
   * One page of runs of some experiments matching a filter, in order.
   * @throws `INVALID_PARAMETER_VALUE` for a bad filter, order or page token
   */
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>>;
  /**
   * MLflow 3 dataset and model inputs of a run (when the backend holds them). Written once per
   * (run, dataset name+digest) and (run, model): a repeat is accepted and ignored, first tags win.
   */
  logInputs?(runId: RunId, inputs: LogInputsInput): Promise<void>;
  /** MLflow 3 model outputs of a run. Written once per (run, model): a repeat keeps the first step. */
  logOutputs?(runId: RunId, outputs: readonly ModelOutput[]): Promise<void>;
  /**
   * MLflow's `search-datasets`, for backends that answer it themselves (REST); elsewhere the client
   * derives the summaries from the runs' inputs.
   */
  searchDatasets?(experimentIds: readonly ExperimentId[]): Promise<DatasetSummary[]>;

  // Artifacts (paths are validated relative paths; '' is the root for listing)
  /**
   * Writes an artifact file (replacing one at the same path).
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run; `INVALID_PARAMETER_VALUE` for a deleted run; `RESOURCE_EXHAUSTED` when storage is full
   */
  putArtifact(runId: RunId, path: string, data: ArtifactData): Promise<void>;
  /**
   * The files and folders directly inside `path`.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown run
   */
  listArtifacts(runId: RunId, path: string): Promise<FileInfo[]>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` when there is no file at `path` */
  getArtifact(runId: RunId, path: string): Promise<Uint8Array>;
  /** Deletes a file or a whole folder. */
  deleteArtifact(runId: RunId, path: string): Promise<void>;

  // Lifecycle
  /** Subscribes to changes; returns the function that unsubscribes. */
  subscribe(listener: StoreListener): () => void;
  /** Resolves when everything accepted so far is durably stored. */
  flush(): Promise<void>;
  /** Flushes and releases the backend (a worker, a connection, file handles). */
  close(): Promise<void>;
}
