/**
 * Logged-model search (mlflow3-models-and-inputs.md §5): MLflow's filter grammar for logged models
 * on the shared parser, `datasets` restrictions, structured `order_by`, offset paging.
 *
 * Differences from MLflow's file store, on purpose: `IN` / `NOT IN` compare every list item
 * literally (MLflow silently drops items that are not all-lowercase, so `status IN ('READY')`
 * matches nothing there); `creation_time` / `last_updated_time` are aliases of the `_timestamp`
 * attributes (MLflow parses them, then fails with HTTP 500); the `dataset.` prefix is refused
 * (MLflow looks its key up as a model attribute); a null attribute sorts last (MLflow raises).
 * @module
 */
import { hasKey, type Page } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { MAX_SEARCH_MAX_RESULTS } from '../limits.js';
import type { FieldSpec, IdentifierGrammar, KeyedFamily, NumericComparator, ParsedClause, StringComparator } from '../search/index.js';
import {
  NUMERIC_COMPARATORS,
  STRING_AND_LIST_COMPARATORS,
  STRING_COMPARATORS,
  checkMaxResults,
  compareCodePoints,
  decodePageToken,
  isListComparator,
  pageOf,
  parseFilterWith,
} from '../search/index.js';
import { listTest, numberTest, stringTest } from '../search/predicates.js';
import type { LoggedModel, LoggedModelMetric } from './entities.js';
import type { LoggedModelDatasetFilter, LoggedModelOrderBy, SearchLoggedModelsQuery } from './logged-model-store.js';

type ClauseType = 'attribute' | 'param' | 'tag' | 'metric';

const STRING_OR_LIST: FieldSpec = { comparators: STRING_AND_LIST_COMPARATORS, value: 'string' };
const TIME: FieldSpec = { comparators: NUMERIC_COMPARATORS, value: 'integer' };
const PARAM: KeyedFamily<ClauseType> = { type: 'param', label: 'param', field: { comparators: STRING_COMPARATORS, value: 'string' } };
const TAG: KeyedFamily<ClauseType> = { type: 'tag', label: 'tag', field: { comparators: STRING_COMPARATORS, value: 'string' } };
const METRIC: KeyedFamily<ClauseType> = { type: 'metric', label: 'metric', field: { comparators: NUMERIC_COMPARATORS, value: 'number' } };

/** Attribute names (and aliases) → canonical key and how it compares. */
const ATTRIBUTES = {
  name: { key: 'name', field: STRING_OR_LIST },
  model_id: { key: 'model_id', field: STRING_OR_LIST },
  model_type: { key: 'model_type', field: STRING_OR_LIST },
  status: { key: 'status', field: STRING_OR_LIST },
  source_run_id: { key: 'source_run_id', field: STRING_OR_LIST },
  creation_timestamp: { key: 'creation_timestamp', field: TIME },
  creation_time: { key: 'creation_timestamp', field: TIME },
  last_updated_timestamp: { key: 'last_updated_timestamp', field: TIME },
  last_updated_time: { key: 'last_updated_timestamp', field: TIME },
} as const;

const FILTER_GRAMMAR: IdentifierGrammar<ClauseType> = {
  subject: 'logged model filter',
  attributeType: 'attribute',
  attributePrefixes: ['attribute', 'attributes', 'attr', 'run'],
  attributes: ATTRIBUTES,
  families: { params: PARAM, param: PARAM, parameter: PARAM, parameters: PARAM, tags: TAG, tag: TAG, metrics: METRIC, metric: METRIC },
  refusedPrefixes: { dataset: 'restrict logged models to datasets with the `datasets` parameter of the search' },
};

type FieldValue = string | number | null;

/** The attribute `key` (canonical) of a model. */
function attributeOf(model: LoggedModel, key: string): FieldValue {
  switch (key) {
    case 'name':
      return model.name;
    case 'model_id':
      return model.modelId;
    case 'model_type':
      return model.modelType;
    case 'status':
      return model.status;
    case 'source_run_id':
      return model.sourceRunId;
    case 'creation_timestamp':
      return model.creationTimestamp;
    case 'last_updated_timestamp':
      return model.lastUpdatedTimestamp;
    default:
      return null;
  }
}

