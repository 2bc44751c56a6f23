import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Run } from '../../src/core/entities.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { csvCells, isGroup, moved, orderRuns, rowAfterKey, rowItems, selectionAfterCheck, toggled } from '../../src/components/internal/run-table-rows.js';
import { parseColumnId, type ColumnDef } from '../../src/components/internal/run-columns.js';

/** Runs a..e with param `opt` and metric `loss` as given, read back from a store. */
async function runs(): Promise<Run[]> {
  const client = new TrackingClient(new MemoryStore());
  const specs = [['a', 'adam', 0.5], ['b', 'sgd', 0.2], ['c', 'adam', 0.9], ['d', 'sgd', 0.1], ['e', 'adam', 0.3]] as const;
  for (const [name, opt, loss] of specs) {
    const run = await client.startRun({ runName: name });
    run.logParam('opt', opt);
    run.logMetric('loss', loss, 0);
    await run.end();
  }
  return (await client.searchRuns('0', {})).items;
}

const names = (list: readonly Run[]): string[] => list.map((r) => r.info.runName);
const idOf = (list: readonly Run[], name: string): string => list.find((r) => r.info.runName === name)!.info.runId;

describe('the run table rows', () => {
  it('orders by the sort with the pinned runs first, in the sort order', async () => {
    const all = await runs();
    const sort = { column: 'metric:loss', direction: 'asc' } as const;
    expect(names(orderRuns(all, sort, []))).toEqual(['d', 'b', 'e', 'a', 'c']);
    expect(names(orderRuns(all, sort, [idOf(all, 'c'), idOf(all, 'a')]))).toEqual(['a', 'c', 'd', 'b', 'e']);
  });

  it('groups by a param, each header before its runs, and leaves out the runs of a folded group', async () => {
    const ordered = orderRuns(await runs(), { column: 'metric:loss', direction: 'asc' }, []);
    const describe = (items: ReturnType<typeof rowItems>): string[] => items.map((i) => (isGroup(i) ? `[${i.value} ${i.runs.length}${i.collapsed ? ' folded' : ''}]` : i.info.runName));
    expect(rowItems(ordered, '', new Set())).toBe(ordered);
    const grouped = describe(rowItems(ordered, 'param:opt', new Set()));
    expect(grouped.indexOf('[sgd 2]')).toBe(grouped.indexOf('d') - 1);
    expect(grouped.slice(grouped.indexOf('[adam 3]') + 1, grouped.indexOf('[adam 3]') + 4)).toEqual(['e', 'a', 'c']);
    expect(describe(rowItems(ordered, 'param:opt', new Set(['adam'])))).not.toContain('a');
    expect(describe(rowItems(ordered, 'param:opt', new Set(['adam'])))).toContain('[adam 3 folded]');
  });

  it('exports a header row and one row a run, with ISO start times', async () => {
    const all = await runs();
    const columns = ['attr:name', 'param:opt', 'metric:loss', 'attr:start'].map((id) => parseColumnId(id)!) as ColumnDef[];
    const cells = csvCells(orderRuns(all, { column: 'metric:loss', direction: 'desc' }, []), columns);
    expect(cells[0]).toEqual(['Run', 'params.opt', 'metrics.loss', 'Created']);
    expect(cells.slice(1).map((row) => row.slice(0, 3))).toEqual([['c', 'adam', 0.9], ['a', 'adam', 0.5], ['e', 'adam', 0.3], ['b', 'sgd', 0.2], ['d', 'sgd', 0.1]]);
    expect(new Date(cells[1]![3] as string).toISOString()).toBe(cells[1]![3]);
  });

  it('moves the active row by key, within the rows', () => {
    expect(rowAfterKey('ArrowDown', 3, 10)).toBe(4);
    expect(rowAfterKey('ArrowUp', 0, 10)).toBe(0);
    expect(rowAfterKey('PageDown', 3, 10)).toBe(9);
    expect(rowAfterKey('PageUp', 25, 100)).toBe(5);
    expect(rowAfterKey('Home', 7, 10)).toBe(0);
    expect(rowAfterKey('End', 2, 10)).toBe(9);
    expect(rowAfterKey('x', 2, 10)).toBeUndefined();
  });

  it('toggles one checkbox, and with Shift sets the range from the anchor to the clicked state', () => {
    const order = ['r1', 'r2', 'r3', 'r4', 'r5'];
    expect(selectionAfterCheck(order, ['r2'], 'r4', undefined, false).sort()).toEqual(['r2', 'r4']);
    expect(selectionAfterCheck(order, ['r2'], 'r2', undefined, false)).toEqual([]);
    expect(selectionAfterCheck(order, ['r2'], 'r5', 'r2', true).sort()).toEqual(['r2', 'r3', 'r4', 'r5']);
    expect(selectionAfterCheck(order, ['r1', 'r2', 'r3', 'r4'], 'r3', 'r1', true)).toEqual(['r4']);
    expect(selectionAfterCheck(order, [], 'r3', 'gone', true)).toEqual(['r3']);
  });

  it('toggles and moves ids in a list', () => {
    expect(toggled(['a', 'b'], 'b')).toEqual(['a']);
    expect(toggled(['a'], 'b')).toEqual(['a', 'b']);
    expect(moved(['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
    expect(moved(['a', 'b', 'c'], 'x', 0)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 'a', 3)).toEqual(['a', 'b', 'c']);
  });
});
