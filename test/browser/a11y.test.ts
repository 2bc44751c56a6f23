/**
 * axe-core over every `ef-*` element in its main states — loaded, empty, error and read-only — in
 * the light and the dark theme: no serious or critical violation, shadow roots included. And the
 * keyboard path through `<ef-viewer>`: every action reached with Tab and triggered by keys alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { Store } from '../../src/core/store.js';
import type { Theme } from '../../src/components/internal/store-element.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { seriousViolations } from '../support/axe.js';
import { mount, seed, shadow, type Seeded } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
  document.body.removeAttribute('style');
});

/** The store seen through a proxy that overrides some of its members. */
function variant(store: Store, overrides: Record<string, unknown>): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as string];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A store whose every read fails (the error state of each element). */
function failing(store: Store): Store {
  const fail = (): Promise<never> => Promise.reject(new Error('the store is unreachable'));
  const registry = store.registry === undefined ? undefined : new Proxy(store.registry, { get: () => fail });
  return variant(store, { searchRuns: fail, searchExperiments: fail, getRun: fail, getMetricHistory: fail, listArtifacts: fail, getExperiment: fail, registry });
}

/** Seeded runs with an MLmodel artifact, a note, and a registered model of three versions. */
async function seedAll(): Promise<Seeded> {
  const seeded = await seed();
  const { client, runIds } = seeded;
  const signature = `  inputs: '[{"type": "double", "name": "x"}]'\n  outputs: null\n  params: null\n`;
  for (const id of runIds) {
    await client.logArtifact(id, 'model/MLmodel', `flavors:\n  tfjs:\n    format: layers-model\nsignature:\n${signature}`);
    await client.logArtifact(id, 'notes/readme.md', '# Notes\n\nA **run**.');
  }
  client.setTag(runIds[0]!, 'mlflow.note.content', 'The *first* run.');
  await client.flush();
  await client.createRegisteredModel('classifier', { description: 'The best MLP.' });
  for (const id of runIds) await client.createModelVersion('classifier', `runs:/${id}/model`);
  await client.transitionModelVersionStage('classifier', 2, 'Production');
  await client.setRegisteredModelAlias('classifier', 'champion', 2);
  return seeded;
}

type Mounted = HTMLElement & { loaded?(): Promise<void>; theme?: Theme | undefined };

/** Every element, mounted on `store` with what it needs to show something. */
function elements(s: Seeded): Record<string, (store: Store) => Promise<Mounted>> {
  const [a, b, c] = s.runIds as [string, string, string];
  const common = (store: Store) => ({ store });
  return {
    'ef-viewer': (store) => mount('ef-viewer', { ...common(store), noHash: true }),
    'ef-experiment-list': (store) => mount('ef-experiment-list', { ...common(store), selected: s.experimentId }),
    'ef-run-table': (store) => mount('ef-run-table', { ...common(store), experimentIds: [s.experimentId], selectedRunIds: [a, b] }),
    'ef-metric-chart': (store) => mount('ef-metric-chart', { ...common(store), runIds: [a, b, c], metricKeys: ['loss'], heading: 'loss' }),
    'ef-chart-group': async (store) => {
      const group = document.createElement('ef-chart-group');
      const chart = Object.assign(document.createElement('ef-metric-chart'), { store, runIds: [a, b], metricKeys: ['acc'] });
      group.append(chart);
      document.body.append(group);
      await group.updateComplete;
      await chart.loaded();
      return group;
    },
    'ef-sparkline': (store) => mount('ef-sparkline', { ...common(store), runId: a, metricKey: 'loss' }),
    'ef-run-details': (store) => mount('ef-run-details', { ...common(store), runId: a }),
    'ef-compare-runs': (store) => mount('ef-compare-runs', { ...common(store), runIds: [a, b, c] }),
    'ef-artifact-browser': (store) => mount('ef-artifact-browser', { ...common(store), runId: a, selected: 'model/MLmodel' }),
    'ef-model-registry': (store) => mount('ef-model-registry', { ...common(store) }),
    'ef-model-version': (store) => mount('ef-model-version', { ...common(store), name: 'classifier', version: 2 }),
    'ef-provider': async (store) => {
      const provider = Object.assign(document.createElement('ef-provider'), { store });
      provider.append(document.createElement('ef-run-table'));
      document.body.append(provider);
      await provider.updateComplete;
      await provider.querySelector('ef-run-table')!.loaded();
      return provider;
    },
  };
}

const STATES = ['loaded', 'empty', 'error', 'read-only'] as const;

function storeFor(state: (typeof STATES)[number], seeded: Seeded): Store {
  switch (state) {
    case 'empty':
      return new MemoryStore();
    case 'error':
      return failing(seeded.store);
    case 'read-only':
      return variant(seeded.store, { capabilities: { ...seeded.store.capabilities, readOnly: true } });
    default:
      return seeded.store;
  }
}

