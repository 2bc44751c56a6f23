import { afterEach, describe, expect, it } from 'vitest';
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
    const error = shadow(el).querySelector('[part="filter-error"]')!;
    expect(error.textContent).toMatch(/position \d+/u);
    expect(error.querySelector('mark')).not.toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    // The last valid filter stays applied.
    expect(renderedNames(el)).toEqual(['alpha']);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await el.loaded();
    await frames();
    expect(renderedNames(el)).toHaveLength(3);
    expect(shadow(el).querySelector('[part="filter-error"]')).toBeNull();
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

  it('stays responsive with 10,000 runs (virtualized: only visible rows are in the DOM)', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const experimentId = await client.createExperiment('big');
    for (let i = 0; i < 10_000; i++) {
      const run = await store.createRun({ experimentId: experimentId as never, userId: 'u', runName: `run-${i}`, startTime: 1_700_000_000_000 + i, tags: [] });
      await store.logBatch(run.info.runId, {
        params: [{ key: 'seed', value: String(i % 97) }],
        metrics: [{ key: 'acc', steps: Float64Array.of(0), timestamps: Float64Array.of(1), values: Float64Array.of((i % 1000) / 1000) }],
      });
    }
    const el = await table({ store, experimentIds: [experimentId] });
    expect(el.runs).toHaveLength(10_000);
    const rendered = shadow(el).querySelectorAll('.row').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(200);
    header(el, 'metric:acc').click();
    await el.updateComplete;
    await frames();
    expect(renderedNames(el)[0]).toMatch(/^run-\d*999$/u);
    const scroll = shadow(el).querySelector<HTMLElement>('.scroll')!;
    scroll.scrollTop = scroll.scrollHeight / 2;
    await frames(4);
    expect(shadow(el).querySelectorAll('.row').length).toBeLessThan(200);
  });
});
