/**
 * edgeflow's tracking core: entities, ids, errors, validation, search, the Store contract, the
 * client and run handles. No storage backend, no DOM.
 * @module
 */
export * from './entities.js';
export * from './errors.js';
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
export type { ImageInput } from './image.js';
export { randomRunName } from './run-names.js';
export { SystemTag, SourceType } from './system-tags.js';
export type * from './store.js';
export { compileRunFilter, parseRunFilter, parseExperimentFilter, searchRunList, searchExperimentList } from './search/index.js';
export * from './registry/index.js';
export * from './logged-models/index.js';
export * from './datasets/index.js';
