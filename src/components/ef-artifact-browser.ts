/**
 * `<ef-artifact-browser>`: a run's artifact tree with safe previews.
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { TrackingClient } from '../core/client.js';
import type { FileInfo } from '../core/entities.js';
import type { RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import { artifactBrowserStyles } from './internal/artifact-browser-styles.js';
import { loadPreview } from './internal/artifact-preview.js';
import { MAX_TABLE_ROWS, baseName, extensionOf } from './internal/artifacts.js';
import { downloadBlob } from './internal/csv.js';
import { formatBytes } from './internal/format.js';
import { mlmodelStyles, renderMLmodel } from './internal/mlmodel-view.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-model-registered`. */
export interface ModelRegisteredDetail {
  readonly name: string;
  readonly version: number;
  /** The `runs:/<run_id>/<folder>` URI the version was registered from. */
  readonly source: string;
}

/** Detail of `ef-artifact-select`. */
export interface ArtifactSelectDetail {
  readonly runId: string;
  readonly path: string;
}

/**
 * The artifact tree of a run (folders load when opened) and a preview of the selected file:
 * raster images via `<img>` from a blob URL, text/JSON/YAML/MLmodel/MLproject as text, CSV/TSV
 * as a table. HTML, SVG and XML are shown as source, never rendered. Every file can be downloaded.
 * An `MLmodel` file is shown as a model: flavors, signature tables, input example and the YAML,
 * with "Register model" when the store has a writable registry.
 *
 * @fires ef-artifact-select - A file was selected; detail `{runId, path}`.
 * @fires ef-model-registered - The model of the shown `MLmodel` was registered; detail `{name, version, source}`.
 * @csspart tree - The file tree.
 * @csspart preview - The preview pane.
 * @csspart notice - The note shown above markup previews.
 * @csspart mlmodel - The model view of an `MLmodel` file.
 * @csspart signature - Its signature tables.
 * @csspart register - Its "Register model" form.
 * @cssprop --ef-artifact-height - Height of the browser (default 360px).
 *
 * @customElement ef-artifact-browser
 */
export class ArtifactBrowser extends StoreElement {
  static override styles = [themeStyles, mlmodelStyles, artifactBrowserStyles];

  /** The run whose artifacts are shown. */
  @property({ attribute: 'run-id' }) runId = '';

  /** The selected file path (attribute `selected`). */
  @property() selected = '';

  @state() private _open = new Set<string>(['']);
  @state() private _listings = new Map<string, FileInfo[] | Error>();
  /** The outcome of the last "Register model", shown under its form. */
  @state() private _registration: { readonly ok: boolean; readonly message: string } | undefined;
  @state() private _registering = false;
  /** The tree item last focused: the tree's one tab stop (roving tabindex). */
  @state() private _active = '';
  /** The tab stop of the tree being rendered: the active item, else the selected file, else the first item. */
  #tabStop = '';
  private _listingStore: Store | undefined;
  private _listingRun = '';
  private _objectUrl: string | undefined;
  /** Folder listings being read. */
  private readonly _reading = new Set<Promise<void>>();

