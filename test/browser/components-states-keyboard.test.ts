/**
 * The run table, run details and experiment list in each state a person meets — loading, empty,
 * failed (with the reason and a Retry), filled, a filter that does not parse — in real Chromium:
 * what each says, that every action is reachable with the keyboard, and no serious or critical
 * axe-core violation in any of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { RunId } from '../../src/core/ids.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import { seriousViolations } from '../support/axe.js';
import { frames, mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
  localStorage.clear();
});

/** A REST store on a loopback port nothing listens on: every read fails with a network error. */
function unreachable(): RestStore {
  return new RestStore({ baseUrl: 'http://127.0.0.1:9' });
}

/** Mounts an element and collects the text of everything it renders until `loaded()`. */
async function mountWatching<K extends 'ef-run-table' | 'ef-run-details' | 'ef-experiment-list'>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]>,
): Promise<{ el: HTMLElementTagNameMap[K]; seen: string[] }> {
  const el = document.createElement(tag);
  Object.assign(el, props);
  const seen: string[] = [];
  const watch = new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) seen.push(n.textContent ?? '');
  });
  document.body.append(el);
  watch.observe(shadow(el), { childList: true, subtree: true, characterData: true });
  await el.loaded();
  watch.disconnect();
  return { el, seen };
}

/** The focused element inside the shadow roots, described by its label or text. */
function focused(): string {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  if (active === null) return '';
  return (active.getAttribute('aria-label') ?? active.textContent ?? '').trim().replace(/\s+/gu, ' ');
}

async function tabUntil(label: string, max = 60): Promise<void> {
  for (let i = 0; i < max && focused() !== label; i++) await userEvent.tab();
  expect(focused()).toBe(label);
}

describe('states', () => {
  it('run table: loading, then runs; no runs says what to do; no match offers to clear the filter', async () => {
    const { store, experimentId } = await seed();
    const { el, seen } = await mountWatching('ef-run-table', { store, experimentIds: [experimentId] });
    expect(seen.join(' ')).toContain('Loading the runs…');
    await until(() => shadow(el).querySelectorAll('.row').length === 3, 3000, 'rows');
    expect(await seriousViolations(el)).toEqual([]);

    el.filter = "params.model = 'rnn'";
    await el.loaded();
    const empty = shadow(el).querySelector('.scroll .empty')!;
    expect(empty.textContent).toContain('No runs match the filter.');
    expect(await seriousViolations(el)).toEqual([]);
    empty.querySelector('button')!.click();
    await el.loaded();
    await until(() => shadow(el).querySelectorAll('.row').length === 3, 3000, 'filter cleared');

    const fresh = new MemoryStore();
    const id = await fresh.createExperiment({ name: 'empty' });
    const none = await mount('ef-run-table', { store: fresh, experimentIds: [id] });
    await none.loaded();
    expect(shadow(none).querySelector('.scroll .empty')!.textContent).toMatch(/No runs yet\. Log one with client\.startRun\(\), or open an exported zip\./u);
    expect(await seriousViolations(none)).toEqual([]);
  });

  it('run table: a filter that does not parse, and a store that fails, say so (axe-clean)', async () => {
    const { store, experimentId } = await seed();
    const el = await mount('ef-run-table', { store, experimentIds: [experimentId] });
    await el.loaded();
    const input = shadow(el).querySelector<HTMLInputElement>('input[part="filter"]')!;
    input.focus();
    await userEvent.keyboard('metrics.acc >{Enter}');
    await el.updateComplete;
    expect(shadow(el).querySelector('[part="filter-error"]')).not.toBeNull();
    expect(await seriousViolations(el)).toEqual([]);

    const failing = await mount('ef-run-table', { store: unreachable(), experimentIds: ['1'] });
    await failing.loaded();
    const error = shadow(failing).querySelector('[part="error"]')!;
    expect(error.textContent).toContain('Could not load the runs:');
    expect(error.querySelector('button')!.textContent).toBe('Retry');
    expect(await seriousViolations(failing)).toEqual([]);
  });

  it('run details: nothing chosen, loading, a missing run with Retry that recovers once it exists', async () => {
    const { store, experimentId } = await seed();
    const idle = await mount('ef-run-details', { store });
    expect(shadow(idle).textContent).toContain('Select a run in the run table');
    const missing = '0123456789abcdef0123456789abcdef';
    const { el, seen } = await mountWatching('ef-run-details', { store, runId: missing });
    expect(seen.join(' ')).toContain('Loading the run…');
    const error = shadow(el).querySelector('[part="error"]')!;
    expect(error.textContent).toContain('Could not load the run:');
    expect(await seriousViolations(el)).toEqual([]);
    await store.createRun({ experimentId: experimentId as never, userId: 'tester', runName: 'late', startTime: Date.now(), tags: [], runId: missing as RunId });
    error.querySelector('button')!.click();
    await until(() => shadow(el).querySelector('h2')?.textContent === 'late', 3000, 'recovered');
  });

  it('experiment list: empty says what to do, a failing store shows the reason and Retry', async () => {
    const { el, seen } = await mountWatching('ef-experiment-list', { store: new MemoryStore() });
    expect(seen.join(' ')).toContain('Loading the experiments…');
    const text = shadow(el).textContent!;
    expect(text).toMatch(/No experiments yet|Default/u);
    expect(await seriousViolations(el)).toEqual([]);

    const failing = await mount('ef-experiment-list', { store: unreachable() });
    await failing.loaded();
    const error = shadow(failing).querySelector('[part="error"]')!;
    expect(error.textContent).toContain('Could not load the experiments:');
    expect(error.querySelector('button')!.textContent).toBe('Retry');
    expect(shadow(failing).textContent).not.toContain('Loading');
    expect(await seriousViolations(failing)).toEqual([]);
  });
});

