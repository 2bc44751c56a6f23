/**
 * `<ef-experiment-list>`: the experiments of a store with run counts.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { TrackingClient } from '../core/client.js';
import type { Experiment } from '../core/entities.js';
import type { ExperimentId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { collectPages } from '../core/store-reads.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, throwIfAborted, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import { formatTime } from './internal/format.js';
import { renderLoadError, renderLoading } from './internal/load-states.js';
import { readOnlyReason } from './internal/run-editor.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-experiment-select`. */
export interface ExperimentSelectDetail {
  readonly experimentId: string;
}

/** Detail of `ef-experiment-change`. */
export interface ExperimentChangeDetail {
  readonly experimentId: string;
  readonly action: 'rename' | 'delete' | 'restore';
}

const PAGE = 50_000;

/**
 * Experiments with their number of runs; select one, rename it, delete or restore it. Deleted
 * experiments are listed with `show-deleted`. Updates live.
 *
 * @fires ef-experiment-select - An experiment was selected; detail `{experimentId}`.
 * @fires ef-experiment-change - An experiment was renamed, deleted or restored; detail `{experimentId, action}`.
 * @csspart list - The list.
 * @csspart item - One experiment.
 * @csspart error - An error message.
 * @cssprop --ef-accent - Colour of the selection.
 * @cssprop --ef-surface - Background of the list.
 *
 * @customElement ef-experiment-list
 */
