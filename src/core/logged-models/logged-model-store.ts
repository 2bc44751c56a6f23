/**
 * The logged-model part of the Store contract (mlflow3-models-and-inputs.md §4, §5).
 *
 * A backend that can hold logged models exposes `store.loggedModels`. Metrics linked to a model are
 * written through {@link Store.logBatch} (a {@link MetricColumns} with `link.modelId`), so a run
 * metric and its model metric are written together.
 * @module
 */
import type { KeyValue, Page } from '../entities.js';
import type { ArtifactData } from '../store.js';
import type { FileInfo } from '../entities.js';
import type { LoggedModel, LoggedModelMetric, LoggedModelStatus } from './entities.js';

/** Input of {@link LoggedModelStore.createLoggedModel}. Validated by the client. */
export interface CreateLoggedModelInput {
  readonly experimentId: string;
  /** A random `<adjective>-<noun>-<n>` name when absent. */
  readonly name?: string;
  readonly modelType?: string | null;
  readonly sourceRunId?: string | null;
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
  /** Snapshot fields for imports: keep the id, times, status and stage. */
  readonly modelId?: string;
  readonly creationTimestamp?: number;
  readonly lastUpdatedTimestamp?: number;
  readonly status?: LoggedModelStatus;
  readonly lifecycleStage?: 'active' | 'deleted';
}

/** A dataset restriction of a logged-model search. */
export interface LoggedModelDatasetFilter {
  readonly datasetName: string;
  readonly datasetDigest?: string;
}

/** One `order_by` entry of a logged-model search. */
export interface LoggedModelOrderBy {
  /** An attribute (`name`, `creation_timestamp`, …) or `metrics.<key>`. */
  readonly fieldName: string;
  /** Default true. */
  readonly ascending?: boolean;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** A logged-model search (§5). */
export interface SearchLoggedModelsQuery {
  readonly experimentIds: readonly string[];
  readonly filter?: string;
  readonly datasets?: readonly LoggedModelDatasetFilter[];
  readonly orderBy?: readonly LoggedModelOrderBy[];
  /** Default 100 (MLflow's client on a file store); REST defaults to 50. */
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/** The logged-model operations of a store. */
export interface LoggedModelStore {
  /** Creates a PENDING model. @throws `RESOURCE_DOES_NOT_EXIST`, `INVALID_STATE` (deleted experiment) */
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` when unknown or deleted */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  /** Sets the status (any, repeatable) and `lastUpdatedTimestamp`. */
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel>;
  /** Soft delete; a second delete is `RESOURCE_DOES_NOT_EXIST`. */
  deleteLoggedModel(modelId: string): Promise<void>;
  setLoggedModelTags(modelId: string, tags: readonly KeyValue[]): Promise<void>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` when the tag is missing */
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  /** Params of a logged model are overwritable (unlike run params). */
  logLoggedModelParams(modelId: string, params: readonly KeyValue[]): Promise<void>;
  searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>>;

  /** Files under the model's artifact location (paths validated by the client). */
  putLoggedModelArtifact(modelId: string, path: string, data: ArtifactData): Promise<void>;
  listLoggedModelArtifacts(modelId: string, path: string): Promise<FileInfo[]>;
  getLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array>;

  /** Writes whole records as they are (imports); all-or-nothing, refuses ids that exist. */
  importLoggedModels(records: readonly LoggedModelRecord[]): Promise<void>;
  /** Whole records of the models of these experiments, deleted ones included (exports). */
  exportLoggedModels(experimentIds: readonly string[]): Promise<LoggedModelRecord[]>;
}

/**
 * A whole stored logged model, for bundles and backups: every metric line in logging order (not
 * only the latest of each group), deleted models included.
 */
export interface LoggedModelRecord extends Omit<LoggedModel, 'metrics'> {
  readonly metricLines: readonly LoggedModelMetric[];
}

/** Records to write, returned by a change. Logged models are never removed (soft delete). */
export interface LoggedModelWrite {
  readonly put: readonly LoggedModelRecord[];
}

/**
 * Persistence of logged-model records: the seam under the one `LoggedModelService` in core, as
 * `RegistryRecords` is under the registry. `update` must be atomic: it reads the current records
 * of `modelIds` (undefined when absent), calls `change` synchronously — which may throw to abort,
 * leaving everything unchanged — and writes what it returns. Model files are kept like run
 * artifacts, under the model id.
 */
export interface LoggedModelRecords {
  get(modelId: string): Promise<LoggedModelRecord | undefined>;
  /** The records of these experiments, deleted models included. */
  list(experimentIds: readonly string[]): Promise<LoggedModelRecord[]>;
  update(modelIds: readonly string[], change: (current: ReadonlyMap<string, LoggedModelRecord | undefined>) => LoggedModelWrite): Promise<void>;
  putArtifact(modelId: string, path: string, data: ArtifactData): Promise<void>;
  listArtifacts(modelId: string, path: string): Promise<FileInfo[]>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` when there is no file at `path` */
  getArtifact(modelId: string, path: string): Promise<Uint8Array>;
}
