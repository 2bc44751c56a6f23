/**
 * The run table's data model, free of DOM: columns (attributes, params, latest metrics, tags),
 * their values, sorting with nulls last, grouping with min/max/mean per metric.
 * @module
 */
import { hasKey, type Run } from '../../core/entities.js';
import { runDuration } from './format.js';

/** Where a column's values come from. */
export type ColumnKind = 'attr' | 'param' | 'metric' | 'tag';

/** A column: `attr:name`, `param:lr`, `metric:val/acc`, `tag:team`. */
export interface ColumnDef {
  readonly id: string;
  readonly kind: ColumnKind;
  readonly key: string;
  readonly label: string;
}

/** Attribute columns. */
export const ATTRIBUTE_COLUMNS: readonly ColumnDef[] = [
  { id: 'attr:name', kind: 'attr', key: 'name', label: 'Run' },
  { id: 'attr:status', kind: 'attr', key: 'status', label: 'Status' },
  { id: 'attr:start', kind: 'attr', key: 'start', label: 'Created' },
  { id: 'attr:duration', kind: 'attr', key: 'duration', label: 'Duration' },
  { id: 'attr:user', kind: 'attr', key: 'user', label: 'User' },
  { id: 'attr:runId', kind: 'attr', key: 'runId', label: 'Run ID' },
  { id: 'attr:end', kind: 'attr', key: 'end', label: 'Ended' },
];

/** Parses a column id (`metric:loss`); undefined when malformed. */
export function parseColumnId(id: string): ColumnDef | undefined {
  const colon = id.indexOf(':');
  if (colon < 0) return undefined;
  const kind = id.slice(0, colon);
  const key = id.slice(colon + 1);
  if (key === '') return undefined;
  if (kind === 'attr') return ATTRIBUTE_COLUMNS.find((c) => c.id === id);
  if (kind === 'param' || kind === 'metric' || kind === 'tag') return { id, kind, key, label: key };
  return undefined;
}

/** A cell value: numbers for metrics, times and durations; strings otherwise; null when absent. */
export type CellValue = string | number | null;

/** The value of a column for a run. */
export function cellValue(run: Run, column: ColumnDef, now = Date.now()): CellValue {
  const { info, data } = run;
  switch (column.kind) {
    case 'attr':
      switch (column.key) {
        case 'name':
          return info.runName;
        case 'status':
          return info.status;
        case 'start':
          return info.startTime;
        case 'end':
          return info.endTime;
        case 'duration':
          return runDuration(info.startTime, info.endTime, now);
        case 'user':
          return info.userId;
        case 'runId':
          return info.runId;
        default:
          return null;
      }
    case 'param':
      return hasKey(data.params, column.key) ? data.params[column.key]! : null;
    case 'metric':
      return hasKey(data.metrics, column.key) ? data.metrics[column.key]! : null;
    case 'tag':
      return hasKey(data.tags, column.key) ? data.tags[column.key]! : null;
    default: {
      const unreachable: never = column.kind;
      return unreachable;
    }
  }
}

/** The keys present in a set of runs, each sorted. */
export interface RunKeys {
  readonly params: string[];
  readonly metrics: string[];
  readonly tags: string[];
}

/** Collects param, metric and tag keys of runs. */
export function collectKeys(runs: Iterable<Run>): RunKeys {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const k of Object.keys(run.data.params)) params.add(k);
    for (const k of Object.keys(run.data.metrics)) metrics.add(k);
    for (const k of Object.keys(run.data.tags)) tags.add(k);
  }
  const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b));
  return { params: sorted(params), metrics: sorted(metrics), tags: sorted(tags) };
}

/** Every column available for these keys: attributes, metrics, params, then tags. */
export function availableColumns(keys: RunKeys): ColumnDef[] {
  return [
    ...ATTRIBUTE_COLUMNS,
    ...keys.metrics.map((key) => ({ id: `metric:${key}`, kind: 'metric' as const, key, label: key })),
    ...keys.params.map((key) => ({ id: `param:${key}`, kind: 'param' as const, key, label: key })),
    ...keys.tags.map((key) => ({ id: `tag:${key}`, kind: 'tag' as const, key, label: key })),
  ];
}

/** How many metric and param columns the defaults show at most. */
export const DEFAULT_KEY_COLUMNS = 12;