describe('keyboard', () => {
  it('run table: sort, resize, choose columns, select, pin and open without a mouse', async () => {
    const { store, experimentId } = await seed();
    const el = await mount('ef-run-table', { store, experimentIds: [experimentId] });
    el.style.width = '1200px';
    await el.loaded();
    await frames(2);
    const opened: string[] = [];
    el.addEventListener('ef-run-open', (e) => opened.push((e as CustomEvent<{ runId: string }>).detail.runId));
    shadow(el).querySelector<HTMLInputElement>('input[part="filter"]')!.focus();
    await tabUntil('Sort by param lr');
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(el.sort).toEqual({ column: 'param:lr', direction: 'asc' });
    await userEvent.tab();
    expect(focused()).toBe('Resize column lr');
    const before = el.columnWidth('param:lr');
    await userEvent.keyboard('{ArrowRight}');
    expect(el.columnWidth('param:lr')).toBe(before + 10);

    shadow(el).querySelector<HTMLInputElement>('input[part="filter"]')!.focus();
    await tabUntil('Columns');
    await userEvent.keyboard('{Enter}');
    await tabUntil('Show tag team');
    await userEvent.keyboard(' ');
    await el.updateComplete;
    expect(el.visibleColumns.map((c) => c.id)).toContain('tag:team');

    shadow(el).querySelector<HTMLElement>('[role="grid"]')!.focus();
    await userEvent.keyboard('{ArrowDown} p{Enter}');
    await el.updateComplete;
    const second = el.rows.find((r) => r.kind === 'run' && r.pinned);
    expect(second).toBeDefined();
    expect(el.selectedRunIds).toHaveLength(1);
    expect(opened).toHaveLength(1);
    expect(await seriousViolations(el)).toEqual([]);
  });

  it('experiment list: select, rename and delete without a mouse', async () => {
    const { store } = await seed();
    const el = await mount('ef-experiment-list', { store });
    await el.loaded();
    const selected: string[] = [];
    el.addEventListener('ef-experiment-select', (e) => selected.push((e as CustomEvent<{ experimentId: string }>).detail.experimentId));
    shadow(el).querySelector<HTMLInputElement>('input[type="checkbox"]')!.focus();
    await tabUntil('spirals');
    await userEvent.keyboard('{Enter}');
    expect(selected).toHaveLength(1);
    await tabUntil('Rename spirals');
    await userEvent.keyboard('{Enter}');
    await until(() => focused() === 'New experiment name', 2000, 'name field');
    await userEvent.keyboard('{Control>}a{/Control}spirals-v2{Enter}');
    await until(() => shadow(el).textContent!.includes('spirals-v2'), 3000, 'renamed');
    expect(await seriousViolations(el)).toEqual([]);
    shadow(el).querySelector<HTMLInputElement>('input[type="checkbox"]')!.focus();
    await tabUntil('Delete spirals-v2');
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    await tabUntil('Delete?', 3);
    await userEvent.keyboard('{Enter}');
    await until(() => !shadow(el).textContent!.includes('spirals-v2'), 3000, 'deleted');
  });
});
