/**
 * `<ef-model-version>`: the page of one model version — its source run, signature, aliases,
 * stage, tags and description, editable on a writable registry.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { TrackingClient } from '../core/client.js';
import { parseMLmodel, type MLModel } from '../core/formats/mlmodel.js';
import { MODEL_STAGES, type ModelStage, type ModelVersion } from '../core/registry/entities.js';
import type { Store } from '../core/store.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, throwIfAborted, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import type { RunOpenDetail } from './ef-run-table.js';
import { decodeText } from './internal/artifacts.js';
import { formatTime } from './internal/format.js';
import { renderMarkdown } from './internal/markdown.js';
import { mlmodelStyles, renderMLmodel } from './internal/mlmodel-view.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** What the page shows: the version, and its model files' `MLmodel` (or why it could not be read). */
interface VersionPage {
  readonly version: ModelVersion;
  readonly model: MLModel | { readonly unreadable: string };
}

/**
 * One model version: stage and status, who registered it and when, its source (with a link to the
 * run that produced it), its storage location and logged-model id, the signature and input example
 * read from its `MLmodel`, its aliases, tags and description (sanitized Markdown). On a writable
 * registry, aliases, stage (with "archive existing"), tags and the description (Markdown with a
 * preview) can be changed; on a read-only store the controls are disabled and the reason shown.
 * Updates live.
 *
 * @fires ef-run-open - The source run link was activated; detail `{runId}`.
 * @csspart header - Name, version, stage and status.
 * @csspart description - The rendered description.
 * @csspart aliases - The aliases.
 * @csspart tags - The tags table.
 * @csspart mlmodel - The model's flavors and signature.
 * @csspart action-error - The last action's error.
 *
 * @customElement ef-model-version
 */
