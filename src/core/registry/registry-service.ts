/**
 * The registry rules, written once (spec §2, §8): version numbering, soft deletes, stage
 * transitions with archiving, aliases, timestamps. Backends give it a {@link RegistryRecords}.
 * @module
 */
import { dict, hasKey, type Dict, type KeyValue, type Page } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import type { StoreChange } from '../store.js';
import {
  DELETED_STAGE,
  MODEL_STAGES,
  type ModelStage,
  type ModelVersion,
  type ModelVersionRecord,
  type RegisteredModel,
  type RegisteredModelRecord,
} from './entities.js';
import type { CreateModelVersionInput, CreateRegisteredModelInput, RegistryRecords, RegistryStore, RegistryWrite } from './registry-store.js';
import { searchModelVersionList, searchRegisteredModelList, type RegistrySearchQuery } from './search.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function missingModel(name: string): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`Registered Model with name=${name} not found`, { details: { name } });
}

function missingVersion(name: string, version: number): EdgeflowError {
  return EdgeflowError.resourceDoesNotExist(`Model Version (name=${name}, version=${version}) not found`, { details: { name, version } });
}

function copyDict<V>(source: Dict<V>): Dict<V> {
  return dict(Object.entries(source));
}

/** The visible view of a stored version. @internal */
export function toModelVersion(record: RegisteredModelRecord, version: ModelVersionRecord): ModelVersion {
  const aliases = Object.keys(record.aliases).filter((alias) => record.aliases[alias] === version.version).sort();
  return {
    ...version,
    name: record.name,
    currentStage: version.currentStage === DELETED_STAGE ? 'None' : version.currentStage,
    // MLflow's server gives '' for a version created without a description; so do all stores.
    description: version.description ?? '',
    tags: copyDict(version.tags),
    aliases,
  };
}


function liveVersions(record: RegisteredModelRecord): ModelVersionRecord[] {
  return record.versions.filter((v) => v.currentStage !== DELETED_STAGE);
}

function latestPerStage(record: RegisteredModelRecord, stages: readonly ModelStage[]): ModelVersion[] {
  const out: ModelVersion[] = [];
  for (const stage of stages) {
    let best: ModelVersionRecord | undefined;
    for (const v of liveVersions(record)) if (v.currentStage === stage && (best === undefined || v.version > best.version)) best = v;
    if (best !== undefined) out.push(toModelVersion(record, best));
  }
  return out;
}

/** The visible view of a stored registered model. @internal */
export function toRegisteredModel(record: RegisteredModelRecord): RegisteredModel {
  return {
    name: record.name,
    creationTimestamp: record.creationTimestamp,
    lastUpdatedTimestamp: record.lastUpdatedTimestamp,
    description: record.description,
    tags: copyDict(record.tags),
    aliases: copyDict(record.aliases),
    latestVersions: latestPerStage(record, MODEL_STAGES),
  };
}

/** {@link RegistryStore} over any {@link RegistryRecords}. */
export class RegistryService implements RegistryStore {
  constructor(
    private readonly __records: RegistryRecords,
    private readonly __emit: (change: StoreChange) => void = () => undefined,
    private readonly __userId: string | null = null,
  ) {}

