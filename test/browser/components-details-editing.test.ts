/**
 * Editing a run in `<ef-run-details>` as a person does it, in real Chromium: rename, delete and
 * restore, tags, the Markdown note with its preview (untrusted text stays inert), errors shown
 * inline, everything disabled with the reason on a read-only bundle, and the keyboard path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { RunDetails } from '../../src/components/ef-run-details.js';
import type { TrackingClient } from '../../src/core/client.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { seriousViolations } from '../support/axe.js';
import { mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

function button(el: Element, name: string): HTMLButtonElement {
  const found = [...shadow(el).querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === name);
  if (found === undefined) throw new Error(`no button "${name}"`);
  return found;
}

function title(el: RunDetails): string {
  return shadow(el).querySelector('h2')!.textContent!;
}

async function details(): Promise<{ el: RunDetails; client: TrackingClient; runId: string }> {
  const { store, client, runIds } = await seed();
  const el = await mount('ef-run-details', { store, runId: runIds[0]! });
  await el.loaded();
  return { el, client, runId: runIds[0]! };
}

describe('<ef-run-details> editing', () => {
  it('renames a run with the keyboard: Enter saves, Escape cancels', async () => {
    const { el, client, runId } = await details();
    button(el, 'Rename').focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    const input = shadow(el).querySelector<HTMLInputElement>('input[name="name"]')!;
    await until(() => shadow(el).activeElement === input, 2000, 'name input focused');
    await userEvent.keyboard('{Escape}');
    await el.updateComplete;
    expect(title(el)).toBe('alpha');
    button(el, 'Rename').focus();
    await userEvent.keyboard('{Enter}');
    await until(() => shadow(el).activeElement?.getAttribute('name') === 'name', 2000, 'name input focused again');
    await userEvent.keyboard('spiral-best{Enter}');
    await until(() => shadow(el).querySelector('h2')?.textContent === 'spiral-best', 3000, 'new name shown');
    expect((await client.getRun(runId)).info.runName).toBe('spiral-best');
  });

  it('deletes after a confirmation, then restores', async () => {
    const { el, client, runId } = await details();
    button(el, 'Delete').click();
    await el.updateComplete;
    expect((await client.getRun(runId)).info.lifecycleStage).toBe('active');
    button(el, 'Delete run?').click();
    await until(() => shadow(el).textContent!.includes('deleted') && shadow(el).querySelector('[part="locked"]') !== null, 3000, 'deleted state');
    expect((await client.getRun(runId)).info.lifecycleStage).toBe('deleted');
    expect(shadow(el).querySelector('[part="locked"]')!.textContent).toContain('restore it to edit it');
    expect(button(el, 'Edit tag team').disabled).toBe(true);
    button(el, 'Restore').click();
    await until(() => shadow(el).querySelector('[part="locked"]') === null, 3000, 'restored');
    expect((await client.getRun(runId)).info.lifecycleStage).toBe('active');
    expect(button(el, 'Rename').disabled).toBe(false);
  });

  it('adds, edits and deletes tags, and shows a store error inline keeping what was typed', async () => {
    const { el, client, runId } = await details();
    button(el, 'Add tag').click();
    await until(() => shadow(el).activeElement?.getAttribute('name') === 'key', 2000, 'key focused');
    await userEvent.keyboard('stage');
    await userEvent.tab();
    await userEvent.keyboard('draft{Enter}');
    await until(() => shadow(el).querySelector('.tags')?.textContent?.includes('stage') === true, 3000, 'tag added');
    expect((await client.getRun(runId)).data.tags['stage']).toBe('draft');

    button(el, 'Edit tag stage').click();
    await until(() => shadow(el).activeElement?.getAttribute('name') === 'value', 2000, 'value focused');
    await userEvent.keyboard('{Control>}a{/Control}final{Enter}');
    await until(() => shadow(el).querySelector('.tags')?.textContent?.includes('final') === true, 3000, 'tag edited');
    expect((await client.getRun(runId)).data.tags['stage']).toBe('final');

    button(el, 'Delete tag stage').click();
    await until(() => shadow(el).querySelector('.tags')?.textContent?.includes('stage') !== true, 3000, 'tag deleted');
    expect((await client.getRun(runId)).data.tags['stage']).toBeUndefined();

    // An invalid key: the client's validation message appears next to the form, the form stays.
    button(el, 'Add tag').click();
    await until(() => shadow(el).activeElement?.getAttribute('name') === 'key', 2000, 'key focused');
    await userEvent.keyboard('bad key!{Enter}');
    await until(() => shadow(el).querySelector('[part="edit-error"]') !== null, 3000, 'inline error');
    expect(shadow(el).querySelector('[part="edit-error"]')!.textContent).toMatch(/tags\.0\.key/u);
    expect(shadow(el).querySelector<HTMLInputElement>('input[name="key"]')!.value).toBe('bad key!');
    expect(Object.keys((await client.getRun(runId)).data.tags)).not.toContain('bad key!');
  });

  it('writes the note in Markdown with a preview; hostile HTML in it stays inert', async () => {
    const { el, client, runId } = await details();
    const hits: string[] = [];
    (window as unknown as { __pwned: (s: string) => void }).__pwned = (s) => hits.push(s);
    button(el, 'Add a note').click();
    await until(() => shadow(el).activeElement?.tagName === 'TEXTAREA', 2000, 'textarea focused');
    const text = '# Result\n\n**best** so far <img src=x onerror="__pwned(1)"> <script>__pwned(2)</script> [x](javascript:__pwned(3))';
    const textarea = shadow(el).querySelector('textarea')!;
    textarea.value = text;
    textarea.dispatchEvent(new Event('input'));
    button(el, 'Preview').click();
    await el.updateComplete;
    const preview = shadow(el).querySelector('.note.preview')!;
    expect(preview.querySelector('h1')!.textContent).toBe('Result');
    expect(preview.querySelector('strong')!.textContent).toBe('best');
    expect(preview.querySelector('script')).toBeNull();
    expect(preview.querySelector('[onerror]')).toBeNull();
    expect(preview.querySelector('a')!.hasAttribute('href')).toBe(false);
    button(el, 'Write').click();
    await el.updateComplete;
    expect(shadow(el).querySelector('textarea')!.value).toBe(text);
    button(el, 'Save note').click();
    await until(() => shadow(el).querySelector('.note:not(.preview) h1') !== null, 3000, 'saved note rendered');
    expect((await client.getRun(runId)).data.tags['mlflow.note.content']).toBe(text);
    await new Promise((r) => setTimeout(r, 50));
    expect(hits).toEqual([]);

    // Emptying the note deletes the tag.
    button(el, 'Edit note').click();
    await until(() => shadow(el).activeElement?.tagName === 'TEXTAREA', 2000, 'textarea focused');
    await userEvent.keyboard('{Control>}a{/Control}{Backspace}{Control>}{Enter}{/Control}');
    await until(() => button(el, 'Add a note') !== undefined && shadow(el).querySelector('.note') === null, 3000, 'note removed');
    expect((await client.getRun(runId)).data.tags['mlflow.note.content']).toBeUndefined();
  });

  it('disables every change on a read-only bundle and says why', async () => {
    const { store, client, runIds } = await seed();
    client.setTag(runIds[0]!, 'mlflow.note.content', 'shared **note**');
    await client.flush();
    const bundle = await BundleStore.open(await exportBundle(store));
    const el = await mount('ef-run-details', { store: bundle, runId: runIds[0]! });
    await el.loaded();
    expect(shadow(el).querySelector('[part="locked"]')!.textContent).toContain('read-only');
    for (const name of ['Rename', 'Delete', 'Edit note', 'Edit tag team', 'Delete tag team']) expect(button(el, name).disabled, name).toBe(true);
    expect([...shadow(el).querySelectorAll('button')].some((b) => b.textContent!.trim() === 'Add tag')).toBe(false);
    expect(shadow(el).querySelector('.note strong')!.textContent).toBe('note');
  });

  it('has no serious axe violations while showing, editing the note and editing a tag', async () => {
    const { el } = await details();
    expect(await seriousViolations(el)).toEqual([]);
    button(el, 'Add a note').click();
    await el.updateComplete;
    expect(await seriousViolations(el)).toEqual([]);
    button(el, 'Cancel').click();
    button(el, 'Edit tag team').click();
    await el.updateComplete;
    expect(await seriousViolations(el)).toEqual([]);
  });
});