export class ExperimentList extends StoreElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        overflow: auto;
        background: var(--_surface);
      }
      .locked {
        color: var(--_muted);
        font-size: 12px;
        padding: 6px 8px;
      }
      .top {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 8px 10px 4px;
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.05em;
        color: var(--_muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 0 6px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 4px 6px 4px 10px;
        border-left: 3px solid transparent;
      }
      li.selected {
        background: var(--_accent-soft);
        border-left-color: var(--_accent);
      }
      li.deleted button.name {
        text-decoration: line-through;
        color: var(--_muted);
      }
      button.link.name {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--_fg);
      }
      .count {
        font-size: 11px;
        color: var(--_muted);
        font-variant-numeric: tabular-nums;
      }
      .actions {
        display: none;
        gap: 2px;
      }
      li:hover .actions,
      li:focus-within .actions,
      li.confirming .actions {
        display: inline-flex;
      }
      .actions button {
        min-height: 0;
        padding: 0 5px;
        font-size: 11px;
      }
      input {
        flex: 1;
        min-width: 0;
      }
      .error {
        padding: 4px 10px;
        font-size: 12px;
      }
    `,
  ];

  /** The selected experiment id. */
  @property({ reflect: true }) selected = '';

  /** Also list deleted experiments (to restore them). */
  @property({ type: Boolean, attribute: 'show-deleted' }) showDeleted = false;

  @state() private _editing = '';
  @state() private _confirming = '';
  @state() private _actionError: string | undefined;
  @state() private _counts = new Map<string, number>();

  private readonly _query = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined ? undefined : ([store, this.showDeleted] as const);
    },
    task: ([store, showDeleted], signal) => this._load(store, showDeleted, signal),
  });

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        if (batch.experiments.size > 0) void this._query.refresh();
        const recount = new Set(batch.runs.values());
        const store = this.resolvedStore;
        if (store !== undefined) for (const id of recount) void this._count(store, id);
      },
    });
  }

  /** The experiments listed. */
  get experiments(): readonly Experiment[] {
    return this._query.value ?? [];
  }

  private async _load(store: Store, showDeleted: boolean, signal: AbortSignal): Promise<Experiment[]> {
    const items = await collectPages((pageToken) => store.searchExperiments({ viewType: showDeleted ? 'ALL' : 'ACTIVE_ONLY', maxResults: PAGE, pageToken }), signal);
    const counts = new Map<string, number>();
    await Promise.all(items.map(async (e) => counts.set(e.experimentId, await this._countRuns(store, e.experimentId))));
    throwIfAborted(signal);
    this._counts = counts;
    return items.sort((a, b) => (b.lastUpdateTime ?? b.creationTime ?? 0) - (a.lastUpdateTime ?? a.creationTime ?? 0) || a.name.localeCompare(b.name));
  }

  private async _countRuns(store: Store, experimentId: ExperimentId): Promise<number> {
    return (await collectPages((pageToken) => store.searchRuns({ experimentIds: [experimentId], maxResults: PAGE, pageToken }))).length;
  }

  private async _count(store: Store, experimentId: ExperimentId): Promise<void> {
    const n = await this._countRuns(store, experimentId).catch(() => undefined);
    if (n === undefined || store !== this.resolvedStore) return;
    const counts = new Map(this._counts);
    counts.set(experimentId, n);
    this._counts = counts;
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    const state = this._query.state;
    const experiments = valueOf(state);
    const readOnly = this.resolvedStore?.capabilities.readOnly ?? true;
    return html`
      <div class="top"><span>Experiments</span><label><input type="checkbox" .checked=${this.showDeleted} @change=${(e: Event) => (this.showDeleted = (e.target as HTMLInputElement).checked)} /> deleted</label></div>
      ${state.status === 'ERROR' ? renderLoadError('the experiments', state.error, () => this._query.refresh()) : nothing}
      ${this._actionError === undefined ? nothing : html`<div class="error" part="error" role="alert">${this._actionError}</div>`}
      ${experiments === undefined
        ? state.status === 'ERROR'
          ? nothing
          : renderLoading('the experiments')
        : experiments.length === 0
          ? html`<div class="empty" part="empty">
              ${readOnly ? 'This store has no experiments.' : 'No experiments yet. Log a run with the tracking client (it creates one), or open an exported zip.'}
            </div>`
          : html`<ul part="list" aria-label="Experiments">
                ${experiments.map((e) => this._renderItem(e, readOnly))}
              </ul>
              ${readOnly ? html`<div class="locked" part="locked">${readOnlyReason(this.resolvedStore)}</div>` : nothing}`}
    `;
  }

  private _renderItem(e: Experiment, readOnly: boolean): TemplateResult {
    const id = e.experimentId;
    const deleted = e.lifecycleStage === 'deleted';
    if (this._editing === id) {
      return html`<li part="item" class=${this.selected === id ? 'selected' : ''}>
        <input
          aria-label="New experiment name"
          .value=${e.name}
          @keydown=${(ev: KeyboardEvent) => {
            if (ev.key === 'Enter') void this._rename(id, (ev.target as HTMLInputElement).value);
            if (ev.key === 'Escape') this._editing = '';
          }}
        />
      </li>`;
    }
    // A list of buttons (not a listbox: its options could not hold the Rename and Delete buttons).
    return html`<li part="item" class="${deleted ? 'deleted' : ''} ${this.selected === id ? 'selected' : ''} ${this._confirming === id ? 'confirming' : ''}" data-experiment-id=${id}>
      <button class="link name" aria-current=${this.selected === id ? 'true' : 'false'} title=${`${e.name} — created ${formatTime(e.creationTime)}`} @click=${() => this._select(id)}>${e.name}</button>
      <span class="count">${this._counts.get(id) ?? ''}</span>
      ${readOnly
        ? nothing
        : html`<span class="actions">
            ${deleted
              ? html`<button @click=${() => void this._act(id, 'restore')}>Restore</button>`
              : this._confirming === id
                ? html`<button class="primary" @click=${() => void this._act(id, 'delete')}>Delete?</button><button @click=${() => (this._confirming = '')}>Cancel</button>`
                : html`<button aria-label=${`Rename ${e.name}`} @click=${() => this._startEdit(id)}>Rename</button
                    ><button aria-label=${`Delete ${e.name}`} @click=${() => this._confirmDelete(id)}>Delete</button>`}
          </span>`}
    </li>`;
  }

  private _select(id: string): void {
    this.selected = id;
    this._fire<ExperimentSelectDetail>('ef-experiment-select', { experimentId: id });
  }

  /** Asks to confirm a delete, with the focus on the confirming button (Enter deletes, Tab reaches Cancel). */
  private _confirmDelete(id: string): void {
    this._confirming = id;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('li .actions button.primary')?.focus());
  }

  private _startEdit(id: string): void {
    this._editing = id;
    this._actionError = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('li input:not([type])')?.select());
  }

  private async _rename(id: string, name: string): Promise<void> {
    const store = this.resolvedStore;
    if (store === undefined) return;
    try {
      await new TrackingClient(store).renameExperiment(id, name.trim());
      this._editing = '';
      this._actionError = undefined;
      this._fire<ExperimentChangeDetail>('ef-experiment-change', { experimentId: id, action: 'rename' });
      await this._query.refresh();
    } catch (error) {
      this._actionError = errorMessage(error);
    }
  }

  private async _act(id: string, action: 'delete' | 'restore'): Promise<void> {
    const store = this.resolvedStore;
    if (store === undefined) return;
    this._confirming = '';
    try {
      const client = new TrackingClient(store);
      if (action === 'delete') await client.deleteExperiment(id);
      else await client.restoreExperiment(id);
      this._actionError = undefined;
      this._fire<ExperimentChangeDetail>('ef-experiment-change', { experimentId: id, action });
      await this._query.refresh();
    } catch (error) {
      this._actionError = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-experiment-list': ExperimentList;
  }
}
