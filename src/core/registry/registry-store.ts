/**
 * The registry part of the Store contract, and the small persistence seam under it.
 *
 * A backend with a registry exposes `store.registry`. Most backends implement only
 * {@link RegistryRecords} (read records, apply one synchronous change atomically) and get every
 * rule from the one {@link RegistryService} in core; the conformance suite proves it.
 * @module
 */
import type { Page } from '../entities.js';
import type { KeyValue } from '../entities.js';
import type { ModelStage, ModelVersion, RegisteredModel, RegisteredModelRecord } from './entities.js';
import type { RegistrySearchQuery } from './search.js';

/** Input of {@link RegistryStore.createRegisteredModel}. */
export interface CreateRegisteredModelInput {
  readonly name: string;
  readonly description?: string | null;
  readonly tags?: readonly KeyValue[];
}

/** Input of {@link RegistryStore.createModelVersion}. */
export interface CreateModelVersionInput {
  readonly name: string;
  readonly source: string;
  /** The download location pinned at creation (default: `source`). */
  readonly storageLocation?: string;
  readonly runId?: string | null;
  readonly runLink?: string | null;
  readonly description?: string | null;
  readonly tags?: readonly KeyValue[];
  readonly modelId?: string | null;
  readonly userId?: string | null;
}

/** The registry operations of a store (spec §2, §6.5, §8). Names are validated by the client. */
export interface RegistryStore {
  /**
   * Creates a registered model with no versions.
   * @throws `RESOURCE_ALREADY_EXISTS` when the name is taken
   */
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` */
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Renames a model; its versions, tags and aliases move with it. */
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  /**
   * Sets or clears a model's description.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model
   */
  updateRegisteredModel(name: string, description: string | null): Promise<RegisteredModel>;
  /** Deletes a model and all its versions for good. */
  deleteRegisteredModel(name: string): Promise<void>;
  /**
   * One page of registered models matching a filter, in order.
   * @throws `INVALID_PARAMETER_VALUE` for a bad filter, order or page token
   */
  searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  /**
   * Sets a model tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model
   */
  setRegisteredModelTag(name: string, tag: KeyValue): Promise<void>;
  /**
   * Deletes a model tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or tag
   */
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  /** Adds version max+1 (deleted versions count) in stage `None`, status READY. */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  /**
   * One version (soft-deleted ones are not found).
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version
   */
  getModelVersion(name: string, version: number): Promise<ModelVersion>;
  /**
   * Sets or clears a version's description.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version
   */
  updateModelVersion(name: string, version: number, description: string | null): Promise<ModelVersion>;
  /** Soft-deletes a version: it disappears from reads, its aliases are removed, its number is never reused. */
  deleteModelVersion(name: string, version: number): Promise<void>;
  /**
   * Moves a version to a stage; with `archiveExistingVersions` (Staging/Production) the others in that
   * stage become Archived.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version
   */
  transitionModelVersionStage(name: string, version: number, stage: ModelStage, archiveExistingVersions: boolean): Promise<ModelVersion>;
  /**
   * Sets a version tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version
   */
  setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void>;
  /**
   * Deletes a version tag.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version or tag
   */
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;
  /** For each stage (default all), the highest-numbered version in it. */
  getLatestVersions(name: string, stages?: readonly ModelStage[]): Promise<ModelVersion[]>;
  /**
   * One page of model versions matching a filter, in order.
   * @throws `INVALID_PARAMETER_VALUE` for a bad filter, order or page token
   */
  searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>>;

  /**
   * Points an alias at a version (moving it when it pointed elsewhere).
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version
   */
  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void>;
  /**
   * Removes an alias.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or alias
   */
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  /** The version an alias points at; alias `latest` (any case) is the newest version. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Writes whole records as they are (imports); all-or-nothing, refuses names that exist. */
  importRegisteredModels(records: readonly RegisteredModelRecord[]): Promise<void>;
  /**
   * Whole stored records (exports, backups) of `names`, or of every model; unknown names are left
   * out. Soft-deleted versions are included where the backend can see them.
   */
  exportRegisteredModels(names?: readonly string[]): Promise<RegisteredModelRecord[]>;
}

/** Records to write and names to delete, returned by a change. */
export interface RegistryWrite {
  readonly put: readonly RegisteredModelRecord[];
  readonly delete: readonly string[];
}

/**
 * Persistence of registry records. `update` must be atomic: it reads the current records of
 * `names` (undefined when absent), calls `change` synchronously — which may throw to abort, leaving
 * everything unchanged — and writes what it returns.
 */
export interface RegistryRecords {
  get(name: string): Promise<RegisteredModelRecord | undefined>;
  list(): Promise<RegisteredModelRecord[]>;
  update(names: readonly string[], change: (current: ReadonlyMap<string, RegisteredModelRecord | undefined>) => RegistryWrite): Promise<void>;
}
