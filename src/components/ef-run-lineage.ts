/**
 * `<ef-run-lineage>`: what a run read and what it produced (MLflow 3).
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { DatasetInput } from '../core/datasets/entities.js';
import { contextOf } from '../core/datasets/run-inputs.js';
import type { Run } from '../core/entities.js';
import type { RunId } from '../core/ids.js';
import type { LoggedModel } from '../core/logged-models/entities.js';
import type { Store } from '../core/store.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, throwIfAborted, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import { detailTableStyles } from './internal/run-details-styles.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** Detail of `ef-logged-model-open`. */
export interface LoggedModelOpenDetail {
  readonly modelId: string;
}

interface Loaded {
  readonly run: Run;
  /** The models the run produced, by id; absent when the store holds no logged models or the model is gone. */
  readonly produced: ReadonlyMap<string, LoggedModel>;
}

/** A JSON text pretty-printed, or as it is when it is not JSON. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A run's lineage: the datasets it read (name, digest, context, source; schema and profile on
 * demand), the logged models it read, and the logged models it produced (with their status).
 * Every text is shown as text. Updates when the run or its models change.
 *
 * @fires ef-logged-model-open - A logged model was activated; detail `{modelId}`.
 * @csspart section - Each section.
 * @cssprop --ef-bg - Background colour.
 * @cssprop --ef-fg - Text colour.
 * @cssprop --ef-border - Border colour.
 *
 * @customElement ef-run-lineage
 */
export class RunLineage extends StoreElement {
  static override styles = [
    themeStyles,
    detailTableStyles,
    css`
      pre {
        margin: 4px 0;
        max-height: 240px;
        overflow: auto;
        font-family: var(--_mono);
        font-size: 12px;
        white-space: pre-wrap;
      }
      summary {
        cursor: pointer;
        color: var(--_accent);
      }
    `,
  ];

  /** The run to show. */
  @property({ attribute: 'run-id' }) runId = '';

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
        const run = this._query.value?.run;
        const modelsChanged = run !== undefined && batch.loggedModelExperiments.has(run.info.experimentId);
        if (batch.runs.has(this.runId as RunId) || modelsChanged) void this._query.refresh();
      },
    });
  }

  private async _load(store: Store, runId: string, signal: AbortSignal): Promise<Loaded> {
    const run = await store.getRun(runId as RunId);
    throwIfAborted(signal);
    const produced = new Map<string, LoggedModel>();
    const models = store.loggedModels;
    if (models !== undefined) {
      const found = await Promise.all((run.outputs?.modelOutputs ?? []).map((o) => models.getLoggedModel(o.modelId).catch(() => undefined)));
      for (const model of found) if (model !== undefined) produced.set(model.modelId, model);
    }
    throwIfAborted(signal);
    return { run, produced };
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    if (this.runId === '') return html`<div class="empty">Select a run to see its inputs and models.</div>`;
    const state = this._query.state;
    const loaded = valueOf(state);
    if (state.status === 'ERROR' && (loaded === undefined || loaded.run.info.runId !== this.runId)) {
      return html`<div class="empty error" role="alert">${errorMessage(state.error)}</div>`;
    }
    if (loaded === undefined) return html`<div class="empty">Loading…</div>`;
    const { run } = loaded;
    const datasets = run.inputs?.datasetInputs ?? [];
    const modelInputs = run.inputs?.modelInputs ?? [];
    const outputs = run.outputs?.modelOutputs ?? [];
    if (datasets.length + modelInputs.length + outputs.length === 0) {
      return html`<div class="empty">This run logged no dataset inputs and no logged models.</div>`;
    }
    return html`${this._renderDatasets(datasets)} ${this._renderModelInputs(modelInputs.map((m) => m.modelId))} ${this._renderOutputs(loaded)}`;
  }

  private _renderDatasets(inputs: readonly DatasetInput[]): TemplateResult | typeof nothing {
    if (inputs.length === 0) return nothing;
    return html`<section part="section">
      <h3>Dataset inputs (${inputs.length})</h3>
      <table class="datasets">
        <tr><th>Name</th><th>Digest</th><th>Context</th><th>Source</th></tr>
        ${inputs.map(({ dataset, tags }) => {
          const context = contextOf({ dataset, tags });
          return html`<tr class="dataset">
            <td class="name">${dataset.name}</td>
            <td class="mono digest">${dataset.digest}</td>
            <td class="context">${context ?? '—'}</td>
            <td>
              <span class="source-type">${dataset.sourceType}</span> <span class="mono source">${dataset.source}</span>
              ${dataset.schema === null ? nothing : html`<details class="schema"><summary>Schema</summary><pre>${pretty(dataset.schema)}</pre></details>`}
              ${dataset.profile === null ? nothing : html`<details class="profile"><summary>Profile</summary><pre>${pretty(dataset.profile)}</pre></details>`}
            </td>
          </tr>`;
        })}
      </table>
    </section>`;
  }

  private _renderModelInputs(ids: readonly string[]): TemplateResult | typeof nothing {
    if (ids.length === 0) return nothing;
    return html`<section part="section">
      <h3>Model inputs (${ids.length})</h3>
      <ul class="model-inputs">
        ${ids.map((id) => html`<li><button class="link mono" @click=${() => this._open(id)}>${id}</button></li>`)}
      </ul>
    </section>`;
  }

  private _renderOutputs({ run, produced }: Loaded): TemplateResult | typeof nothing {
    const outputs = run.outputs?.modelOutputs ?? [];
    if (outputs.length === 0) return nothing;
    return html`<section part="section">
      <h3>Logged models (${outputs.length})</h3>
      <table class="outputs">
        <tr><th>Model</th><th>Status</th><th>Type</th><th>Step</th></tr>
        ${outputs.map((o) => {
          const model = produced.get(o.modelId);
          return html`<tr class="output">
            <td><button class="link" title=${o.modelId} @click=${() => this._open(o.modelId)}>${model?.name ?? o.modelId}</button></td>
            <td>${model?.status ?? 'unknown'}</td>
            <td>${model?.modelType ?? '—'}</td>
            <td class="num">${o.step}</td>
          </tr>`;
        })}
      </table>
    </section>`;
  }

  private _open(modelId: string): void {
    this._fire<LoggedModelOpenDetail>('ef-logged-model-open', { modelId });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-run-lineage': RunLineage;
  }
}
