/**
 * The model registry of a store for a view: registered models (filtered, by name) with their
 * versions (newest first), reloaded when a `registered-model` change arrives, and the actions the
 * registry element offers (aliases, stage transitions) through the validating client.
 * @module
 */
import type { ReactiveControllerHost } from 'lit';
import { TrackingClient } from '../../core/client.js';
import type { ModelStage, ModelVersion, RegisteredModel } from '../../core/registry/entities.js';
import type { Store } from '../../core/store.js';
import { collectPages } from '../../core/store-reads.js';
import { QueryController } from './query-controller.js';
import type { LoadState } from './status.js';
import { StoreChangesController } from './store-changes-controller.js';

/** What {@link ModelRegistryController} loads. */
export interface RegistryView {
  /** False when the store has no model registry (nothing else is loaded then). */
  readonly available: boolean;
  /** Registered models in name order. */
  readonly models: readonly RegisteredModel[];
  /** Versions of each listed model, newest first. */
  readonly versions: ReadonlyMap<string, readonly ModelVersion[]>;
}

/** What the host provides. */
export interface ModelRegistryOptions {
  readonly store: () => Store | undefined;
  /** A registered-model filter (`name LIKE 'iris%'`, `tags.team = 'core'`); empty = all. */
  readonly filter: () => string;
}

const MODEL_PAGE = 1000;
const VERSION_PAGE = 10_000;

const NO_REGISTRY: RegistryView = { available: false, models: [], versions: new Map() };

/** See the module docs. */
export class ModelRegistryController {
  private readonly __query: QueryController<readonly [Store, string], RegistryView>;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: ModelRegistryOptions,
  ) {
    this.__query = new QueryController(host, {
      args: () => {
        const store = options.store();
        return store === undefined ? undefined : ([store, options.filter().trim()] as const);
      },
      task: ([store, filter], signal) => load(store, filter, signal),
    });
    new StoreChangesController(host, {
      store: options.store,
      onChanges: (batch) => {
        if (batch.registeredModels.size > 0) void this.__query.refresh();
      },
    });
  }

  /** The load state. */
  get state(): LoadState<RegistryView> {
    return this.__query.state;
  }

  /** Resolves when the current load has settled. */
  get settled(): Promise<void> {
    return this.__query.settled;
  }

  /** Loads again (after an action, or on demand). */
  refresh(): Promise<void> {
    return this.__query.refresh();
  }

  /** Points `alias` at a version (moves it when it pointed elsewhere). @throws the client's validation errors */
  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await this.__client().setRegisteredModelAlias(name, alias, version);
    await this.refresh();
  }

  /** Removes `alias`. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.__client().deleteRegisteredModelAlias(name, alias);
    await this.refresh();
  }

  /** Moves a version to a stage; `archiveExisting` archives the others in Staging/Production. */
  async transition(name: string, version: number, stage: ModelStage, archiveExisting: boolean): Promise<void> {
    await this.__client().transitionModelVersionStage(name, version, stage, { archiveExistingVersions: archiveExisting });
    await this.refresh();
  }

  private __client(): TrackingClient {
    const store = this.options.store();
    if (store === undefined) throw new Error('No store connected.');
    if (store.capabilities.readOnly) throw new Error('This store is read-only.');
    return new TrackingClient(store);
  }
}

async function load(store: Store, filter: string, signal: AbortSignal): Promise<RegistryView> {
  const registry = store.registry;
  if (registry === undefined) return NO_REGISTRY;
  const models = await collectPages(
    (pageToken) => registry.searchRegisteredModels({ maxResults: MODEL_PAGE, orderBy: ['name ASC'], ...(filter === '' ? {} : { filter }), pageToken }),
    signal,
  );
  // One search for every version (names may hold quotes, which a filter literal cannot express).
  const listed = new Set(models.map((m) => m.name));
  const versions = new Map<string, ModelVersion[]>();
  for (const v of await collectPages((pageToken) => registry.searchModelVersions({ maxResults: VERSION_PAGE, pageToken }), signal)) {
    if (!listed.has(v.name)) continue;
    let list = versions.get(v.name);
    if (list === undefined) versions.set(v.name, (list = []));
    list.push(v);
  }
  for (const list of versions.values()) list.sort((a, b) => b.version - a.version);
  return { available: true, models, versions };
}
