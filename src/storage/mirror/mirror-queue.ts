/**
 * What the live mirror has to push: runs (with the metric keys that grew, or every key) and
 * registered models with changes not taken yet, and the items of the push in progress. A push
 * takes everything waiting; what it does not finish is put back with what it had.
 * @module
 */

/** A run waiting to be pushed: the metric keys that grew, or every key; whether anything but points changed. */
export interface RunItem {
  readonly runId: string;
  keys: Set<string> | 'all';
  metricsOnly: boolean;
}

/** The items of one push. */
export interface TakenItems {
  readonly runs: readonly RunItem[];
  readonly models: readonly string[];
}

/** The mirror's queue (see the module notes). */
export class MirrorQueue {
  readonly #runs = new Map<string, RunItem>();
  readonly #models = new Set<string>();
  /** `run:<id>` and `model:<name>` of the push in progress, until each is done. */
  readonly #busy = new Set<string>();

  /**
   * Marks a run as changed: `keys` are metric keys that grew (`'all'`: compare every key);
   * `metricsOnly` when nothing but metric points changed.
   */
  markRun(runId: string, keys: Iterable<string> | 'all', metricsOnly = false): void {
    const item = this.#runs.get(runId);
    if (item === undefined) this.#runs.set(runId, { runId, keys: keys === 'all' ? 'all' : new Set(keys), metricsOnly: metricsOnly && keys !== 'all' });
    else {
      item.metricsOnly &&= metricsOnly && keys !== 'all';
      if (keys === 'all') item.keys = 'all';
      else if (item.keys !== 'all') for (const key of keys) item.keys.add(key);
    }
  }

  markModel(name: string): void {
    this.#models.add(name);
  }

  /** True while the run has changes not taken by a push. */
  hasRun(runId: string): boolean {
    return this.#runs.has(runId);
  }

  hasModel(name: string): boolean {
    return this.#models.has(name);
  }

  /** The ids of runs and names of models waiting (not taken). */
  waiting(): { readonly runIds: string[]; readonly models: string[] } {
    return { runIds: [...this.#runs.keys()], models: [...this.#models] };
  }

  /** Forgets what is waiting (a standby, once its outbox entries are written). */
  clear(): void {
    this.#runs.clear();
    this.#models.clear();
  }

  /** Takes everything waiting for one push; each item stays pending until {@link MirrorQueue.done}. */
  take(): TakenItems {
    const taken = { runs: [...this.#runs.values()], models: [...this.#models] };
    this.clear();
    for (const item of taken.runs) this.#busy.add(`run:${item.runId}`);
    for (const name of taken.models) this.#busy.add(`model:${name}`);
    return taken;
  }

  /** A taken run (`run:<id>`) or model (`model:<name>`) is done. */
  done(item: string): void {
    this.#busy.delete(item);
  }

  /** Puts back the taken items that are not done, with the keys they had. */
  putBack(taken: TakenItems): void {
    for (const item of taken.runs) if (this.#busy.delete(`run:${item.runId}`)) this.markRun(item.runId, item.keys, item.metricsOnly);
    for (const name of taken.models) if (this.#busy.delete(`model:${name}`)) this.markModel(name);
  }

  /** Items waiting or in the push in progress. */
  get pending(): number {
    let count = this.#busy.size;
    for (const runId of this.#runs.keys()) if (!this.#busy.has(`run:${runId}`)) count++;
    for (const name of this.#models) if (!this.#busy.has(`model:${name}`)) count++;
    return count;
  }
}
