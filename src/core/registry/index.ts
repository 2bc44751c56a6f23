/**
 * The model registry: entities, the registry part of the Store contract, the one service that
 * holds its rules, the client half and model URI resolution, and registry search.
 * @module
 */
export * from './entities.js';
export type * from './registry-store.js';
export { RegistryService, toModelVersion, toRegisteredModel } from './registry-service.js';
export { ModelRegistryClient, parseRunsUri, type RegistryTags, type ResolvedModelUri } from './registry-client.js';
export { searchModelVersionList, searchRegisteredModelList, type RegistrySearchQuery } from './search.js';
export { recordsFromRegistryReads } from './records-from-reads.js';
export { assertAlias, assertModelName, parseStage, parseVersion } from './validation.js';
