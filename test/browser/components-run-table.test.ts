import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { RunTable } from '../../src/components/ef-run-table.js';
import { frames, mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

async function table(props: Partial<RunTable>): Promise<RunTable> {
  const el = await mount('ef-run-table', props);
  await el.loaded();
  await until(() => el.rows.length === 0 || shadow(el).querySelectorAll('.row').length > 0, 5000, 'rows rendered');
  await frames(2);
  return el;
}

function renderedNames(el: RunTable): string[] {
  return [...shadow(el).querySelectorAll('.row:not(.group) .name button.link')].map((b) => b.textContent!.trim());
}

function runIdAt(el: RunTable, index: number): string {
  const row = el.rows[index];
  if (row?.kind !== 'run') throw new Error(`row ${index} is not a run`);
  return row.runId;
}

function header(el: RunTable, column: string): HTMLElement {
  return shadow(el).querySelector<HTMLElement>(`.head [data-column="${column}"]`)!;
}

describe('<ef-run-table>', () => {
  it('renders runs with attribute, metric and param columns', async () => {
    const { store, experimentId } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    el.style.width = '1200px'; // wider than a phone: the columns in their logical order
    await frames(2);
    await el.updateComplete;
    expect(renderedNames(el)).toEqual(['gamma', 'beta', 'alpha']);
    const heads = [...shadow(el).querySelectorAll('.head .cell .label')].map((n) => n.textContent);
    expect(heads).toEqual(['Run', 'Status', 'Created', 'Duration', 'acc', 'loss', 'layers', 'lr', 'model']);
    const alpha = shadow(el).querySelector(`.row[data-run-id="${runIdAt(el, 2)}"]`)!;
    expect(alpha.textContent).toContain('0.05');
    expect(alpha.textContent).toContain('RUNNING');
  });

  it('sorts by any column: numeric params numerically, nulls last, toggling direction', async () => {
    const { store, experimentId } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    const sorts: unknown[] = [];
    el.addEventListener('ef-sort-change', (e) => sorts.push((e as CustomEvent).detail));
    header(el, 'param:lr').click();
    await el.updateComplete;
    await frames();
    expect(renderedNames(el)).toEqual(['gamma', 'beta', 'alpha']);
    expect(header(el, 'param:lr').getAttribute('aria-sort')).toBe('ascending');
    header(el, 'param:lr').click();
    await el.updateComplete;
    await frames();
    expect(renderedNames(el)).toEqual(['alpha', 'beta', 'gamma']);
    header(el, 'metric:acc').click();
    await el.updateComplete;
    await frames();
    expect(renderedNames(el)).toEqual(['alpha', 'beta', 'gamma']);
    expect(sorts).toHaveLength(3);
  });

  it('filters with the MLflow grammar and shows a parse error inline at its position', async () => {
    const { store, experimentId } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    const input = shadow(el).querySelector<HTMLInputElement>('input[part="filter"]')!;
    const filters: string[] = [];
    el.addEventListener('ef-filter-change', (e) => filters.push((e as CustomEvent<{ filter: string }>).detail.filter));
    input.value = "params.model = 'mlp' and metrics.acc > 0.85";
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await el.loaded();
    await frames();
    expect(renderedNames(el)).toEqual(['alpha']);
    expect(filters).toEqual(["params.model = 'mlp' and metrics.acc > 0.85"]);

    input.value = 'metrics.acc >> 1';
    input.dispatchEvent(new Event('input'));
    await el.updateComplete;
    // Not checked while typing: no error yet, the applied filter's rows and count stand.
    expect(shadow(el).querySelector('[part="filter-error"]')).toBeNull();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await el.updateComplete;
    const error = shadow(el).querySelector('[part="filter-error"]')!;
    expect(error.textContent).toMatch(/position \d+/u);
    expect(error.querySelector('mark')).not.toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    // The rows of the last valid filter stay, dimmed and inert, and the count says it is not applied.
    expect(renderedNames(el)).toEqual(['alpha']);
    const rows = shadow(el).querySelector<HTMLElement>('.rows')!;
    expect(rows.inert).toBe(true);
    expect(Number(getComputedStyle(rows).opacity)).toBeLessThan(0.5);
    expect(shadow(el).querySelector('[part="count"]')!.textContent).toBe('filter not applied');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await el.loaded();
    await frames();
    expect(renderedNames(el)).toHaveLength(3);
    expect(shadow(el).querySelector('[part="filter-error"]')).toBeNull();
    expect(shadow(el).querySelector<HTMLElement>('.rows')!.inert).toBe(false);
    expect(shadow(el).querySelector('[part="count"]')!.textContent).toBe('3 runs');
  });

  it('checks the filter after a pause in typing, not on every keystroke, and counts "1 run"', async () => {
    const { store, experimentId } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    const input = shadow(el).querySelector<HTMLInputElement>('input[part="filter"]')!;
    input.focus();
    // Typed in one go: a filter that is incomplete (so invalid) until its last character.
    let flashed = false;
    const watch = new MutationObserver(() => (flashed ||= shadow(el).querySelector('[part="filter-error"]') !== null));
    watch.observe(shadow(el), { childList: true, subtree: true });
    await userEvent.keyboard("params.model = 'cnn'");
    await el.updateComplete;
    watch.disconnect();
    expect(flashed).toBe(false);
    await until(() => el.filter === "params.model = 'cnn'", 3000, 'filter applied after the pause');
    await el.loaded();
    expect(shadow(el).querySelector('[part="count"]')!.textContent).toBe('1 run');
    expect(shadow(el).querySelector('[part="filter-error"]')).toBeNull();
    // A bad filter left alone is reported after the pause, without Enter.
    await userEvent.keyboard(' and');
    await until(() => shadow(el).querySelector('[part="filter-error"]') !== null, 3000, 'error after the pause');
    expect(el.filter).toBe("params.model = 'cnn'");
  });

  it('selects runs with checkboxes (shift for ranges) and emits selection events', async () => {
    const { store, experimentId } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    const events: string[][] = [];
    el.addEventListener('ef-selection-change', (e) => events.push([...(e as CustomEvent<{ runIds: string[] }>).detail.runIds]));
    const boxes = () => [...shadow(el).querySelectorAll<HTMLInputElement>('.row input[type="checkbox"]')];
    boxes()[0]!.click();
    await el.updateComplete;
    boxes()[2]!.dispatchEvent(new MouseEvent('click', { shiftKey: true, bubbles: true }));
    await el.updateComplete;
    expect(events.at(-1)).toHaveLength(3);
    shadow(el).querySelector<HTMLInputElement>('.head input[type="checkbox"]')!.click();
    await el.updateComplete;
    expect(events.at(-1)).toEqual([]);
    expect(shadow(el).querySelector('.count')!.textContent).toContain('3 runs');
  });

  it('pins rows to the top, groups by a param with min/max/mean, chooses and reorders columns', async () => {
    const { store, experimentId, runIds } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    shadow(el).querySelector<HTMLButtonElement>(`.row[data-run-id="${runIds[0]}"] .pin`)!.click();
    await el.updateComplete;
    await frames();
    expect(renderedNames(el)[0]).toBe('alpha');
    expect(el.rows[0]).toMatchObject({ kind: 'run', pinned: true });

    el.pinnedRunIds = [];
    el.groupBy = 'param:model';
    await el.updateComplete;
    await frames();
    expect(el.rows.filter((r) => r.kind === 'group')).toEqual([
      { kind: 'group', value: 'cnn', count: 1 },
      { kind: 'group', value: 'mlp', count: 2 },
    ]);
    const mlp = [...shadow(el).querySelectorAll('.row.group')].find((g) => g.textContent!.includes('mlp'))!;
    expect(mlp.textContent).toMatch(/μ 0\.875/u);
    (mlp as HTMLElement).click();
    await el.updateComplete;
    expect(el.rows.map((r) => r.kind)).toEqual(['group', 'run', 'group']);

    const columns: string[][] = [];
    el.addEventListener('ef-columns-change', (e) => columns.push((e as CustomEvent<{ columns: string[] }>).detail.columns));
    shadow(el).querySelector<HTMLInputElement>('input[aria-label="Show tag team"]')!.click();
    await el.updateComplete;
    expect(el.visibleColumns.at(-1)!.id).toBe('tag:team');
    shadow(el).querySelector<HTMLButtonElement>('button[aria-label="Move team left"]')!.click();
    await el.updateComplete;
    expect(el.visibleColumns.at(-2)!.id).toBe('tag:team');
    expect(columns).toHaveLength(2);
  });

  it('navigates with the keyboard: arrows, space selects, enter opens, p pins', async () => {
    const { store, experimentId } = await seed();
    const el = await table({ store, experimentIds: [experimentId] });
    const grid = shadow(el).querySelector<HTMLElement>('[role="grid"]')!;
    const opened: string[] = [];
    el.addEventListener('ef-run-open', (e) => opened.push((e as CustomEvent<{ runId: string }>).detail.runId));
    grid.focus();
    const key = async (k: string): Promise<void> => {
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      await el.updateComplete;
    };
    await key('ArrowDown');
    await key(' ');
    expect(el.selectedRunIds).toEqual([runIdAt(el, 1)]);
    await key('Enter');
    expect(opened).toEqual([runIdAt(el, 1)]);
    await key('End');
    await key('p');
    await frames();
    expect(el.pinnedRunIds).toHaveLength(1);
    expect(shadow(el).querySelector('.row.active')).not.toBeNull();
  });

  it('downloads formula-safe CSV of the visible columns', async () => {
    const { store, experimentId, client, runIds } = await seed();
    client.logParam(runIds[0]!, 'cmd', '=cmd|/C calc!A0');
    await client.flush();
    const el = await table({ store, experimentIds: [experimentId], columns: ['attr:name', 'param:cmd', 'metric:acc'] });
    const lines = el.toCsv().trim().split('\r\n');
    expect(lines[0]).toBe('Run,params.cmd,metrics.acc');
    expect(lines).toContain("alpha,'=cmd|/C calc!A0,0.9");
  });

  it('updates live: new runs appear and changed metrics re-render without a full reload', async () => {
    const { store, client, experimentId, runIds } = await seed();
    const el = await table({ store, experimentIds: [experimentId], columns: ['attr:name', 'metric:acc'] });
    let searches = 0;
    const original = store.searchRuns.bind(store);
    store.searchRuns = async (q) => {
      searches++;
      return original(q);
    };
    client.logMetric(runIds[0]!, 'acc', 0.99, 100);
    await client.flush();
    await until(() => shadow(el).querySelector(`.row[data-run-id="${runIds[0]}"]`)?.textContent?.includes('0.99') === true, 3000, 'live metric');
    await client.createRun(experimentId, { runName: 'delta' });
    await until(() => renderedNames(el).includes('delta'), 3000, 'new run');
    expect(searches).toBe(0);
  });

  describe('with 10,000 runs', () => {
    const N = 10_000;
    const name = (i: number): string => `run-${String(i).padStart(5, '0')}`;
    let store: MemoryStore;
    let experimentId: string;

    beforeAll(async () => {
      store = new MemoryStore();
      experimentId = await new TrackingClient(store).createExperiment('big');
      for (let i = 0; i < N; i++) {
        const run = await store.createRun({ experimentId: experimentId as never, userId: 'u', runName: name(i), startTime: 1_700_000_000_000 + i, tags: [] });
        await store.logBatch(run.info.runId, {
          params: [{ key: 'seed', value: String(i % 97) }],
          metrics: [{ key: 'acc', steps: Float64Array.of(0), timestamps: Float64Array.of(1), values: Float64Array.of((i % 1000) / 1000) }],
        });
      }
    }, 120_000);

    /** The table sorted by run name ascending, so row i shows `name(i)` (or the i-th of `names`). */
    async function bigTable(props: Partial<RunTable> = {}): Promise<RunTable> {
      const el = await table({ store, experimentIds: [experimentId], sort: { column: 'attr:name', direction: 'asc' }, ...props });
      expect(el.runs.length).toBeGreaterThan(0);
      return el;
    }

    /** The scroll box, and the part of it rows show through (below the sticky header). */
    function viewport(el: RunTable): { scroll: HTMLElement; top: number; bottom: number } {
      const scroll = shadow(el).querySelector<HTMLElement>('.scroll')!;
      const box = scroll.getBoundingClientRect();
      const head = shadow(el).querySelector('.head')!.getBoundingClientRect();
      return { scroll, top: head.bottom, bottom: box.top + scroll.clientTop + scroll.clientHeight };
    }

    /** Names of the rows a person sees: drawn rows whose box intersects the visible part of the scroll box. */
    function visibleNames(el: RunTable): string[] {
      const { top, bottom } = viewport(el);
      return [...shadow(el).querySelectorAll<HTMLElement>('.row[data-run-id]')]
        .map((row) => ({ box: row.getBoundingClientRect(), text: row.querySelector('.name button.link')?.textContent?.trim() ?? '' }))
        .filter(({ box }) => box.height > 0 && box.bottom > top && box.top < bottom)
        .sort((a, b) => a.box.top - b.box.top)
        .map(({ text }) => text);
    }

    /**
     * The names that must be visible at the current scroll position, from the row height alone: all
     * rows overlapping the visible band by more than a pixel, and at most the rows touching it.
     */
    function expectedNames(el: RunTable, names: readonly string[]): { must: string[]; may: Set<string> } {
      const { scroll, top, bottom } = viewport(el);
      const head = top - scroll.getBoundingClientRect().top - scroll.clientTop;
      const rowHeight = shadow(el).querySelector('.row[data-run-id]')!.getBoundingClientRect().height;
      const from = scroll.scrollTop; // content offset of the band's top, rows starting below the header
      const to = scroll.scrollTop + (bottom - top);
      const rows = (a: number, b: number): string[] => {
        const first = Math.max(0, Math.floor(a / rowHeight));
        const last = Math.min(names.length - 1, Math.ceil(b / rowHeight) - 1);
        return names.slice(first, last + 1);
      };
      expect(head).toBeGreaterThan(0);
      return { must: rows(from + 1, to - 1), may: new Set(rows(from - 1, to + 1)) };
    }

    async function expectRightRows(el: RunTable, names: readonly string[], where: string): Promise<void> {
      await frames(3);
      const { must, may } = expectedNames(el, names);
      const seen = visibleNames(el);
      expect(must.length, where).toBeGreaterThan(3);
      for (const n of must) expect(seen, `${where}: ${n} should be visible`).toContain(n);
      for (const n of seen) expect(may.has(n), `${where}: ${n} should not be visible`).toBe(true);
    }

    const all = Array.from({ length: N }, (_, i) => name(i));

    it('shows the right rows at the start, middle, three quarters and end (scrollTop)', async () => {
      const el = await bigTable();
      expect(el.runs).toHaveLength(N);
      expect(shadow(el).querySelectorAll('.row').length).toBeLessThan(200);
      const { scroll } = viewport(el);
      await expectRightRows(el, all, 'start');
      expect(visibleNames(el)[0]).toBe(name(0));
      const max = scroll.scrollHeight - scroll.clientHeight;
      for (const [fraction, where] of [
        [0.5, 'middle'],
        [0.75, 'three quarters'],
        [1, 'end'],
      ] as const) {
        scroll.scrollTop = Math.round(max * fraction);
        await expectRightRows(el, all, where);
      }
      expect(visibleNames(el).at(-1)).toBe(name(N - 1));
      expect(shadow(el).querySelectorAll('.row').length).toBeLessThan(200);
    });

    it('shows the right rows after wheel scrolling and the End key', async () => {
      const el = await bigTable();
      const { scroll } = viewport(el);
      // Real wheel input over the table, well past the first screenful.
      await userEvent.wheel(scroll, { delta: { y: 4000 }, times: 5 });
      await until(() => scroll.scrollTop > 10_000, 5000, 'wheel scroll');
      await expectRightRows(el, all, 'after the wheel');
      expect(visibleNames(el)[0]).not.toBe(name(0));
      // The End key moves to the last row.
      scroll.focus();
      await userEvent.keyboard('{End}');
      await until(() => scroll.scrollTop >= scroll.scrollHeight - scroll.clientHeight - 1, 5000, 'End key');
      await expectRightRows(el, all, 'after End');
      expect(visibleNames(el).at(-1)).toBe(name(N - 1));
      await userEvent.keyboard('{Home}');
      await until(() => scroll.scrollTop === 0, 5000, 'Home key');
      await expectRightRows(el, all, 'after Home');
    });

    it('shows the right rows after sorting and filtering', async () => {
      const el = await bigTable();
      const { scroll } = viewport(el);
      scroll.scrollTop = (scroll.scrollHeight - scroll.clientHeight) / 2;
      await frames(2);
      header(el, 'attr:name').click(); // ascending → descending
      await el.updateComplete;
      const reversed = [...all].reverse();
      await expectRightRows(el, reversed, 'sorted descending, middle');
      scroll.scrollTop = scroll.scrollHeight;
      await expectRightRows(el, reversed, 'sorted descending, end');
      expect(visibleNames(el).at(-1)).toBe(name(0));

      el.filter = "params.seed = '5'";
      await el.loaded();
      const filtered = reversed.filter((n) => Number(n.slice(4)) % 97 === 5);
      expect(el.runs).toHaveLength(filtered.length);
      scroll.scrollTop = 0;
      await expectRightRows(el, filtered, 'filtered, start');
      scroll.scrollTop = scroll.scrollHeight;
      await expectRightRows(el, filtered, 'filtered, end');
      expect(visibleNames(el).at(-1)).toBe(filtered.at(-1));
    });
  });
});
