/**
 * Waiting until a run table shows its rows: the table's `loaded()` settles when its data is
 * rendered, but a virtualized list lays out and draws its rows in later frames.
 * @module
 */
import type { RunTable } from '../ef-run-table.js';

/** Longest wait for rows to be drawn (a hidden or throttled page must not hang `loaded()`). */
const MAX_WAIT_MS = 3000;

/** True when every row is drawn, or the drawn rows reach the bottom of the table's box. */
function rowsFillTable(table: RunTable): boolean {
  const root = table.shadowRoot;
  if (root === null) return true;
  const total = table.rows.length;
  if (total === 0) return true;
  const drawn = [...root.querySelectorAll('[role="rowgroup"] [role="row"]')];
  if (drawn.length >= total) return true;
  if (drawn.length === 0) return false;
  const box = table.getBoundingClientRect();
  const lowest = Math.max(...drawn.map((row) => row.getBoundingClientRect().bottom));
  const rowHeight = drawn[0]!.getBoundingClientRect().height;
  return lowest >= box.bottom - rowHeight;
}

/** Resolves once `table` draws the rows that fit in it (or after {@link MAX_WAIT_MS}). */
export async function rowsShown(table: RunTable): Promise<void> {
  const start = performance.now();
  while (!rowsFillTable(table) && performance.now() - start < MAX_WAIT_MS) await new Promise((resolve) => setTimeout(resolve, 16));
}