  private readonly _preview = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined || this.runId === '' || this.selected === '' ? undefined : ([store, this.runId, this.selected] as const);
    },
    task: async ([store, runId, path], signal) => loadPreview(store, runId as RunId, path, signal, (bytes, type) => this._imageUrl(bytes, type)),
  });

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        if (!batch.artifacts.has(this.runId as RunId)) return;
        this._listings = new Map();
        for (const path of this._open) this._list(path);
        if (this.selected !== '') void this._preview.refresh();
      },
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._revoke();
  }

  /** Waits for the listings of the open folders (the preview is a query `loaded()` waits for anyway). */
  protected override _settle(): Promise<unknown> {
    return Promise.all(this._reading);
  }

  protected override willUpdate(): void {
    const store = this.resolvedStore;
    if (store !== this._listingStore || this.runId !== this._listingRun) {
      this._listingStore = store;
      this._listingRun = this.runId;
      this._listings = new Map();
      this._open = new Set(['']);
      if (store !== undefined && this.runId !== '') this._list('');
    }
    const root = this._listings.get('');
    this.toggleAttribute('empty', Array.isArray(root) && root.length === 0);
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    // A tree role only around tree items: while loading or empty it is a plain box.
    const root = this._listings.get('');
    const hasItems = Array.isArray(root) && root.length > 0;
    // A run without artifacts: one line saying so, not a tree and an empty preview pane.
    if (this.hasAttribute('empty')) return html`<div class="empty" part="empty">No artifacts.</div>`;
    const shown = this.#shownPaths();
    this.#tabStop = [this._active, this.selected].find((p) => shown.includes(p)) ?? shown[0] ?? '';
    // Boxes that scroll take the focus themselves when nothing in them can (keyboard scrolling).
    return html`<div
        class="tree"
        part="tree"
        role=${hasItems ? 'tree' : nothing}
        aria-label="Artifacts"
        tabindex=${hasItems ? nothing : '0'}
        @keydown=${this.#onTreeKey}
        @focusin=${this.#onTreeFocus}
      >
        ${this._renderFolder('', 0)}
      </div>
      <div class="preview" part="preview" role="region" aria-label="Preview" tabindex="0">${this._renderPreview()}</div>`;
  }

  private _renderFolder(path: string, depth: number): TemplateResult {
    const listing = this._listings.get(path);
    if (listing === undefined) return html`<div class="node muted" style="padding-left:${8 + depth * 14}px">Loading…</div>`;
    if (listing instanceof Error) return html`<div class="node error" style="padding-left:${8 + depth * 14}px">${listing.message}</div>`;
    return html`${listing.map((file) => {
      const open = this._open.has(file.path);
      const pad = `padding-left:${8 + depth * 14}px`;
      if (file.isDir) {
        return html`<button
            class="node"
            role="treeitem"
            aria-level=${depth + 1}
            aria-expanded=${open ? 'true' : 'false'}
            data-path=${file.path}
            tabindex=${file.path === this.#tabStop ? '0' : '-1'}
            style=${pad}
            @click=${() => this._toggle(file.path)}
          >
            <span aria-hidden="true">${open ? '▾' : '▸'}</span><span class="name">${baseName(file.path)}</span>
          </button>
          ${open ? this._renderFolder(file.path, depth + 1) : nothing}`;
      }
      return html`<button
        class="node"
        role="treeitem"
        aria-level=${depth + 1}
        aria-selected=${this.selected === file.path ? 'true' : 'false'}
        data-path=${file.path}
        tabindex=${file.path === this.#tabStop ? '0' : '-1'}
        style=${pad}
        title=${file.path}
        @click=${() => this._select(file.path)}
      >
        <span aria-hidden="true">·</span><span class="name">${baseName(file.path)}</span><span class="size">${formatBytes(file.fileSize)}</span>
      </button>`;
    })}`;
  }

  private _renderPreview(): TemplateResult {
    if (this.selected === '') return html`<div class="empty">Select a file to preview it.</div>`;
    const state = this._preview.state;
    if (state.status === 'ERROR') return html`<div class="empty error" role="alert">${errorMessage(state.error)}</div>`;
    const preview = valueOf(state);
    if (preview === undefined || preview.path !== this.selected) return html`<div class="empty">Loading…</div>`;
    const bar = html`<div class="bar">
      <span class="path" title=${preview.path}>${preview.path}</span><span class="muted">${formatBytes(preview.bytes.length)}</span>
      <button @click=${() => downloadBlob(new Blob([preview.bytes as Uint8Array<ArrayBuffer>]), baseName(preview.path))}>Download</button>
    </div>`;
    switch (preview.kind) {
      case 'image':
        return html`${bar}<img src=${preview.url} alt=${baseName(preview.path)} />`;
      case 'source':
        return html`${bar}
          <div class="notice" part="notice">Markup (${extensionOf(preview.path).toUpperCase()}) is shown as source and never rendered here; download it to open it.</div>
          <pre class="source">${preview.text}</pre>${preview.truncated ? html`<div class="empty">Preview truncated.</div>` : nothing}`;
      case 'text':
        return html`${bar}<pre>${preview.text}</pre>${preview.truncated ? html`<div class="empty">Preview truncated.</div>` : nothing}`;
      case 'table':
        return html`${bar}${this._renderTable(preview.rows)}${preview.truncated ? html`<div class="empty">First ${MAX_TABLE_ROWS} rows shown.</div>` : nothing}`;
      case 'binary':
        return html`${bar}<div class="empty">Binary file: no preview.</div>`;
      case 'model':
        return html`${bar}${renderMLmodel(preview.model, preview.inputExample)}${this._renderRegister(preview.path)}
          <details class="yaml"><summary>MLmodel as YAML</summary><pre>${preview.text}</pre></details>`;
      default: {
        const unreachable: never = preview;
        return unreachable;
      }
    }
  }

  /** "Register model" for the model folder of `path`, or why it is not offered. */
  private _renderRegister(path: string): TemplateResult | typeof nothing {
    const store = this.resolvedStore;
    if (store?.registry === undefined) return nothing;
    const readOnly = store.capabilities.readOnly;
    const outcome = this._registration;
    return html`<form class="register" part="register" @submit=${(e: SubmitEvent) => this._onRegister(e, path)}>
      <label>Register as <input name="name" required aria-label="Registered model name" ?disabled=${readOnly || this._registering} /></label>
      <button type="submit" ?disabled=${readOnly || this._registering}>Register model</button>
      ${readOnly ? html`<span class="muted">This store is read-only.</span>` : nothing}
      ${outcome === undefined ? nothing : html`<span role="status" class=${outcome.ok ? 'ok' : 'error'}>${outcome.message}</span>`}
    </form>`;
  }

  private async _onRegister(e: SubmitEvent, path: string): Promise<void> {
    e.preventDefault();
    const store = this.resolvedStore;
    const name = String(new FormData(e.target as HTMLFormElement).get('name') ?? '').trim();
    if (store === undefined || name === '') return;
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const source = `runs:/${this.runId}${folder === '' ? '' : `/${folder}`}`;
    this._registering = true;
    try {
      const version = await new TrackingClient(store).registerModel(source, name);
      this._registration = { ok: true, message: `Registered as ${version.name} version ${version.version}.` };
      this._fire<ModelRegisteredDetail>('ef-model-registered', { name: version.name, version: version.version, source });
    } catch (error) {
      this._registration = { ok: false, message: errorMessage(error) };
    } finally {
      this._registering = false;
    }
  }

  private _renderTable(rows: string[][]): TemplateResult {
    const [head, ...body] = rows;
    return html`<table>
      ${head === undefined ? nothing : html`<thead><tr>${head.map((c) => html`<th title=${c}>${c}</th>`)}</tr></thead>`}
      <tbody>
        ${body.map((row) => html`<tr>${row.map((c) => html`<td title=${c}>${c}</td>`)}</tr>`)}
      </tbody>
    </table>`;
  }

  /** The paths of the tree items shown, top to bottom (open folders' listings included). */
  #shownPaths(folder = ''): string[] {
    const listing = this._listings.get(folder);
    if (!Array.isArray(listing)) return [];
    return listing.flatMap((f) => (f.isDir && this._open.has(f.path) ? [f.path, ...this.#shownPaths(f.path)] : [f.path]));
  }

  readonly #onTreeFocus = (e: FocusEvent): void => {
    const path = (e.target as HTMLElement).dataset['path'];
    if (path !== undefined) this._active = path;
  };

  /**
   * The WAI-ARIA tree keys: ↑/↓ (Home/End) move, → opens a folder or enters it, ← closes it or
   * goes to the parent folder. Enter and Space are the buttons' own (open a folder, select a file).
   */
  readonly #onTreeKey = (e: KeyboardEvent): void => {
    const path = (e.target as HTMLElement).dataset['path'];
    if (path === undefined) return;
    const shown = this.#shownPaths();
    const at = shown.indexOf(path);
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const listing = this._listings.get(parent);
    const isFolder = Array.isArray(listing) && listing.some((f) => f.path === path && f.isDir);
    let next: string | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = shown[at + 1];
        break;
      case 'ArrowUp':
        next = shown[at - 1];
        break;
      case 'Home':
        next = shown[0];
        break;
      case 'End':
        next = shown.at(-1);
        break;
      case 'ArrowRight':
        if (isFolder && !this._open.has(path)) this._toggle(path);
        else if (isFolder) next = shown[at + 1]?.startsWith(`${path}/`) === true ? shown[at + 1] : undefined;
        break;
      case 'ArrowLeft':
        if (isFolder && this._open.has(path)) this._toggle(path);
        else if (parent !== '') next = parent;
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next !== undefined) void this.#focusItem(next);
  };

  async #focusItem(path: string): Promise<void> {
    this._active = path;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[role='treeitem'][data-path="${CSS.escape(path)}"]`)?.focus();
  }

  private _toggle(path: string): void {
    const open = new Set(this._open);
    if (open.has(path)) open.delete(path);
    else {
      open.add(path);
      if (!this._listings.has(path)) this._list(path);
    }
    this._open = open;
  }

  private _select(path: string): void {
    this.selected = path;
    this._registration = undefined;
    this._fire<ArtifactSelectDetail>('ef-artifact-select', { runId: this.runId, path });
  }

  private _list(path: string): void {
    const store = this.resolvedStore;
    const runId = this.runId;
    if (store === undefined || runId === '') return;
    const reading = store.listArtifacts(runId as RunId, path).then(
      (files) => this._setListing(store, runId, path, [...files].sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path))),
      (error: unknown) => this._setListing(store, runId, path, error instanceof Error ? error : new Error(String(error))),
    );
    this._reading.add(reading);
    void reading.finally(() => this._reading.delete(reading));
  }

  private _setListing(store: Store, runId: string, path: string, value: FileInfo[] | Error): void {
    if (store !== this.resolvedStore || runId !== this.runId) return;
    const listings = new Map(this._listings);
    listings.set(path, value);
    this._listings = listings;
  }

  /** A blob URL for an image preview; the previous one is revoked. */
  private _imageUrl(bytes: Uint8Array, type: string): string {
    this._revoke();
    this._objectUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    return this._objectUrl;
  }

  private _revoke(): void {
    if (this._objectUrl !== undefined) URL.revokeObjectURL(this._objectUrl);
    this._objectUrl = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-artifact-browser': ArtifactBrowser;
  }
}
