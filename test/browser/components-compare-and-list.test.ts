import { afterEach, describe, expect, it } from 'vitest';
import { registerStoreScheme } from '../../src/storage/open-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { storeUriOfSrc } from '../../src/components/controllers/store-source-controller.js';
import { mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

describe('<ef-compare-runs>', () => {
  it('puts params, metrics and tags side by side and hides equal rows with "show differences only"', async () => {
    const { store, runIds } = await seed();
    const el = await mount('ef-compare-runs', { store, runIds: [runIds[0]!, runIds[1]!] });
    await el.loaded();
    const keys = el.rows.map((r) => `${r.section}:${r.key}`);
    expect(keys).toEqual(expect.arrayContaining(['Params:lr', 'Params:layers', 'Params:model', 'Metrics:acc', 'Tags:team']));
    expect(el.rows.find((r) => r.key === 'lr')!.values).toEqual(['0.1', '0.01']);
    const box = shadow(el).querySelector<HTMLInputElement>('.bar input[type="checkbox"]')!;
    box.click();
    await el.updateComplete;
    const diff = el.rows.map((r) => `${r.section}:${r.key}`);
    expect(diff).toContain('Params:lr');
    expect(diff).not.toContain('Params:layers');
    expect(diff).not.toContain('Params:model');
    expect(diff).not.toContain('Tags:team');
    expect(shadow(el).querySelector('tr[data-key="Params:lr"]')!.classList.contains('differs')).toBe(true);
  });

  it('draws a parallel coordinates plot of varying params against the chosen metric', async () => {
    const { store, runIds } = await seed();
    const el = await mount('ef-compare-runs', { store, runIds });
    await el.loaded();
    const svg = shadow(el).querySelector('svg[part="plot"]')!;
    const labels = [...svg.querySelectorAll('g.axis')].map((g) => g.getAttribute('data-axis'));
    expect(labels).toEqual(['layers', 'lr', 'model', 'acc']);
    expect(svg.querySelectorAll('g.run')).toHaveLength(3);
    expect(svg.querySelectorAll('g.run polyline')).toHaveLength(3);
    const select = shadow(el).querySelector<HTMLSelectElement>('select[aria-label="Metric axis"]')!;
    select.value = 'loss';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect([...shadow(el).querySelectorAll('svg g.axis')].map((g) => g.getAttribute('data-axis')).at(-1)).toBe('loss');
  });
});

describe('<ef-experiment-list>', () => {
  it('lists experiments with run counts, selects, renames, deletes and restores', async () => {
    const { store, experimentId, client } = await seed();
    const el = await mount('ef-experiment-list', { store });
    await el.loaded();
    const item = () => shadow(el).querySelector<HTMLElement>(`li[data-experiment-id="${experimentId}"]`)!;
    expect(item().textContent).toContain('spirals');
    expect(item().querySelector('.count')!.textContent).toBe('3');
    const selected: string[] = [];
    el.addEventListener('ef-experiment-select', (e) => selected.push((e as CustomEvent<{ experimentId: string }>).detail.experimentId));
    item().querySelector<HTMLButtonElement>('.name')!.click();
    expect(selected).toEqual([experimentId]);

    item().querySelector<HTMLButtonElement>('button[aria-label^="Rename"]')!.click();
    await el.updateComplete;
    const input = shadow(el).querySelector<HTMLInputElement>('li input:not([type])')!;
    input.value = 'spirals v2';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await until(() => item()?.textContent?.includes('spirals v2') === true, 3000, 'rename');
    expect((await client.getExperiment(experimentId)).name).toBe('spirals v2');

    item().querySelector<HTMLButtonElement>('button[aria-label^="Delete"]')!.click();
    await el.updateComplete;
    item().querySelector<HTMLButtonElement>('button.primary')!.click();
    await until(() => shadow(el).querySelector(`li[data-experiment-id="${experimentId}"]`) === null, 3000, 'delete');
    el.showDeleted = true;
    await el.loaded();
    await until(() => item() !== null, 3000, 'deleted shown');
    item().querySelector<HTMLButtonElement>('.actions button')!.click();
    await until(() => (item()?.classList.contains('deleted') ?? true) === false, 3000, 'restore');
    expect((await client.getExperiment(experimentId)).lifecycleStage).toBe('active');
  });

  it('says why a read-only store offers no rename or delete', async () => {
    const { store, experimentId } = await seed();
    const readOnly = new Proxy(store, {
      get: (target, key) => {
        if (key === 'capabilities') return { ...target.capabilities, readOnly: true };
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const el = await mount('ef-experiment-list', { store: readOnly });
    await el.loaded();
    const item = shadow(el).querySelector(`li[data-experiment-id="${experimentId}"]`)!;
    expect(item.querySelector('.actions')).toBeNull();
    expect(shadow(el).querySelector('[part="locked"]')!.textContent).toContain('read-only');
    const writable = await mount('ef-experiment-list', { store });
    await writable.loaded();
    expect(shadow(writable).querySelector('[part="locked"]')).toBeNull();
  });

  it('updates run counts live', async () => {
    const { store, experimentId, client } = await seed();
    const el = await mount('ef-experiment-list', { store });
    await el.loaded();
    await client.createRun(experimentId, { runName: 'fourth' });
    await until(() => shadow(el).querySelector(`li[data-experiment-id="${experimentId}"] .count`)!.textContent === '4', 3000, 'count');
  });
});

describe('store sources', () => {
  it('reads the store from an <ef-provider> ancestor through context', async () => {
    const { store, experimentId } = await seed();
    const provider = document.createElement('ef-provider');
    provider.store = store;
    const table = document.createElement('ef-run-table');
    table.experimentIds = [experimentId];
    provider.append(table);
    document.body.append(provider);
    await until(() => table.runs.length === 3, 3000, 'context store');
    expect(table.resolvedStore).toBe(store);
  });

  it('opens store-uri and src through openStore', async () => {
    const named = new MemoryStore();
    registerStoreScheme('testbundle', async () => named);
    const list = await mount('ef-experiment-list', {});
    list.setAttribute('store-uri', 'testbundle:whatever');
    await until(() => list.resolvedStore === named, 3000, 'store-uri');
    expect(storeUriOfSrc('runs.zip', 'http://127.0.0.1:5173/docs/')).toBe('http://127.0.0.1:5173/docs/runs.zip');
    expect(storeUriOfSrc('idb:edgeflow')).toBe('idb:edgeflow');
    const broken = await mount('ef-run-table', {});
    broken.setAttribute('src', 'nosuchscheme:x.txt');
    await until(() => shadow(broken).querySelector('[part="error"]') !== null, 3000, 'open error');
    expect(shadow(broken).querySelector('[part="error"]')!.textContent).toContain('nosuchscheme');
  });
});
