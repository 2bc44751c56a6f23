/**
 * `<ef-model-registry>`: registered models, their versions with stage and alias badges, links to
 * the source runs, and (on a writable store) alias and stage actions.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { MODEL_STAGES, type ModelStage, type ModelVersion, type RegisteredModel } from '../core/registry/entities.js';
import { ModelRegistryController } from './controllers/model-registry-controller.js';
import { errorMessage, valueOf } from './controllers/status.js';
import type { RunOpenDetail } from './ef-run-table.js';
import { formatTime } from './internal/format.js';
import { renderMarkdown } from './internal/markdown.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-model-change`. */
export interface ModelChangeDetail {
  readonly name: string;
  readonly version: number;
  readonly action: 'set-alias' | 'delete-alias' | 'transition';
  /** The alias set or removed. */
  readonly alias?: string;
  /** The stage moved to. */
  readonly stage?: ModelStage;
}

/** Detail of `ef-model-version-open`. */
export interface ModelVersionOpenDetail {
  readonly name: string;
  readonly version: number;
}

/** Stages whose transition can archive the versions already there. */
const ARCHIVING_STAGES: ReadonlySet<ModelStage> = new Set<ModelStage>(['Staging', 'Production']);

/**
 * The model registry of a store: each registered model with its description (sanitized Markdown),
 * tags and last update, and its versions (newest first) with stage and alias badges and a link to
 * the run that produced them. When the store is writable each version offers "set alias", alias
 * removal and a stage transition (with "archive existing" for Staging and Production); the
 * registry's validation errors are shown next to the action. Updates live. A store without a
 * registry shows an empty state.
 *
 * A version's number opens its page (`<ef-model-version>`) in place, with a way back to the list.
 *
 * @fires ef-run-open - A version's source run link was activated; detail `{runId}`.
 * @fires ef-model-version-open - A version's page is opened; detail `{name, version}`. Cancel it to show the version elsewhere.
 * @fires ef-model-change - An alias was set or removed, or a version changed stage; detail `{name, version, action, alias?, stage?}`.
 * @csspart list - The list of models.
 * @csspart model - One registered model.
 * @csspart description - A model's rendered description.
 * @csspart tags - A model's tags.
 * @csspart versions - The table of a model's versions.
 * @csspart version - One version row.
 * @csspart stage-badge - A version's stage.
 * @csspart alias-badge - An alias of a version.
 * @csspart run-link - The link to a version's source run.
 * @csspart actions - The alias and stage controls of a version.
 * @csspart action-error - An action's error, next to its controls.
 * @csspart error - A load error.
 * @csspart empty - The notice when there is no registry or no model.
 * @cssprop --ef-accent - Colour of alias badges and links.
 * @cssprop --ef-surface - Background of the model cards.
 * @cssprop --ef-border - Borders.
 * @cssprop --ef-stage-staging - Colour of the Staging badge.
 * @cssprop --ef-stage-production - Colour of the Production badge.
 * @cssprop --ef-stage-archived - Colour of the Archived badge.
 *
 * @customElement ef-model-registry
 */
