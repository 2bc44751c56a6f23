/**
 * Live metric histories for a chart: loads the full history of each (run, key) once, then on
 * every coalesced store change reads only the new tail of the changed (run, key) and appends it
 * to the already-loaded columns, so a live 1M-point chart never re-reads or re-processes its past.
 * @module
 */
import type { ReactiveControllerHost } from 'lit';
import type { MetricSeries, Run } from '../../core/entities.js';
import type { RunId } from '../../core/ids.js';
import type { Store } from '../../core/store.js';
import { readMetricHistoryFrom } from '../../core/store-reads.js';
import { runsToShow } from './experiment-scope.js';
import { GrowableColumn } from '../charts/growable.js';
import type { SeriesSource } from '../charts/chart-data.js';
import { QueryController } from './query-controller.js';
import { throwIfAborted, type LoadState } from './status.js';
import { StoreChangesController, type ChangeBatch } from './store-changes-controller.js';

/** A loaded series with its bookkeeping. */
interface Entry extends SeriesSource {
  /** A tail read in flight. */
  reading: Promise<void> | undefined;
  /** Another change arrived during the read. */
  dirty: boolean;
}

/** What the host provides. */
export interface MetricSeriesOptions {
  readonly store: () => Store | undefined;
  /** The runs; when none, the newest `maxRuns` runs of `experimentIds` (see `runsToShow`). */
  readonly runIds: () => readonly string[];
  /** Experiments whose runs are shown when `runIds` is empty; none = the store's first with runs. */
  readonly experimentIds?: () => readonly string[];
  /** Most runs taken from the experiments (default 10). */
  readonly maxRuns?: () => number;
  readonly keys: () => readonly string[];
  /** Called after new points were appended (at most once per frame per batch). */
  readonly onAppend?: () => void;
}

/** The loaded data: series in (run, key) order and the runs by id. */
export interface MetricSeriesValue {
  readonly sources: readonly SeriesSource[];
  readonly runs: ReadonlyMap<string, Run>;
}

/** Runs taken from an experiment when no `maxRuns` is given. */
const DEFAULT_MAX_RUNS = 10;

function entryId(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}

/** The store hands out fresh columns, so the entry adopts them without copying. */
function newEntry(runId: string, key: string, origin: number, series: MetricSeries): Entry {
  return {
    runId,
    key,
    origin,
    steps: GrowableColumn.adopt(series.steps),
    timestamps: GrowableColumn.adopt(series.timestamps),
    values: GrowableColumn.adopt(series.values),
    reading: undefined,
    dirty: false,
  };
}

function appendSeries(entry: Entry, series: MetricSeries): void {
  entry.steps.append(series.steps);
  entry.timestamps.append(series.timestamps);
  entry.values.append(series.values);
}