/** True when a metric entry was computed on one of `datasets` (a listed digest must match too). */
function onDatasets(metric: LoggedModelMetric, datasets: readonly LoggedModelDatasetFilter[]): boolean {
  return datasets.some((d) => metric.datasetName === d.datasetName && (d.datasetDigest === undefined || metric.datasetDigest === d.datasetDigest));
}

/** The value test of a clause, on the shared predicates (IN compares literally, see the module docs). */
function valueTest(clause: ParsedClause<ClauseType>): (x: string | number) => boolean {
  const { comparator, value } = clause;
  if (isListComparator(comparator)) {
    const test = listTest(comparator, value as readonly string[]);
    return (x) => test(String(x));
  }
  if (typeof value === 'number') {
    const test = numberTest(comparator as NumericComparator, value);
    return (x) => typeof x === 'number' && test(x);
  }
  const test = stringTest(comparator as StringComparator, value as string);
  return (x) => typeof x === 'string' && test(x);
}

/**
 * One filter clause as a test. A model without the param/tag/metric, or with a null attribute,
 * never matches (also for `!=`). A metric clause compares only the FIRST entry with that key
 * (restricted to `datasets` when given), as MLflow does — not "any dataset".
 */
function clauseTest(clause: ParsedClause<ClauseType>, datasets: readonly LoggedModelDatasetFilter[]): (model: LoggedModel) => boolean {
  const test = valueTest(clause);
  const { key } = clause;
  switch (clause.type) {
    case 'attribute':
      return (model) => {
        const value = attributeOf(model, key);
        return value !== null && test(value);
      };
    case 'param':
      return (model) => hasKey(model.params, key) && test(model.params[key]!);
    case 'tag':
      return (model) => hasKey(model.tags, key) && test(model.tags[key]!);
    case 'metric':
      return (model) => {
        const first = model.metrics.find((m) => m.key === key && (datasets.length === 0 || onDatasets(m, datasets)));
        return first !== undefined && test(first.value);
      };
  }
}

interface SortKey {
  readonly metric?: { readonly key: string; readonly datasetName?: string; readonly datasetDigest?: string };
  readonly attribute?: string;
  readonly ascending: boolean;
}

function invalidOrderBy(message: string, fieldName: unknown): EdgeflowError {
  return EdgeflowError.invalidParameterValue(message, { details: { field: 'order_by', value: describeValue(fieldName) } });
}

/** Checks one `order_by` entry (§5.2) and resolves its field. */
function sortKeyOf(entry: LoggedModelOrderBy): SortKey {
  const { fieldName } = entry;
  const ascending = entry.ascending ?? true;
  if (typeof fieldName !== 'string' || fieldName === '') throw invalidOrderBy(`Invalid order by field name ${describeValue(fieldName)}.`, fieldName);
  if (typeof ascending !== 'boolean') throw invalidOrderBy(`Invalid order by 'ascending' ${describeValue(ascending)} for ${fieldName}: it must be a boolean.`, fieldName);
  if (entry.datasetDigest !== undefined && entry.datasetName === undefined) {
    throw invalidOrderBy(`Invalid order by ${fieldName}: dataset_digest is given without dataset_name.`, fieldName);
  }
  const dot = fieldName.indexOf('.');
  if (dot !== -1) {
    const prefix = fieldName.slice(0, dot);
    if (prefix !== 'metrics' || dot === fieldName.length - 1) {
      throw invalidOrderBy(`Invalid order by field name: ${prefix}, only \`metrics.<name>\` is allowed.`, fieldName);
    }
    const metric = {
      key: fieldName.slice(dot + 1),
      ...(entry.datasetName === undefined ? {} : { datasetName: entry.datasetName }),
      ...(entry.datasetDigest === undefined ? {} : { datasetDigest: entry.datasetDigest }),
    };
    return { metric, ascending };
  }
  const attribute = hasKey(ATTRIBUTES, fieldName) ? ATTRIBUTES[fieldName as keyof typeof ATTRIBUTES].key : undefined;
  if (attribute === undefined) {
    throw invalidOrderBy(`Invalid order by field name ${describeValue(fieldName)}: it must be one of ${Object.keys(ATTRIBUTES).join(', ')} or metrics.<name>.`, fieldName);
  }
  return { attribute, ascending };
}

