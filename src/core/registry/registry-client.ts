/**
 * The model-registry half of `TrackingClient` (MLflow's `MlflowClient` registry methods, camelCase)
 * and model URI resolution (`runs:/`, `models:/<name>/<version|stage|latest>`, `models:/<name>@<alias>`).
 * @module
 */
import type { Page } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { parseRunId, type RunId } from '../ids.js';
import { pythonJson } from '../formats/python-json.js';
import type { Store } from '../store.js';
import { assertArtifactPath, assertWellFormedText, stringifyValue } from '../validation.js';
import type { ModelStage, ModelVersion, RegisteredModel } from './entities.js';
import type { RegistryStore } from './registry-store.js';
import type { RegistrySearchQuery } from './search.js';
import { assertAlias, assertModelName, assertRegistryTag, parseStage, parseVersion } from './validation.js';

/**
 * Where a model URI points: an artifact folder of a run, or (MLflow 3) the files of a logged model
 * — and the version it came from.
 */
export type ResolvedModelUri =
  | {
      readonly runId: RunId;
      /** Folder of the model inside the run's artifacts. */
      readonly path: string;
      readonly modelVersion?: ModelVersion;
    }
  | {
      /** The logged model whose files hold the model (`models:/<model_id>`). */
      readonly loggedModelId: string;
      /** Folder inside the logged model's artifacts ('' = its root). */
      readonly path: string;
      readonly modelVersion?: ModelVersion;
    };

/** `models:/<x>` with one segment and no `@` names an MLflow 3 logged model by id (spec §7); else undefined. */
export function loggedModelIdOfUri(uri: string): string | undefined {
  return /^models:\/([^/@]+)\/?$/u.exec(uri)?.[1];
}

/** The MLflow tag on a logged model listing its registered versions (`[{"name": …, "version": n}]`). */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/** Tags given to registry methods. */
export type RegistryTags = Readonly<Record<string, string | number | boolean>>;

function tagList(tags: RegistryTags | undefined): { key: string; value: string }[] {
  return Object.entries(tags ?? {}).map(([key, raw]) => {
    const value = stringifyValue(raw, key);
    assertRegistryTag(key, value);
    return { key, value };
  });
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw EdgeflowError.invalidParameterValue(`${field} must be a string.`, { details: { field } });
  assertWellFormedText(value, field, field);
  return value;
}

/** Parses `runs:/<run_id>/<path>`. */
export function parseRunsUri(uri: string): { runId: RunId; path: string } {
  const match = /^runs:\/([^/]+)\/(.+)$/u.exec(uri);
  if (match === null) {
    throw EdgeflowError.invalidParameterValue(`Invalid runs URI ${describeValue(uri)}: expected runs:/<run_id>/<artifact path>.`, { details: { field: 'uri' } });
  }
  return { runId: parseRunId(match[1]), path: assertArtifactPath(match[2]!.replace(/\/+$/u, '')) };
}

/** Registry methods over a store's {@link RegistryStore}; `TrackingClient` extends this. */
export class ModelRegistryClient {
  constructor(
    /** The store this client works on. */
    readonly store: Store,
    /** User recorded on new model versions. */
    readonly userId: string,
  ) {}

  /** The store's registry. @throws `NOT_IMPLEMENTED` when the backend has none */
  get registry(): RegistryStore {
    const registry = this.store.registry;
    if (registry === undefined) {
      throw new EdgeflowError('NOT_IMPLEMENTED', 'This store has no model registry.');
    }
    return registry;
  }

  async createRegisteredModel(name: string, options: { tags?: RegistryTags; description?: string } = {}): Promise<RegisteredModel> {
    assertModelName(name);
    return this.registry.createRegisteredModel({ name, tags: tagList(options.tags), description: optionalString(options.description, 'description') });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    assertModelName(name);
    return this.registry.getRegisteredModel(name);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    assertModelName(name);
    assertModelName(newName, 'new_name');
    return this.registry.renameRegisteredModel(name, newName);
  }

  async updateRegisteredModel(name: string, options: { description?: string | null }): Promise<RegisteredModel> {
    assertModelName(name);
    return this.registry.updateRegisteredModel(name, optionalString(options.description, 'description'));
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    assertModelName(name);
    await this.registry.deleteRegisteredModel(name);
  }