export class ModelVersionPage extends StoreElement {
  static override styles = [
    themeStyles,
    mlmodelStyles,
    css`
      :host {
        display: block;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 8px;
      }
      h2 {
        margin: 0;
        font-size: 18px;
        overflow-wrap: anywhere;
      }
      section {
        margin-top: 14px;
      }
      h3 {
        margin: 0 0 6px;
        font-size: 13px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
      }
      .badge {
        border-radius: 999px;
        padding: 1px 8px;
        background: var(--_surface);
        border: 1px solid var(--_border);
      }
      textarea {
        width: 100%;
        min-height: 96px;
        box-sizing: border-box;
        font-family: var(--_mono);
      }
      table.tags td {
        padding: 2px 8px 2px 0;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** The registered model's name. */
  @property() name = '';
  /** The version number. */
  @property({ type: Number }) version = 0;

  @state() private _actionError: string | undefined;
  @state() private _busy = false;
  /** The description being edited, and whether its preview is shown. */
  @state() private _draft: { text: string; preview: boolean } | undefined;

  private readonly _page = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined || this.name === '' || this.version < 1 ? undefined : ([store, this.name, this.version] as const);
    },
    task: async ([store, name, version], signal) => loadPage(store, name, version, signal),
  });

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        if (batch.registeredModels.has(this.name)) void this._page.refresh();
      },
    });
  }

  /** Why changes are not offered, or undefined when they are. */
  get readOnlyReason(): string | undefined {
    const store = this.resolvedStore;
    if (store === undefined) return 'No store is connected.';
    if (store.registry === undefined) return 'This store has no model registry.';
    return store.capabilities.readOnly ? 'This store is read-only.' : undefined;
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    if (this.name === '' || this.version < 1) return html`<div class="empty" part="empty">Choose a model version in the registry.</div>`;
    const state = this._page.state;
    if (state.status === 'ERROR') return html`<div class="empty error" part="error" role="alert">${errorMessage(state.error)}</div>`;
    const page = valueOf(state);
    if (page === undefined) return html`<div class="empty">Loading…</div>`;
    const v = page.version;
    const reason = this.readOnlyReason;
    return html`<header part="header">
        <h2>${v.name} · version ${v.version}</h2>
        <span class="badge">${v.currentStage}</span>
        <span class="muted">${v.status} · registered ${formatTime(v.creationTimestamp)}${v.userId === null ? '' : ` by ${v.userId}`} · updated
          ${formatTime(v.lastUpdatedTimestamp)}</span>
      </header>
      ${reason === undefined ? nothing : html`<p class="muted" role="note">${reason} Changes are disabled.</p>`}
      ${this._actionError === undefined ? nothing : html`<p class="error" part="action-error" role="alert">${this._actionError}</p>`}
      <section aria-label="Source">
        <h3>Source</h3>
        <dl class="facts">
          <dt>Run</dt>
          <dd>${v.runId === null ? '—' : html`<button class="link mono" @click=${() => this._fire<RunOpenDetail>('ef-run-open', { runId: v.runId! })}>${v.runId}</button>`}</dd>
          <dt>Source</dt>
          <dd class="mono">${v.source}</dd>
          ${v.storageLocation === null || v.storageLocation === v.source ? nothing : html`<dt>Stored at</dt><dd class="mono">${v.storageLocation}</dd>`}
          ${v.modelId === null ? nothing : html`<dt>Logged model</dt><dd class="mono">${v.modelId}</dd>`}
        </dl>
      </section>
      ${this._renderAliases(v, reason)} ${this._renderStage(v, reason)} ${this._renderDescription(v, reason)} ${this._renderTags(v, reason)}
      <section aria-label="Model">
        <h3>Model</h3>
        ${'unreadable' in page.model ? html`<p class="muted">${page.model.unreadable}</p>` : renderMLmodel(page.model, undefined)}
      </section>`;
  }

  private _renderAliases(v: ModelVersion, reason: string | undefined): TemplateResult {
    const disabled = reason !== undefined || this._busy;
    return html`<section aria-label="Aliases">
      <h3>Aliases</h3>
      <div class="row" part="aliases">
        ${v.aliases.length === 0 ? html`<span class="muted">None.</span>` : nothing}
        ${v.aliases.map(
          (alias) => html`<span class="badge" data-alias=${alias}
            >@${alias}
            <button aria-label=${`Remove alias ${alias}`} ?disabled=${disabled} @click=${() => this._act((c) => c.deleteRegisteredModelAlias(v.name, alias))}>×</button></span
          >`,
        )}
        <input aria-label="New alias" placeholder="alias" ?disabled=${disabled} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this._setAlias(e, v)} />
        <button ?disabled=${disabled} @click=${(e: Event) => this._setAlias(e, v)}>Set alias</button>
      </div>
    </section>`;
  }

  private _renderStage(v: ModelVersion, reason: string | undefined): TemplateResult {
    const disabled = reason !== undefined || this._busy;
    return html`<section aria-label="Stage">
      <h3>Stage</h3>
      <div class="row">
        <select aria-label="Stage" ?disabled=${disabled}>
          ${MODEL_STAGES.map((s) => html`<option value=${s} ?selected=${s === v.currentStage}>${s}</option>`)}
        </select>
        <label><input type="checkbox" aria-label="Archive existing versions" ?disabled=${disabled} />archive the versions already there</label>
        <button ?disabled=${disabled} @click=${(e: Event) => this._transition(e, v)}>Move</button>
      </div>
    </section>`;
  }

  private _renderDescription(v: ModelVersion, reason: string | undefined): TemplateResult {
    const draft = this._draft;
    const text = v.description ?? '';
    if (draft === undefined) {
      return html`<section aria-label="Description">
        <h3>Description</h3>
        ${text.trim() === ''
          ? html`<p class="muted">No description.</p>`
          : // DOMPurify's output for untrusted Markdown (see internal/markdown.ts).
            html`<div class="description" part="description">${unsafeHTML(renderMarkdown(text))}</div>`}
        <button ?disabled=${reason !== undefined} @click=${() => (this._draft = { text, preview: false })}>Edit description</button>
      </section>`;
    }
    return html`<section aria-label="Description">
      <h3>Description</h3>
      <div class="row" role="tablist" aria-label="Description editor">
        <button role="tab" aria-selected=${draft.preview ? 'false' : 'true'} @click=${() => this._editDraft({ preview: false })}>Write</button>
        <button role="tab" aria-selected=${draft.preview ? 'true' : 'false'} @click=${() => this._editDraft({ preview: true })}>Preview</button>
      </div>
      ${draft.preview
        ? html`<div class="description" part="description">${unsafeHTML(renderMarkdown(draft.text))}</div>`
        : html`<textarea aria-label="Description (Markdown)" .value=${draft.text} @input=${(e: Event) => this._editDraft({ text: (e.target as HTMLTextAreaElement).value })}></textarea>`}
      <div class="row">
        <button class="primary" ?disabled=${this._busy} @click=${() => void this._saveDescription(v, this._draft?.text ?? draft.text)}>Save</button>
        <button @click=${() => (this._draft = undefined)}>Cancel</button>
      </div>
    </section>`;
  }

  private _renderTags(v: ModelVersion, reason: string | undefined): TemplateResult {
    const disabled = reason !== undefined || this._busy;
    const keys = Object.keys(v.tags).sort();
    return html`<section aria-label="Tags">
      <h3>Tags</h3>
      ${keys.length === 0
        ? html`<p class="muted">No tags.</p>`
        : html`<table class="tags" part="tags">
            <tbody>
              ${keys.map(
                (k) => html`<tr>
                  <td class="mono">${k}</td>
                  <td>${v.tags[k]}</td>
                  <td><button aria-label=${`Delete tag ${k}`} ?disabled=${disabled} @click=${() => this._act((c) => c.deleteModelVersionTag(v.name, v.version, k))}>×</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      <div class="row tag-form">
        <input aria-label="Tag key" placeholder="key" ?disabled=${disabled} />
        <input aria-label="Tag value" placeholder="value" ?disabled=${disabled} />
        <button ?disabled=${disabled} @click=${(e: Event) => this._setTag(e, v)}>Set tag</button>
      </div>
    </section>`;
  }

  /** Changes the description draft (read now, not as it was rendered: events may come before a render). */
  private _editDraft(change: Partial<{ text: string; preview: boolean }>): void {
    if (this._draft !== undefined) this._draft = { ...this._draft, ...change };
  }

  private _setAlias(e: Event, v: ModelVersion): void {
    const input = (e.target as HTMLElement).closest('.row')!.querySelector<HTMLInputElement>('input')!;
    void this._act((c) => c.setRegisteredModelAlias(v.name, input.value.trim(), v.version)).then((ok) => ok && (input.value = ''));
  }

  private _transition(e: Event, v: ModelVersion): void {
    const row = (e.target as HTMLElement).closest('.row')!;
    const stage = row.querySelector('select')!.value as ModelStage;
    const archive = row.querySelector<HTMLInputElement>('input[type=checkbox]')!.checked;
    void this._act((c) => c.transitionModelVersionStage(v.name, v.version, stage, { archiveExistingVersions: archive }));
  }

  private _setTag(e: Event, v: ModelVersion): void {
    const [key, value] = [...(e.target as HTMLElement).closest('.tag-form')!.querySelectorAll('input')];
    void this._act((c) => c.setModelVersionTag(v.name, v.version, key!.value.trim(), value!.value)).then((ok) => {
      if (ok) key!.value = value!.value = '';
    });
  }

  private async _saveDescription(v: ModelVersion, text: string): Promise<void> {
    if (await this._act((c) => c.updateModelVersion(v.name, v.version, { description: text }))) this._draft = undefined;
  }

  /** Runs a change through the validating client; its error is shown on the page. */
  private async _act(change: (client: TrackingClient) => Promise<unknown>): Promise<boolean> {
    const store = this.resolvedStore;
    if (store === undefined || this.readOnlyReason !== undefined) return false;
    this._busy = true;
    try {
      await change(new TrackingClient(store));
      this._actionError = undefined;
      await this._page.refresh();
      return true;
    } catch (error) {
      this._actionError = errorMessage(error);
      return false;
    } finally {
      this._busy = false;
    }
  }
}

/** Reads the version and, through its model URI, the `MLmodel` of its files. */
async function loadPage(store: Store, name: string, version: number, signal: AbortSignal): Promise<VersionPage> {
  const client = new TrackingClient(store);
  const mv = await client.getModelVersion(name, version);
  throwIfAborted(signal);
  let model: VersionPage['model'];
  try {
    const resolved = await client.resolveModelUri(`models:/${name}/${version}`);
    const file = resolved.path === '' ? 'MLmodel' : `${resolved.path}/MLmodel`;
    const bytes =
      'loggedModelId' in resolved
        ? await client.downloadLoggedModelArtifact(resolved.loggedModelId, file)
        : await store.getArtifact(resolved.runId, file);
    model = parseMLmodel(decodeText(bytes).text);
  } catch (error) {
    model = { unreadable: `The model's MLmodel file could not be read from this store: ${errorMessage(error)}` };
  }
  throwIfAborted(signal);
  return { version: mv, model };
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-model-version': ModelVersionPage;
  }
}
