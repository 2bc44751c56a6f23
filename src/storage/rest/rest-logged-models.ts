/**
 * Logged models over MLflow 3's `/logged-models/*` endpoints (mlflow3-models-and-inputs.md §6);
 * exposed as `RestStore.loggedModels`. Model files go through the server's artifact proxy (the
 * model's `mlflow-artifacts:` location); listing uses `artifacts/directories` and downloads
 * `/ajax-api/…/artifacts/files`, as MLflow's own UI does.
 * @module
 */
import type { FileInfo, KeyValue, Page } from '../../core/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { LoggedModel, LoggedModelStatus } from '../../core/logged-models/entities.js';
import type {
  CreateLoggedModelInput,
  LoggedModelRecord,
  LoggedModelStore,
  SearchLoggedModelsQuery,
} from '../../core/logged-models/logged-model-store.js';
import type { ArtifactData, StoreChange } from '../../core/store.js';
import { assertLoggedModelName } from '../../core/logged-models/validation.js';
import { ARTIFACTS_PATH, encodeProxyPath, parentOf, proxyRootOf, toFileInfos } from './artifact-paths.js';
import type { HttpClient, HttpRequest } from './http.js';
import { keyValueList, listOf, obj, tokenOf, type Json } from './wire.js';
import { statusToJson, toLoggedModel } from './wire-mlflow3.js';

const API = '/api/2.0/mlflow';
const AJAX_API = '/ajax-api/2.0/mlflow';
/** MLflow's client default page size on a file store; the REST default would be 50. */
const DEFAULT_PAGE_SIZE = 100;

const modelPath = (modelId: string, rest = ''): string => `${API}/logged-models/${encodeURIComponent(modelId)}${rest}`;

/** {@link LoggedModelStore} over a tracking server. */
export class RestLoggedModelStore implements LoggedModelStore {
  readonly #http: HttpClient;
  readonly #emit: (change: StoreChange) => void;
  readonly #track: <T>(promise: Promise<T>) => Promise<T>;
  /** model id → experiment id of the models this instance has seen, for change events. */
  readonly #experimentOf = new Map<string, string>();

  /**
   * @param http - The store's HTTP client.
   * @param emit - Reports a change to the store's subscribers.
   * @param track - Registers a write in flight (so `flush()` waits for it).
   */
  constructor(http: HttpClient, emit: (change: StoreChange) => void, track: <T>(promise: Promise<T>) => Promise<T>) {
    this.#http = http;
    this.#emit = emit;
    this.#track = track;
  }

