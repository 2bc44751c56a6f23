/**
 * The editing state of `<ef-run-details>`: what is being edited (the name, the note, a tag), the
 * drafts, and the outcome of each change. Changes go through {@link TrackingClient}, so they are
 * validated exactly as logging from code is; a failure is kept per area and shown inline.
 * @module
 */
import type { ReactiveControllerHost } from 'lit';
import { TrackingClient } from '../../core/client.js';
import type { Run } from '../../core/entities.js';
import type { Store } from '../../core/store.js';
import { errorMessage } from '../controllers/status.js';

/** Where a change was made; each area shows its own error. */
export type EditArea = 'header' | 'note' | 'tags';

/** What is being edited: the run name, the note, one tag's value, a new tag, or a pending delete. */
export type Editing = { readonly kind: 'name' | 'note' | 'new-tag' | 'confirm-delete' } | { readonly kind: 'tag'; readonly key: string };

/** Why a store cannot be changed, or undefined when it can. */
export function readOnlyReason(store: Store | undefined): string | undefined {
  if (store === undefined) return 'No store connected.';
  return store.capabilities.readOnly ? 'This store is read-only (a zip bundle or a read-only server), so nothing can be changed here.' : undefined;
}

/** Why a run cannot be changed (a read-only store, or a deleted run), or undefined when it can. */
export function runLockedReason(store: Store | undefined, run: Run): string | undefined {
  return readOnlyReason(store) ?? (run.info.lifecycleStage === 'deleted' ? 'This run is deleted: restore it to edit it.' : undefined);
}

/** See the module docs. */
export class RunEditor {
  #editing: Editing | undefined;
  #errors = new Map<EditArea, string>();
  #busy = false;
  /** The note as typed, while the note is edited. */
  noteDraft = '';
  /** Whether the note editor shows the rendered preview instead of the text. */
  notePreview = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: {
      readonly store: () => Store | undefined;
      /** Called after every successful change (re-reads the run). */
      readonly changed: () => Promise<void>;
    },
  ) {}

  /** What is being edited now. */
  get editing(): Editing | undefined {
    return this.#editing;
  }

  /** True while a change is being written. */
  get busy(): boolean {
    return this.#busy;
  }

  /** True when `kind` (and, for a tag, `key`) is being edited. */
  isEditing(kind: Editing['kind'], key?: string): boolean {
    const e = this.#editing;
    return e !== undefined && e.kind === kind && (e.kind !== 'tag' || e.key === key);
  }

  /** The error of the last change in an area, if it failed. */
  error(area: EditArea): string | undefined {
    return this.#errors.get(area);
  }

  /** Starts editing; `focus` is a selector of the field to focus once it is rendered. */
  edit(editing: Editing, focus?: string): void {
    this.#editing = editing;
    this.#errors.clear();
    this.host.requestUpdate();
    if (focus !== undefined) {
      void this.host.updateComplete.then(() => {
        const field = this.host.shadowRoot?.querySelector<HTMLInputElement | HTMLTextAreaElement>(focus);
        field?.focus();
        if (field instanceof HTMLInputElement) field.select();
      });
    }
  }

  /** Shows the note's rendered preview (true) or its text (false). */
  setPreview(preview: boolean): void {
    this.notePreview = preview;
    this.host.requestUpdate();
  }

  /** Stops editing without a change. */
  cancel(): void {
    this.#editing = undefined;
    this.notePreview = false;
    this.host.requestUpdate();
  }

  /**
   * Writes a change. On success editing stops and the run is read again; on failure the store's
   * message is shown in `area` and the drafts are kept, so nothing typed is lost.
   */
  async apply(area: EditArea, change: (client: TrackingClient) => Promise<unknown>): Promise<boolean> {
    const store = this.options.store();
    if (store === undefined || this.#busy) return false;
    this.#busy = true;
    this.#errors.delete(area);
    this.host.requestUpdate();
    try {
      await change(new TrackingClient(store));
      this.#editing = undefined;
      this.notePreview = false;
      await this.options.changed();
      return true;
    } catch (error) {
      this.#errors.set(area, errorMessage(error));
      return false;
    } finally {
      this.#busy = false;
      this.host.requestUpdate();
    }
  }
}