describe('axe-core finds no serious or critical violation', () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const state of STATES) {
      it(`in every element, ${state}, ${theme} theme`, async () => {
        const seeded = await seedAll();
        const found: Record<string, unknown> = {};
        for (const [tag, make] of Object.entries(elements(seeded))) {
          // The page's scheme too, so that elements nested without a theme of their own follow it.
          document.body.style.setProperty('--ef-color-scheme', theme);
          document.body.style.background = theme === 'dark' ? '#15171c' : '#ffffff';
          const el = await make(storeFor(state, seeded));
          el.setAttribute('theme', theme);
          await (el.loaded?.() ?? Promise.resolve()).catch(() => undefined);
          await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
          const violations = await seriousViolations(el);
          if (violations.length > 0) found[tag] = violations;
          el.remove();
        }
        expect(found).toEqual({});
      });
    }
  }
});

/** The element that has the focus, inside shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Presses Tab until the focused element is the one `is` accepts (a person tabbing through the page). */
async function tabTo(what: string, is: (el: Element) => boolean, max = 120): Promise<HTMLElement> {
  for (let i = 0; i < max; i++) {
    const el = focused();
    if (el !== null && is(el)) return el as HTMLElement;
    await userEvent.tab();
  }
  throw new Error(`Tab never reached ${what}; the focus is on ${focused()?.outerHTML.slice(0, 120)}`);
}

const named = (text: string) => (el: Element) => el.textContent?.trim() === text;

describe('the keyboard path through <ef-viewer>', () => {
  it('reaches and operates the experiment list, Open zip, the run table, the tabs, the registry and the artifact tree', async () => {
    const { store, experimentId } = await seedAll();
    const viewer = await mount('ef-viewer', { store, noHash: true });
    viewer.style.width = '1200px';
    await viewer.loaded();
    const root = shadow(viewer);
    document.body.tabIndex = -1;
    document.body.focus();

    // "Open zip…" opens the file chooser.
    const chooser = root.querySelector<HTMLInputElement>('input[type=file]')!;
    let chosen = 0;
    chooser.addEventListener('click', (e) => {
      chosen++;
      e.preventDefault();
    });
    await tabTo('Open zip…', named('Open zip…'));
    await userEvent.keyboard('{Enter}');
    expect(chosen).toBe(1);

    // The experiment list: another experiment, and back.
    await tabTo('the Default experiment', named('Default'));
    await userEvent.keyboard('{Enter}');
    await viewer.loaded();
    expect(viewer.experimentId).toBe('0');
    expect(shadow(root.querySelector('ef-run-table')!).textContent).toMatch(/No runs yet/u);
    await tabTo('the spirals experiment', named('spirals'));
    await userEvent.keyboard('{Enter}');
    await viewer.loaded();
    expect(viewer.experimentId).toBe(experimentId);

    // The run table: move to a row and open it; its details show.
    await tabTo('the run table', (el) => el.getAttribute('role') === 'grid');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    await viewer.loaded();
    expect(viewer.runId).not.toBe('');
    expect(viewer.tab).toBe('details');
    const details = root.querySelector('ef-run-details')!;
    expect(details.runId).toBe(viewer.runId);

    // The artifact tree: → opens the model folder, → enters it, Enter selects MLmodel.
    const browser = shadow(details).querySelector('ef-artifact-browser')!;
    await browser.loaded();
    await tabTo('the artifact tree', (el) => el.getAttribute('role') === 'treeitem');
    expect(focused()!.textContent).toContain('model');
    await userEvent.keyboard('{ArrowRight}');
    await browser.loaded();
    await userEvent.keyboard('{ArrowRight}');
    await browser.updateComplete;
    expect(focused()!.textContent).toContain('MLmodel');
    await userEvent.keyboard('{ArrowDown}');
    await browser.updateComplete;
    expect(focused()!.textContent).toContain('notes');
    await userEvent.keyboard('{ArrowUp}{Enter}');
    await browser.loaded();
    expect(browser.selected).toBe('model/MLmodel');
    expect(shadow(browser).querySelector('[part="preview"]')!.textContent).toContain('tfjs');

    // The tabs: one tab stop, ← and → move and show.
    await tabTo('the selected tab', (el) => el.getAttribute('role') === 'tab');
    expect(focused()!.textContent!.trim()).toBe('Run details');
    await userEvent.keyboard('{ArrowRight}');
    await viewer.loaded();
    expect(viewer.tab).toBe('compare');
    expect(focused()!.textContent!.trim()).toBe('Compare');
    await userEvent.keyboard('{ArrowRight}');
    await viewer.loaded();
    expect(viewer.tab).toBe('models');
    const registry = root.querySelector('ef-model-registry')!;
    expect(root.querySelector('[role="tabpanel"]')!.getAttribute('aria-labelledby')).toBe(focused()!.id);

    // The registry: a version's page, and back to the list.
    await tabTo('version 2', (el) => el.getAttribute('title') === 'Open version 2 of classifier');
    await userEvent.keyboard('{Enter}');
    await registry.loaded();
    const page = shadow(registry).querySelector('ef-model-version')!;
    expect(page.version).toBe(2);
    await page.loaded();
    expect(shadow(page).textContent).toContain('champion');
    await tabTo('the way back', named('← All registered models'));
    await userEvent.keyboard('{Enter}');
    await registry.loaded();
    expect(shadow(registry).querySelector('ef-model-version')).toBeNull();
    expect(shadow(registry).querySelector('li[data-model="classifier"]')).not.toBeNull();
  });
});
