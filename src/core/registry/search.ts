/**
 * Registry search (spec §6.5): filter grammars for registered models and model versions, their
 * ordering and paging — on the shared parser, with one table per entity kind.
 * @module
 */
import { hasKey, type Page } from '../entities.js';
import type { IdentifierGrammar, ParsedClause, ParsedOrderClause, FieldSpec, KeyedFamily } from '../search/index.js';
import {
  NUMERIC_COMPARATORS,
  STRING_AND_LIST_COMPARATORS,
  STRING_COMPARATORS,
  checkMaxResults,
  compareCodePoints,
  decodePageToken,
  likeToMatcher,
  pageOf,
  parseFilterWith,
  parseOrderClauseWith,
} from '../search/index.js';
import type { ModelVersion, RegisteredModel } from './entities.js';

const STRING: FieldSpec = { comparators: STRING_COMPARATORS, value: 'string' };
const STRING_OR_LIST: FieldSpec = { comparators: STRING_AND_LIST_COMPARATORS, value: 'string' };
const INTEGER: FieldSpec = { comparators: NUMERIC_COMPARATORS, value: 'integer' };
const TIME: FieldSpec = { comparators: NUMERIC_COMPARATORS, value: 'integer' };
const TAG: KeyedFamily<'tag'> = { type: 'tag', label: 'tag', field: STRING };
/** Time attributes both registry entities are ordered by (`timestamp` is MLflow's alias). */
const TIMESTAMPS = {
  creation_timestamp: { key: 'creation_timestamp', field: TIME },
  timestamp: { key: 'creation_timestamp', field: TIME },
  last_updated_timestamp: { key: 'last_updated_timestamp', field: TIME },
} as const;

type RegistryClauseType = 'attribute' | 'tag';

/** The tag MLflow marks prompts with (prompts live in the registry as models). */
const PROMPT_TAG = 'mlflow.prompt.is_prompt';

const MODEL_FILTER: IdentifierGrammar<RegistryClauseType> = {
  subject: 'registered model filter',
  attributeType: 'attribute',
  attributePrefixes: ['attribute', 'attributes'],
  attributes: { name: { key: 'name', field: STRING } },
  families: { tag: TAG, tags: TAG },
};

const MODEL_ORDER: IdentifierGrammar<'attribute'> = {
  subject: 'registered model order_by',
  attributeType: 'attribute',
  attributePrefixes: ['attribute', 'attributes'],
  attributes: { name: { key: 'name', field: STRING }, ...TIMESTAMPS },
  families: {},
};

const VERSION_FILTER: IdentifierGrammar<RegistryClauseType> = {
  subject: 'model version filter',
  attributeType: 'attribute',
  attributePrefixes: ['attribute', 'attributes'],
  attributes: {
    name: { key: 'name', field: STRING_OR_LIST },
    run_id: { key: 'run_id', field: STRING_OR_LIST },
    source_path: { key: 'source', field: STRING_OR_LIST },
    version_number: { key: 'version_number', field: INTEGER },
  },
  families: { tag: TAG, tags: TAG },
};

const VERSION_ORDER: IdentifierGrammar<'attribute'> = {
  subject: 'model version order_by',
  attributeType: 'attribute',
  attributePrefixes: ['attribute', 'attributes'],
  attributes: { name: { key: 'name', field: STRING }, version_number: { key: 'version_number', field: INTEGER }, ...TIMESTAMPS },
  families: {},
};

