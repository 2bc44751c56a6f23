/**
 * The compact run index: the search snapshot of every run (info, latest metrics, params, tags) in
 * one `meta` record, stamped with the `meta.seq` it reflects. A cold search reads it in one request
 * and then only the runs stamped after it (`run-cache.ts`), instead of every run record.
 *
 * The record is a cache, never the truth: it is used only while its stamp is at most `meta.seq`
 * and at least `meta.purgeSeq`, so a crash between writes, another tab's writes or a purge can make
 * it stale but never wrong. Columns instead of one object per run: every distinct key and string
 * value is stored once, and everything else is typed arrays of numbers, so that reading 10,000
 * runs clones two short string lists and a few buffers instead of a million small objects. The same
 * layout carries a page of search results from the worker to the page (buffers transferred).
 * @module
 */
import type { RunInputs, RunOutputs } from '../../core/datasets/entities.js';
import type { Run } from '../../core/entities.js';

/** Layout version of {@link CompactRuns}; a record of another layout is ignored (3: interned strings, infos in columns, narrow arrays). */
export const RUN_INDEX_FORMAT = 3;

/** The string fields of `RunInfo`, in the order of {@link CompactRuns.infoStrings}. */
export const INFO_STRINGS = ['runId', 'runName', 'experimentId', 'userId', 'status', 'artifactUri', 'lifecycleStage'] as const;
/** The time fields of `RunInfo`, in the order of {@link CompactRuns.times} (null stored as NaN). */
export const INFO_TIMES = ['startTime', 'endTime', 'deletedTime'] as const;

/** Indexes into a list, in the narrowest unsigned array that holds them (fewer bytes to read). */
export type Indexes = Uint8Array | Uint16Array | Uint32Array;

/** Numbers: as they are, or, when all are integers within 2^32 of the least, as offsets from it (in the narrowest array). */
export type PackedNumbers = Float64Array | { base: number; offsets: Indexes };

/** Flat key/value pairs of one dict per run: run `i` owns entries `ends[i-1]` (0 for the first) to `ends[i]`. */
export interface EntryColumns<V> {
  ends: Uint32Array;
  /** Indexes into {@link CompactRuns.keys}. */
  keys: Indexes;
  values: V;
}

/** The latest metrics of the runs: per entry, its value (`values`), timestamp and step. */
export interface MetricEntries extends EntryColumns<Float64Array> {
  timestamps: PackedNumbers;
  steps: PackedNumbers;
}

/** Every run's search snapshot, in columns. */
export interface CompactRuns {
  format: number;
  /** Every distinct param, tag and metric key. */
  keys: string[];
  /** Every distinct string value of params, tags and infos. */
  strings: string[];
  /** Per run, the {@link INFO_STRINGS} as indexes into {@link CompactRuns.strings}. */
  infoStrings: Indexes;
  /** Per run, the {@link INFO_TIMES} (NaN for null). */
  times: Float64Array;
  /** Values: indexes into {@link CompactRuns.strings}. */
  params: EntryColumns<Indexes>;
  /** Values: indexes into {@link CompactRuns.strings}. */
  tags: EntryColumns<Indexes>;
  metrics: MetricEntries;
  /** MLflow 3 inputs and outputs of the few runs that have them, by run position (ascending). */
  lineage: { at: number[]; inputs: (RunInputs | null)[]; outputs: (RunOutputs | null)[] };
}

/** The `meta` record holding the index; `value` is the `meta.seq` it reflects. */
export interface RunIndexRecord {
  key: 'runIndex';
  value: number;
  runs: CompactRuns;
}

/** A page of run search results with its runs packed: what the worker sends the page (buffers transferred). */
export interface PackedRunPage {
  readonly runs: CompactRuns;
  readonly nextPageToken?: string;
}

/** The buffers of `packed`, to transfer it instead of copying them. */
export function compactBuffers(packed: CompactRuns): ArrayBuffer[] {
  const { infoStrings, times, params, tags, metrics } = packed;
  const numbers = (column: PackedNumbers): ArrayBufferView => (column instanceof Float64Array ? column : column.offsets);
  const arrays = [infoStrings, times, params.ends, params.keys, params.values, tags.ends, tags.keys, tags.values, metrics.ends, metrics.keys, metrics.values];
  return [...arrays, numbers(metrics.timestamps), numbers(metrics.steps)].map((array) => array.buffer as ArrayBuffer);
}

