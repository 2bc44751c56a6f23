/**
 * The logged-model half of `TrackingClient` (MLflow 3's `MlflowClient` logged-model methods, in
 * camelCase): create, get, search, finalize, delete, tags, params, files and run outputs.
 * @module
 */
import type { FileInfo, KeyValue, Page } from '../entities.js';
import { EdgeflowError } from '../errors.js';
import { parseExperimentId, parseRunId } from '../ids.js';
import { ModelRegistryClient } from '../registry/registry-client.js';
import { parseInput } from '../schemas.js';
import type { ArtifactData } from '../store.js';
import { assertArtifactPath, assertValidKey, stringifyValue } from '../validation.js';
import type { LoggedModel, LoggedModelStatus } from './entities.js';
import type { LoggedModelDatasetFilter, LoggedModelOrderBy, LoggedModelStore } from './logged-model-store.js';
import {
  createLoggedModelOptionsSchema,
  loggedModelStatusSchema,
  modelIdSchema,
  modelOutputsSchema,
  searchLoggedModelsOptionsSchema,
} from './schemas.js';

/** Values of logged-model params and tags; converted to strings as MLflow's client does. */
type Values = Readonly<Record<string, string | number | boolean | bigint | null | undefined>>;

/** Options of {@link LoggedModelClient.createLoggedModel}. */
export interface CreateLoggedModelOptions {
  /** Default: a random `<adjective>-<noun>-<n>`. No `/ : . % " '`. */
  readonly name?: string;
  readonly modelType?: string | null;
  /** The run that produced the model (not checked, as in MLflow). */
  readonly sourceRunId?: string | null;
  readonly params?: Values;
  readonly tags?: Values;
}

/** Options of {@link LoggedModelClient.searchLoggedModels}. */
export interface SearchLoggedModelsOptions {
  /** e.g. `metrics.accuracy > 0.9 AND params.depth = '5' AND status = 'READY'`. */
  readonly filter?: string;
  /** Only models with a metric on one of these datasets; metric clauses compare on them. */
  readonly datasets?: readonly LoggedModelDatasetFilter[];
  /** e.g. `[{ fieldName: 'metrics.accuracy', ascending: false, datasetName: 'eval' }]`. */
  readonly orderBy?: readonly LoggedModelOrderBy[];
  /** Default 100. */
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/** A model a run produced, at a step (default 0). */
export interface ModelOutputInput {
  readonly modelId: string;
  readonly step?: number;
}

function keyValues(values: Values | undefined, kind: 'param' | 'tag'): KeyValue[] {
  return Object.entries(values ?? {}).map(([key, value]) => {
    assertValidKey(key, kind);
    return { key, value: stringifyValue(value, key) };
  });
}

function modelId(id: unknown): string {
  return parseInput(modelIdSchema, id, 'logged model id');
}

/** Logged-model methods over a store's {@link LoggedModelStore}; `TrackingClient` extends this. */
export class LoggedModelClient extends ModelRegistryClient {
  /** The store's logged models. @throws `NOT_IMPLEMENTED` naming the store when it holds none */
  get loggedModels(): LoggedModelStore {
    const models = this.store.loggedModels;
    if (models === undefined) {
      throw new EdgeflowError('NOT_IMPLEMENTED', `This store (${this.store.constructor.name}) does not hold MLflow 3 logged models.`, {
        details: { store: this.store.constructor.name },
      });
    }
    return models;
  }

  /** @internal Ships queued writes first, so reads see them (`TrackingClient` overrides it). */
  async _$settle(): Promise<void> {}

  /**
   * Creates a logged model (status PENDING) in an experiment: MLflow's `create_logged_model`.
   * @throws `RESOURCE_DOES_NOT_EXIST` for an unknown experiment, `INVALID_STATE` for a deleted one,
   *   `INVALID_PARAMETER_VALUE` for a bad name, param or tag key
   */
  async createLoggedModel(experimentId: string, options: CreateLoggedModelOptions = {}): Promise<LoggedModel> {
    const id = parseExperimentId(experimentId);
    const parsed = parseInput(createLoggedModelOptionsSchema, options, 'createLoggedModel options');
    return this.loggedModels.createLoggedModel({
      experimentId: id,
      ...(parsed.name === undefined ? {} : { name: parsed.name }),
      modelType: parsed.modelType ?? null,
      sourceRunId: parsed.sourceRunId ?? null,
      params: keyValues(parsed.params as Values | undefined, 'param'),
      tags: keyValues(parsed.tags as Values | undefined, 'tag'),
    });
  }

