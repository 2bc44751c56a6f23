/**
 * edgeflow's tracking core (`edgeflow/core`): entities, ids, errors, validation, search, the Store
 * contract, the client and run handles. No storage backend, no DOM.
 *
 * It holds what the root entry has, plus what a Store implementation needs: id generators,
 * visibility and recency helpers, the validation predicates, and search over in-memory lists.
 * @module edgeflow/core
 */
export {
  RunStatus,
  LifecycleStage,
  ViewType,
  TERMINAL_RUN_STATUSES,
  isVisibleIn,
  compareMetricRecency,
  type Dict,
  type Experiment,
  type FileInfo,
  type KeyValue,
  type Metric,
  type MetricColumns,
  type MetricSeries,
  type Page,
  type Run,
  type RunData,
  type RunInfo,
} from './entities.js';
export { EdgeflowError, ErrorCode, isEdgeflowError, type EdgeflowErrorJSON, type EdgeflowErrorOptions, type ErrorDetails } from './errors.js';
export {
  DEFAULT_EXPERIMENT_ID,
  DEFAULT_EXPERIMENT_NAME,
  newExperimentId,
  newRunId,
  parseExperimentId,
  parseRunId,
  type ExperimentId,
  type RunId,
} from './ids.js';
export * as limits from './limits.js';
export { keyProblem, artifactPathProblem, stringifyValue } from './validation.js';
export { TrackingClient, type CreateRunOptions, type LoggableValue, type MetricInput, type MetricOptions, type SearchOptions, type TrackingClientOptions } from './client.js';
export { ActiveRun, type LogInputOptions, type StartRunOptions } from './run.js';
export type { LoggingQueueOptions } from './logging-queue.js';
export type { CanvasLike, HtmlCanvasLike, ImageDataLike, ImageInput } from './image.js';
export { randomRunName } from './run-names.js';
export { SystemTag, SourceType } from './system-tags.js';
// The Store contract's module holds nothing but the contract: all its types are public.
export type * from './store.js';
export {
  compileRunFilter,
  parseRunFilter,
  parseExperimentFilter,
  searchRunList,
  searchExperimentList,
  type ExperimentFilter,
  type RunFilter,
  type RunPredicate,
} from './search/index.js';
export {
  ModelStage,
  ModelVersionStatus,
  MODEL_STAGES,
  type ModelVersion,
  type ModelVersionRecord,
  type RegisteredModel,
  type RegisteredModelRecord,
  type StoredModelStage,
} from './registry/entities.js';
export type { CreateModelVersionInput, CreateRegisteredModelInput, RegistryRecords, RegistryStore, RegistryWrite } from './registry/registry-store.js';
export { ModelRegistryClient, parseRunsUri, type RegistryTags, type ResolvedModelUri } from './registry/registry-client.js';
export { searchModelVersionList, searchRegisteredModelList, type RegistrySearchQuery } from './registry/search.js';
export {
  LoggedModelStatus,
  type LoggedModel,
  type LoggedModelMetric,
  type MetricLink,
  type CreateLoggedModelInput,
  type LoggedModelDatasetFilter,
  type LoggedModelOrderBy,
  type LoggedModelRecord,
  type LoggedModelStore,
  type SearchLoggedModelsQuery,
} from './logged-models/index.js';
export {
  DATASET_CONTEXT_TAG,
  NO_RUN_INPUTS,
  NO_RUN_OUTPUTS,
  codeSource,
  datasetFromArrays,
  datasetFromRecords,
  httpSource,
  localSource,
  uriSource,
  type ArraysDatasetOptions,
  type DatasetSource,
  type RecordsDatasetOptions,
  type ArrayData,
  type DataRecord,
  type Dataset,
  type DatasetInput,
  type DatasetSummary,
  type LogInputsInput,
  type ModelInput,
  type ModelOutput,
  type RunInputs,
  type RunOutputs,
} from './datasets/index.js';