/** A registry search. */
export interface RegistrySearchQuery {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

type Fields = (key: string) => string | number | null;

function clauseTest<T>(
  clause: ParsedClause<RegistryClauseType>,
  fields: (item: T) => Fields,
  tagsOf: (item: T) => Record<string, string>,
): (item: T) => boolean {
  const { key, comparator, value } = clause;
  let test: (x: string | number) => boolean;
  switch (comparator) {
    case '=':
      test = (x) => x === value;
      break;
    case '!=':
      test = (x) => x !== value;
      break;
    case '<':
      test = (x) => typeof x === 'number' && x < (value as number);
      break;
    case '<=':
      test = (x) => typeof x === 'number' && x <= (value as number);
      break;
    case '>':
      test = (x) => typeof x === 'number' && x > (value as number);
      break;
    case '>=':
      test = (x) => typeof x === 'number' && x >= (value as number);
      break;
    case 'LIKE':
    case 'ILIKE': {
      const match = likeToMatcher(value as string, comparator === 'ILIKE');
      test = (x) => typeof x === 'string' && match(x);
      break;
    }
    case 'IN':
    case 'NOT IN': {
      const set = new Set(value as readonly string[]);
      const wanted = comparator === 'IN';
      test = (x) => set.has(String(x)) === wanted;
      break;
    }
    default: {
      const unreachable: never = comparator;
      return unreachable;
    }
  }
  if (clause.type === 'tag') {
    const missingMatches = key === PROMPT_TAG && selectsNonPrompts(clause);
    return (item) => {
      const tags = tagsOf(item);
      return hasKey(tags, key) ? test(tags[key]!) : missingMatches;
    };
  }
  return (item) => {
    const field = fields(item)(key);
    return field !== null && test(field);
  };
}

function sortBy<T>(items: T[], order: readonly ParsedOrderClause[], fields: (item: T) => Fields): T[] {
  const keyed = items.map((item) => ({ item, get: fields(item) }));
  keyed.sort((a, b) => {
    for (const clause of order) {
      const x = a.get(clause.key);
      const y = b.get(clause.key);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === 'string' && typeof y === 'string' ? compareCodePoints(x, y) : (x as number) - (y as number);
      if (c !== 0) return clause.ascending ? c : -c;
    }
    return 0;
  });
  return keyed.map((k) => k.item);
}

function isPrompt(tags: Record<string, string>): boolean {
  return hasKey(tags, PROMPT_TAG) && tags[PROMPT_TAG]!.toLowerCase() === 'true';
}

/** `= 'false'` / `!= 'true'` on the prompt tag: MLflow counts a model without the tag as a match. */
function selectsNonPrompts(clause: ParsedClause<RegistryClauseType>): boolean {
  const value = typeof clause.value === 'string' ? clause.value.toLowerCase() : null;
  return (clause.comparator === '=' && value === 'false') || (clause.comparator === '!=' && value === 'true');
}

/** `= 'true'` / `!= 'false'` on the prompt tag asks for prompts, which are hidden otherwise. */
function asksForPrompts(clauses: readonly ParsedClause<RegistryClauseType>[]): boolean {
  const first = clauses.find((c) => c.type === 'tag' && c.key === PROMPT_TAG);
  if (first === undefined || typeof first.value !== 'string') return false;
  const value = first.value.toLowerCase();
  return (first.comparator === '=' && value === 'true') || (first.comparator === '!=' && value === 'false');
}

/** Keeps what a parsed filter selects; prompts only when the filter asks for them (MLflow's rule). */
function filterWith<T>(items: Iterable<T>, clauses: readonly ParsedClause<RegistryClauseType>[], tests: readonly ((item: T) => boolean)[], tagsOf: (item: T) => Record<string, string>): T[] {
  const withPrompts = asksForPrompts(clauses);
  return [...items].filter((item) => (withPrompts || !isPrompt(tagsOf(item))) && tests.every((t) => t(item)));
}

function modelFields(model: RegisteredModel): Fields {
  return (key) =>
    key === 'name' ? model.name : key === 'creation_timestamp' ? model.creationTimestamp : key === 'last_updated_timestamp' ? model.lastUpdatedTimestamp : null;
}

function versionFields(version: ModelVersion): Fields {
  return (key) => {
    switch (key) {
      case 'name':
        return version.name;
      case 'run_id':
        return version.runId;
      case 'source':
        return version.source;
      case 'version_number':
        return version.version;
      case 'creation_timestamp':
        return version.creationTimestamp;
      case 'last_updated_timestamp':
        return version.lastUpdatedTimestamp;
      default:
        return null;
    }
  };
}

/**
 * Searches registered models: filter on `name` and `tags.<key>`; order by `name`,
 * `creation_timestamp`, `last_updated_timestamp` (`name ASC` breaks ties); default 100 per page,
 * at most 1000. Prompts (tag `mlflow.prompt.is_prompt = true`) are hidden unless the filter asks
 * for them (`tags.mlflow.prompt.is_prompt = 'true'`); a model without that tag matches
 * `!= 'true'` and `= 'false'` on it. Any other missing tag matches no clause, as in MLflow.
 */
export function searchRegisteredModelList(models: Iterable<RegisteredModel>, query: RegistrySearchQuery): Page<RegisteredModel> {
  const maxResults = checkMaxResults(query.maxResults, 100, 1000);
  const offset = decodePageToken(query.pageToken);
  const clauses = parseFilterWith(query.filter ?? '', MODEL_FILTER);
  const tests = clauses.map((c) => clauseTest(c, modelFields, (m: RegisteredModel) => m.tags));
  const order: ParsedOrderClause[] = (query.orderBy ?? []).map((entry, index) => parseOrderClauseWith(entry, MODEL_ORDER, index));
  if (!order.some((o) => o.key === 'name')) order.push({ type: 'attribute', key: 'name', ascending: true, value: 'string' });
  const found = filterWith(models, clauses, tests, (m) => m.tags);
  return pageOf(sortBy(found, order, modelFields), offset, maxResults);
}

/**
 * Searches model versions: filter on `name`, `run_id` (also IN), `source_path`, `version_number`,
 * `tags.<key>`; order by `name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`
 * (default `last_updated_timestamp DESC, name ASC, version_number DESC`); at most 200,000 per page
 * (default 10,000). Deleted versions are never returned; prompts as in {@link searchRegisteredModelList}.
 */
export function searchModelVersionList(versions: Iterable<ModelVersion>, query: RegistrySearchQuery): Page<ModelVersion> {
  const maxResults = checkMaxResults(query.maxResults, 10_000, 200_000);
  const offset = decodePageToken(query.pageToken);
  const clauses = parseFilterWith(query.filter ?? '', VERSION_FILTER);
  const tests = clauses.map((c) => clauseTest(c, versionFields, (v: ModelVersion) => v.tags));
  const order: ParsedOrderClause[] = (query.orderBy ?? []).map((entry, index) => parseOrderClauseWith(entry, VERSION_ORDER, index));
  const defaults: ParsedOrderClause[] = [
    { type: 'attribute', key: 'last_updated_timestamp', ascending: false, value: 'integer' },
    { type: 'attribute', key: 'name', ascending: true, value: 'string' },
    { type: 'attribute', key: 'version_number', ascending: false, value: 'integer' },
  ];
  for (const clause of defaults) if (!order.some((o) => o.key === clause.key)) order.push(clause);
  const found = filterWith(versions, clauses, tests, (v) => v.tags);
  return pageOf(sortBy(found, order, versionFields), offset, maxResults);
}
