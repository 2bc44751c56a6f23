/**
 * `<ef-run-details>`: everything about one run.
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { hasKey, type Run } from '../core/entities.js';
import type { RunId } from '../core/ids.js';
import type { Store } from '../core/store.js';
import { SystemTag } from '../core/system-tags.js';
import { SYSTEM_METRIC_PREFIX } from '../system-metrics/sampler.js';
import { QueryController } from './controllers/query-controller.js';
import { throwIfAborted, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import { RunColorsController } from './controllers/run-colors-controller.js';
import { swatchStyle } from './internal/colors.js';
import { breakableKey, formatDuration, formatTime, formatValue, runDuration } from './internal/format.js';
import { renderLoadError, renderLoading } from './internal/load-states.js';
import { renderHeader, renderNote, renderTags, type SectionContext } from './internal/run-details-sections.js';
import { detailTableStyles, runDetailsStyles } from './internal/run-details-styles.js';
import { readOnlyReason, RunEditor, runLockedReason } from './internal/run-editor.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-run-open`. */
export interface RunOpenDetail {
  readonly runId: string;
}

interface Loaded {
  readonly run: Run;
  readonly children: readonly Run[];
  readonly experimentName: string;
}

/**
 * A run's info, params, metrics (latest value and a sparkline of the history; `system/…` metrics
 * in a section of their own), tags, its note as sanitized Markdown, the datasets and logged models
 * it read or produced (MLflow 3), its parent and child runs, and its artifacts with previews. Updates
 * live as the run logs. On a writable store the run can be renamed, deleted and restored, its
 * tags added, edited and deleted, and its note written with a preview; on a read-only store (or
 * for a deleted run) those controls are disabled and the reason is shown.
 *
 * @fires ef-run-open - A parent or child run link was activated; detail `{runId}`.
 * @csspart section - Each section.
 * @csspart note - The rendered note.
 * @csspart actions - Rename, Delete and Restore in the header.
 * @csspart locked - Why the run cannot be changed.
 * @csspart edit-error - The error of a change, next to its control.
 * @csspart loading - The loading message.
 * @csspart error - A load error, with its Retry button.
 * @csspart artifacts - The artifact browser.
 * @csspart lineage - The datasets and logged models of the run (`<ef-run-lineage>`), when it has any.
 * @cssprop --ef-bg - Background colour.
 * @cssprop --ef-fg - Text colour.
 * @cssprop --ef-border - Border colour.
 *
 * @customElement ef-run-details
 */
export class RunDetails extends StoreElement {
  static override styles = [themeStyles, detailTableStyles, runDetailsStyles];

  /** The run to show. */
  @property({ attribute: 'run-id' }) runId = '';

  @state() private _showSystemTags = false;

  /** Run colours shared with the other elements of the view (see `internal/colors.ts`). */
  private readonly _colors = new RunColorsController(this, () => this._source.scope);
  private _colored: { readonly loaded: Loaded; readonly runs: readonly Run[] } | undefined;

  private readonly _editor = new RunEditor(this, { store: () => this.resolvedStore, changed: () => this._query.refresh() });

