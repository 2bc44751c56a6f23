/**
 * Live updates: subscribes to the host's store and hands the host one coalesced batch of
 * changes per animation frame. Changes are merged per run, so a burst of thousands of
 * `run-data` events (a training loop) costs one re-query per run and key.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExperimentId, RunId } from '../../core/ids.js';
import type { Store, StoreChange } from '../../core/store.js';

/** Data keys of one run that changed. */
export interface RunDataChange {
  readonly experimentId: ExperimentId;
  readonly metricKeys: Set<string>;
  readonly paramKeys: Set<string>;
  readonly tagKeys: Set<string>;
}

/** The changes of one frame, merged. */
export interface ChangeBatch {
  /** Experiments created, renamed, deleted, restored or re-tagged. */
  readonly experiments: Set<ExperimentId>;
  /** Runs created, updated, deleted or restored, with their experiment. */
  readonly runs: Map<RunId, ExperimentId>;
  /** Runs with new metrics, params or tags. */
  readonly runData: Map<RunId, RunDataChange>;
  /** Runs whose artifacts changed, with the changed paths. */
  readonly artifacts: Map<RunId, Set<string>>;
  /** Registered models created, changed (versions, stages, aliases, tags) or deleted, by name. */
  readonly registeredModels: Set<string>;
  /** Experiments whose logged models changed. */
  readonly loggedModelExperiments: Set<string>;
}

function emptyBatch(): ChangeBatch {
  return { experiments: new Set(), runs: new Map(), runData: new Map(), artifacts: new Map(), registeredModels: new Set(), loggedModelExperiments: new Set() };
}

/** Adds one change to a batch. */
export function mergeChange(batch: ChangeBatch, change: StoreChange): void {
  switch (change.kind) {
    case 'experiment':
      batch.experiments.add(change.experimentId);
      return;
    case 'run':
      batch.runs.set(change.runId, change.experimentId);
      return;
    case 'run-data': {
      let entry = batch.runData.get(change.runId);
      if (entry === undefined) {
        entry = { experimentId: change.experimentId, metricKeys: new Set(), paramKeys: new Set(), tagKeys: new Set() };
        batch.runData.set(change.runId, entry);
      }
      for (const key of change.metricKeys) entry.metricKeys.add(key);
      for (const key of change.paramKeys) entry.paramKeys.add(key);
      for (const key of change.tagKeys) entry.tagKeys.add(key);
      return;
    }
    case 'artifacts': {
      let paths = batch.artifacts.get(change.runId);
      if (paths === undefined) batch.artifacts.set(change.runId, (paths = new Set()));
      paths.add(change.path);
      return;
    }
    case 'registered-model':
      batch.registeredModels.add(change.name);
      return;
    case 'logged-model':
      batch.loggedModelExperiments.add(change.experimentId);
      return;
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/** Options of {@link StoreChangesController}. */
export interface StoreChangesOptions {
  /** The store to listen to (read at every host update). */
  readonly store: () => Store | undefined;
  /** Receives each frame's batch. */
  readonly onChanges: (batch: ChangeBatch) => void;
}

/** See the module docs. */
export class StoreChangesController implements ReactiveController {
  private __store: Store | undefined;
  private __unsubscribe: (() => void) | undefined;
  private __batch: ChangeBatch | undefined;
  private __frame = 0;
  private __connected = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: StoreChangesOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.__connected = true;
    this.__sync();
  }

  hostUpdated(): void {
    this.__sync();
  }

  hostDisconnected(): void {
    this.__connected = false;
    this.__unsubscribe?.();
    this.__unsubscribe = undefined;
    this.__store = undefined;
    if (this.__frame !== 0) cancelAnimationFrame(this.__frame);
    this.__frame = 0;
    this.__batch = undefined;
  }

  /** Delivers a pending batch now (tests, or before a synchronous read). */
  flushNow(): void {
    if (this.__frame !== 0) cancelAnimationFrame(this.__frame);
    this.__deliver();
  }

  private __sync(): void {
    const store = this.__connected ? this.options.store() : undefined;
    if (store === this.__store) return;
    this.__unsubscribe?.();
    this.__unsubscribe = undefined;
    this.__store = store;
    if (store !== undefined) this.__unsubscribe = store.subscribe((change) => this.__receive(change));
  }

  private __receive(change: StoreChange): void {
    this.__batch ??= emptyBatch();
    mergeChange(this.__batch, change);
    if (this.__frame === 0) this.__frame = requestAnimationFrame(() => this.__deliver());
  }

  private __deliver(): void {
    this.__frame = 0;
    const batch = this.__batch;
    this.__batch = undefined;
    if (batch !== undefined) this.options.onChanges(batch);
  }
}
