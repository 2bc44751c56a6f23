/**
 * Wide run tables in real Chromium: the default columns are those that tell the runs apart,
 * columns resize from the keyboard (pointer drags and a real reload: test/e2e/run-table-page),
 * the run name stays in view while scrolling right, and column choices are remembered per store
 * and experiment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { RunTable } from '../../src/components/ef-run-table.js';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { frames, mount, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
  localStorage.clear();
});

/** Runs that share 14 constant params (`a00`…`a13`, sorting first) and differ only in `z_lr` and metric `z_acc`. */
async function wide(): Promise<{ store: MemoryStore; experimentId: string; otherExperimentId: string }> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'tester' });
  const experimentId = await client.createExperiment('wide');
  const otherExperimentId = await client.createExperiment('other');
  for (const experiment of [experimentId, otherExperimentId]) {
    for (let i = 0; i < 4; i++) {
      const run = await client.createRun(experiment, { runName: `run-${i}-with-a-name-long-enough-to-need-room` });
      const id = run.info.runId;
      for (let k = 0; k < 14; k++) client.logParam(id, `a${String(k).padStart(2, '0')}`, 'same');
      client.logParam(id, 'z_lr', String(0.1 / (i + 1)));
      client.logMetric(id, 'a_const', 1, 0);
      client.logMetric(id, 'z_acc', 0.5 + i / 10, 0);
    }
  }
  await client.flush();
  return { store, experimentId, otherExperimentId };
}

async function table(props: Partial<RunTable>, width = 1200): Promise<RunTable> {
  const el = await mount('ef-run-table', props);
  el.style.width = `${width}px`;
  await el.loaded();
  await until(() => shadow(el).querySelectorAll('.row').length > 0, 5000, 'rows rendered');
  await frames(2);
  await el.updateComplete;
  return el;
}

function headerIds(el: RunTable): string[] {
  return [...shadow(el).querySelectorAll<HTMLElement>('.head [data-column]')].map((c) => c.dataset['column']!);
}

function box(el: Element): DOMRect {
  return el.getBoundingClientRect();
}

describe('<ef-run-table> wide tables', () => {
  it('shows first the params and metrics whose values differ between the runs', async () => {
    const { store, experimentId } = await wide();
    const el = await table({ store, experimentIds: [experimentId] });
    const ids = headerIds(el);
    expect(ids.slice(0, 6)).toEqual(['attr:name', 'attr:status', 'attr:start', 'attr:duration', 'metric:z_acc', 'param:z_lr']);
    // Then the constant ones, up to 12 key columns in all: the 15th constant key is left to the chooser.
    expect(ids.slice(6)).toEqual(['metric:a_const', 'param:a00', 'param:a01', 'param:a02', 'param:a03', 'param:a04', 'param:a05', 'param:a06', 'param:a07', 'param:a08']);
  });

  it('resizes a column from the keyboard on its header edge', async () => {
    const { store, experimentId } = await wide();
    const el = await table({ store, experimentIds: [experimentId] });
    const head = shadow(el).querySelector<HTMLElement>('.head [data-column="param:z_lr"]')!;
    const before = box(head).width;
    shadow(el).querySelector<HTMLElement>('[role="separator"][aria-label="Resize column z_lr"]')!.focus();
    await userEvent.keyboard('{Shift>}{ArrowRight}{/Shift}{ArrowRight}');
    await el.updateComplete;
    expect(box(head).width).toBe(before + 60);
    const cell = shadow(el).querySelector('.row')!.children[headerIds(el).indexOf('param:z_lr') + 1]!;
    expect(box(cell).width).toBe(before + 60);
    expect(box(cell).left).toBe(box(head).left);
    await userEvent.keyboard('{ArrowLeft}');
    await el.updateComplete;
    expect(box(head).width).toBe(before + 50);
    // The sort button of the cell did not fire: resizing is not sorting.
    expect(head.getAttribute('aria-sort')).toBe('none');
  });

  it('keeps the run name in view while scrolling right', async () => {
    const { store, experimentId } = await wide();
    const el = await table({ store, experimentIds: [experimentId] }, 700);
    const scroll = shadow(el).querySelector<HTMLElement>('.scroll')!;
    scroll.scrollLeft = scroll.scrollWidth;
    await frames(2);
    const view = box(scroll);
    const name = shadow(el).querySelector('.row .name')!;
    const link = name.querySelector('button.link')!;
    expect(box(name).left).toBeGreaterThanOrEqual(view.left);
    expect(box(name).right).toBeLessThan(view.right);
    expect(document.elementFromPoint(box(link).left + 5, box(link).top + box(link).height / 2)).toBe(el);
    expect(shadow(el).elementFromPoint(box(link).left + 5, box(link).top + box(link).height / 2)).toBe(link);
    // The last column is in view beside it, not under it.
    const last = shadow(el).querySelector('.row')!.lastElementChild!;
    expect(box(last).left).toBeGreaterThanOrEqual(box(name).right - 1);
    expect(box(last).right).toBeLessThanOrEqual(view.right + 1);
  });

  it('remembers visible columns, order and widths per store and experiment', async () => {
    const { store, experimentId, otherExperimentId } = await wide();
    const el = await table({ store, experimentIds: [experimentId], layoutKey: 'idb:test' });
    shadow(el).querySelector<HTMLInputElement>('input[aria-label="Show param a00"]')!.click();
    shadow(el).querySelector<HTMLButtonElement>('button[aria-label="Move z_lr left"]')!.click();
    await el.updateComplete;
    shadow(el).querySelector<HTMLElement>('[aria-label="Resize column z_acc"]')!.focus();
    await userEvent.keyboard('{Shift>}{ArrowRight}{/Shift}');
    await el.updateComplete;
    const columns = headerIds(el);
    expect(columns).not.toContain('param:a00');
    expect(columns.indexOf('param:z_lr')).toBeLessThan(columns.indexOf('metric:z_acc'));
    const width = el.columnWidth('metric:z_acc');
    el.remove();

    // A new element for the same store and experiment: as it was left.
    const again = await table({ store, experimentIds: [experimentId], layoutKey: 'idb:test' });
    expect(headerIds(again)).toEqual(columns);
    expect(again.columnWidth('metric:z_acc')).toBe(width);
    // Another experiment of the store has its own choices (the defaults here).
    again.experimentIds = [otherExperimentId];
    await again.loaded();
    await again.updateComplete;
    expect(headerIds(again)).toContain('param:a00');
    expect(again.columnWidth('metric:z_acc')).toBe(width - 50);
  });

  it('ignores a damaged remembered entry and shows the defaults', async () => {
    const { store, experimentId } = await wide();
    const el = await table({ store, experimentIds: [experimentId], layoutKey: 'idb:test' });
    const defaults = headerIds(el);
    el.remove();
    for (const key of Object.keys(localStorage)) localStorage.removeItem(key);
    const key = `edgeflow.run-table.v1:${JSON.stringify(['idb:test', experimentId])}`;
    localStorage.setItem(key, JSON.stringify({ columns: 'attr:name', widths: { 'attr:name': -5 } }));
    const again = await table({ store, experimentIds: [experimentId], layoutKey: 'idb:test' });
    expect(headerIds(again)).toEqual(defaults);
    localStorage.setItem(key, '{not json');
    const third = await table({ store, experimentIds: [experimentId], layoutKey: 'idb:test' });
    expect(headerIds(third)).toEqual(defaults);
  });
});