/** `values` in the narrowest array for indexes below `limit`. */
function indexes(values: Float64Array, limit: number): Indexes {
  if (limit <= 0x100) return new Uint8Array(values);
  return limit <= 0x10000 ? new Uint16Array(values) : new Uint32Array(values);
}

/** `values` as offsets from the least when they all are integers (not -0) within 2^32 of it, else as they are. */
function packNumbers(values: Float64Array): PackedNumbers {
  let base = Infinity;
  let top = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) return new Float64Array(values);
    if (value < base) base = value;
    if (value > top) top = value;
  }
  if (values.length === 0 || top - base > 0xffffffff) return new Float64Array(values);
  return { base, offsets: indexes(values.map((value) => value - base), top - base + 1) };
}

/** Number `at` of a {@link PackedNumbers}. */
export function numberAt(column: PackedNumbers, at: number): number {
  return column instanceof Float64Array ? column[at]! : column.base + column.offsets[at]!;
}

/** Interns strings: each distinct one gets the next index. */
class Interner {
  readonly list: string[] = [];
  readonly #ids = new Map<string, number>();

  id(value: string): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(value);
      this.#ids.set(value, id);
    }
    return id;
  }
}

/** Per packed source: the index in the packer of each of its keys and strings, -1 until used. */
interface Remap {
  readonly source: CompactRuns;
  readonly keys: Int32Array;
  readonly strings: Int32Array;
}

/** A growable column of numbers (typed, so that pushing allocates nothing per number). */
class Column {
  #data = new Float64Array(256);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Float64Array(2 * this.#length);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  /** The numbers pushed so far (a view: copy it to keep it). */
  get numbers(): Float64Array {
    return this.#data.subarray(0, this.#length);
  }
}

/** Growable entry columns. */
class EntryBuilder {
  readonly ends = new Column();
  readonly keys = new Column();
  readonly values = new Column();

  build<V>(keyCount: number, values: (numbers: Float64Array) => V): EntryColumns<V> {
    return { ends: new Uint32Array(this.ends.numbers), keys: indexes(this.keys.numbers, keyCount), values: values(this.values.numbers) };
  }
}

/**
 * Packs runs into {@link CompactRuns}, one at a time: {@link Run} snapshots, or rows copied from
 * another packed set (the cached index) without rebuilding a `Run`.
 */
export class RunPacker {
  readonly #keys = new Interner();
  readonly #strings = new Interner();
  readonly #infoStrings = new Column();
  readonly #times = new Column();
  readonly #params = new EntryBuilder();
  readonly #tags = new EntryBuilder();
  readonly #metrics = new EntryBuilder();
  readonly #timestamps = new Column();
  readonly #steps = new Column();
  readonly #lineage: CompactRuns['lineage'] = { at: [], inputs: [], outputs: [] };
  #count = 0;
  readonly #remaps = new Map<CompactRuns, Remap>();

