/**
 * The compact run index: the search snapshot of every run (info, latest metrics, params, tags) in
 * one `meta` record, stamped with the `meta.seq` it reflects. A cold search reads it in one request
 * and then only the runs stamped after it (`run-cache.ts`), instead of every run record.
 *
 * The record is a cache, never the truth: it is used only while its stamp is at most `meta.seq`
 * and at least `meta.purgeSeq`, so a crash between writes, another tab's writes or a purge can make
 * it stale but never wrong. Columns instead of one object per run: keys are stored once, values
 * in flat arrays, so that reading 10,000 runs clones a few large arrays instead of a million
 * small objects.
 * @module
 */
import type { RunInputs, RunOutputs } from '../../core/datasets/entities.js';
import { dict, type Dict, type Metric, type Run, type RunInfo } from '../../core/entities.js';

/** Layout version of {@link RunIndexRecord.runs}; a record of another layout is ignored (2: MLflow 3 inputs and outputs). */
const FORMAT = 2;

/** Flat key/value pairs of one dict per run: run `i` owns entries `ends[i-1]` (0 for the first) to `ends[i]`. */
interface DictColumns<V> {
  ends: Uint32Array;
  /** Indexes into {@link CompactRuns.keys}. */
  keys: Uint32Array;
  values: V;
}

/** Every run's search snapshot, in columns. */
export interface CompactRuns {
  format: number;
  infos: RunInfo[];
  /** Every distinct param, tag and metric key. */
  keys: string[];
  params: DictColumns<string[]>;
  tags: DictColumns<string[]>;
  /** Per metric: value, timestamp, step. */
  metrics: DictColumns<Float64Array>;
  /** MLflow 3 inputs and outputs of the few runs that have them, by run position. */
  lineage: { at: number[]; inputs: (RunInputs | null)[]; outputs: (RunOutputs | null)[] };
}

/** The `meta` record holding the index; `value` is the `meta.seq` it reflects. */
export interface RunIndexRecord {
  key: 'runIndex';
  value: number;
  runs: CompactRuns;
}

/** Packs run snapshots into index columns. */
export function packRuns(runs: readonly Run[]): CompactRuns {
  const keyIds = new Map<string, number>();
  const keys: string[] = [];
  const keyId = (key: string): number => {
    let id = keyIds.get(key);
    if (id === undefined) {
      id = keys.length;
      keys.push(key);
      keyIds.set(key, id);
    }
    return id;
  };
  const packStrings = (of: (run: Run) => Readonly<Dict<string>>): DictColumns<string[]> => {
    const ends = new Uint32Array(runs.length);
    const ids: number[] = [];
    const values: string[] = [];
    runs.forEach((run, i) => {
      const entries = of(run);
      for (const key of Object.keys(entries)) {
        ids.push(keyId(key));
        values.push(entries[key]!);
      }
      ends[i] = values.length;
    });
    return { ends, keys: Uint32Array.from(ids), values };
  };
  const params = packStrings((run) => run.data.params);
  const tags = packStrings((run) => run.data.tags);
  const ends = new Uint32Array(runs.length);
  const ids: number[] = [];
  const numbers: number[] = [];
  runs.forEach((run, i) => {
    const latest = run.data.latestMetrics;
    for (const key of Object.keys(latest)) {
      const metric = latest[key]!;
      ids.push(keyId(key));
      numbers.push(metric.value, metric.timestamp, metric.step);
    }
    ends[i] = ids.length;
  });
  const lineage: CompactRuns['lineage'] = { at: [], inputs: [], outputs: [] };
  runs.forEach((run, i) => {
    if (run.inputs === undefined && run.outputs === undefined) return;
    lineage.at.push(i);
    lineage.inputs.push(run.inputs ?? null);
    lineage.outputs.push(run.outputs ?? null);
  });
  return {
    format: FORMAT,
    lineage,
    infos: runs.map((run) => ({ ...run.info })),
    keys,
    params,
    tags,
    metrics: { ends, keys: Uint32Array.from(ids), values: Float64Array.from(numbers) },
  };
}

/** The frozen run snapshots of an index (the same shape `toRun` gives); undefined for an unknown layout. */
export function unpackRuns(packed: CompactRuns): Run[] | undefined {
  if (packed.format !== FORMAT) return undefined;
  const { keys } = packed;
  const stringsOf = (columns: DictColumns<string[]>, from: number, to: number): Dict<string> => {
    const out = dict<string>();
    for (let j = from; j < to; j++) out[keys[columns.keys[j]!]!] = columns.values[j]!;
    return Object.freeze(out);
  };
  const lineageOf = new Map(packed.lineage.at.map((at, j) => [at, j] as const));
  const runs: Run[] = [];
  let paramAt = 0;
  let tagAt = 0;
  let metricAt = 0;
  packed.infos.forEach((info, i) => {
    const params = stringsOf(packed.params, paramAt, (paramAt = packed.params.ends[i]!));
    const tags = stringsOf(packed.tags, tagAt, (tagAt = packed.tags.ends[i]!));
    const metrics = dict<number>();
    const latestMetrics = dict<Metric>();
    const metricEnd = packed.metrics.ends[i]!;
    for (; metricAt < metricEnd; metricAt++) {
      const key = keys[packed.metrics.keys[metricAt]!]!;
      const at = 3 * metricAt;
      const numbers = packed.metrics.values;
      metrics[key] = numbers[at]!;
      latestMetrics[key] = Object.freeze({ key, value: numbers[at]!, timestamp: numbers[at + 1]!, step: numbers[at + 2]! });
    }
    const j = lineageOf.get(i);
    const inputs = j === undefined ? null : packed.lineage.inputs[j]!;
    const outputs = j === undefined ? null : packed.lineage.outputs[j]!;
    runs.push(
      Object.freeze({
        info: Object.freeze(info),
        data: Object.freeze({ metrics: Object.freeze(metrics), latestMetrics: Object.freeze(latestMetrics), params, tags }),
        ...(inputs === null ? {} : { inputs }),
        ...(outputs === null ? {} : { outputs }),
      }),
    );
  });
  return runs;
}
