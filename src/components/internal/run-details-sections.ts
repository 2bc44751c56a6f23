/**
 * The editable sections of `<ef-run-details>`, each a small template of its own: the header
 * (name, status, rename, delete, restore), the note (Markdown with a preview) and the tags.
 * Every control is disabled, with the reason shown, when the run cannot be changed.
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { hasKey, type Run } from '../../core/entities.js';
import { SystemTag } from '../../core/system-tags.js';
import { breakableKey } from './format.js';
import { renderMarkdown } from './markdown.js';
import type { EditArea, RunEditor } from './run-editor.js';

/** What the sections need from the element. */
export interface SectionContext {
  readonly run: Run;
  readonly editor: RunEditor;
  /** Why the run cannot be changed (read-only store, deleted run), or undefined. */
  readonly locked: string | undefined;
  /** Why the run cannot be deleted or restored (a read-only store), or undefined. */
  readonly readOnly: string | undefined;
}

function fieldValue(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}

function onSubmit(handler: (form: HTMLFormElement) => void): (e: SubmitEvent) => void {
  return (e) => {
    e.preventDefault();
    handler(e.target as HTMLFormElement);
  };
}

function onEscape(editor: RunEditor): (e: KeyboardEvent) => void {
  return (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      editor.cancel();
    }
  };
}

function areaError(editor: RunEditor, area: EditArea): TemplateResult | typeof nothing {
  const message = editor.error(area);
  return message === undefined ? nothing : html`<div class="edit-error" part="edit-error" role="alert">${message}</div>`;
}

/** The name and state of the run, with rename, delete and restore. */
export function renderHeader({ run, editor, locked, readOnly }: SectionContext, title: TemplateResult): TemplateResult {
  const { runId, runName, status, lifecycleStage } = run.info;
  const deleted = lifecycleStage === 'deleted';
  const busy = editor.busy;
  const name = editor.isEditing('name')
    ? html`<form class="inline" @submit=${onSubmit((f) => void editor.apply('header', (c) => c.updateRun(runId, { runName: fieldValue(f, 'name').trim() })))} @keydown=${onEscape(editor)}>
        <input name="name" aria-label="Run name" .value=${runName} required />
        <button class="primary" ?disabled=${busy}>Save</button>
        <button type="button" @click=${() => editor.cancel()}>Cancel</button>
      </form>`
    : title;
  const actions = deleted
    ? html`<button ?disabled=${readOnly !== undefined || busy} @click=${() => void editor.apply('header', (c) => c.restoreRun(runId))}>Restore</button>`
    : editor.isEditing('confirm-delete')
      ? html`<span role="group" aria-label="Confirm delete"
          ><button class="danger" ?disabled=${busy} @click=${() => void editor.apply('header', (c) => c.deleteRun(runId))}>Delete run?</button
          ><button @click=${() => editor.cancel()}>Cancel</button></span
        >`
      : html`<button ?disabled=${locked !== undefined} @click=${() => editor.edit({ kind: 'name' }, 'input[name="name"]')}>Rename</button
          ><button ?disabled=${readOnly !== undefined} @click=${() => editor.edit({ kind: 'confirm-delete' }, 'button.danger')}>Delete</button>`;
  return html`<header>
      ${name}
      <span class="status ${status}">${status}</span>
      ${deleted ? html`<span class="status FAILED">deleted</span>` : nothing}
      <span class="actions" part="actions">${editor.isEditing('name') ? nothing : actions}</span>
    </header>
    ${locked === undefined ? nothing : html`<p class="locked muted" part="locked">${locked}</p>`} ${areaError(editor, 'header')}`;
}