  /** Adds a run snapshot. */
  addRun(run: Run): void {
    for (const field of INFO_STRINGS) this.#infoStrings.push(this.#strings.id(run.info[field]));
    for (const field of INFO_TIMES) this.#times.push(run.info[field] ?? NaN);
    const addStrings = (into: EntryBuilder, entries: Readonly<Record<string, string>>): void => {
      for (const key of Object.keys(entries)) {
        into.keys.push(this.#keys.id(key));
        into.values.push(this.#strings.id(entries[key]!));
      }
      into.ends.push(into.keys.length);
    };
    addStrings(this.#params, run.data.params);
    addStrings(this.#tags, run.data.tags);
    const latest = run.data.latestMetrics;
    for (const key of Object.keys(latest)) {
      const metric = latest[key]!;
      this.#metrics.keys.push(this.#keys.id(key));
      this.#metrics.values.push(metric.value);
      this.#timestamps.push(metric.timestamp);
      this.#steps.push(metric.step);
    }
    this.#metrics.ends.push(this.#metrics.keys.length);
    this.#addLineage(run.inputs ?? null, run.outputs ?? null);
  }

  /** Adds run `row` of `source` as it is. */
  addRow(source: CompactRuns, row: number): void {
    const remap = this.#remapOf(source);
    for (let f = 0; f < INFO_STRINGS.length; f++) this.#infoStrings.push(this.#string(remap, source.infoStrings[row * INFO_STRINGS.length + f]!));
    for (let f = 0; f < INFO_TIMES.length; f++) this.#times.push(source.times[row * INFO_TIMES.length + f]!);
    this.#copyStrings(remap, this.#params, source.params, row);
    this.#copyStrings(remap, this.#tags, source.tags, row);
    const { ends, keys, values } = source.metrics;
    const into = this.#metrics;
    const { timestamps, steps } = source.metrics;
    for (let j = row === 0 ? 0 : ends[row - 1]!; j < ends[row]!; j++) {
      into.keys.push(this.#key(remap, keys[j]!));
      into.values.push(values[j]!);
      this.#timestamps.push(numberAt(timestamps, j));
      this.#steps.push(numberAt(steps, j));
    }
    into.ends.push(into.keys.length);
    const at = lineageIndexOf(source, row);
    this.#addLineage(at < 0 ? null : source.lineage.inputs[at]!, at < 0 ? null : source.lineage.outputs[at]!);
  }

  /** The packed runs, in the order they were added. */
  build(): CompactRuns {
    const keyCount = this.#keys.list.length;
    const stringCount = this.#strings.list.length;
    const strings = (values: Float64Array): Indexes => indexes(values, stringCount);
    return {
      format: RUN_INDEX_FORMAT,
      keys: this.#keys.list,
      strings: this.#strings.list,
      infoStrings: strings(this.#infoStrings.numbers),
      times: new Float64Array(this.#times.numbers),
      params: this.#params.build(keyCount, strings),
      tags: this.#tags.build(keyCount, strings),
      metrics: { ...this.#metrics.build(keyCount, (values) => new Float64Array(values)), timestamps: packNumbers(this.#timestamps.numbers), steps: packNumbers(this.#steps.numbers) },
      lineage: this.#lineage,
    };
  }

  #addLineage(inputs: RunInputs | null, outputs: RunOutputs | null): void {
    const row = this.#count++;
    if (inputs === null && outputs === null) return;
    this.#lineage.at.push(row);
    this.#lineage.inputs.push(inputs);
    this.#lineage.outputs.push(outputs);
  }

  #copyStrings(remap: Remap, into: EntryBuilder, from: EntryColumns<Indexes>, row: number): void {
    const { ends, keys, values } = from;
    for (let j = row === 0 ? 0 : ends[row - 1]!; j < ends[row]!; j++) {
      into.keys.push(this.#key(remap, keys[j]!));
      into.values.push(this.#string(remap, values[j]!));
    }
    into.ends.push(into.keys.length);
  }

  #key(remap: Remap, id: number): number {
    const known = remap.keys[id]!;
    return known >= 0 ? known : (remap.keys[id] = this.#keys.id(remap.source.keys[id]!));
  }

  #string(remap: Remap, id: number): number {
    const known = remap.strings[id]!;
    return known >= 0 ? known : (remap.strings[id] = this.#strings.id(remap.source.strings[id]!));
  }

  #remapOf(source: CompactRuns): Remap {
    let remap = this.#remaps.get(source);
    if (remap === undefined) {
      remap = { source, keys: new Int32Array(source.keys.length).fill(-1), strings: new Int32Array(source.strings.length).fill(-1) };
      this.#remaps.set(source, remap);
    }
    return remap;
  }
}

/** Packs run snapshots into index columns. */
export function packRuns(runs: Iterable<Run>): CompactRuns {
  const packer = new RunPacker();
  for (const run of runs) packer.addRun(run);
  return packer.build();
}

/** The position of run `row` in `packed.lineage` (binary search), or -1 when the run has no inputs or outputs. */
export function lineageIndexOf(packed: CompactRuns, row: number): number {
  const { at } = packed.lineage;
  let low = 0;
  let high = at.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = at[middle]!;
    if (value === row) return middle;
    if (value < row) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
