import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import type { ModelChangeDetail } from '../../src/components/ef-model-registry.js';
import { mount, seed, shadow, until, type Seeded } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

/** Seeded runs, and model `classifier` with three versions (v1 from alpha, v2 from beta, v3 from gamma) and `spare` with none. */
async function seedRegistry(): Promise<Seeded> {
  const seeded = await seed();
  const { client, runIds } = seeded;
  await client.createRegisteredModel('classifier', { description: '# Spiral classifier\n\nThe **best** MLP per session.', tags: { team: 'core', task: 'spirals' } });
  for (const id of runIds) await client.createModelVersion('classifier', `runs:/${id}/model`);
  await client.transitionModelVersionStage('classifier', 2, 'Production');
  await client.transitionModelVersionStage('classifier', 1, 'Archived');
  await client.setRegisteredModelAlias('classifier', 'champion', 2);
  await client.setRegisteredModelAlias('classifier', 'challenger', 3);
  await client.createRegisteredModel('spare');
  return seeded;
}

/** The store seen through a proxy that changes some of its properties. */
function variant(store: Store, overrides: Partial<Record<'capabilities' | 'registry', unknown>>): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof typeof overrides];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function row(el: Element, model: string, version: number): HTMLTableRowElement {
  const r = shadow(el).querySelector<HTMLTableRowElement>(`li[data-model="${model}"] tr[data-version="${version}"]`);
  if (r === null) throw new Error(`no row ${model} v${version}`);
  return r;
}

