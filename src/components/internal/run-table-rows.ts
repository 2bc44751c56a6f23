/**
 * The rows of `<ef-run-table>` as data: runs ordered (pinned first, then the sort), folded into
 * groups, exported as CSV cells, and the row a key moves to. No DOM here, so each rule is one
 * function the element calls.
 * @module
 */
import type { Run } from '../../core/entities.js';
import type { CsvCell } from './csv.js';
import { cellValue, groupRuns, parseColumnId, sortRunsByColumn, type ColumnDef, type SortSpec } from './run-columns.js';

/** The header row of a group. */
export interface GroupItem {
  readonly kind: 'group';
  readonly value: string | null;
  readonly runs: readonly Run[];
  readonly collapsed: boolean;
}

/** A row: a run (as is, so sorting 10,000 runs allocates no row objects), or the header of a group. */
export type RowItem = Run | GroupItem;

/** True when a row is a group's header. */
export function isGroup(item: RowItem): item is GroupItem {
  return 'kind' in item;
}

/** The runs sorted by `sort`, the pinned ones first (each part keeping the sort's order). */
export function orderRuns(runs: readonly Run[], sort: SortSpec | undefined, pinnedRunIds: readonly string[]): Run[] {
  const sorted = sortRunsByColumn(runs, sort);
  if (pinnedRunIds.length === 0) return sorted;
  const pinned = new Set(pinnedRunIds);
  return [...sorted.filter((r) => pinned.has(r.info.runId)), ...sorted.filter((r) => !pinned.has(r.info.runId))];
}

/** The rows of ordered runs: the runs themselves, or per group its header and (unless folded) its runs. */
export function rowItems(ordered: Run[], groupBy: string, collapsed: ReadonlySet<string | null>): RowItem[] {
  const group = groupBy === '' ? undefined : parseColumnId(groupBy);
  if (group === undefined) return ordered;
  const items: RowItem[] = [];
  for (const g of groupRuns(ordered, group)) {
    const folded = collapsed.has(g.value);
    items.push({ kind: 'group', value: g.value, runs: g.runs, collapsed: folded });
    if (!folded) items.push(...g.runs);
  }
  return items;
}

/** CSV cells of `runs` in `columns`: a header row, then one row a run; start and end times as ISO text. */
export function csvCells(runs: readonly Run[], columns: readonly ColumnDef[]): CsvCell[][] {
  const rows: CsvCell[][] = [columns.map((c) => (c.kind === 'attr' ? c.label : `${c.kind}s.${c.key}`))];
  for (const run of runs) {
    rows.push(
      columns.map((c) => {
        const v = cellValue(run, c);
        return c.id === 'attr:start' || c.id === 'attr:end' ? (v === null ? null : new Date(v as number).toISOString()) : v;
      }),
    );
  }
  return rows;
}

/** Rows a PageUp/PageDown moves. */
const PAGE_ROWS = 20;

/** The row a navigation key moves the active row to among `count` rows, or undefined for other keys. */
export function rowAfterKey(key: string, active: number, count: number): number | undefined {
  const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + PAGE_ROWS, PageUp: active - PAGE_ROWS, Home: 0, End: count - 1 };
  const next = moves[key];
  return next === undefined ? undefined : Math.max(0, Math.min(count - 1, next));
}

/**
 * The selection after a click on a run's checkbox: the run toggled, or with Shift every run from
 * the anchor (the previous click) to it set to the clicked run's new state.
 */
export function selectionAfterCheck(order: readonly string[], selected: readonly string[], runId: string, anchor: string | undefined, shift: boolean): string[] {
  const set = new Set(selected);
  const on = !set.has(runId);
  const range = shift && anchor !== undefined && order.includes(anchor) ? [order.indexOf(anchor), order.indexOf(runId)].sort((x, y) => x - y) : undefined;
  for (const id of range === undefined ? [runId] : order.slice(range[0], range[1]! + 1)) {
    if (on) set.add(id);
    else set.delete(id);
  }
  return [...set];
}

/** `list` with `id` removed when present, else added at the end. */
export function toggled(list: readonly string[], id: string): string[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

/** `list` with `id` moved to index `to`; as it was when `id` is missing or `to` out of range. */
export function moved(list: readonly string[], id: string, to: number): string[] {
  const out = [...list];
  const from = out.indexOf(id);
  if (from < 0 || to < 0 || to >= out.length) return out;
  out.splice(from, 1);
  out.splice(to, 0, id);
  return out;
}
