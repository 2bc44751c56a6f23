/**
 * Reading {@link CompactRuns} in place: run search reads its rows through {@link RunTable.fields}
 * (a column per key, built on first use), and a {@link Run} is built only for a row that is
 * returned ({@link RunTable.run}).
 * @module
 */
import { NO_RUN_INPUTS } from '../../core/datasets/entities.js';
import { dict, type Metric, type Run, type RunInfo } from '../../core/entities.js';
import type { FieldReader, RunFields } from '../../core/search/index.js';
import { INFO_STRINGS, INFO_TIMES, RUN_INDEX_FORMAT, lineageIndexOf, numberAt, type CompactRuns, type EntryColumns, type Indexes } from './run-index.js';

/** Packed runs, read by row position. */
export class RunTable {
  /** Number of runs. */
  readonly size: number;
  /** Run search's view of the rows (row = position). */
  readonly fields: RunFields<number>;
  readonly #packed: CompactRuns;
  readonly #strings: string[];
  #keyIds: Map<string, number> | undefined;
  /** Per kind and key: the entry of each row holding it, -1 where the run lacks it. */
  readonly #entryColumns = new Map<string, Int32Array>();

  /** Reads `packed` (which must be of {@link RUN_INDEX_FORMAT}; see {@link RunTable.of}). */
  constructor(packed: CompactRuns) {
    this.#packed = packed;
    this.#strings = packed.strings;
    this.size = packed.infoStrings.length / INFO_STRINGS.length;
    const { metrics, params, tags } = packed;
    this.fields = {
      metric: (key) => {
        const column = this.#entryColumn('metric', metrics, key);
        const values = metrics.values;
        return (row) => {
          const at = column[row]!;
          return at < 0 ? null : values[at]!;
        };
      },
      param: (key) => this.#stringReader('param', params, key),
      tag: (key) => this.#stringReader('tag', tags, key),
      info: (key) => this.#infoReader(key),
      datasetInputs: (row) => {
        const at = lineageIndexOf(packed, row);
        return at < 0 ? NO_RUN_INPUTS.datasetInputs : (packed.lineage.inputs[at]?.datasetInputs ?? NO_RUN_INPUTS.datasetInputs);
      },
    };
  }

  /** A table over `packed`, or undefined when it is of another layout. */
  static of(packed: CompactRuns): RunTable | undefined {
    return packed.format === RUN_INDEX_FORMAT ? new RunTable(packed) : undefined;
  }

  /** The packed runs the table reads. */
  get packed(): CompactRuns {
    return this.#packed;
  }

  /** The run id of `row`. */
  runId(row: number): RunInfo['runId'] {
    return this.#strings[this.#packed.infoStrings[row * INFO_STRINGS.length]!]! as RunInfo['runId'];
  }

  /** The frozen snapshot of `row` (the same shape `toRun` gives). */
  run(row: number): Run {
    const packed = this.#packed;
    const { keys, strings } = packed;
    const text = (field: number): string => strings[packed.infoStrings[row * INFO_STRINGS.length + field]!]!;
    const time = (field: number): number | null => nullable(packed.times[row * INFO_TIMES.length + field]!);
    const info = {
      runId: text(0),
      runName: text(1),
      experimentId: text(2),
      userId: text(3),
      status: text(4),
      startTime: time(0)!,
      endTime: time(1),
      artifactUri: text(5),
      lifecycleStage: text(6),
      deletedTime: time(2),
    } as RunInfo;
    const stringsOf = (columns: EntryColumns<Indexes>): Readonly<Record<string, string>> => {
      const out = dict<string>();
      for (let j = row === 0 ? 0 : columns.ends[row - 1]!; j < columns.ends[row]!; j++) out[keys[columns.keys[j]!]!] = strings[columns.values[j]!]!;
      return Object.freeze(out);
    };
    const metrics = dict<number>();
    const latestMetrics = dict<Metric>();
    const values = packed.metrics.values;
    const { timestamps, steps } = packed.metrics;
    for (let j = row === 0 ? 0 : packed.metrics.ends[row - 1]!; j < packed.metrics.ends[row]!; j++) {
      const key = keys[packed.metrics.keys[j]!]!;
      metrics[key] = values[j]!;
      latestMetrics[key] = Object.freeze({ key, value: values[j]!, timestamp: numberAt(timestamps, j), step: numberAt(steps, j) });
    }
    const at = lineageIndexOf(packed, row);
    const inputs = at < 0 ? null : packed.lineage.inputs[at]!;
    const outputs = at < 0 ? null : packed.lineage.outputs[at]!;
    return Object.freeze({
      info: Object.freeze(info),
      data: Object.freeze({ metrics: Object.freeze(metrics), latestMetrics: Object.freeze(latestMetrics), params: stringsOf(packed.params), tags: stringsOf(packed.tags) }),
      ...(inputs === null ? {} : { inputs }),
      ...(outputs === null ? {} : { outputs }),
    });
  }

  #stringReader(kind: string, columns: EntryColumns<Indexes>, key: string): FieldReader<number, string> {
    const column = this.#entryColumn(kind, columns, key);
    const strings = this.#strings;
    const values = columns.values;
    return (row) => {
      const at = column[row]!;
      return at < 0 ? null : strings[values[at]!]!;
    };
  }

  #infoReader<K extends keyof RunInfo>(key: K): (row: number) => RunInfo[K] {
    const { infoStrings, times } = this.#packed;
    const strings = this.#strings;
    const time = (INFO_TIMES as readonly string[]).indexOf(key);
    if (time >= 0) return (row) => nullable(times[row * INFO_TIMES.length + time]!) as RunInfo[K];
    const field = (INFO_STRINGS as readonly string[]).indexOf(key);
    return (row) => strings[infoStrings[row * INFO_STRINGS.length + field]!]! as RunInfo[K];
  }

  #entryColumn(kind: string, columns: EntryColumns<unknown>, key: string): Int32Array {
    const name = `${kind}\u0000${key}`;
    let column = this.#entryColumns.get(name);
    if (column !== undefined) return column;
    column = new Int32Array(this.size).fill(-1);
    this.#keyIds ??= new Map(this.#packed.keys.map((k, id) => [k, id] as const));
    const id = this.#keyIds.get(key);
    if (id !== undefined) {
      const { ends, keys } = columns;
      // Runs of one sweep list their keys in the same order: try the previous run's offset first.
      let offset = 0;
      let from = 0;
      for (let row = 0; row < this.size; row++) {
        const to = ends[row]!;
        if (from + offset < to && keys[from + offset] === id) column[row] = from + offset;
        else {
          for (let j = from; j < to; j++) {
            if (keys[j] === id) {
              column[row] = j;
              offset = j - from;
              break;
            }
          }
        }
        from = to;
      }
    }
    this.#entryColumns.set(name, column);
    return column;
  }
}

function nullable(time: number): number | null {
  return Number.isNaN(time) ? null : time;
}

/** The frozen run snapshots of packed runs; undefined for an unknown layout. */
export function unpackRuns(packed: CompactRuns): Run[] | undefined {
  const table = RunTable.of(packed);
  return table === undefined ? undefined : Array.from({ length: table.size }, (_, row) => table.run(row));
}