export class ModelRegistry extends StoreElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
        container: registry / inline-size;
        --_staging: var(--ef-stage-staging, var(--_warn));
        --_production: var(--ef-stage-production, var(--_ok));
        --_archived: var(--ef-stage-archived, var(--_muted));
      }
      ul.models {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      li.model {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        padding: 8px 10px;
        min-width: 0;
      }
      .head {
        display: flex;
        align-items: baseline;
        flex-wrap: wrap;
        gap: 4px 10px;
      }
      .head .name {
        font-weight: 600;
        font-size: 14px;
        overflow-wrap: anywhere;
      }
      .head .meta {
        font-size: 12px;
      }
      .description {
        margin: 4px 0;
        overflow-wrap: anywhere;
      }
      .description > :first-child {
        margin-top: 0;
      }
      .description > :last-child {
        margin-bottom: 0;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin: 4px 0;
        padding: 0;
        list-style: none;
      }
      .tag {
        font-size: 11px;
        border: 1px solid var(--_border);
        border-radius: 10px;
        padding: 0 6px;
        background: var(--_raised);
        overflow-wrap: anywhere;
      }
      .tag .key {
        color: var(--_muted);
      }
      .table-wrap {
        overflow-x: auto;
        margin-top: 6px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 12px;
      }
      th {
        text-align: left;
        font-weight: 500;
        color: var(--_muted);
        border-bottom: 1px solid var(--_border);
        padding: 3px 6px;
      }
      td {
        padding: 4px 6px;
        vertical-align: top;
        border-bottom: 1px solid var(--_grid);
      }
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 2px;
        font-size: 11px;
        font-weight: 600;
        padding: 0 6px;
        border-radius: 10px;
        border: 1px solid currentColor;
        white-space: nowrap;
        max-width: 220px;
        overflow: hidden;
        text-overflow: ellipsis;
        margin: 0 3px 2px 0;
      }
      .stage.None {
        color: var(--_muted);
        border-color: var(--_border);
      }
      .stage.Staging {
        color: var(--_staging);
      }
      .stage.Production {
        color: var(--_production);
      }
      .stage.Archived {
        color: var(--_archived);
        text-decoration: line-through;
      }
      .alias {
        color: var(--_accent);
        background: var(--_accent-soft);
        border-color: transparent;
      }
      .alias button {
        background: none;
        border: none;
        min-height: 0;
        padding: 0 0 0 2px;
        color: inherit;
        line-height: 1;
      }
      .actions {
        display: flex;
        flex-direction: column;
        gap: 4px;
        min-width: 260px;
      }
      .actions [role='group'] {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 4px;
      }
      .actions input:not([type]),
      .actions select,
      .actions button {
        min-height: 22px;
        padding: 1px 6px;
        font-size: 12px;
      }
      .actions input:not([type]) {
        width: 110px;
      }
      .actions label {
        display: inline-flex;
        align-items: center;
        gap: 3px;
        color: var(--_muted);
      }
      .action-error {
        font-size: 12px;
        overflow-wrap: anywhere;
      }
      .run {
        font-family: var(--_mono);
      }
      .back {
        margin-bottom: 8px;
      }
      /* Narrow (a phone): each version is a card with labelled lines, its actions below it. */
      @container registry (max-width: 640px) {
        thead {
          display: none;
        }
        table,
        tbody,
        tr,
        td {
          display: block;
        }
        tr {
          padding: 6px 0;
          border-bottom: 1px solid var(--_border);
        }
        td {
          display: flex;
          align-items: baseline;
          gap: 8px;
          border: none;
          padding: 2px 0;
        }
        td::before {
          content: attr(data-label);
          flex: 0 0 72px;
          color: var(--_muted);
        }
        .actions {
          min-width: 0;
          flex: 1;
        }
      }
    `,
  ];

  /** A registered-model filter (`name LIKE 'iris%'`, `tags.team = 'core'`); empty lists all. */
  @property() filter = '';

  /** The version whose page is shown instead of the list (attribute-free; set by a click or by you). */
  @property({ attribute: false }) openVersion: ModelVersionOpenDetail | undefined;

  /** Errors of the last action per version (`name\u0000version`), shown next to its controls. */
  @state() private _errors = new Map<string, string>();
  /** Versions with an action in flight (their controls are disabled). */
  @state() private _busy = new Set<string>();

  private readonly _registry = new ModelRegistryController(this, {
    store: () => this.resolvedStore,
    filter: () => this.filter,
  });

  /** The registered models listed (in name order). */
  get models(): readonly RegisteredModel[] {
    return valueOf(this._registry.state)?.models ?? [];
  }

  /** The listed versions of a model, newest first. */
  versionsOf(name: string): readonly ModelVersion[] {
    return valueOf(this._registry.state)?.versions.get(name) ?? [];
  }

  /** True when actions are offered: a store is connected, it is writable and has a registry. */
  get writable(): boolean {
    const store = this.resolvedStore;
    return store !== undefined && !store.capabilities.readOnly && store.registry !== undefined;
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    const open = this.openVersion;
    if (open !== undefined) {
      return html`<button class="link back" @click=${() => (this.openVersion = undefined)}>← All registered models</button>
        <ef-model-version .store=${this.resolvedStore} .name=${open.name} .version=${open.version} theme=${this.theme ?? nothing}></ef-model-version>`;
    }
    const state = this._registry.state;
    const view = valueOf(state);
    const error = state.status === 'ERROR' ? html`<div class="error" part="error" role="alert">${errorMessage(state.error)}</div>` : nothing;
    if (view === undefined) return html`${error}${state.status === 'ERROR' ? nothing : html`<div class="empty">Loading…</div>`}`;
    if (!view.available) {
      return html`<div class="empty" part="empty">This store has no model registry: models can be registered in the in-browser (IndexedDB or memory) stores.</div>`;
    }
    if (view.models.length === 0) {
      return html`${error}<div class="empty" part="empty">${this.filter.trim() === '' ? 'No registered models yet.' : 'No registered model matches the filter.'}</div>`;
    }
    const writable = this.writable;
    return html`${error}
      <ul class="models" part="list" aria-label="Registered models">
        ${view.models.map((m) => this._renderModel(m, view.versions.get(m.name) ?? [], writable))}
      </ul>`;
  }

  private _renderModel(model: RegisteredModel, versions: readonly ModelVersion[], writable: boolean): TemplateResult {
    const tags = Object.keys(model.tags).sort();
    return html`<li class="model" part="model" data-model=${model.name}>
      <div class="head">
        <span class="name">${model.name}</span>
        <span class="meta muted">${versions.length} ${versions.length === 1 ? 'version' : 'versions'} · updated ${formatTime(model.lastUpdatedTimestamp)}</span>
      </div>
      ${model.description === null || model.description.trim() === ''
        ? nothing
        : // DOMPurify's output for the Markdown description (as the run note in ef-run-details).
          html`<div class="description" part="description">${unsafeHTML(renderMarkdown(model.description))}</div>`}
      ${tags.length === 0
        ? nothing
        : html`<ul class="tags" part="tags" aria-label="Tags">
            ${tags.map((k) => html`<li class="tag"><span class="key">${k}</span> ${model.tags[k]}</li>`)}
          </ul>`}
      ${versions.length === 0
        ? html`<div class="muted">No versions.</div>`
        : html`<div class="table-wrap">
            <table part="versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Stage</th>
                  <th>Aliases</th>
                  <th>Source run</th>
                  <th>Registered</th>
                  ${writable ? html`<th>Actions</th>` : nothing}
                </tr>
              </thead>
              <tbody>
                ${versions.map((v) => this._renderVersion(v, writable))}
              </tbody>
            </table>
          </div>`}
    </li>`;
  }

  private _renderVersion(v: ModelVersion, writable: boolean): TemplateResult {
    const id = versionId(v.name, v.version);
    const busy = this._busy.has(id);
    const error = this._errors.get(id);
    return html`<tr part="version" data-version=${String(v.version)}>
      <td class="mono" data-label="Version">
        <button class="link" title=${`Open version ${v.version} of ${v.name}`} @click=${() => this._openVersion(v)}>v${v.version}</button>
      </td>
      <td data-label="Stage"><span class="badge stage ${v.currentStage}" part="stage-badge">${v.currentStage}</span></td>
      <td data-label="Aliases">
        ${v.aliases.map(
          (alias) =>
            html`<span class="badge alias" part="alias-badge" data-alias=${alias} title=${`@${alias}`}
              >@${alias}${writable
                ? html`<button aria-label=${`Remove alias ${alias}`} title="Remove alias" ?disabled=${busy} @click=${() => void this._deleteAlias(v, alias)}>×</button>`
                : nothing}</span
            >`,
        )}
      </td>
      <td data-label="Run">
        ${v.runId === null
          ? html`<span class="muted" title=${v.source}>—</span>`
          : html`<button class="link run" part="run-link" title=${`Open run ${v.runId} (${v.source})`} @click=${() => this._openRun(v.runId!)}>${v.runId.slice(0, 8)}</button>`}
      </td>
      <td data-label="Registered" title=${v.userId ?? ''}>${formatTime(v.creationTimestamp)}</td>
      ${writable ? html`<td data-label="Actions">${this._renderActions(v, busy, error)}</td>` : nothing}
    </tr>`;
  }

  private _renderActions(v: ModelVersion, busy: boolean, error: string | undefined): TemplateResult {
    // Plain groups, not <form>s: the element never puts a form in the page (hostile-data tests
    // treat any form as injected), Enter in the alias box submits.
    const archiving = ARCHIVING_STAGES.has(v.currentStage);
    return html`<div class="actions" part="actions">
      <div class="alias-form" role="group" aria-label=${`Alias of version ${v.version}`}>
        <input
          aria-label=${`New alias for version ${v.version}`}
          placeholder="alias"
          autocomplete="off"
          ?disabled=${busy}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') this._onSetAlias(e, v);
          }}
        />
        <button ?disabled=${busy} @click=${(e: Event) => this._onSetAlias(e, v)}>Set alias</button>
      </div>
      <div class="stage-form" role="group" aria-label=${`Stage of version ${v.version}`}>
        <select aria-label=${`Stage of version ${v.version}`} ?disabled=${busy} @change=${this._onStageChoice}>
          ${MODEL_STAGES.map((s) => html`<option value=${s} ?selected=${s === v.currentStage}>${s}</option>`)}
        </select>
        <label title="Move the other versions in this stage to Archived"
          ><input type="checkbox" aria-label="Archive existing versions" ?disabled=${busy || !archiving} />archive existing</label
        >
        <button ?disabled=${busy} @click=${(e: Event) => this._onTransition(e, v)}>Move</button>
      </div>
      ${error === undefined ? nothing : html`<div class="error action-error" part="action-error" role="alert">${error}</div>`}
    </div>`;
  }

  /** "archive existing" applies to Staging and Production only. */
  private readonly _onStageChoice = (e: Event): void => {
    const group = (e.target as HTMLElement).closest('.stage-form')!;
    const stage = group.querySelector('select')!.value as ModelStage;
    const archive = group.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    archive.disabled = !ARCHIVING_STAGES.has(stage);
    if (archive.disabled) archive.checked = false;
  };

  private _onSetAlias(e: Event, v: ModelVersion): void {
    e.preventDefault();
    const input = (e.target as HTMLElement).closest('.alias-form')!.querySelector('input')!;
    const alias = input.value.trim();
    void this._act(v, { name: v.name, version: v.version, action: 'set-alias', alias }, () => this._registry.setAlias(v.name, alias, v.version)).then((ok) => {
      if (ok) input.value = '';
    });
  }

  private _onTransition(e: Event, v: ModelVersion): void {
    const group = (e.target as HTMLElement).closest('.stage-form')!;
    const stage = group.querySelector('select')!.value as ModelStage;
    const archive = group.querySelector<HTMLInputElement>('input[type=checkbox]')!.checked && ARCHIVING_STAGES.has(stage);
    void this._act(v, { name: v.name, version: v.version, action: 'transition', stage }, () => this._registry.transition(v.name, v.version, stage, archive));
  }

  private _deleteAlias(v: ModelVersion, alias: string): Promise<boolean> {
    return this._act(v, { name: v.name, version: v.version, action: 'delete-alias', alias }, () => this._registry.deleteAlias(v.name, alias));
  }

  /** Runs an action for a version; its error (the client's message) is shown next to its controls. */
  private async _act(v: ModelVersion, detail: ModelChangeDetail, action: () => Promise<void>): Promise<boolean> {
    const id = versionId(v.name, v.version);
    this._busy = new Set(this._busy).add(id);
    try {
      await action();
      this._setError(id, undefined);
      this._fire<ModelChangeDetail>('ef-model-change', detail);
      return true;
    } catch (error) {
      this._setError(id, errorMessage(error));
      return false;
    } finally {
      const busy = new Set(this._busy);
      busy.delete(id);
      this._busy = busy;
    }
  }

  private _setError(id: string, message: string | undefined): void {
    if (message === undefined && !this._errors.has(id)) return;
    const errors = new Map(this._errors);
    if (message === undefined) errors.delete(id);
    else errors.set(id, message);
    this._errors = errors;
  }

  private _openVersion(v: ModelVersion): void {
    const detail = { name: v.name, version: v.version };
    if (this._fire<ModelVersionOpenDetail>('ef-model-version-open', detail)) this.openVersion = detail;
  }

  private _openRun(runId: string): void {
    this._fire<RunOpenDetail>('ef-run-open', { runId });
  }
}

function versionId(name: string, version: number): string {
  return `${name}\u0000${version}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-model-registry': ModelRegistry;
  }
}