  // ------------------------------------------------------------------------------ registered models

  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    const now = Date.now();
    let created: RegisteredModelRecord | undefined;
    await this.__records.update([input.name], (current) => {
      if (current.get(input.name) !== undefined) {
        throw EdgeflowError.resourceAlreadyExists(`Registered Model (name=${input.name}) already exists.`, { details: { name: input.name } });
      }
      const tags = dict<string>();
      for (const { key, value } of input.tags ?? []) tags[key] = value;
      created = { name: input.name, creationTimestamp: now, lastUpdatedTimestamp: now, description: input.description ?? null, tags, aliases: dict(), versions: [] };
      return { put: [created], delete: [] };
    });
    this.__changed(input.name);
    return toRegisteredModel(created!);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return toRegisteredModel(await this.__get(name));
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    if (name === newName) return this.getRegisteredModel(name);
    let renamed: RegisteredModelRecord | undefined;
    await this.__records.update([name, newName], (current) => {
      const record = current.get(name);
      if (record === undefined) throw missingModel(name);
      if (current.get(newName) !== undefined) {
        throw EdgeflowError.resourceAlreadyExists(`Registered Model (name=${newName}) already exists.`, { details: { name: newName } });
      }
      const now = Date.now();
      renamed = { ...record, name: newName, lastUpdatedTimestamp: now, versions: record.versions.map((v) => ({ ...v, lastUpdatedTimestamp: now })) };
      return { put: [renamed], delete: [name] };
    });
    this.__changed(name);
    this.__changed(newName);
    return toRegisteredModel(renamed!);
  }

  async updateRegisteredModel(name: string, description: string | null): Promise<RegisteredModel> {
    const record = await this.__modify(name, (r) => {
      r.description = description;
      r.lastUpdatedTimestamp = Date.now();
    });
    return toRegisteredModel(record);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.__records.update([name], (current) => {
      if (current.get(name) === undefined) throw missingModel(name);
      return { put: [], delete: [name] };
    });
    this.__changed(name);
  }

  async searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    const records = await this.__records.list();
    return searchRegisteredModelList(records.map(toRegisteredModel), query);
  }

  async setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    await this.__modify(name, (r) => {
      r.tags = copyDict(r.tags);
      r.tags[tag.key] = tag.value;
      r.lastUpdatedTimestamp = Date.now();
    });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.__modify(name, (r) => {
      if (!hasKey(r.tags, key)) {
        throw EdgeflowError.resourceDoesNotExist(`No tag with key ${describeValue(key)} on registered model ${name}.`, { details: { name, key } });
      }
      r.tags = dict(Object.entries(r.tags).filter(([k]) => k !== key));
      r.lastUpdatedTimestamp = Date.now();
    });
  }

  // ---------------------------------------------------------------------------------------- versions

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    let created: ModelVersionRecord | undefined;
    const record = await this.__modify(input.name, (r) => {
      const now = Date.now();
      const number = r.versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
      const tags = dict<string>();
      for (const { key, value } of input.tags ?? []) tags[key] = value;
      created = {
        version: number,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
        userId: input.userId ?? this.__userId,
        currentStage: 'None',
        description: input.description ?? null,
        source: input.source,
        runId: input.runId ?? null,
        runLink: input.runLink ?? null,
        status: 'READY',
        statusMessage: null,
        tags,
        modelId: input.modelId ?? null,
        storageLocation: input.storageLocation ?? input.source,
      };
      r.versions = [...r.versions, created];
      r.lastUpdatedTimestamp = now;
    });
    return toModelVersion(record, created!);
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion> {
    const record = await this.__get(name);
    return toModelVersion(record, this.__version(record, version));
  }

  async updateModelVersion(name: string, version: number, description: string | null): Promise<ModelVersion> {
    const record = await this.__modifyVersion(name, version, (v) => {
      v.description = description;
      v.lastUpdatedTimestamp = Date.now();
    }, false);
    return toModelVersion(record, this.__version(record, version));
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    await this.__modifyVersion(name, version, (v, r) => {
      const now = Date.now();
      v.currentStage = DELETED_STAGE;
      v.lastUpdatedTimestamp = now;
      r.aliases = dict(Object.entries(r.aliases).filter(([, n]) => n !== version));
    });
  }

  async transitionModelVersionStage(name: string, version: number, stage: ModelStage, archiveExistingVersions: boolean): Promise<ModelVersion> {
    if (archiveExistingVersions && stage !== 'Staging' && stage !== 'Production') {
      throw EdgeflowError.invalidParameterValue(
        `archiveExistingVersions is only allowed when moving to Staging or Production, not to ${stage}.`,
        { details: { field: 'archiveExistingVersions', stage } },
      );
    }
    const record = await this.__modify(name, (r) => {
      const now = Date.now();
      this.__version(r, version);
      r.versions = r.versions.map((v) => {
        if (v.version === version) return { ...v, currentStage: stage, lastUpdatedTimestamp: now };
        if (archiveExistingVersions && v.currentStage === stage) return { ...v, currentStage: 'Archived', lastUpdatedTimestamp: now };
        return v;
      });
      r.lastUpdatedTimestamp = now;
    });
    return toModelVersion(record, this.__version(record, version));
  }

  async setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void> {
    await this.__modifyVersion(name, version, (v) => {
      v.tags = copyDict(v.tags);
      v.tags[tag.key] = tag.value;
    }, false);
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    await this.__modifyVersion(name, version, (v) => {
      if (!hasKey(v.tags, key)) {
        throw EdgeflowError.resourceDoesNotExist(`No tag with key ${describeValue(key)} on model version ${name}/${version}.`, { details: { name, version, key } });
      }
      v.tags = dict(Object.entries(v.tags).filter(([k]) => k !== key));
    }, false);
  }

  async getLatestVersions(name: string, stages: readonly ModelStage[] = MODEL_STAGES): Promise<ModelVersion[]> {
    return latestPerStage(await this.__get(name), stages.length === 0 ? MODEL_STAGES : stages);
  }

  async searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    const records = await this.__records.list();
    const versions = records.flatMap((r) => liveVersions(r).map((v) => toModelVersion(r, v)));
    return searchModelVersionList(versions, query);
  }

  // ----------------------------------------------------------------------------------------- aliases

  async setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    await this.__modify(name, (r) => {
      this.__version(r, version);
      r.aliases = copyDict(r.aliases);
      r.aliases[alias] = version;
      r.lastUpdatedTimestamp = Date.now();
    });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.__modify(name, (r) => {
      if (!hasKey(r.aliases, alias)) {
        throw EdgeflowError.resourceDoesNotExist(`Registered model alias ${describeValue(alias)} not found for model ${name}.`, { details: { name, alias } });
      }
      r.aliases = dict(Object.entries(r.aliases).filter(([a]) => a !== alias));
      r.lastUpdatedTimestamp = Date.now();
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const record = await this.__get(name);
    if (alias.toLowerCase() === 'latest') {
      const live = liveVersions(record);
      if (live.length === 0) throw EdgeflowError.resourceDoesNotExist(`Registered model ${name} has no versions.`, { details: { name } });
      return toModelVersion(record, live.reduce((a, b) => (b.version > a.version ? b : a)));
    }
    if (!hasKey(record.aliases, alias)) {
      throw EdgeflowError.resourceDoesNotExist(`Registered model alias ${describeValue(alias)} not found for model ${name}.`, { details: { name, alias } });
    }
    return toModelVersion(record, this.__version(record, record.aliases[alias]!));
  }

  async importRegisteredModels(records: readonly RegisteredModelRecord[]): Promise<void> {
    const names = records.map((r) => r.name);
    await this.__records.update(names, (current) => {
      for (const name of names) {
        if (current.get(name) !== undefined) {
          throw EdgeflowError.resourceAlreadyExists(`Registered Model (name=${name}) already exists.`, { details: { name } });
        }
      }
      return { put: records, delete: [] };
    });
    for (const name of names) this.__changed(name);
  }

  async exportRegisteredModels(names?: readonly string[]): Promise<RegisteredModelRecord[]> {
    if (names === undefined) return this.__records.list();
    const found = await Promise.all(names.map((name) => this.__records.get(name)));
    return found.filter((r): r is RegisteredModelRecord => r !== undefined);
  }

  // ----------------------------------------------------------------------------------------- helpers

  private async __get(name: string): Promise<RegisteredModelRecord> {
    const record = await this.__records.get(name);
    if (record === undefined) throw missingModel(name);
    return record;
  }

  private __version(record: RegisteredModelRecord, version: number): ModelVersionRecord {
    const found = record.versions.find((v) => v.version === version);
    if (found === undefined || found.currentStage === DELETED_STAGE) throw missingVersion(record.name, version);
    return found;
  }

  /** Applies `edit` to a copy of the record, atomically; returns the written record. */
  private async __modify(name: string, edit: (record: Mutable<RegisteredModelRecord>) => void): Promise<RegisteredModelRecord> {
    let written: RegisteredModelRecord | undefined;
    await this.__records.update([name], (current): RegistryWrite => {
      const record = current.get(name);
      if (record === undefined) throw missingModel(name);
      const copy: Mutable<RegisteredModelRecord> = { ...record };
      edit(copy);
      written = copy;
      return { put: [copy], delete: [] };
    });
    this.__changed(name);
    return written!;
  }

  /** Edits one version (and maybe its model); `touchModel` bumps the model's update time. */
  private __modifyVersion(
    name: string,
    version: number,
    edit: (version: Mutable<ModelVersionRecord>, record: Mutable<RegisteredModelRecord>) => void,
    touchModel = true,
  ): Promise<RegisteredModelRecord> {
    return this.__modify(name, (r) => {
      const copy: Mutable<ModelVersionRecord> = { ...this.__version(r, version) };
      edit(copy, r);
      r.versions = r.versions.map((v) => (v.version === version ? copy : v));
      if (touchModel) r.lastUpdatedTimestamp = copy.lastUpdatedTimestamp;
    });
  }

  private __changed(name: string): void {
    this.__emit({ kind: 'registered-model', name });
  }
}