  /**
   * Creates a PENDING model; a snapshot `status` or `lifecycleStage` is applied with follow-up
   * requests. @throws `NOT_IMPLEMENTED` for a given `modelId` (the server assigns ids)
   */
  async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    if (input.modelId !== undefined) {
      throw new EdgeflowError('NOT_IMPLEMENTED', `An MLflow tracking server assigns logged-model ids; RestStore cannot create ${describeValue(input.modelId)}.`, {
        details: { modelId: input.modelId },
      });
    }
    // The server draws a random name for '' too; the contract refuses it (one rule, in core).
    if (input.name !== undefined) assertLoggedModelName(input.name);
    const json = await this.#send('POST', `${API}/logged-models`, {
      experiment_id: input.experimentId,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.modelType == null ? {} : { model_type: input.modelType }),
      ...(input.sourceRunId == null ? {} : { source_run_id: input.sourceRunId }),
      params: keyValueList(input.params),
      tags: keyValueList(input.tags),
    });
    let model = toLoggedModel(obj(json['model'], 'model'));
    this.#changed(model);
    if (input.status !== undefined && input.status !== model.status) model = await this.finalizeLoggedModel(model.modelId, input.status);
    if (input.lifecycleStage === 'deleted') {
      await this.deleteLoggedModel(model.modelId);
      model = { ...model, lifecycleStage: 'deleted' };
    }
    return model;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const json = await this.#http.json({ method: 'GET', path: modelPath(modelId) });
    return this.#seen(toLoggedModel(obj(json['model'], 'model')));
  }

  async finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    const json = await this.#send('PATCH', modelPath(modelId), { model_id: modelId, status: statusToJson(status) });
    const model = toLoggedModel(obj(json['model'], 'model'));
    this.#changed(model);
    return model;
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.#send('DELETE', modelPath(modelId), {});
    this.#changedId(modelId);
  }

  async setLoggedModelTags(modelId: string, tags: readonly KeyValue[]): Promise<void> {
    await this.#send('PATCH', modelPath(modelId, '/tags'), { tags: keyValueList(tags) });
    this.#changedId(modelId);
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.#send('DELETE', modelPath(modelId, `/tags/${encodeURIComponent(key)}`), {});
    this.#changedId(modelId);
  }

  async logLoggedModelParams(modelId: string, params: readonly KeyValue[]): Promise<void> {
    await this.#send('POST', modelPath(modelId, '/params'), { model_id: modelId, params: keyValueList(params) });
    this.#changedId(modelId);
  }

  async searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
    const json = await this.#http.json({
      method: 'POST',
      path: `${API}/logged-models/search`,
      repeatable: true,
      json: {
        experiment_ids: query.experimentIds,
        ...(query.filter ? { filter: query.filter } : {}),
        ...(query.datasets?.length
          ? { datasets: query.datasets.map((d) => ({ dataset_name: d.datasetName, ...(d.datasetDigest === undefined ? {} : { dataset_digest: d.datasetDigest }) })) }
          : {}),
        max_results: query.maxResults ?? DEFAULT_PAGE_SIZE,
        ...(query.orderBy?.length
          ? {
              order_by: query.orderBy.map((o) => ({
                field_name: o.fieldName,
                ascending: o.ascending ?? true,
                ...(o.datasetName === undefined ? {} : { dataset_name: o.datasetName }),
                ...(o.datasetDigest === undefined ? {} : { dataset_digest: o.datasetDigest }),
              })),
            }
          : {}),
        ...(query.pageToken ? { page_token: query.pageToken } : {}),
      },
    });
    const items = listOf(json, 'models').map((m) => this.#seen(toLoggedModel(m)));
    const token = tokenOf(json);
    return token === undefined ? { items } : { items, nextPageToken: token };
  }

  /** Uploads through the artifact proxy (PUT) to the model's `mlflow-artifacts:` location. */
  async putLoggedModelArtifact(modelId: string, path: string, data: ArtifactData): Promise<void> {
    const root = proxyRootOf(modelId, (await this.getLoggedModel(modelId)).artifactLocation);
    await this.#track(this.#http.json({ method: 'PUT', path: `${ARTIFACTS_PATH}/${encodeProxyPath(root, path)}`, bytes: data }));
    this.#changedId(modelId);
  }

  async listLoggedModelArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    const json = await this.#http.json({ method: 'GET', path: modelPath(modelId, '/artifacts/directories'), query: path === '' ? {} : { artifact_directory_path: path } });
    return toFileInfos(path, listOf(json, 'files'));
  }

  /** @throws `RESOURCE_DOES_NOT_EXIST` when there is no file at `path` (checked by listing when the download fails) */
  async getLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    try {
      return await this.#http.bytes({
        method: 'GET',
        path: `${AJAX_API}/logged-models/${encodeURIComponent(modelId)}/artifacts/files`,
        query: { artifact_file_path: path },
        retry500: false,
      });
    } catch (error) {
      // MLflow's artifact repository answers a missing file with a 500.
      const listed = await this.listLoggedModelArtifacts(modelId, parentOf(path)).catch(() => undefined);
      if (listed !== undefined && !listed.some((f) => f.path === path && !f.isDir)) {
        throw EdgeflowError.resourceDoesNotExist(`No file ${describeValue(path)} in logged model ${modelId}.`, { details: { modelId, path }, cause: error });
      }
      throw error;
    }
  }

  /** @throws `NOT_IMPLEMENTED`: the server assigns ids, so whole records cannot be written as they are */
  async importLoggedModels(records: readonly LoggedModelRecord[]): Promise<void> {
    if (records.length === 0) return;
    throw new EdgeflowError('NOT_IMPLEMENTED', 'An MLflow tracking server assigns logged-model ids; RestStore cannot import whole logged-model records.');
  }

  /**
   * The active models of these experiments as records. The REST API reports only the latest metric
   * of each (key, dataset) and no deleted models, so those are all a record holds.
   */
  async exportLoggedModels(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    const records: LoggedModelRecord[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchLoggedModels({ experimentIds, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
      for (const { metrics, ...rest } of page.items) records.push({ ...rest, metricLines: metrics });
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return records;
  }

  #send(method: HttpRequest['method'], path: string, json: Json): Promise<Json> {
    return this.#track(this.#http.json({ method, path, json }));
  }

  #seen(model: LoggedModel): LoggedModel {
    this.#experimentOf.set(model.modelId, model.experimentId);
    return model;
  }

  #changed(model: LoggedModel): void {
    this.#seen(model);
    this.#emit({ kind: 'logged-model', modelId: model.modelId, experimentId: model.experimentId });
  }

  /** Reports a change of a model this instance has seen (others: nobody here can be showing it). */
  #changedId(modelId: string): void {
    const experimentId = this.#experimentOf.get(modelId);
    if (experimentId !== undefined) this.#emit({ kind: 'logged-model', modelId, experimentId });
  }
}