/** True when runs have at least two different values of a metric or param (runs without it do not count). */
function varies(runs: readonly Run[], kind: 'metric' | 'param', key: string): boolean {
  let first: string | number | undefined;
  for (const run of runs) {
    const values: Readonly<Record<string, string | number>> = kind === 'metric' ? run.data.metrics : run.data.params;
    if (!hasKey(values, key)) continue;
    const v = values[key]!;
    if (first === undefined) first = v;
    else if (!Object.is(v, first)) return true;
  }
  return false;
}

/**
 * The default columns: name, status, created, duration, then up to {@link DEFAULT_KEY_COLUMNS}
 * metrics and params, those whose values differ between `runs` first (metrics before params,
 * each by key), so the columns that tell the runs apart are the ones shown.
 */
export function defaultColumns(keys: RunKeys, runs: readonly Run[]): string[] {
  const varying: string[] = [];
  const constant: string[] = [];
  for (const kind of ['metric', 'param'] as const) {
    for (const key of kind === 'metric' ? keys.metrics : keys.params) (varies(runs, kind, key) ? varying : constant).push(`${kind}:${key}`);
  }
  return ['attr:name', 'attr:status', 'attr:start', 'attr:duration', ...[...varying, ...constant].slice(0, DEFAULT_KEY_COLUMNS)];
}

/** Sort order of the table. */
export interface SortSpec {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Orders two cell values; params compare as numbers when both are numeric. NaN sorts as null. */
export function compareCells(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    const na = Number(a);
    const nb = Number(b);
    if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return collator.compare(a, b);
  }
  return String(a).localeCompare(String(b));
}

function isNull(v: CellValue): boolean {
  return v === null || (typeof v === 'number' && Number.isNaN(v));
}

/** The number a sort compares for a value, when every value of the column is a number or every one a numeric string. */
function numericKeys(values: readonly CellValue[]): Float64Array | undefined {
  const keys = new Float64Array(values.length);
  let kind: 'number' | 'string' | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (isNull(v)) continue;
    const k = typeof v === 'number' ? 'number' : 'string';
    if (kind !== undefined && kind !== k) return undefined;
    kind = k;
    const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n) && typeof v !== 'number') return undefined;
    keys[i] = n;
  }
  return keys;
}

/**
 * Sorts runs by a column (stable; nulls last in both directions), in the order of
 * {@link compareCells}. Numeric columns (and params whose values are all numbers) compare
 * precomputed numbers, so 10,000 runs sort well within a frame.
 */
export function sortRunsByColumn(runs: readonly Run[], sort: SortSpec | undefined, now = Date.now()): Run[] {
  const column = sort === undefined ? undefined : parseColumnId(sort.column);
  if (sort === undefined || column === undefined) return [...runs];
  const sign = sort.direction === 'desc' ? -1 : 1;
  const values = runs.map((run) => cellValue(run, column, now));
  const present: number[] = [];
  const missing: number[] = [];
  values.forEach((v, i) => (isNull(v) ? missing : present).push(i));
  const keys = numericKeys(values);
  if (keys !== undefined) present.sort((x, y) => sign * (keys[x]! - keys[y]!) || x - y);
  else present.sort((x, y) => sign * compareCells(values[x]!, values[y]!) || x - y);
  return [...present, ...missing].map((i) => runs[i]!);
}

/** Min, max and mean of the finite values of a metric in a group. */
export interface Aggregate {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

/** Aggregates a metric over runs (undefined when no run has a finite value). */
export function aggregate(runs: readonly Run[], key: string): Aggregate | undefined {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const run of runs) {
    if (!hasKey(run.data.metrics, key)) continue;
    const v = run.data.metrics[key]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return count === 0 ? undefined : { min, max, mean: sum / count, count };
}

/** A group of runs sharing a value of the group-by column (null = runs without it). */
export interface RunGroup {
  readonly value: string | null;
  readonly runs: Run[];
}

/** Groups runs (already sorted) by a param or tag column, groups ordered by value. */
export function groupRuns(runs: readonly Run[], groupBy: ColumnDef): RunGroup[] {
  const groups = new Map<string | null, Run[]>();
  for (const run of runs) {
    const v = cellValue(run, groupBy);
    const key = v === null ? null : String(v);
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(run);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : compareCells(a, b)))
    .map(([value, list]) => ({ value, runs: list }));
}