  /** A logged model with its params, tags and metrics (one per key and dataset). @throws `RESOURCE_DOES_NOT_EXIST` */
  async getLoggedModel(id: string): Promise<LoggedModel> {
    const checked = modelId(id);
    await this._$settle();
    return this.loggedModels.getLoggedModel(checked);
  }

  /** Searches the logged models of experiments with MLflow's grammar; deleted models are never returned. */
  async searchLoggedModels(experimentIds: string | readonly string[], options: SearchLoggedModelsOptions = {}): Promise<Page<LoggedModel>> {
    const ids = (typeof experimentIds === 'string' ? [experimentIds] : [...experimentIds]).map(parseExperimentId);
    const parsed = parseInput(searchLoggedModelsOptionsSchema, options, 'searchLoggedModels options');
    await this._$settle();
    return this.loggedModels.searchLoggedModels({ experimentIds: ids, ...(parsed as Omit<SearchLoggedModelsOptions, never>) });
  }

  /** Sets the status (`READY`, `FAILED`, …; any, repeatable) and the update time. */
  async finalizeLoggedModel(id: string, status: LoggedModelStatus): Promise<LoggedModel> {
    const checked = modelId(id);
    const parsedStatus = parseInput(loggedModelStatusSchema, status, 'logged model status');
    await this._$settle();
    return this.loggedModels.finalizeLoggedModel(checked, parsedStatus);
  }

  /** Soft-deletes a logged model; its metrics and the run outputs naming it stay. */
  async deleteLoggedModel(id: string): Promise<void> {
    await this.loggedModels.deleteLoggedModel(modelId(id));
  }

  async setLoggedModelTags(id: string, tags: Values): Promise<void> {
    const checked = modelId(id);
    const parsed = parseInput(createLoggedModelOptionsSchema.pick({ tags: true }).required(), { tags }, 'logged model tags');
    await this.loggedModels.setLoggedModelTags(checked, keyValues(parsed.tags as Values, 'tag'));
  }

  /** @throws `RESOURCE_DOES_NOT_EXIST` when the model has no such tag */
  async deleteLoggedModelTag(id: string, key: string): Promise<void> {
    const checked = modelId(id);
    assertValidKey(key, 'tag');
    await this.loggedModels.deleteLoggedModelTag(checked, key);
  }

  /** Logs params of a logged model; unlike run params they may be overwritten. */
  async logModelParams(id: string, params: Values): Promise<void> {
    const checked = modelId(id);
    const parsed = parseInput(createLoggedModelOptionsSchema.pick({ params: true }).required(), { params }, 'logged model params');
    await this.loggedModels.logLoggedModelParams(checked, keyValues(parsed.params as Values, 'param'));
  }

  /**
   * Records models a run produced (MLflow's `log_outputs`): once per (run, model), a repeat keeps
   * the first step. @throws `NOT_IMPLEMENTED` when the store holds no outputs
   */
  async logOutputs(runId: string, models: readonly ModelOutputInput[]): Promise<void> {
    const id = parseRunId(runId);
    const parsed = parseInput(modelOutputsSchema, models, 'logOutputs models');
    if (this.store.logOutputs === undefined) {
      throw new EdgeflowError('NOT_IMPLEMENTED', `This store (${this.store.constructor.name}) does not hold run outputs.`, { details: { store: this.store.constructor.name } });
    }
    await this._$settle();
    await this.store.logOutputs(id, parsed.map((m) => ({ modelId: m.modelId, step: m.step ?? 0 })));
  }

  /** Writes a file of a logged model (under its artifact location). */
  async logLoggedModelArtifact(id: string, artifactPath: string, data: ArtifactData | string): Promise<void> {
    const checked = modelId(id);
    const path = assertArtifactPath(artifactPath);
    await this.loggedModels.putLoggedModelArtifact(checked, path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  /** The files and folders of a logged model at `path` ('' = its root). */
  async listLoggedModelArtifacts(id: string, path = ''): Promise<FileInfo[]> {
    return this.loggedModels.listLoggedModelArtifacts(modelId(id), assertArtifactPath(path, true));
  }

  /** The bytes of a logged model's file. @throws `RESOURCE_DOES_NOT_EXIST` */
  async downloadLoggedModelArtifact(id: string, path: string): Promise<Uint8Array> {
    return this.loggedModels.getLoggedModelArtifact(modelId(id), assertArtifactPath(path));
  }
}