/** The note (`mlflow.note.content`) as sanitized Markdown, and its editor with a preview. */
export function renderNote({ run, editor, locked }: SectionContext): TemplateResult | typeof nothing {
  const { runId } = run.info;
  const note = hasKey(run.data.tags, SystemTag.NOTE) ? run.data.tags[SystemTag.NOTE]! : '';
  if (editor.isEditing('note')) {
    const preview = editor.notePreview;
    const save = (): void =>
      void editor.apply('note', (c) =>
        editor.noteDraft.trim() === ''
          ? note === ''
            ? Promise.resolve()
            : c.deleteTag(runId, SystemTag.NOTE)
          : c.logBatch(runId, { tags: [{ key: SystemTag.NOTE, value: editor.noteDraft }] }),
      );
    return html`<section part="section" class="note-editor">
      <h3 id="note-title">Note</h3>
      <div class="tabs" role="group" aria-label="Note editor mode">
        <button aria-pressed=${preview ? 'false' : 'true'} @click=${() => editor.setPreview(false)}>Write</button>
        <button aria-pressed=${preview ? 'true' : 'false'} @click=${() => editor.setPreview(true)}>Preview</button>
      </div>
      ${preview
        ? html`<div class="note preview" part="note">${editor.noteDraft.trim() === '' ? html`<p class="muted">Nothing to preview.</p>` : unsafeHTML(renderMarkdown(editor.noteDraft))}</div>`
        : html`<textarea
            aria-labelledby="note-title"
            placeholder="Markdown: # headings, **bold**, lists, [links](https://…), \`code\`"
            .value=${editor.noteDraft}
            @input=${(e: Event) => (editor.noteDraft = (e.target as HTMLTextAreaElement).value)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) save();
              else onEscape(editor)(e);
            }}
          ></textarea>`}
      <div class="buttons">
        <button class="primary" ?disabled=${editor.busy} @click=${save}>Save note</button>
        <button @click=${() => editor.cancel()}>Cancel</button>
      </div>
      ${areaError(editor, 'note')}
    </section>`;
  }
  const edit = (): void => {
    editor.noteDraft = note;
    editor.edit({ kind: 'note' }, 'textarea');
  };
  if (note.trim() === '') {
    if (locked !== undefined) return nothing;
    return html`<section part="section"><h3>Note</h3><button @click=${edit}>Add a note</button></section>`;
  }
  // One of the two unsafeHTML uses in the components (with the model description in
  // ef-model-registry): DOMPurify's output for the Markdown note.
  return html`<section part="section">
    <h3>Note <button class="link toggle" ?disabled=${locked !== undefined} @click=${edit}>Edit note</button></h3>
    <div class="note" part="note">${unsafeHTML(renderMarkdown(note))}</div>
    ${areaError(editor, 'note')}
  </section>`;
}

/** The run's tags (system tags on request), each editable and deletable, and a form to add one. */
export function renderTags(context: SectionContext, showSystem: boolean, toggleSystem: () => void): TemplateResult {
  const { run, editor, locked } = context;
  const all = Object.keys(run.data.tags).sort();
  const system = all.filter((k) => k.startsWith('mlflow.'));
  const keys = showSystem ? all : all.filter((k) => !k.startsWith('mlflow.'));
  return html`<section part="section">
    <h3>
      Tags (${keys.length})${system.length === 0
        ? nothing
        : html`<button class="link toggle" aria-expanded=${showSystem ? 'true' : 'false'} @click=${toggleSystem}>
            ${showSystem ? 'hide' : 'show'} ${system.length} system tags
          </button>`}
    </h3>
    ${keys.length === 0
      ? html`<div class="muted">None.</div>`
      : html`<table class="tags">
          ${keys.map((k) => renderTagRow(context, k))}
        </table>`}
    ${locked !== undefined ? nothing : renderNewTag(context)} ${areaError(editor, 'tags')}
  </section>`;
}

function renderTagRow({ run, editor, locked }: SectionContext, key: string): TemplateResult {
  const { runId } = run.info;
  const value = run.data.tags[key]!;
  if (editor.isEditing('tag', key)) {
    return html`<tr>
      <td class="key">${breakableKey(key)}</td>
      <td colspan="2">
        <form class="inline" @submit=${onSubmit((f) => void editor.apply('tags', (c) => c.logBatch(runId, { tags: [{ key, value: fieldValue(f, 'value') }] })))} @keydown=${onEscape(editor)}>
          <input name="value" aria-label=${`Value of tag ${key}`} .value=${value} />
          <button class="primary" ?disabled=${editor.busy}>Save</button>
          <button type="button" @click=${() => editor.cancel()}>Cancel</button>
        </form>
      </td>
    </tr>`;
  }
  const disabled = locked !== undefined || editor.busy;
  return html`<tr>
    <td class="key">${breakableKey(key)}</td>
    <td>${value}</td>
    <td class="row-actions">
      <button class="small" aria-label=${`Edit tag ${key}`} ?disabled=${disabled} @click=${() => editor.edit({ kind: 'tag', key }, 'input[name="value"]')}>Edit</button>
      <button class="small" aria-label=${`Delete tag ${key}`} ?disabled=${disabled} @click=${() => void editor.apply('tags', (c) => c.deleteTag(runId, key))}>Delete</button>
    </td>
  </tr>`;
}

function renderNewTag({ run, editor }: SectionContext): TemplateResult {
  const { runId } = run.info;
  if (!editor.isEditing('new-tag')) {
    return html`<button class="add-tag" @click=${() => editor.edit({ kind: 'new-tag' }, 'input[name="key"]')}>Add tag</button>`;
  }
  return html`<form
    class="inline new-tag"
    @submit=${onSubmit((f) => void editor.apply('tags', (c) => c.logBatch(runId, { tags: [{ key: fieldValue(f, 'key').trim(), value: fieldValue(f, 'value') }] })))}
    @keydown=${onEscape(editor)}
  >
    <input name="key" aria-label="New tag key" placeholder="key" required />
    <input name="value" aria-label="New tag value" placeholder="value" />
    <button class="primary" ?disabled=${editor.busy}>Add</button>
    <button type="button" @click=${() => editor.cancel()}>Cancel</button>
  </form>`;
}