  /** Searches registered models: `name LIKE 'x%'`, `tags.k = 'v'`; default 100 per page. */
  async searchRegisteredModels(options: RegistrySearchQuery = {}): Promise<Page<RegisteredModel>> {
    return this.registry.searchRegisteredModels(options);
  }

  async setRegisteredModelTag(name: string, key: string, value: string | number | boolean): Promise<void> {
    assertModelName(name);
    const text = stringifyValue(value, key);
    assertRegistryTag(key, text);
    await this.registry.setRegisteredModelTag(name, { key, value: text });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    assertModelName(name);
    assertRegistryTag(key, '');
    await this.registry.deleteRegisteredModelTag(name, key);
  }

  /**
   * Registers a new version of model `name` from `source` (e.g. `runs:/<run_id>/model`); the run
   * is linked (from `runId`, or parsed from a `runs:/` source).
   */
  async createModelVersion(
    name: string,
    source: string,
    options: { runId?: string; tags?: RegistryTags; runLink?: string; description?: string; modelId?: string } = {},
  ): Promise<ModelVersion> {
    assertModelName(name);
    if (typeof source !== 'string' || source.length === 0) {
      throw EdgeflowError.invalidParameterValue('A model version needs a non-empty source URI.', { details: { field: 'source' } });
    }
    assertWellFormedText(source, 'source', 'source');
    const logged = await this.#loggedModelOf(source);
    const runId = options.runId !== undefined
      ? parseRunId(options.runId)
      : source.startsWith('runs:/') ? parseRunsUri(source).runId : logged?.sourceRunId ?? null;
    const storageLocation = logged?.artifactLocation ?? (await this.#pinnedLocation(source));
    return this.registry.createModelVersion({
      name,
      source,
      storageLocation,
      runId,
      tags: tagList(options.tags),
      runLink: optionalString(options.runLink, 'runLink'),
      description: optionalString(options.description, 'description'),
      modelId: optionalString(options.modelId, 'modelId'),
      userId: this.userId,
    });
  }

  /**
   * `mlflow.register_model`: creates the registered model when needed, then a version from
   * `modelUri`. A `runs:/<run_id>/<path>` URI is stored as MLflow stores it: as the run's artifact
   * location (`<artifact_uri>/<path>`), linked to the run.
   */
  async registerModel(modelUri: string, name: string, options: { tags?: RegistryTags } = {}): Promise<ModelVersion> {
    assertModelName(name);
    try {
      await this.registry.getRegisteredModel(name);
    } catch (error) {
      if (!(error instanceof EdgeflowError && error.code === 'RESOURCE_DOES_NOT_EXIST')) throw error;
      await this.createRegisteredModel(name).catch((e: unknown) => {
        if (!(e instanceof EdgeflowError && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
      });
    }
    const tags = options.tags === undefined ? {} : { tags: options.tags };
    const loggedModelId = typeof modelUri === 'string' ? loggedModelIdOfUri(modelUri) : undefined;
    if (loggedModelId !== undefined) return this.#registerLoggedModel(name, modelUri, loggedModelId, tags);
    if (typeof modelUri !== 'string' || !modelUri.startsWith('runs:/')) return this.createModelVersion(name, modelUri, tags);
    const { runId, path } = parseRunsUri(modelUri);
    const run = await this.store.getRun(runId);
    const source = path === '' ? run.info.artifactUri : `${run.info.artifactUri.replace(/\/+$/u, '')}/${path}`;
    return this.createModelVersion(name, source, { ...tags, runId });
  }

  /**
   * `mlflow.register_model("models:/<model_id>")`: the version stores the model id, its source run
   * and its artifact location; the logged model's tag `mlflow.modelVersions` lists the version.
   */
  async #registerLoggedModel(name: string, source: string, modelId: string, tags: { tags?: RegistryTags }): Promise<ModelVersion> {
    const version = await this.createModelVersion(name, source, { ...tags, modelId });
    const models = this.store.loggedModels!;
    const current = (await models.getLoggedModel(modelId)).tags[MODEL_VERSIONS_TAG];
    let list: unknown = [];
    try {
      list = current === undefined ? [] : JSON.parse(current);
    } catch {
      list = [];
    }
    const entries = [...(Array.isArray(list) ? list : []), { name, version: version.version }];
    await models.setLoggedModelTags(modelId, [{ key: MODEL_VERSIONS_TAG, value: pythonJson(entries) }]);
    return version;
  }

  /** The logged model a `models:/<model_id>` source names, or undefined for other sources. */
  async #loggedModelOf(source: string): Promise<{ sourceRunId: string | null; artifactLocation: string } | undefined> {
    const modelId = loggedModelIdOfUri(source);
    const models = this.store.loggedModels;
    if (modelId === undefined || models === undefined) return undefined;
    try {
      const model = await models.getLoggedModel(modelId);
      return { sourceRunId: model.sourceRunId, artifactLocation: model.artifactLocation };
    } catch (error) {
      if (!(error instanceof EdgeflowError && error.code === 'RESOURCE_DOES_NOT_EXIST')) throw error;
      throw EdgeflowError.invalidParameterValue(
        `Unable to fetch model from model URI source ${describeValue(source)}: there is no logged model with id ${describeValue(modelId)}.`,
        { details: { field: 'source', source }, cause: error },
      );
    }
  }

  /**
   * The download location a new version pins at creation (MLflow's file store): a
   * `models:/<name>/<version>` source is resolved now, so the copy survives the original's deletion.
   * An alias, stage or `latest` would move later, so such sources are refused, as MLflow refuses them.
   */
  async #pinnedLocation(source: string): Promise<string> {
    if (!source.startsWith('models:/')) return source;
    const rest = source.slice('models:/'.length);
    const slash = rest.lastIndexOf('/');
    if (slash < 0 && rest.startsWith('m-')) return source; // an MLflow 3 logged model (`models:/m-…`)
    const version = rest.slice(slash + 1);
    if (rest.includes('@') || slash <= 0 || !/^\d+$/u.test(version)) {
      throw EdgeflowError.invalidParameterValue(
        `Unable to fetch model from model URI source ${describeValue(source)}: a version's source must name a version number (models:/<name>/<version>), not an alias, stage or latest.`,
        { details: { field: 'source', source } },
      );
    }
    return this.getModelVersionDownloadUri(rest.slice(0, slash), version);
  }

