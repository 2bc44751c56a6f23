/**
 * The model registry over MLflow's registry endpoints (spec §9, `/registered-models/*`,
 * `/model-versions/*`); exposed as `RestStore.registry`.
 * @module
 */
import type { KeyValue, Page } from '../../core/entities.js';
import { EdgeflowError } from '../../core/errors.js';
import type { ModelStage, ModelVersion, RegisteredModel, RegisteredModelRecord } from '../../core/registry/entities.js';
import { recordsFromRegistryReads } from '../../core/registry/records-from-reads.js';
import type { CreateModelVersionInput, CreateRegisteredModelInput, RegistryStore } from '../../core/registry/registry-store.js';
import type { RegistrySearchQuery } from '../../core/registry/search.js';
import type { StoreChange } from '../../core/store.js';
import type { HttpClient } from './http.js';
import { keyValueList, listOf, obj, toModelVersion, toRegisteredModel, tokenOf, type Json } from './wire.js';

const API = '/api/2.0/mlflow';

/** {@link RegistryStore} over a tracking server. */
export class RestRegistryStore implements RegistryStore {
  readonly #http: HttpClient;
  readonly #emit: (change: StoreChange) => void;

  constructor(http: HttpClient, emit: (change: StoreChange) => void) {
    this.#http = http;
    this.#emit = emit;
  }

  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    const json = await this.#post('/registered-models/create', {
      name: input.name,
      tags: keyValueList(input.tags),
      ...(input.description == null ? {} : { description: input.description }),
    });
    this.#changed(input.name);
    return toRegisteredModel(obj(json['registered_model'], 'registered_model'));
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const json = await this.#get('/registered-models/get', { name });
    return toRegisteredModel(obj(json['registered_model'], 'registered_model'));
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const json = await this.#post('/registered-models/rename', { name, new_name: newName });
    this.#changed(name);
    this.#changed(newName);
    return toRegisteredModel(obj(json['registered_model'], 'registered_model'));
  }

  async updateRegisteredModel(name: string, description: string | null): Promise<RegisteredModel> {
    const json = await this.#send('PATCH', '/registered-models/update', { name, description: description ?? '' });
    this.#changed(name);
    return toRegisteredModel(obj(json['registered_model'], 'registered_model'));
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.#send('DELETE', '/registered-models/delete', { name });
    this.#changed(name);
  }

  async searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    const json = await this.#get('/registered-models/search', searchQuery(query));
    return page(listOf(json, 'registered_models').map(toRegisteredModel), json);
  }

  async setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    await this.#post('/registered-models/set-tag', { name, key: tag.key, value: tag.value });
    this.#changed(name);
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.#send('DELETE', '/registered-models/delete-tag', { name, key });
    this.#changed(name);
  }

  /** `userId` is not sent: the server records the authenticated user. */
  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const json = await this.#post('/model-versions/create', {
      name: input.name,
      source: input.source,
      tags: keyValueList(input.tags),
      ...(input.runId == null ? {} : { run_id: input.runId }),
      ...(input.runLink == null ? {} : { run_link: input.runLink }),
      ...(input.description == null ? {} : { description: input.description }),
      ...(input.modelId == null ? {} : { model_id: input.modelId }),
    });
    this.#changed(input.name);
    return toModelVersion(obj(json['model_version'], 'model_version'));
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion> {
    const json = await this.#get('/model-versions/get', { name, version: String(version) });
    return toModelVersion(obj(json['model_version'], 'model_version'));
  }

  async updateModelVersion(name: string, version: number, description: string | null): Promise<ModelVersion> {
    const json = await this.#send('PATCH', '/model-versions/update', { name, version: String(version), description: description ?? '' });
    this.#changed(name);
    return toModelVersion(obj(json['model_version'], 'model_version'));
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    await this.#send('DELETE', '/model-versions/delete', { name, version: String(version) });
    this.#changed(name);
  }

  async transitionModelVersionStage(name: string, version: number, stage: ModelStage, archiveExistingVersions: boolean): Promise<ModelVersion> {
    const json = await this.#post('/model-versions/transition-stage', {
      name,
      version: String(version),
      stage,
      archive_existing_versions: archiveExistingVersions,
    });
    this.#changed(name);
    return toModelVersion(obj(json['model_version'], 'model_version'));
  }

  async setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void> {
    await this.#post('/model-versions/set-tag', { name, version: String(version), key: tag.key, value: tag.value });
    this.#changed(name);
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    await this.#send('DELETE', '/model-versions/delete-tag', { name, version: String(version), key });
    this.#changed(name);
  }

  async getLatestVersions(name: string, stages?: readonly ModelStage[]): Promise<ModelVersion[]> {
    const json = await this.#post('/registered-models/get-latest-versions', { name, ...(stages === undefined ? {} : { stages }) });
    return listOf(json, 'model_versions').map(toModelVersion);
  }

  async searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    const json = await this.#get('/model-versions/search', searchQuery(query));
    return page(listOf(json, 'model_versions').map(toModelVersion), json);
  }

  async setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    await this.#post('/registered-models/alias', { name, alias, version: String(version) });
    this.#changed(name);
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.#send('DELETE', '/registered-models/alias', { name, alias });
    this.#changed(name);
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const json = await this.#get('/registered-models/alias', { name, alias });
    return toModelVersion(obj(json['model_version'], 'model_version'));
  }

  /** @throws `NOT_IMPLEMENTED`: the REST API cannot write whole records (timestamps, numbering are the server's). */
  /** Rebuilt from the public reads: soft-deleted versions are not visible through the REST API. */
  async exportRegisteredModels(names?: readonly string[]): Promise<RegisteredModelRecord[]> {
    return recordsFromRegistryReads(this, names);
  }

  async importRegisteredModels(): Promise<void> {
    throw new EdgeflowError(
      'NOT_IMPLEMENTED',
      "MLflow's REST API cannot import registry records as they are (the server assigns versions and timestamps); " +
        'recreate models with createRegisteredModel/createModelVersion instead.',
    );
  }

  #changed(name: string): void {
    this.#emit({ kind: 'registered-model', name });
  }

  #get(path: string, query: Record<string, string | number | readonly string[] | undefined>): Promise<Json> {
    return this.#http.json({ method: 'GET', path: API + path, query });
  }

  #post(path: string, json: Json): Promise<Json> {
    return this.#http.json({ method: 'POST', path: API + path, json });
  }

  #send(method: 'PATCH' | 'DELETE', path: string, json: Json): Promise<Json> {
    return this.#http.json({ method, path: API + path, json });
  }
}

function searchQuery(query: RegistrySearchQuery): Record<string, string | number | readonly string[] | undefined> {
  return {
    filter: query.filter || undefined,
    max_results: query.maxResults,
    order_by: query.orderBy && query.orderBy.length > 0 ? query.orderBy : undefined,
    page_token: query.pageToken || undefined,
  };
}

function page<T>(items: T[], json: Json): Page<T> {
  const token = tokenOf(json);
  return token === undefined ? { items } : { items, nextPageToken: token };
}
