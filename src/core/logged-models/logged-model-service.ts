/**
 * The logged-model rules, written once (mlflow3-models-and-inputs.md §4, §5): names, the
 * experiment check, params (overwritable) and tags validated before anything is written, any
 * finalize status, soft delete, search. Backends give it a {@link LoggedModelRecords}.
 * @module
 */
import { dict, hasKey, type Experiment, type FileInfo, type KeyValue, type Page } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { newLoggedModelId } from '../ids.js';
import { assertExperimentActive } from '../rules.js';
import { randomRunName } from '../run-names.js';
import type { ArtifactData, StoreChange } from '../store.js';
import type { LoggedModel, LoggedModelStatus } from './entities.js';
import type {
  CreateLoggedModelInput,
  LoggedModelRecord,
  LoggedModelRecords,
  LoggedModelStore,
  SearchLoggedModelsQuery,
} from './logged-model-store.js';
import { latestModelMetrics, missingLoggedModel } from './metrics.js';
import { searchLoggedModelList } from './search.js';
import { assertLoggedModelName, assertLoggedModelStatus, assertModelKeyValues } from './validation.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The visible view of a stored logged model: its metrics reduced to one per (key, dataset). */
export function toLoggedModel(record: LoggedModelRecord): LoggedModel {
  const { metricLines, ...rest } = record;
  return { ...rest, tags: dict(Object.entries(record.tags)), params: dict(Object.entries(record.params)), metrics: latestModelMetrics(metricLines) };
}

/** `<experiment artifact location>/models/<model id>/artifacts` (§1.5). */
export function loggedModelArtifactLocation(experiment: Experiment, modelId: string): string {
  return `${experiment.artifactLocation.replace(/\/+$/u, '')}/models/${modelId}/artifacts`;
}

function withEntries(source: Readonly<Record<string, string>>, items: readonly KeyValue[]): Record<string, string> {
  const out = dict(Object.entries(source));
  for (const { key, value } of items) out[key] = value;
  return out;
}

/** {@link LoggedModelStore} over any {@link LoggedModelRecords}. */
export class LoggedModelService implements LoggedModelStore {
  readonly #records: LoggedModelRecords;
  readonly #experiment: (experimentId: string) => Promise<Experiment>;
  readonly #emit: (change: StoreChange) => void;

  /**
   * @param records - Where the records live.
   * @param experiment - Reads an experiment (`RESOURCE_DOES_NOT_EXIST` when unknown): the store's `getExperiment`.
   * @param emit - Reports a change to the store's subscribers.
   */
  constructor(records: LoggedModelRecords, experiment: (experimentId: string) => Promise<Experiment>, emit: (change: StoreChange) => void = () => undefined) {
    this.#records = records;
    this.#experiment = experiment;
    this.#emit = emit;
  }