  private readonly _query = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      return store === undefined || this.runId === '' ? undefined : ([store, this.runId] as const);
    },
    task: ([store, runId], signal) => this._load(store, runId, signal),
  });

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        const id = this.runId as RunId;
        const loaded = this._query.value;
        const childChanged = loaded !== undefined && [...batch.runs.values()].includes(loaded.run.info.experimentId);
        if (batch.runs.has(id) || batch.runData.has(id) || childChanged) this._scheduleRefresh();
      },
    });
  }

  private _refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private _lastRefresh = 0;

  /** Re-reads the run at most every 250 ms while it logs (the sparklines update on their own). */
  private _scheduleRefresh(): void {
    if (this._refreshTimer !== undefined) return;
    const wait = Math.max(0, this._lastRefresh + 250 - performance.now());
    this._refreshTimer = setTimeout(() => {
      this._refreshTimer = undefined;
      this._lastRefresh = performance.now();
      void this._query.refresh();
    }, wait);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._refreshTimer);
    this._refreshTimer = undefined;
  }

  private async _load(store: Store, runId: string, signal: AbortSignal): Promise<Loaded> {
    const run = await store.getRun(runId as RunId);
    throwIfAborted(signal);
    const [children, experiment] = await Promise.all([
      store.searchRuns({
        experimentIds: [run.info.experimentId],
        filter: `tags.\`${SystemTag.PARENT_RUN_ID}\` = '${run.info.runId}'`,
        maxResults: 1000,
      }),
      store.getExperiment(run.info.experimentId).catch(() => undefined),
    ]);
    throwIfAborted(signal);
    return { run, children: children.items, experimentName: experiment?.name ?? run.info.experimentId };
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    if (this.runId === '') return html`<div class="empty" part="empty">Select a run in the run table to see its details here.</div>`;
    const state = this._query.state;
    const loaded = valueOf(state);
    if (state.status === 'ERROR' && (loaded === undefined || loaded.run.info.runId !== this.runId)) {
      return renderLoadError('the run', state.error, () => this._query.refresh());
    }
    if (loaded === undefined) return renderLoading('the run');
    const { run } = loaded;
    if (this._colored?.loaded !== loaded) this._colored = { loaded, runs: [run, ...loaded.children] };
    this._colors.show(this._colored.runs);
    const store = this.resolvedStore;
    const context: SectionContext = { run, editor: this._editor, locked: runLockedReason(store, run), readOnly: readOnlyReason(store) };
    const title = html`<span class="title"><span class="swatch" style=${swatchStyle(this._colors.styleOf(run.info.runId))}></span><h2 part="title">${run.info.runName}</h2></span>`;
    return html`
      ${renderHeader(context, title)} ${this._renderInfo(loaded)} ${renderNote(context)} ${this._renderParams(run)} ${this._renderMetrics(run)}
      ${this._renderLineage(run)}
      ${renderTags(context, this._showSystemTags, () => (this._showSystemTags = !this._showSystemTags))}
      ${this._renderChildren(loaded)}
      <section part="section">
        <h3>Artifacts</h3>
        <ef-artifact-browser part="artifacts" .store=${this.resolvedStore} run-id=${run.info.runId} theme=${this.theme ?? nothing}></ef-artifact-browser>
      </section>
    `;
  }

  private _renderInfo({ run, experimentName }: Loaded): TemplateResult {
    const info = run.info;
    const parent = hasKey(run.data.tags, SystemTag.PARENT_RUN_ID) ? run.data.tags[SystemTag.PARENT_RUN_ID]! : undefined;
    return html`<section part="section">
      <dl>
        <dt>Run ID</dt>
        <dd class="mono">${info.runId}</dd>
        <dt>Experiment</dt>
        <dd>${experimentName}</dd>
        <dt>User</dt>
        <dd>${info.userId}</dd>
        <dt>Started</dt>
        <dd>${formatTime(info.startTime)}</dd>
        <dt>Ended</dt>
        <dd>${info.endTime === null ? '—' : formatTime(info.endTime)}</dd>
        <dt>Duration</dt>
        <dd>${formatDuration(runDuration(info.startTime, info.endTime))}</dd>
        <dt>Artifact URI</dt>
        <dd class="mono">${info.artifactUri}</dd>
        ${parent === undefined
          ? nothing
          : html`<dt>Parent run</dt>
              <dd><button class="link mono" @click=${() => this._open(parent)}>${parent}</button></dd>`}
      </dl>
    </section>`;
  }

  private _renderParams(run: Run): TemplateResult {
    const keys = Object.keys(run.data.params).sort();
    return html`<section part="section">
      <h3>Parameters (${keys.length})</h3>
      ${keys.length === 0
        ? html`<div class="muted">None.</div>`
        : html`<table class="params">
            ${keys.map((k) => html`<tr><td class="key">${breakableKey(k)}</td><td>${run.data.params[k]}</td></tr>`)}
          </table>`}
    </section>`;
  }

  /** The run's metrics, with MLflow's `system/…` metrics (see `startSystemMetrics`) in a section of their own. */
  private _renderMetrics(run: Run): TemplateResult {
    const keys = Object.keys(run.data.latestMetrics).sort();
    const system = keys.filter((k) => k.startsWith(SYSTEM_METRIC_PREFIX));
    const own = keys.filter((k) => !k.startsWith(SYSTEM_METRIC_PREFIX));
    return html`<section part="section">
        <h3>Metrics (${own.length})</h3>
        ${own.length === 0 ? html`<div class="muted">None.</div>` : this._renderMetricTable(run, own, 'metrics')}
      </section>
      ${system.length === 0
        ? nothing
        : html`<section part="section" aria-label="System metrics">
            <h3>System metrics (${system.length})</h3>
            ${this._renderMetricTable(run, system, 'metrics system')}
          </section>`}`;
  }

  private _renderMetricTable(run: Run, keys: readonly string[], className: string): TemplateResult {
    return html`<table class=${className}>
      <tr><th>Key</th><th>Latest</th><th>Step</th><th>History</th></tr>
      ${keys.map((k) => {
        const m = run.data.latestMetrics[k]!;
        return html`<tr>
          <td class="key">${breakableKey(k)}</td>
          <td class="num">${formatValue(m.value)}</td>
          <td class="num">${m.step}</td>
          <td><ef-sparkline .store=${this.resolvedStore} run-id=${run.info.runId} metric-key=${k}></ef-sparkline></td>
        </tr>`;
      })}
    </table>`;
  }

  /** Datasets the run read and logged models it read or produced (MLflow 3), when it has any. */
  private _renderLineage(run: Run): TemplateResult | typeof nothing {
    const inputs = run.inputs;
    const some = (inputs !== undefined && (inputs.datasetInputs.length > 0 || inputs.modelInputs.length > 0)) || (run.outputs?.modelOutputs.length ?? 0) > 0;
    if (!some) return nothing;
    return html`<section part="section" aria-label="Datasets and models">
      <h3>Datasets and models</h3>
      <ef-run-lineage part="lineage" .store=${this.resolvedStore} run-id=${run.info.runId} theme=${this.theme ?? nothing}></ef-run-lineage>
    </section>`;
  }

  private _renderChildren({ children }: Loaded): TemplateResult | typeof nothing {
    if (children.length === 0) return nothing;
    return html`<section part="section">
      <h3>Child runs (${children.length})</h3>
      <ul class="children">
        ${children.map(
          (c) => html`<li>
            <span class="swatch" style=${swatchStyle(this._colors.styleOf(c.info.runId))}></span>
            <button class="link" @click=${() => this._open(c.info.runId)}>${c.info.runName}</button>
            <span class="status ${c.info.status}">${c.info.status}</span>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  private _open(runId: string): void {
    if (this._fire<RunOpenDetail>('ef-run-open', { runId })) this.runId = runId;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-run-details': RunDetails;
  }
}
