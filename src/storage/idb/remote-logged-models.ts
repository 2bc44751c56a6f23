/**
 * The page side of the worker store's logged models: each method is one message to the worker's
 * `loggedModels` (through the store's connection, so dead-worker handling applies). Errors arrive
 * intact; dicts in results are rebuilt as null-prototype objects.
 * @module
 */
import type { Remote } from 'comlink';
import type { FileInfo, KeyValue, Page } from '../../core/entities.js';
import type { LoggedModel, LoggedModelStatus } from '../../core/logged-models/entities.js';
import type { CreateLoggedModelInput, LoggedModelRecord, LoggedModelStore, SearchLoggedModelsQuery } from '../../core/logged-models/logged-model-store.js';
import type { ArtifactData } from '../../core/store.js';
import { reviveLoggedModelRecord, toDict } from './records.js';
import type { IdbWorkerApi } from './worker-api.js';

/** Sends one call to the worker's logged models. */
export type LoggedModelCall = <T>(call: (models: Remote<IdbWorkerApi>['loggedModels']) => Promise<T>) => Promise<T>;

function revive(model: LoggedModel): LoggedModel {
  return { ...model, tags: toDict(model.tags), params: toDict(model.params) };
}

/** {@link LoggedModelStore} of a `RemoteStore`. */
export class RemoteLoggedModels implements LoggedModelStore {
  readonly #send: LoggedModelCall;

  constructor(send: LoggedModelCall) {
    this.#send = send;
  }

  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    return this.#send((m) => m.createLoggedModel(input)).then(revive);
  }
  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.#send((m) => m.getLoggedModel(modelId)).then(revive);
  }
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    return this.#send((m) => m.finalizeLoggedModel(modelId, status)).then(revive);
  }
  deleteLoggedModel(modelId: string): Promise<void> {
    return this.#send((m) => m.deleteLoggedModel(modelId));
  }
  setLoggedModelTags(modelId: string, tags: readonly KeyValue[]): Promise<void> {
    return this.#send((m) => m.setLoggedModelTags(modelId, tags));
  }
  deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    return this.#send((m) => m.deleteLoggedModelTag(modelId, key));
  }
  logLoggedModelParams(modelId: string, params: readonly KeyValue[]): Promise<void> {
    return this.#send((m) => m.logLoggedModelParams(modelId, params));
  }
  async searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
    const page = await this.#send((m) => m.searchLoggedModels(query));
    return { ...page, items: page.items.map(revive) };
  }
  putLoggedModelArtifact(modelId: string, path: string, data: ArtifactData): Promise<void> {
    return this.#send((m) => m.putLoggedModelArtifact(modelId, path, data));
  }
  listLoggedModelArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    return this.#send((m) => m.listLoggedModelArtifacts(modelId, path));
  }
  getLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    return this.#send((m) => m.getLoggedModelArtifact(modelId, path));
  }
  importLoggedModels(records: readonly LoggedModelRecord[]): Promise<void> {
    return this.#send((m) => m.importLoggedModels(records));
  }
  async exportLoggedModels(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    return (await this.#send((m) => m.exportLoggedModels(experimentIds))).map(reviveLoggedModelRecord);
  }
}
