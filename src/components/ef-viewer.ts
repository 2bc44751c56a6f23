/**
 * `<ef-viewer>`: the whole viewer in one element, composed of the other `ef-*` elements.
 * @module
 */
import { ContextProvider } from '@lit/context';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Run } from '../core/entities.js';
import type { ExperimentId, RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { storeContext } from './context.js';
import { errorMessage } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import type { Theme } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';
import { openedSummary, openViewerSource, sourceLabel, type ViewerSource } from './internal/viewer-source.js';
import { readLinkState, replaceUrl, writeLinkState, type ViewerTab } from './internal/viewer-state.js';
import { renderOutcome, renderViewerNotice, type OpenOutcome, type OpeningProgress, type ViewerPhase as Phase } from './internal/viewer-notice.js';
import { renderViewerTabs } from './internal/viewer-tabs.js';
import { ZipDropController } from './internal/viewer-drop.js';
import { viewerStyles } from './internal/viewer-styles.js';

/** Detail of `ef-file-open`. */
export interface FileOpenDetail {
  readonly file: File;
}

/** How many of an experiment's latest runs are selected (and charted) when nothing else is. */
const DEFAULT_SELECTION = 5;

/**
 * The experiment list, the run table, one chart per metric key of the selected runs (a grid
 * that never overlaps), and tabs with the opened run's details, a comparison of the selected
 * runs and the model registry. Give it `src` (the URL of a zip bundle, or a `File`/`Blob` by
 * property), `store-uri`, or the `store` property. It opens the experiment in the link, else the
 * first with runs, and selects its latest runs so charts show without any script. The link's
 * hash keeps the experiment, runs, opened run and tab (`no-hash` turns that off, for several
 * viewers on one page). Dropping a zip on it, or the "Open zip" button, opens that bundle: the
 * viewer shows the runs read while it opens, then what it opened; a zip that fails to open says why
 * and leaves the view as it was.
 *
 * @fires ef-file-open - A zip was dropped or chosen; detail `{file}`. Cancel it to handle the file yourself.
 * @slot notice - Shown above the run table (a report's notes).
 * @slot actions - Extra controls in the header.
 * @slot main-start - Content at the top of the main column (the demo's training form).
 * @cssprop --ef-run-table-height - Height of the run table (default 360px).
 *
 * @customElement ef-viewer
 */
export class Viewer extends LitElement {
  static override styles = [themeStyles, viewerStyles];

  /** The store to show; wins over `store-uri` and `src`. */
  @property({ attribute: false }) store: Store | undefined;

  /** A store URI opened through `openStore` (`idb:edgeflow`, `https://mlflow.example.com`). */
  @property({ attribute: 'store-uri' }) storeUri: string | undefined;

  /** A zip bundle: any URL (relative to the page), or a `File`/`Blob` set as a property. Opened read-only. */
  @property({ attribute: 'src' }) src: string | Blob | undefined;

  /** The experiment shown; set by the viewer when it opens a store, the link or the user choose. */
  @property({ attribute: 'experiment-id', reflect: true }) experimentId = '';

  /** The runs charted and compared (the table's selection). */
  @property({ attribute: false }) selectedRunIds: readonly string[] = [];

  /** The run whose details are shown; default the first selected run. */
  @property({ attribute: 'run-id' }) runId = '';

  /** The tab below the charts: `details`, `compare` or `models`. */
  @property({ reflect: true }) tab: ViewerTab = 'details';

  /** Heading of the header. */
  @property() heading = 'edgeflow';

  /** Keep the view out of the page URL (for several viewers on one page). */
  @property({ type: Boolean, attribute: 'no-hash' }) noHash = false;

  /** `light` or `dark` for the viewer and everything inside; unset follows the OS. */
  @property({ reflect: true }) theme: Theme | undefined;

  @state() private _phase: Phase = 'empty';
  @state() private _problem = '';
  @state() private _metricKeys: readonly string[] = [];
  /** The source being opened while the previous view stays, or shown in the notice. */
  @state() private _opening: OpeningProgress | undefined;
  /** What the last open showed (`Opened x.zip: …`), or why it failed while the previous view stayed. */
  @state() private _outcome: OpenOutcome | undefined;

  #store: Store | undefined;
  /** The store this element opened itself (closed when replaced). */
  #owned: Store | undefined;
  #ticket = 0;
  #shownExperiment = '';
  #linked = false;
  /** The next opened source is a file the user chose: start from its own first experiment. */
  #freshView = false;
  readonly #pending = new Set<Promise<void>>();
  readonly #provider = new ContextProvider(this, { context: storeContext, initialValue: undefined });
  readonly #drop = new ZipDropController(this, (file) => this.openFile(file));

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.#store,
      onChanges: (batch) => {
        if (this._phase === 'no-experiments' && batch.experiments.size > 0 && this.#store !== undefined) {
          this.#track(this.#chooseExperiment(this.#store));
          return;
        }
        const selected = new Set(this.selectedRunIds);
        const newKey = [...batch.runData].some(([runId, change]) => selected.has(runId) && [...change.metricKeys].some((k) => !this._metricKeys.includes(k)));
        if (newKey) this.#track(this.#showCharts());
      },
    });
  }

  /** The store shown now (undefined while opening or when none is given). */
  get resolvedStore(): Store | undefined {
    return this.#store;
  }

  /** The metric keys charted now (one chart each). */
  get metricKeys(): readonly string[] {
    return this._metricKeys;
  }

  /**
   * Resolves once what was asked for is shown: the store opened, the experiment chosen, the run
   * table's rows rendered, the charts drawn and the open tab loaded (also when that ended in a notice).
   */
  async loaded(): Promise<void> {
    for (;;) {
      await super.getUpdateComplete();
      if (this.#pending.size === 0) break;
      await Promise.all(this.#pending);
    }
    await this.renderRoot.querySelector<HTMLElement & { loaded(): Promise<void> }>('ef-run-details, ef-compare-runs, ef-model-registry')?.loaded();
  }

  /** Like {@link Viewer.loaded}: the update is complete once its data is shown. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    await this.loaded();
    return result;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHashChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  /** Opens a zip bundle (as a drop does): fires `ef-file-open`, and opens it unless that was cancelled. */
  openFile(file: File): void {
    const detail: FileOpenDetail = { file };
    const event = new CustomEvent('ef-file-open', { detail, bubbles: true, composed: true, cancelable: true });
    if (!this.dispatchEvent(event)) return;
    this.#freshView = true;
    this.store = undefined;
    this.storeUri = undefined;
    this.src = file;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store') || changed.has('storeUri') || changed.has('src')) this.#track(this.#openSource());
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this._phase !== 'ready') return;
    if (this.experimentId !== this.#shownExperiment) this.#track(this.#showExperiment());
    else if (changed.has('selectedRunIds')) this.#track(this.#showCharts());
    if (this.#linked && !this.noHash) this.#writeLink();
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.then(() => undefined, (error: unknown) => {
      this._phase = 'error';
      this._problem = errorMessage(error);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** Names the opened store for the run table's remembered columns: its URI or bundle URL (a `File` has none). */
  #layoutKey(): string | undefined {
    const source = this.store === undefined ? this.#source() : undefined;
    if (source === undefined) return undefined;
    if ('storeUri' in source) return source.storeUri;
    return typeof source.src === 'string' ? new URL(source.src, document.baseURI).href : undefined;
  }

  #source(): ViewerSource | undefined {
    if (this.storeUri) return { storeUri: this.storeUri };
    if (this.src !== undefined && this.src !== '') return { src: this.src };
    return undefined;
  }

  /**
   * Opens the source given. While a source opens over a shown view, the view stays (with the
   * progress above it) and stays too when the source fails to open, with why.
   */
  async #openSource(): Promise<void> {
    const ticket = ++this.#ticket;
    const source = this.store === undefined ? this.#source() : undefined;
    const keepView = source !== undefined && this._phase === 'ready';
    this._outcome = undefined;
    if (!keepView) this.#setStore(undefined);
    if (this.store === undefined && source === undefined) {
      this._phase = 'empty';
      return;
    }
    const label = source === undefined ? '' : sourceLabel(source);
    if (!keepView) this._phase = 'opening';
    this._opening = source === undefined ? undefined : { label, runsRead: 0 };
    const onProgress = (): void => {
      if (ticket === this.#ticket && this._opening !== undefined) this._opening = { label, runsRead: this._opening.runsRead + 1 };
    };
    let store: Store;
    try {
      store = this.store ?? (await openViewerSource(source!, { onProgress }));
    } catch (error) {
      if (ticket !== this.#ticket) return;
      this._opening = undefined;
      const message = `Could not open ${label}: ${errorMessage(error)}`;
      if (keepView) this._outcome = { ok: false, message: `${message} The view is unchanged.` };
      else {
        this._phase = 'error';
        this._problem = message;
      }
      return;
    }
    if (ticket !== this.#ticket) {
      if (store !== this.store) void store.close();
      return;
    }
    if (this.#freshView) {
      this.experimentId = '';
      this.selectedRunIds = [];
      this.runId = '';
      this.#freshView = false;
    }
    if (store !== this.store) this.#owned = store;
    this.#setStore(store);
    this._phase = 'opening';
    const experiments = await this.#chooseExperiment(store);
    if (source !== undefined && store === this.#store) this._outcome = { ok: true, message: await openedSummary(label, store, experiments) };
    this._opening = undefined;
  }

  #setStore(store: Store | undefined): void {
    if (this.#owned !== undefined && this.#owned !== store) {
      void this.#owned.close();
      this.#owned = undefined;
    }
    this.#store = store;
    this.#shownExperiment = '';
    this._metricKeys = [];
    this.#provider.setValue(store);
  }

  /**
   * The experiment of the link, else the one asked for, else the first with runs, else the first.
   * Returns the ids of the store's experiments.
   */
  async #chooseExperiment(store: Store): Promise<ExperimentId[]> {
    const experiments = (await store.searchExperiments({ maxResults: 1000 })).items;
    if (store !== this.#store) return [];
    if (experiments.length === 0) {
      this._phase = 'no-experiments';
      return [];
    }
    const link = this.noHash || this.#linked ? {} : readLinkState(location.href);
    const known = (id: string | undefined): boolean => id !== undefined && experiments.some((e) => e.experimentId === id);
    let chosen = known(link.experimentId) ? link.experimentId! : known(this.experimentId) ? this.experimentId : undefined;
    if (chosen === undefined) {
      for (const e of experiments) {
        if ((await store.searchRuns({ experimentIds: [e.experimentId], maxResults: 1 })).items.length > 0) {
          chosen = e.experimentId;
          break;
        }
      }
    }
    if (store !== this.#store) return [];
    if (link.runIds !== undefined && chosen === link.experimentId) this.selectedRunIds = link.runIds;
    if (link.openRunId !== undefined) this.runId = link.openRunId;
    if (link.tab !== undefined) this.tab = link.tab;
    this.experimentId = chosen ?? experiments[0]!.experimentId;
    this._phase = 'ready';
    this.#linked = true;
    return experiments.map((e) => e.experimentId);
  }

  /** Waits for the run table of the experiment; keeps the selected runs it has, else selects its latest. */
  async #showExperiment(): Promise<void> {
    const store = this.#store;
    this.#shownExperiment = this.experimentId;
    await super.getUpdateComplete();
    const table = this.renderRoot.querySelector('ef-run-table');
    if (table === null || store !== this.#store) return;
    await table.loaded(); // its rows are drawn: the row window settles on the table's measured size
    if (store !== this.#store || this.experimentId !== this.#shownExperiment) return;
    const inTable = new Set(table.runs.map((r) => r.info.runId as string));
    const kept = this.selectedRunIds.filter((id) => inTable.has(id));
    const latest = [...table.runs].sort((a, b) => b.info.startTime - a.info.startTime).slice(0, DEFAULT_SELECTION);
    this.selectedRunIds = kept.length > 0 ? kept : latest.map((r) => r.info.runId);
    await this.#showCharts();
  }

  /** One chart per metric key the selected runs have; resolves when they are drawn. */
  async #showCharts(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    const runIds = this.selectedRunIds;
    const table = this.renderRoot.querySelector('ef-run-table');
    const loaded = new Map<string, Run>((table?.runs ?? []).map((r) => [r.info.runId, r]));
    const keys = new Set<string>();
    for (const id of runIds) {
      const run = loaded.get(id) ?? (await store.getRun(id as RunId).catch(() => undefined));
      for (const key of Object.keys(run?.data.metrics ?? {})) keys.add(key);
    }
    if (store !== this.#store || runIds !== this.selectedRunIds) return;
    const sorted = [...keys].sort();
    if (sorted.join('\u0000') !== this._metricKeys.join('\u0000')) this._metricKeys = sorted;
    await super.getUpdateComplete();
    await Promise.all([...this.renderRoot.querySelectorAll('ef-metric-chart')].map((chart) => chart.loaded()));
  }

  #writeLink(): void {
    replaceUrl(
      writeLinkState(location.href, {
        experimentId: this.experimentId,
        runIds: this.selectedRunIds,
        ...(this.runId === '' ? {} : { openRunId: this.runId }),
        tab: this.tab,
      }),
    );
  }

  readonly #onHashChange = (): void => {
    if (this.noHash || this._phase !== 'ready') return;
    const link = readLinkState(location.href);
    if (link.experimentId !== undefined && link.experimentId !== this.experimentId) {
      this.selectedRunIds = link.runIds ?? [];
      this.experimentId = link.experimentId;
    } else if (link.runIds !== undefined && link.runIds.join() !== this.selectedRunIds.join()) {
      this.selectedRunIds = link.runIds;
    }
    if (link.openRunId !== undefined) this.runId = link.openRunId;
    if (link.tab !== undefined) this.tab = link.tab;
  };

  #onFileChosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file !== undefined) this.openFile(file);
  }

  #openRun(runId: string): void {
    this.runId = runId;
    this.tab = 'details';
    void super.getUpdateComplete().then(() => this.renderRoot.querySelector('.tabs')?.scrollIntoView({ block: 'nearest' }));
  }

  protected override render(): TemplateResult {
    const readOnly = this.#store?.capabilities.readOnly;
    return html`<div class="shell">
      <header part="header">
        <h1>${this.heading}</h1>
        ${readOnly === undefined ? nothing : html`<small class="muted">${readOnly ? 'read-only' : 'read-write'}</small>`}
        <span class="spacer"></span>
        <slot name="actions"></slot>
        <button title="Open an experiment zip bundle (MLflow file-store layout)" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}>
          Open zip…
        </button>
        <input type="file" accept=".zip,application/zip" aria-label="zip bundle" @change=${this.#onFileChosen} />
      </header>
      ${this._phase === 'ready' ? this.#renderViewer() : html`<main><slot name="main-start"></slot>${renderViewerNotice(this._phase, this._problem, this._opening)}</main>`}
      ${this.#drop.dragging ? html`<div class="drop" part="drop">Drop the zip to open it</div>` : nothing}
    </div>`;
  }

  #renderViewer(): TemplateResult {
    const selected = this.selectedRunIds;
    return html`<nav part="experiments">
        <ef-experiment-list
          .selected=${this.experimentId}
          @ef-experiment-select=${(e: CustomEvent<{ experimentId: string }>) => {
            this.selectedRunIds = [];
            this.runId = '';
            this.experimentId = e.detail.experimentId;
          }}
        ></ef-experiment-list>
      </nav>
      <main @ef-run-open=${(e: CustomEvent<{ runId: string }>) => this.#openRun(e.detail.runId)}>
        <slot name="main-start"></slot>
        <slot name="notice"></slot>
        ${renderOutcome(this._opening, this._outcome, () => (this._outcome = undefined))}
        <ef-run-table
          layout-key=${this.#layoutKey() ?? nothing}
          .experimentIds=${[this.experimentId]}
          .selectedRunIds=${selected as string[]}
          @ef-selection-change=${(e: CustomEvent<{ runIds: string[] }>) => (this.selectedRunIds = e.detail.runIds)}
        ></ef-run-table>
        ${this.#renderCharts()}
        <section part="tabs">${renderViewerTabs(this.tab, (tab) => (this.tab = tab), this.#renderTab())}</section>
      </main>`;
  }

  #renderCharts(): TemplateResult {
    if (this.selectedRunIds.length === 0) return html`<p class="muted">Select runs in the table to chart their metrics.</p>`;
    if (this._metricKeys.length === 0) return html`<p class="muted">The selected runs have no metrics yet.</p>`;
    return html`<ef-chart-group heading="Charts"
      ><div class="charts" part="charts">
        ${repeat(
          this._metricKeys,
          (key) => key,
          (key) => html`<ef-metric-chart .runIds=${this.selectedRunIds as string[]} .metricKeys=${[key]} heading=${key}></ef-metric-chart>`,
        )}
      </div></ef-chart-group
    >`;
  }

  #renderTab(): TemplateResult {
    const selected = this.selectedRunIds;
    switch (this.tab) {
      case 'compare':
        return selected.length < 2
          ? html`<p class="muted">Select two or more runs in the table to compare them.</p>`
          : html`<ef-compare-runs .runIds=${selected as string[]}></ef-compare-runs>`;
      case 'models':
        return html`<ef-model-registry></ef-model-registry>`;
      default: {
        const runId = this.runId || selected[0];
        return runId === undefined
          ? html`<p class="muted">Open a run (click its name) to see its details and artifacts.</p>`
          : html`<ef-run-details .runId=${runId}></ef-run-details>`;
      }
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-viewer': Viewer;
  }
}
