/**
 * axe-core over every `ef-*` element in its main states — loaded, empty, error and read-only — in
 * the light and the dark theme: no serious or critical violation, shadow roots included.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import type { Theme } from '../../src/components/internal/store-element.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { seriousViolations } from '../support/axe.js';
import { mount, seed, type Seeded } from './components-fixtures.js';

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
  await client.logArtifact(runIds[0]!, 'model/MLmodel', `flavors:\n  tfjs:\n    format: layers-model\nsignature:\n${signature}`);
  await client.logArtifact(runIds[0]!, 'notes/readme.md', '# Notes\n\nA **run**.');
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
