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
  it('opens a version’s page from its number: source, signature, aliases, stage, tags and description edited in place', async () => {
    const { store, client, runIds } = await seedRegistry();
    const signature = `  inputs: '[{"type": "double", "name": "x"}, {"type": "string", "name": "label", "required": false}]'\n  outputs: null\n  params: null\n`;
    await client.logArtifact(runIds[1]!, 'model/MLmodel', `flavors:\n  tfjs:\n    format: layers-model\nsignature:\n${signature}`);
    const el = await mount('ef-model-registry', { store });
    await el.loaded();
    const opened: unknown[] = [];
    el.addEventListener('ef-model-version-open', (e) => opened.push((e as CustomEvent).detail));
    row(el, 'classifier', 2).querySelector<HTMLButtonElement>('td[data-label="Version"] button')!.click();
    await el.loaded();
    expect(opened).toEqual([{ name: 'classifier', version: 2 }]);
    const page = shadow(el).querySelector('ef-model-version')!;
    await page.loaded();
    const root = shadow(page);
    expect(root.querySelector('h2')!.textContent).toBe('classifier · version 2');
    expect(root.querySelector('[part="header"]')!.textContent).toContain('Production');
    expect(root.querySelector('section[aria-label="Source"]')!.textContent).toContain(runIds[1]!);
    expect([...root.querySelectorAll<HTMLTableRowElement>('table.spec tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent).join(' '))).toEqual(['x double yes', 'label string no']);
    expect(root.querySelector('[part="aliases"]')!.textContent).toContain('@champion');

    // Tags, alias and description through the page; the registry holds the changes.
    const tagInputs = root.querySelectorAll<HTMLInputElement>('.tag-form input');
    tagInputs[0]!.value = 'validated';
    tagInputs[1]!.value = '<b>yes</b>';
    root.querySelector<HTMLButtonElement>('.tag-form button')!.click();
    await until(() => root.querySelector('[part="tags"]')?.textContent?.includes('validated') === true, 5000, 'the tag');
    expect(root.querySelector('[part="tags"] b')).toBeNull();
    const alias = root.querySelector<HTMLInputElement>('input[aria-label="New alias"]')!;
    alias.value = 'stable';
    alias.nextElementSibling!.dispatchEvent(new MouseEvent('click'));
    await until(() => root.querySelector('[data-alias="stable"]') !== null, 5000, 'the alias');
    [...root.querySelectorAll('button')].find((b) => b.textContent === 'Edit description')!.click();
    await page.updateComplete;
    const area = root.querySelector('textarea')!;
    area.value = '**Shipped** <img src=x onerror="window.__pwned=1">';
    area.dispatchEvent(new Event('input'));
    [...root.querySelectorAll<HTMLButtonElement>('[role="tab"]')].find((b) => b.textContent === 'Preview')!.click();
    await page.updateComplete;
    expect(root.querySelector('[part="description"] strong')!.textContent).toBe('Shipped');
    expect(root.querySelector('[part="description"] img')?.getAttribute('onerror') ?? null).toBeNull();
    [...root.querySelectorAll('button')].find((b) => b.textContent === 'Save')!.click();
    await until(() => root.querySelector('textarea') === null && root.querySelector('[role="tab"]') === null, 5000, 'the saved description');
    const stored = await client.getModelVersion('classifier', 2);
    expect(stored.tags['validated']).toBe('<b>yes</b>');
    expect(stored.aliases).toContain('stable');
    expect(stored.description).toBe('**Shipped** <img src=x onerror="window.__pwned=1">');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();

    // A bad alias shows the registry's error on the page; the way back shows the list.
    alias.value = 'latest';
    alias.nextElementSibling!.dispatchEvent(new MouseEvent('click'));
    await until(() => root.querySelector('[part="action-error"]') !== null, 5000, 'the error');
    expect(root.querySelector('[part="action-error"]')!.textContent).toMatch(/alias/iu);
    shadow(el).querySelector<HTMLButtonElement>('button.back')!.click();
    await el.loaded();
    expect(shadow(el).querySelector('ef-model-version')).toBeNull();
    expect(row(el, 'classifier', 2).textContent).toContain('@stable');
  });

  it('shows a version page read-only, with the reason, on a read-only store; an unreadable MLmodel is said so', async () => {
    const { store } = await seedRegistry();
    const readOnly = variant(store, { capabilities: { ...store.capabilities, readOnly: true } });
    const page = await mount('ef-model-version', { store: readOnly, name: 'classifier', version: 3 });
    await page.loaded();
    const root = shadow(page);
    expect(root.querySelector('[role="note"]')!.textContent).toContain('This store is read-only.');
    const enabled = [...root.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>('button, input, select')].filter((c) => !c.disabled);
    expect(enabled.map((c) => c.textContent ?? c.getAttribute('aria-label'))).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/u)]);
    expect(root.querySelector('section[aria-label="Model"]')!.textContent).toContain('could not be read');
  });

  it('fits every version’s actions in a 390 px wide registry (a phone), without horizontal scrolling', async () => {
    const { store } = await seedRegistry();
    const frame = document.createElement('div');
    frame.style.width = '390px';
    document.body.append(frame);
    const el = document.createElement('ef-model-registry');
    el.store = store;
    frame.append(el);
    await el.loaded();
    const box = el.getBoundingClientRect();
    const wrap = shadow(el).querySelector<HTMLElement>('.table-wrap')!;
    expect(wrap.scrollWidth).toBeLessThanOrEqual(wrap.clientWidth);
    const controls = [...shadow(el).querySelectorAll<HTMLElement>('[part="actions"] button, [part="actions"] input, [part="actions"] select')];
    expect(controls.length).toBeGreaterThan(0);
    for (const control of controls) {
      const r = control.getBoundingClientRect();
      expect(r.width).toBeGreaterThan(0);
      expect(r.right).toBeLessThanOrEqual(box.right + 0.5);
      expect(r.left).toBeGreaterThanOrEqual(box.left - 0.5);
    }
  });
});
