/**
 * `<ef-logged-models>` in real Chromium: what a person sees of the logged models of an experiment
 * — names, status, type, source run, params, metrics per dataset — sorting by a metric, live
 * updates, the empty, unavailable and error states, and hostile strings shown as text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { mount, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const T0 = 1_700_000_000_000;

async function seedModels(): Promise<{ store: MemoryStore; client: TrackingClient; experimentId: string; runId: string; ids: Record<string, string> }> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'tester' });
  const experimentId = await client.createExperiment('models');
  const run = await client.createRun(experimentId, { runName: 'trainer' });
  const runId = run.info.runId;
  const ids: Record<string, string> = {};
  const specs = [
    ['rf-model', 'classifier', 0.95, 0.97, 'READY'],
    ['gb-model', 'classifier', 0.89, 0.91, 'READY'],
    ['draft', 'agent', undefined, undefined, 'PENDING'],
  ] as const;
  for (const [name, type, evalAcc, trainAcc, status] of specs) {
    const model = await client.createLoggedModel(experimentId, { name, modelType: type, sourceRunId: runId, params: { depth: name.length } });
    ids[name] = model.modelId;
    if (evalAcc !== undefined) {
      await client.logBatch(runId, {
        metrics: [
          { key: 'accuracy', value: evalAcc, timestamp: T0, modelId: model.modelId, datasetName: 'iris_eval', datasetDigest: 'df42fe24' },
          { key: 'accuracy', value: trainAcc!, timestamp: T0, modelId: model.modelId, datasetName: 'iris_train', datasetDigest: '899cd733' },
        ],
      });
    }
    if (status !== 'PENDING') await client.finalizeLoggedModel(model.modelId, status);
  }
  return { store, client, experimentId, runId, ids };
}

function rows(el: Element): string[] {
  return [...shadow(el).querySelectorAll('tr[part="model"]')].map((r) => r.querySelector('td.name')!.textContent!.trim());
}

function cell(el: Element, modelId: string, column: string): string {
  return shadow(el).querySelector(`tr[data-model="${modelId}"] td[data-column="${column}"]`)!.textContent!.trim();
}

describe('<ef-logged-models>', () => {
  it('shows each model’s name, status, type, source run, params and metrics per dataset, visible on screen', async () => {
    const { store, experimentId, runId, ids } = await seedModels();
    const el = await mount('ef-logged-models', { store, experimentIds: [experimentId] });
    await el.loaded();
    expect(rows(el).sort()).toEqual(['draft', 'gb-model', 'rf-model']);
    const headers = [...shadow(el).querySelectorAll('th')].map((th) => th.textContent!.replace(/\s+/gu, ' ').trim());
    expect(headers).toEqual(['Name', 'Status', 'Type', 'Source run', 'Params', 'accuracy (iris_eval)', 'accuracy (iris_train)']);
    const rf = shadow(el).querySelector<HTMLElement>(`tr[data-model="${ids['rf-model']}"]`)!;
    expect(rf.querySelector('[part="status"]')!.textContent).toBe('READY');
    expect(rf.querySelector('[part="params"]')!.textContent!.replace(/\s+/gu, '')).toBe('depth=8');
    expect(cell(el, ids['rf-model']!, 'accuracy|iris_eval|df42fe24')).toBe('0.95');
    expect(cell(el, ids['draft']!, 'accuracy|iris_eval|df42fe24')).toBe('');
    const box = rf.querySelector('td.name')!.getBoundingClientRect();
    expect(box.width).toBeGreaterThan(0);
    expect(box.height).toBeGreaterThan(0);
    const opened: string[] = [];
    el.addEventListener('ef-run-open', (e) => opened.push(e.detail.runId));
    rf.querySelector<HTMLButtonElement>('[part="run-link"]')!.click();
    expect(opened).toEqual([runId]);
  });

  it('sorts by a metric when its header is clicked: descending, then ascending, models without it last', async () => {
    const { store, experimentId } = await seedModels();
    const el = await mount('ef-logged-models', { store, experimentIds: [experimentId] });
    await el.loaded();
    const header = (): HTMLButtonElement => shadow(el).querySelector<HTMLButtonElement>('th[data-column="accuracy|iris_eval|df42fe24"] button')!;
    header().click();
    await el.loaded();
    expect(rows(el)).toEqual(['rf-model', 'gb-model', 'draft']);
    expect(header().getAttribute('aria-sort')).toBe('descending');
    header().click();
    await el.loaded();
    expect(rows(el)).toEqual(['gb-model', 'rf-model', 'draft']);
    expect(header().getAttribute('aria-sort')).toBe('ascending');
  });

  it('updates live, filters, and shows empty, unavailable and error states', async () => {
    const { store, client, experimentId } = await seedModels();
    const el = await mount('ef-logged-models', { store, experimentIds: [experimentId] });
    await el.loaded();
    await client.createLoggedModel(experimentId, { name: 'late' });
    await until(() => rows(el).includes('late'), 5000, 'the new model');
    el.filter = "status = 'READY'";
    await el.loaded();
    expect(rows(el).sort()).toEqual(['gb-model', 'rf-model']);
    el.filter = 'status ~ nonsense';
    await el.loaded();
    expect(shadow(el).querySelector('[part="error"]')!.getAttribute('role')).toBe('alert');
    const empty = await mount('ef-logged-models', { store, experimentIds: ['0'] });
    await empty.loaded();
    expect(shadow(empty).querySelector('[part="empty"]')!.textContent).toBe('No logged models.');
    const none = await mount('ef-logged-models', { store });
    await none.loaded();
    expect(shadow(none).querySelector('[part="empty"]')!.textContent).toBe('No experiment selected.');
    const bare: Store = Object.assign(Object.create(store) as Store, { loggedModels: undefined });
    const unavailable = await mount('ef-logged-models', { store: bare, experimentIds: [experimentId] });
    await unavailable.loaded();
    expect(shadow(unavailable).querySelector('[part="empty"]')!.textContent).toBe('This store holds no logged models.');
  });

  it('reads experiment-ids from its attribute and shows hostile strings as text', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const experimentId = await client.createExperiment('hostile');
    const evil = '<img src=x onerror="window.__pwned=1">';
    const model = await client.createLoggedModel(experimentId, { name: 'evil <b>bold<b>', modelType: evil, params: { html: evil } });
    document.body.insertAdjacentHTML('beforeend', `<ef-logged-models experiment-ids="${experimentId}"></ef-logged-models>`);
    const el = document.body.lastElementChild as HTMLElementTagNameMap['ef-logged-models'];
    el.store = store;
    await el.loaded();
    expect(el.experimentIds).toEqual([experimentId]);
    const row = shadow(el).querySelector(`tr[data-model="${model.modelId}"]`)!;
    expect(row.querySelector('td.name')!.textContent).toBe('evil <b>bold<b>');
    expect(row.textContent).toContain(evil);
    expect(shadow(el).querySelector('img, b')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