  async getModelVersion(name: string, version: number | string): Promise<ModelVersion> {
    assertModelName(name);
    return this.registry.getModelVersion(name, parseVersion(version));
  }

  async updateModelVersion(name: string, version: number | string, options: { description?: string | null }): Promise<ModelVersion> {
    assertModelName(name);
    return this.registry.updateModelVersion(name, parseVersion(version), optionalString(options.description, 'description'));
  }

  async deleteModelVersion(name: string, version: number | string): Promise<void> {
    assertModelName(name);
    await this.registry.deleteModelVersion(name, parseVersion(version));
  }

  /**
   * Moves a version to a stage (`None`, `Staging`, `Production`, `Archived`; any case). With
   * `archiveExistingVersions` (Staging/Production only) the others in that stage become Archived.
   */
  async transitionModelVersionStage(
    name: string,
    version: number | string,
    stage: ModelStage | string,
    options: { archiveExistingVersions?: boolean } = {},
  ): Promise<ModelVersion> {
    assertModelName(name);
    return this.registry.transitionModelVersionStage(name, parseVersion(version), parseStage(stage), options.archiveExistingVersions ?? false);
  }

  async setModelVersionTag(name: string, version: number | string, key: string, value: string | number | boolean): Promise<void> {
    assertModelName(name);
    const text = stringifyValue(value, key);
    assertRegistryTag(key, text);
    await this.registry.setModelVersionTag(name, parseVersion(version), { key, value: text });
  }

  async deleteModelVersionTag(name: string, version: number | string, key: string): Promise<void> {
    assertModelName(name);
    assertRegistryTag(key, '');
    await this.registry.deleteModelVersionTag(name, parseVersion(version), key);
  }