/** The value a model sorts by: a metric's entry with the latest timestamp (not the highest step). */
function sortValue(model: LoggedModel, key: SortKey): FieldValue {
  if (key.attribute !== undefined) return attributeOf(model, key.attribute);
  const { key: metricKey, datasetName, datasetDigest } = key.metric!;
  let best: LoggedModelMetric | undefined;
  for (const m of model.metrics) {
    if (m.key !== metricKey) continue;
    if (datasetName !== undefined && (m.datasetName !== datasetName || (datasetDigest !== undefined && m.datasetDigest !== datasetDigest))) continue;
    if (best === undefined || m.timestamp > best.timestamp) best = m;
  }
  return best === undefined ? null : best.value;
}

function compareValues(x: FieldValue, y: FieldValue): number {
  if (typeof x === 'string' && typeof y === 'string') return compareCodePoints(x, y);
  return (x as number) - (y as number);
}

/** Sorts by `keys`, then creation time (newest first), then model id; missing values last in both directions. */
function sortModels(models: readonly LoggedModel[], keys: SortKey[]): LoggedModel[] {
  const order = [...keys];
  if (!order.some((k) => k.attribute === 'creation_timestamp')) order.push({ attribute: 'creation_timestamp', ascending: false });
  if (!order.some((k) => k.attribute === 'model_id')) order.push({ attribute: 'model_id', ascending: true });
  const keyed = models.map((model) => ({ model, values: order.map((k) => sortValue(model, k)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const x = a.values[i]!;
      const y = b.values[i]!;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === 'number' && Number.isNaN(x) && typeof y === 'number' && Number.isNaN(y)) continue;
      const c = compareValues(x, y);
      if (c !== 0) return order[i]!.ascending ? c : -c;
    }
    return 0;
  });
  return keyed.map((k) => k.model);
}

/**
 * Searches logged models (§5): keeps the models `filter` selects (AND of clauses on attributes,
 * `params.`, `tags.`, `metrics.`), restricted to models with a metric on one of `datasets` when
 * given; orders them by `orderBy`, then `creation_timestamp` descending, then `model_id`; pages by
 * offset with MLflow's token (default 100 per page). Deleted models are never returned.
 * @throws `INVALID_PARAMETER_VALUE` for a bad filter, order, dataset entry, page token or size
 */
export function searchLoggedModelList(models: Iterable<LoggedModel>, query: SearchLoggedModelsQuery): Page<LoggedModel> {
  const maxResults = checkMaxResults(query.maxResults, 100, MAX_SEARCH_MAX_RESULTS);
  const offset = decodePageToken(query.pageToken);
  const datasets = query.datasets ?? [];
  for (const d of datasets) {
    if (typeof d.datasetName !== 'string' || d.datasetName === '') {
      throw EdgeflowError.invalidParameterValue('Each dataset of a logged model search needs a dataset_name.', { details: { field: 'datasets' } });
    }
  }
  const tests = parseFilterWith(query.filter ?? '', FILTER_GRAMMAR).map((clause) => clauseTest(clause, datasets));
  const keys = (query.orderBy ?? []).map(sortKeyOf);
  const found = [...models].filter(
    (model) =>
      model.lifecycleStage === 'active' &&
      (datasets.length === 0 || model.metrics.some((m) => onDatasets(m, datasets))) &&
      tests.every((test) => test(model)),
  );
  return pageOf(sortModels(found, keys), offset, maxResults);
}
