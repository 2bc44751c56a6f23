/**
 * `<ef-logged-models>`: the MLflow 3 logged models of one or more experiments, with status, type,
 * source run, params and metrics per dataset, sortable by a metric.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { Page } from '../core/entities.js';
import type { LoggedModel, LoggedModelMetric } from '../core/logged-models/entities.js';
import type { LoggedModelOrderBy } from '../core/logged-models/logged-model-store.js';
import type { Store } from '../core/store.js';
import { collectPages } from '../core/store-reads.js';
import { QueryController } from './controllers/query-controller.js';
import { errorMessage, valueOf } from './controllers/status.js';
import { StoreChangesController } from './controllers/store-changes-controller.js';
import type { RunOpenDetail } from './ef-run-table.js';
import { formatValue } from './internal/format.js';
import { StoreElement } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** A metric column: a key, and the dataset its values were computed on (none = no dataset). */
export interface LoggedModelMetricColumn {
  readonly key: string;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

interface View {
  /** False when the store holds no logged models. */
  readonly available: boolean;
  readonly models: readonly LoggedModel[];
}

const PAGE = 1000;
const UNAVAILABLE: View = { available: false, models: [] };

function columnId(c: LoggedModelMetricColumn): string {
  return c.datasetName === undefined ? c.key : `${c.key}|${c.datasetName}|${c.datasetDigest ?? ''}`;
}

/** The metric columns of some models: one per (key, dataset), by key then dataset name. */
export function metricColumnsOf(models: readonly LoggedModel[]): LoggedModelMetricColumn[] {
  const columns = new Map<string, LoggedModelMetricColumn>();
  for (const model of models) {
    for (const m of model.metrics) {
      const column = { key: m.key, ...(m.datasetName === undefined ? {} : { datasetName: m.datasetName, datasetDigest: m.datasetDigest! }) };
      columns.set(columnId(column), column);
    }
  }
  return [...columns.values()].sort((a, b) => (a.key === b.key ? (a.datasetName ?? '').localeCompare(b.datasetName ?? '') : a.key < b.key ? -1 : 1));
}

function metricOf(model: LoggedModel, column: LoggedModelMetricColumn): LoggedModelMetric | undefined {
  return model.metrics.find((m) => m.key === column.key && m.datasetName === column.datasetName && m.datasetDigest === column.datasetDigest);
}

function parseIds(value: string | null): string[] {
  return (value ?? '').split(/[\s,]+/u).filter((id) => id !== '');
}

/**
 * The logged models of the experiments in `experimentIds` (deleted models are never shown): name,
 * status badge, model type, a link to the source run, params, and one column per metric and
 * dataset. A click on a metric header sorts by it (descending, then ascending; models without the
 * metric last), through the store's logged-model search. Updates live. A store without logged
 * models, no experiment, no model, a load and a failed load each show a notice.
 *
 * @fires ef-run-open - A source run link was activated; detail `{runId}`.
 * @csspart table - The table of models.
 * @csspart model - One model row.
 * @csspart status - A model's status badge.
 * @csspart run-link - The link to a model's source run.
 * @csspart params - A model's params.
 * @csspart sort - A metric header button.
 * @csspart error - A load error.
 * @csspart empty - The notice when there is nothing to show.
 * @cssprop --ef-accent - Colour of links and the sorted header.
 *
 * @customElement ef-logged-models
 */
export class LoggedModels extends StoreElement {
  static override styles = [
    themeStyles,
    css`
      .table-wrap {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 12px;
      }
      th,
      td {
        text-align: left;
        padding: 4px 8px;
        border-bottom: 1px solid var(--_border);
        vertical-align: top;
      }
      td.name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      td.metric,
      th.metric {
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .status {
        font-size: 11px;
        border-radius: 10px;
        padding: 0 6px;
        border: 1px solid var(--_border);
      }
      .status.READY {
        color: var(--_ok);
      }
      .status.FAILED {
        color: var(--_danger);
      }
      .params {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .params li {
        overflow-wrap: anywhere;
      }
      .params .key,
      .dataset {
        color: var(--_muted);
      }
      button.link,
      button.sort {
        font: inherit;
        background: none;
        border: none;
        padding: 0;
        color: var(--_accent);
        cursor: pointer;
        text-align: inherit;
      }
      button.sort[aria-sort='none'] {
        color: inherit;
      }
    `,
  ];

  /** Experiments whose models are listed (attribute `experiment-ids`: ids separated by commas or spaces). */
  @property({ attribute: 'experiment-ids', converter: { fromAttribute: parseIds } }) experimentIds: readonly string[] = [];

  /** A logged-model filter (`metrics.accuracy > 0.9`, `status = 'READY'`); empty lists all. */
  @property() filter = '';

  /** The metric column the models are sorted by (`null`: newest first). */
  @property({ attribute: false }) sortBy: (LoggedModelMetricColumn & { readonly ascending: boolean }) | null = null;

