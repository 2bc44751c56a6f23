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
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  /** @throws `RESOURCE_DOES_NOT_EXIST` */
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Renames a model; its versions, tags and aliases move with it. */
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string | null): Promise<RegisteredModel>;
  /** Deletes a model and all its versions for good. */
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  setRegisteredModelTag(name: string, tag: KeyValue): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  /** Adds version max+1 (deleted versions count) in stage `None`, status READY. */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: number): Promise<ModelVersion>;
  updateModelVersion(name: string, version: number, description: string | null): Promise<ModelVersion>;
  /** Soft-deletes a version: it disappears from reads, its aliases are removed, its number is never reused. */
  deleteModelVersion(name: string, version: number): Promise<void>;
  transitionModelVersionStage(name: string, version: number, stage: ModelStage, archiveExistingVersions: boolean): Promise<ModelVersion>;
  setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void>;
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;
  /** For each stage (default all), the highest-numbered version in it. */
  getLatestVersions(name: string, stages?: readonly ModelStage[]): Promise<ModelVersion[]>;
  searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>>;

  setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void>;
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