/** See the module docs. */
export class MetricSeriesController {
  /** Full history reads so far (the first load of each series); for tests and diagnostics. */
  fullReads = 0;
  /** Tail reads so far. */
  tailReads = 0;
  /** Increments whenever points were appended or runs changed. */
  version = 0;
  private __entries = new Map<string, Entry>();
  private __store: Store | undefined;
  private readonly __query: QueryController<readonly [Store, string, string, string], MetricSeriesValue>;
  private __runs = new Map<string, Run>();
  private readonly __changes: StoreChangesController;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: MetricSeriesOptions,
  ) {
    this.__query = new QueryController(host, {
      args: () => {
        const store = options.store();
        if (store === undefined) return undefined;
        const scope = options.runIds().length > 0 || options.experimentIds === undefined ? '' : `${options.experimentIds().join(',')}|${options.maxRuns?.() ?? DEFAULT_MAX_RUNS}`;
        return [store, options.runIds().join(','), options.keys().join(','), scope] as const;
      },
      task: ([store], signal) => this.__load(store, signal),
    });
    this.__changes = new StoreChangesController(host, { store: options.store, onChanges: (batch) => this.__onChanges(batch) });
  }

  /** The load state. */
  get state(): LoadState<MetricSeriesValue> {
    return this.__query.state;
  }

  /** Resolves when the current load has settled. */
  get settled(): Promise<void> {
    return this.__query.settled;
  }

  /** Loads again (after an error, or to re-read everything); resolves when done. */
  refresh(): Promise<void> {
    return this.__query.refresh();
  }

  /** Resolves when the load and all tail reads in flight have settled. */
  async idle(): Promise<void> {
    await this.__query.settled;
    // Changes waiting for the next frame are read now.
    this.__changes.flushNow();
    await Promise.all([...this.__entries.values()].map((e) => e.reading));
  }

  private async __load(store: Store, signal: AbortSignal): Promise<MetricSeriesValue> {
    if (store !== this.__store) {
      this.__entries = new Map();
      this.__runs = new Map();
      this.__store = store;
    }
    const keys = [...new Set(this.options.keys())];
    const runs = new Map<string, Run>();
    let runIds = [...new Set(this.options.runIds())];
    if (runIds.length === 0 && this.options.experimentIds !== undefined) {
      const found = await runsToShow(store, this.options.experimentIds(), this.options.maxRuns?.() ?? DEFAULT_MAX_RUNS, signal);
      for (const run of found) this.__runs.set(run.info.runId, run);
      runIds = found.map((run) => run.info.runId);
    }
    const next = new Map<string, Entry>();
    const sources: Entry[] = [];
    // Each run's histories are read as soon as that run is known, alongside the other runs' reads.
    await Promise.all(
      runIds.map(async (runId) => {
        const run = this.__runs.get(runId) ?? (await store.getRun(runId as RunId));
        throwIfAborted(signal);
        runs.set(runId, run);
        await Promise.all(
          keys.map(async (key) => {
            const id = entryId(runId, key);
            let entry = this.__entries.get(id);
            if (entry === undefined) {
              const series = await store.getMetricHistory(runId as RunId, key);
              this.fullReads++;
              throwIfAborted(signal);
              entry = newEntry(runId, key, run.info.startTime, series);
            }
            next.set(id, entry);
          }),
        );
      }),
    );
    throwIfAborted(signal);
    for (const runId of runIds) for (const key of keys) sources.push(next.get(entryId(runId, key))!);
    this.__entries = next;
    this.__runs = runs;
    this.version++;
    return { sources, runs };
  }

  private __onChanges(batch: ChangeBatch): void {
    const store = this.__store;
    if (store === undefined || this.__entries.size === 0) return;
    let runsChanged = false;
    for (const runId of batch.runs.keys()) {
      if (this.__runs.has(runId)) {
        runsChanged = true;
        void store.getRun(runId).then(
          (run) => {
            if (store !== this.__store || !this.__runs.has(runId)) return;
            this.__runs.set(runId, run);
            this.__republish();
          },
          () => undefined,
        );
      }
    }
    for (const [runId, change] of batch.runData) {
      for (const key of change.metricKeys) {
        const entry = this.__entries.get(entryId(runId, key));
        if (entry !== undefined) this.__readTail(store, entry);
      }
    }
    if (runsChanged) this.host.requestUpdate();
  }

  private __readTail(store: Store, entry: Entry): void {
    if (entry.reading !== undefined) {
      entry.dirty = true;
      return;
    }
    entry.reading = (async () => {
      do {
        entry.dirty = false;
        const from = entry.values.length;
        const tail = await readMetricHistoryFrom(store, entry.runId as RunId, entry.key, from);
        this.tailReads++;
        if (store !== this.__store) return;
        if (tail.values.length > 0) {
          appendSeries(entry, tail);
          this.version++;
          this.options.onAppend?.();
        }
      } while (entry.dirty);
    })()
      .catch(() => undefined)
      .finally(() => {
        entry.reading = undefined;
      });
  }

  private __republish(): void {
    const value = this.__query.value;
    if (value === undefined) return;
    this.version++;
    this.__query.set({ sources: value.sources, runs: new Map(this.__runs) });
  }
}