  async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const name = input.name ?? randomRunName();
    assertLoggedModelName(name);
    const params = input.params ?? [];
    const tags = input.tags ?? [];
    assertModelKeyValues(params, 'param');
    assertModelKeyValues(tags, 'tag');
    if (input.status !== undefined) assertLoggedModelStatus(input.status);
    const experiment = await this.#experiment(input.experimentId);
    assertExperimentActive(experiment, 'create a logged model');
    const modelId = input.modelId ?? newLoggedModelId();
    const now = Date.now();
    const creationTimestamp = input.creationTimestamp ?? now;
    const record: LoggedModelRecord = {
      modelId,
      experimentId: experiment.experimentId,
      name,
      artifactLocation: loggedModelArtifactLocation(experiment, modelId),
      creationTimestamp,
      lastUpdatedTimestamp: input.lastUpdatedTimestamp ?? creationTimestamp,
      modelType: input.modelType ?? null,
      sourceRunId: input.sourceRunId ?? null,
      status: input.status ?? 'PENDING',
      statusMessage: null,
      lifecycleStage: input.lifecycleStage ?? 'active',
      tags: withEntries({}, tags),
      params: withEntries({}, params),
      metricLines: [],
    };
    await this.#records.update([modelId], (current) => {
      if (current.get(modelId) !== undefined) {
        throw EdgeflowError.resourceAlreadyExists(`Logged model with ID '${modelId}' already exists.`, { details: { modelId } });
      }
      return { put: [record] };
    });
    this.#changed(record);
    return toLoggedModel(record);
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    return toLoggedModel(await this.#live(modelId));
  }

  async finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    assertLoggedModelStatus(status);
    return toLoggedModel(
      await this.#modify(modelId, (r) => {
        r.status = status;
        r.lastUpdatedTimestamp = Date.now();
      }),
    );
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.#modify(modelId, (r) => {
      r.lifecycleStage = 'deleted';
    });
  }

  async setLoggedModelTags(modelId: string, tags: readonly KeyValue[]): Promise<void> {
    assertModelKeyValues(tags, 'tag');
    await this.#modify(modelId, (r) => {
      r.tags = withEntries(r.tags, tags);
    });
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.#modify(modelId, (r) => {
      if (!hasKey(r.tags, key)) {
        throw EdgeflowError.resourceDoesNotExist(`No tag with key ${describeValue(key)} on logged model ${modelId}.`, { details: { modelId, key } });
      }
      r.tags = dict(Object.entries(r.tags).filter(([k]) => k !== key));
    });
  }

  async logLoggedModelParams(modelId: string, params: readonly KeyValue[]): Promise<void> {
    assertModelKeyValues(params, 'param');
    await this.#modify(modelId, (r) => {
      r.params = withEntries(r.params, params);
    });
  }

  async searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
    if (!Array.isArray(query.experimentIds) || query.experimentIds.length === 0) {
      throw EdgeflowError.invalidParameterValue('A logged model search needs at least one experiment id.', { details: { field: 'experiment_ids' } });
    }
    const records = await this.#records.list(query.experimentIds);
    return searchLoggedModelList(records.filter((r) => r.lifecycleStage === 'active').map(toLoggedModel), query);
  }

  async putLoggedModelArtifact(modelId: string, path: string, data: ArtifactData): Promise<void> {
    const record = await this.#live(modelId);
    await this.#records.putArtifact(modelId, path, data);
    this.#changed(record);
  }

  async listLoggedModelArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    await this.#live(modelId);
    return this.#records.listArtifacts(modelId, path);
  }

  async getLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    await this.#live(modelId);
    return this.#records.getArtifact(modelId, path);
  }

  async importLoggedModels(records: readonly LoggedModelRecord[]): Promise<void> {
    const ids = records.map((r) => r.modelId);
    if (new Set(ids).size !== ids.length) {
      throw EdgeflowError.invalidParameterValue('An import holds the same logged model id twice.', { details: { field: 'modelId' } });
    }
    await this.#records.update(ids, (current) => {
      for (const id of ids) {
        if (current.get(id) !== undefined) throw EdgeflowError.resourceAlreadyExists(`Logged model with ID '${id}' already exists.`, { details: { modelId: id } });
      }
      return { put: records };
    });
    for (const record of records) this.#changed(record);
  }

  async exportLoggedModels(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    return this.#records.list(experimentIds);
  }

  /** The record of a model that exists and is not deleted. */
  async #live(modelId: string): Promise<LoggedModelRecord> {
    const record = await this.#records.get(modelId);
    if (record === undefined || record.lifecycleStage !== 'active') throw missingLoggedModel(modelId);
    return record;
  }

  /** Applies `edit` to a copy of a live record, atomically; returns the written record. */
  async #modify(modelId: string, edit: (record: Mutable<LoggedModelRecord>) => void): Promise<LoggedModelRecord> {
    let written: LoggedModelRecord | undefined;
    await this.#records.update([modelId], (current) => {
      const record = current.get(modelId);
      if (record === undefined || record.lifecycleStage !== 'active') throw missingLoggedModel(modelId);
      const copy: Mutable<LoggedModelRecord> = { ...record };
      edit(copy);
      written = copy;
      return { put: [copy] };
    });
    this.#changed(written!);
    return written!;
  }

  #changed(record: LoggedModelRecord): void {
    this.#emit({ kind: 'logged-model', modelId: record.modelId, experimentId: record.experimentId });
  }
}