  /** For each stage (default all four), its highest-numbered version. */
  async getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]> {
    assertModelName(name);
    return this.registry.getLatestVersions(name, stages?.map(parseStage));
  }

  /** Searches model versions: `name = 'm'`, `run_id IN (…)`, `version_number > 2`, `tags.k = 'v'`. */
  async searchModelVersions(options: RegistrySearchQuery = {}): Promise<Page<ModelVersion>> {
    return this.registry.searchModelVersions(options);
  }

  async setRegisteredModelAlias(name: string, alias: string, version: number | string): Promise<void> {
    assertModelName(name);
    assertAlias(alias);
    await this.registry.setRegisteredModelAlias(name, alias, parseVersion(version));
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    assertModelName(name);
    assertAlias(alias);
    await this.registry.deleteRegisteredModelAlias(name, alias);
  }

  /** The version an alias points at (`latest` = the newest version). */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    assertModelName(name);
    if (typeof alias !== 'string' || alias.toLowerCase() !== 'latest') assertAlias(alias);
    return this.registry.getModelVersionByAlias(name, alias);
  }

  /** Where a version's files are (`storage_location`, else `source`). */
  async getModelVersionDownloadUri(name: string, version: number | string): Promise<string> {
    const mv = await this.getModelVersion(name, version);
    return mv.storageLocation ?? mv.source;
  }

  /**
   * Resolves a model URI to a folder of a run's artifacts: `runs:/<run_id>/<path>`,
   * `models:/<name>/<version>`, `models:/<name>/<stage>` (highest version in that stage),
   * `models:/<name>/latest`, `models:/<name>@<alias>`.
   */
  async resolveModelUri(uri: string): Promise<ResolvedModelUri> {
    if (typeof uri !== 'string') throw EdgeflowError.invalidParameterValue('A model URI must be a string.', { details: { field: 'uri' } });
    if (uri.startsWith('runs:/')) return parseRunsUri(uri);
    const loggedModelId = loggedModelIdOfUri(uri);
    if (loggedModelId !== undefined) return { loggedModelId, path: '' };
    if (!uri.startsWith('models:/')) {
      throw EdgeflowError.invalidParameterValue(
        `Unsupported model URI ${describeValue(uri)}: expected runs:/<run_id>/<path>, models:/<name>/<version or stage> or models:/<name>@<alias>.`,
        { details: { field: 'uri' } },
      );
    }
    const rest = uri.slice('models:/'.length);
    let version: ModelVersion;
    const at = rest.lastIndexOf('@');
    if (at > 0) {
      version = await this.getModelVersionByAlias(rest.slice(0, at), rest.slice(at + 1));
    } else {
      const slash = rest.lastIndexOf('/');
      if (slash <= 0) throw EdgeflowError.invalidParameterValue(`Invalid model URI ${describeValue(uri)}: no version, stage or alias.`, { details: { field: 'uri' } });
      const name = rest.slice(0, slash);
      const suffix = rest.slice(slash + 1);
      if (/^\d+$/u.test(suffix)) version = await this.getModelVersion(name, suffix);
      else if (suffix.toLowerCase() === 'latest') version = await this.getModelVersionByAlias(name, 'latest');
      else {
        const [latest] = await this.getLatestVersions(name, [suffix]);
        if (latest === undefined) {
          throw EdgeflowError.resourceDoesNotExist(`Registered model ${describeValue(name)} has no version in stage ${parseStage(suffix)}.`, { details: { name } });
        }
        version = latest;
      }
    }
    const location = version.storageLocation ?? version.source;
    const versionOfLoggedModel = version.modelId ?? loggedModelIdOfUri(version.source);
    if (versionOfLoggedModel !== undefined && versionOfLoggedModel !== null) return { loggedModelId: versionOfLoggedModel, path: '', modelVersion: version };
    if (location.startsWith('runs:/')) return { ...parseRunsUri(location), modelVersion: version };
    if (location.startsWith('models:/')) return this.resolveModelUri(location);
    if (version.runId !== null) {
      const run = await this.store.getRun(parseRunId(version.runId));
      const root = `${run.info.artifactUri.replace(/\/+$/u, '')}/`;
      if (location.startsWith(root)) return { runId: run.info.runId, path: assertArtifactPath(location.slice(root.length).replace(/\/+$/u, '')), modelVersion: version };
    }
    throw EdgeflowError.invalidParameterValue(
      `Model version ${version.name}/${version.version} points at ${describeValue(location)}, which is not in this store's run artifacts.`,
      { details: { field: 'uri', source: location } },
    );
  }
}