  private readonly _query = new QueryController(this, {
    args: () => {
      const store = this.resolvedStore;
      // Ids joined: a new array with the same ids must not start another load.
      return store === undefined ? undefined : ([store, this.experimentIds.join('\n'), this.filter.trim(), this.sortBy] as const);
    },
    task: ([store, ids, filter, sort], signal) => load(store, ids === '' ? [] : ids.split('\n'), filter, sort, signal),
  });

  constructor() {
    super();
    new StoreChangesController(this, {
      store: () => this.resolvedStore,
      onChanges: (batch) => {
        if ([...batch.loggedModelExperiments].some((id) => this.experimentIds.includes(id))) void this._query.refresh();
      },
    });
  }

  /** The models shown, in display order. */
  get models(): readonly LoggedModel[] {
    return valueOf(this._query.state)?.models ?? [];
  }

  protected override render(): TemplateResult {
    const problem = this._renderStoreProblem();
    if (problem !== nothing) return html`${problem}`;
    const state = this._query.state;
    const view = valueOf(state);
    const error = state.status === 'ERROR' ? html`<div class="error" part="error" role="alert">${errorMessage(state.error)}</div>` : nothing;
    if (view === undefined) return html`${error}${state.status === 'ERROR' ? nothing : html`<div class="empty" part="empty">Loading…</div>`}`;
    if (!view.available) return html`${error}<div class="empty" part="empty">This store holds no logged models.</div>`;
    if (this.experimentIds.length === 0) return html`${error}<div class="empty" part="empty">No experiment selected.</div>`;
    if (view.models.length === 0) return html`${error}<div class="empty" part="empty">No logged models.</div>`;
    const columns = metricColumnsOf(view.models);
    return html`${error}
      <div class="table-wrap">
        <table part="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Type</th>
              <th>Source run</th>
              <th>Params</th>
              ${columns.map((c) => this._renderHeader(c))}
            </tr>
          </thead>
          <tbody>
            ${view.models.map((m) => this._renderModel(m, columns))}
          </tbody>
        </table>
      </div>`;
  }

  private _renderHeader(column: LoggedModelMetricColumn): TemplateResult {
    const sorted = this.sortBy !== null && columnId(this.sortBy) === columnId(column);
    const ariaSort = !sorted ? 'none' : this.sortBy!.ascending ? 'ascending' : 'descending';
    return html`<th class="metric" data-column=${columnId(column)}>
      <button class="sort" part="sort" aria-sort=${ariaSort} @click=${() => this._sort(column)}>
        ${column.key}${column.datasetName === undefined ? nothing : html` <span class="dataset">(${column.datasetName})</span>`}${sorted ? (this.sortBy!.ascending ? ' ▲' : ' ▼') : ''}
      </button>
    </th>`;
  }

  private _renderModel(model: LoggedModel, columns: readonly LoggedModelMetricColumn[]): TemplateResult {
    const params = Object.keys(model.params).sort();
    const runId = model.sourceRunId;
    return html`<tr part="model" data-model=${model.modelId}>
      <td class="name" title=${model.modelId}>${model.name}</td>
      <td><span class="status ${model.status}" part="status">${model.status}</span></td>
      <td>${model.modelType ?? ''}</td>
      <td>${runId === null || runId === '' ? '' : html`<button class="link" part="run-link" @click=${() => this._fire<RunOpenDetail>('ef-run-open', { runId })}>${runId.slice(0, 8)}</button>`}</td>
      <td>
        <ul class="params" part="params">
          ${params.map((k) => html`<li><span class="key">${k}</span>=${model.params[k]}</li>`)}
        </ul>
      </td>
      ${columns.map((c) => html`<td class="metric" data-column=${columnId(c)}>${formatMetric(metricOf(model, c))}</td>`)}
    </tr>`;
  }

  /** Sorts by a metric column: descending first, then ascending. */
  private _sort(column: LoggedModelMetricColumn): void {
    const same = this.sortBy !== null && columnId(this.sortBy) === columnId(column);
    this.sortBy = { ...column, ascending: same ? !this.sortBy!.ascending : false };
  }
}

function formatMetric(metric: LoggedModelMetric | undefined): string {
  return metric === undefined ? '' : formatValue(metric.value);
}

async function load(
  store: Store,
  experimentIds: readonly string[],
  filter: string,
  sort: (LoggedModelMetricColumn & { readonly ascending: boolean }) | null,
  signal: AbortSignal,
): Promise<View> {
  const models = store.loggedModels;
  if (models === undefined) return UNAVAILABLE;
  if (experimentIds.length === 0) return { available: true, models: [] };
  const orderBy: LoggedModelOrderBy[] =
    sort === null
      ? []
      : [{ fieldName: `metrics.${sort.key}`, ascending: sort.ascending, ...(sort.datasetName === undefined ? {} : { datasetName: sort.datasetName, datasetDigest: sort.datasetDigest! }) }];
  const found = await collectPages(
    (pageToken): Promise<Page<LoggedModel>> =>
      models.searchLoggedModels({ experimentIds, maxResults: PAGE, orderBy, ...(filter === '' ? {} : { filter }), ...(pageToken === undefined ? {} : { pageToken }) }),
    signal,
  );
  return { available: true, models: found };
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-logged-models': LoggedModels;
  }
}