describe('<ef-model-registry>', () => {
  it('lists models with description, tags, last update, and versions with stage and alias badges', async () => {
    const { store, runIds } = await seedRegistry();
    const el = await mount('ef-model-registry', { store });
    await el.loaded();
    expect(el.models.map((m) => m.name)).toEqual(['classifier', 'spare']);
    const card = shadow(el).querySelector<HTMLElement>('li[data-model="classifier"]')!;
    expect(card.querySelector('.name')!.textContent).toBe('classifier');
    expect(card.querySelector('[part="description"] h1')!.textContent).toBe('Spiral classifier');
    expect(card.querySelector('[part="description"] strong')!.textContent).toBe('best');
    expect([...card.querySelectorAll('.tag')].map((t) => t.textContent!.replace(/\s+/gu, ' ').trim())).toEqual(['task spirals', 'team core']);
    expect(card.querySelector('.meta')!.textContent).toMatch(/3 versions · updated \S/u);
    expect([...card.querySelectorAll('tr[data-version]')].map((r) => r.getAttribute('data-version'))).toEqual(['3', '2', '1']);
    expect(row(el, 'classifier', 2).querySelector('[part="stage-badge"]')!.textContent).toBe('Production');
    expect(row(el, 'classifier', 2).querySelector('[part="stage-badge"]')!.classList.contains('Production')).toBe(true);
    expect(row(el, 'classifier', 1).querySelector('[part="stage-badge"]')!.textContent).toBe('Archived');
    expect(row(el, 'classifier', 3).querySelector('[part="stage-badge"]')!.textContent).toBe('None');
    expect([...row(el, 'classifier', 2).querySelectorAll('[part="alias-badge"]')].map((b) => b.getAttribute('data-alias'))).toEqual(['champion']);
    expect([...row(el, 'classifier', 3).querySelectorAll('[part="alias-badge"]')].map((b) => b.getAttribute('data-alias'))).toEqual(['challenger']);
    expect(row(el, 'classifier', 1).querySelectorAll('[part="alias-badge"]')).toHaveLength(0);
    expect(shadow(el).querySelector('li[data-model="spare"]')!.textContent).toContain('No versions.');

    const opened: string[] = [];
    el.addEventListener('ef-run-open', (e) => opened.push(e.detail.runId));
    row(el, 'classifier', 2).querySelector<HTMLButtonElement>('[part="run-link"]')!.click();
    expect(opened).toEqual([runIds[1]]);
  });

  it('filters models', async () => {
    const { store } = await seedRegistry();
    const el = await mount('ef-model-registry', { store, filter: "name LIKE 'spa%'" });
    await el.loaded();
    expect(el.models.map((m) => m.name)).toEqual(['spare']);
    el.filter = 'name ~ nonsense';
    await el.loaded();
    expect(shadow(el).querySelector('[part="error"]')).not.toBeNull();
  });

  it('sets and removes aliases and transitions stages; the store changes and events fire', async () => {
    const { store, client } = await seedRegistry();
    const el = await mount('ef-model-registry', { store });
    await el.loaded();
    const changes: ModelChangeDetail[] = [];
    el.addEventListener('ef-model-change', (e) => changes.push(e.detail));

    const form = row(el, 'classifier', 3).querySelector<HTMLElement>('.alias-form')!;
    form.querySelector('input')!.value = 'candidate';
    form.querySelector('button')!.click();
    await until(() => changes.length === 1, 5000, 'alias set');
    expect((await client.getModelVersionByAlias('classifier', 'candidate')).version).toBe(3);
    await el.loaded();
    expect([...row(el, 'classifier', 3).querySelectorAll('[part="alias-badge"]')].map((b) => b.getAttribute('data-alias'))).toEqual(['candidate', 'challenger']);

    row(el, 'classifier', 2).querySelector<HTMLButtonElement>('button[aria-label="Remove alias champion"]')!.click();
    await until(() => changes.length === 2, 5000, 'alias removed');
    expect((await client.getRegisteredModel('classifier')).aliases).not.toHaveProperty('champion');
    await el.loaded();
    expect(row(el, 'classifier', 2).querySelectorAll('[part="alias-badge"]')).toHaveLength(0);

    // v3 to Production, archiving v2 (Production now).
    const stageForm = row(el, 'classifier', 3).querySelector<HTMLElement>('.stage-form')!;
    const select = stageForm.querySelector('select')!;
    const archive = stageForm.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(archive.disabled).toBe(true);
    select.value = 'Production';
    select.dispatchEvent(new Event('change'));
    expect(archive.disabled).toBe(false);
    archive.checked = true;
    stageForm.querySelector('button')!.click();
    await until(() => changes.length === 3, 5000, 'transition');
    expect((await client.getModelVersion('classifier', 3)).currentStage).toBe('Production');
    expect((await client.getModelVersion('classifier', 2)).currentStage).toBe('Archived');
    await el.loaded();
    expect(row(el, 'classifier', 3).querySelector('[part="stage-badge"]')!.textContent).toBe('Production');
    expect(row(el, 'classifier', 2).querySelector('[part="stage-badge"]')!.textContent).toBe('Archived');
    expect(changes).toEqual([
      { name: 'classifier', version: 3, action: 'set-alias', alias: 'candidate' },
      { name: 'classifier', version: 2, action: 'delete-alias', alias: 'champion' },
      { name: 'classifier', version: 3, action: 'transition', stage: 'Production' },
    ]);
  });

  it('shows the client’s validation errors next to the action, and clears them after a success', async () => {
    const { store, client } = await seedRegistry();
    const el = await mount('ef-model-registry', { store });
    await el.loaded();
    const form = () => row(el, 'classifier', 1).querySelector<HTMLElement>('.alias-form')!;
    for (const bad of ['latest', 'v2', 'no spaces', '']) {
      form().querySelector('input')!.value = bad;
      form().querySelector('button')!.click();
      await until(() => row(el, 'classifier', 1).querySelector('[part="action-error"]') !== null, 5000, `error for ${JSON.stringify(bad)}`);
      expect(row(el, 'classifier', 1).querySelector('[part="action-error"]')!.textContent).toMatch(/Invalid alias/u);
      expect(row(el, 'classifier', 2).querySelector('[part="action-error"]')).toBeNull();
      form().querySelector('input')!.value = 'ok';
      form().querySelector('input')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
      await until(() => row(el, 'classifier', 1).querySelector('[part="action-error"]') === null, 5000, 'error cleared');
      await client.deleteRegisteredModelAlias('classifier', 'ok');
    }
    expect(Object.keys((await client.getRegisteredModel('classifier')).aliases).sort()).toEqual(['challenger', 'champion']);
  });

  it('updates live when the registry changes elsewhere', async () => {
    const { store, client, runIds } = await seedRegistry();
    const el = await mount('ef-model-registry', { store });
    await el.loaded();
    await client.createModelVersion('spare', `runs:/${runIds[0]}/model`);
    await client.createRegisteredModel('another', { description: 'new' });
    await until(() => el.models.length === 3 && el.versionsOf('spare').length === 1, 5000, 'live update');
    await el.updateComplete;
    expect(shadow(el).querySelector('li[data-model="spare"] tr[data-version="1"]')).not.toBeNull();
  });

  it('offers no actions on a read-only store', async () => {
    const { store } = await seedRegistry();
    const readOnly = variant(store, { capabilities: { ...store.capabilities, readOnly: true } });
    const el = await mount('ef-model-registry', { store: readOnly });
    await el.loaded();
    expect(el.writable).toBe(false);
    expect(shadow(el).querySelectorAll('tr[data-version]')).toHaveLength(3);
    expect(shadow(el).querySelector('[part="actions"]')).toBeNull();
    expect(shadow(el).querySelector('.alias-form, .stage-form, input, select')).toBeNull();
    expect(shadow(el).querySelector('[part="alias-badge"] button')).toBeNull();
    expect(shadow(el).querySelectorAll('[part="alias-badge"]')).toHaveLength(2);
  });

  it('shows a clear empty state without a registry, and without models', async () => {
    const { store } = await seed();
    const none = await mount('ef-model-registry', { store: variant(store, { registry: undefined }) });
    await none.loaded();
    expect(shadow(none).querySelector('[part="empty"]')!.textContent).toMatch(/no model registry/u);
    const empty = await mount('ef-model-registry', { store });
    await empty.loaded();
    expect(shadow(empty).querySelector('[part="empty"]')!.textContent).toMatch(/No registered models yet/u);
  });
});
