/**
 * The vocabulary of MLflow search expressions (spec §6): comparators, value kinds and the small
 * per-entity tables ("grammars") that say which identifiers a filter or `order_by` may use.
 *
 * One parser serves every entity kind: runs and experiments here, registered models and model
 * versions later (spec §6.5). A new kind declares an {@link IdentifierGrammar}; it never copies the
 * parser.
 * @module
 */

/** Comparators of MLflow filters, as written in canonical (upper-case) form. */
export const Comparator = {
  EQ: '=',
  NE: '!=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  LIKE: 'LIKE',
  ILIKE: 'ILIKE',
  IN: 'IN',
  NOT_IN: 'NOT IN',
} as const;
/** One MLflow filter comparator. */
export type Comparator = (typeof Comparator)[keyof typeof Comparator];

/** Comparators between numbers. */
export type NumericComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** Comparators between strings (LIKE is case-sensitive, ILIKE is not). */
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
/** Comparators between a string and a list of strings. */
export type ListComparator = 'IN' | 'NOT IN';

/** The numeric comparators, in the order error messages list them. */
export const NUMERIC_COMPARATORS: readonly NumericComparator[] = ['=', '!=', '<', '<=', '>', '>='];
/** The string comparators, in the order error messages list them. */
export const STRING_COMPARATORS: readonly StringComparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
/** String comparators plus `IN` and `NOT IN`. */
export const STRING_AND_LIST_COMPARATORS: readonly Comparator[] = [...STRING_COMPARATORS, 'IN', 'NOT IN'];

/** True for `IN` and `NOT IN`, whose value is a list. */
export function isListComparator(comparator: Comparator): comparator is ListComparator {
  return comparator === 'IN' || comparator === 'NOT IN';
}

/** True for a clause whose comparator is `IN` / `NOT IN` (its value is a string list). */
export function isListClause<C extends { readonly comparator: Comparator }>(
  clause: C,
): clause is Extract<C, { readonly comparator: ListComparator }> {
  return isListComparator(clause.comparator);
}

/**
 * What a value on the right of a comparator must look like:
 * `number` = any numeric literal (float); `integer` = an integer literal (ms timestamps, version
 * numbers); `string` = a single- or double-quoted string (or a list of them for IN / NOT IN).
 */
export type ValueKind = 'number' | 'integer' | 'string';

/** How one identifier may be compared (filters) and sorted (order_by). */
export interface FieldSpec {
  /** Allowed comparators, in the order error messages list them. */
  readonly comparators: readonly Comparator[];
  /** Type of the value; also the sort type in `order_by`. */
  readonly value: ValueKind;
}

/** A family of keyed identifiers reached through a prefix (`metrics.<key>`, `tags.<key>`). */
export interface KeyedFamily<T extends string> {
  /** The clause type it produces (`metric`, `param`, `tag`, `dataset`). */
  readonly type: T;
  /** How error messages name it (`metric`, `param`). */
  readonly label: string;
  readonly field: FieldSpec;
  /** When set, only these keys exist (dataset: `name`, `digest`, `context`). */
  readonly keys?: readonly string[];
}

/** One attribute name (or alias) and the canonical key it stands for. */
export interface AttributeSpec {
  /** Canonical key (`created` → `start_time`). */
  readonly key: string;
  readonly field: FieldSpec;
}

/**
 * Which identifiers an entity kind accepts, in a filter or in `order_by`.
 *
 * Identifiers are `[prefix "."] key`; only the first `.` separates prefix and key, and a key with
 * other characters than letters, digits, `_` and `.` is back-quoted or double-quoted. Without a
 * prefix the key is an attribute. Lookups are own-property lookups, so keys such as `constructor`
 * are safe.
 *
 * @example A registered-model filter grammar (spec §6.5):
 * ```ts
 * const REGISTERED_MODEL_FILTER: IdentifierGrammar<'attribute' | 'tag'> = {
 *   subject: 'registered model filter',
 *   attributeType: 'attribute',
 *   attributePrefixes: ['attribute'],
 *   attributes: { name: { key: 'name', field: { comparators: STRING_COMPARATORS, value: 'string' } } },
 *   families: {
 *     tag: { type: 'tag', label: 'tag', field: { comparators: STRING_COMPARATORS, value: 'string' } },
 *     tags: { type: 'tag', label: 'tag', field: { comparators: STRING_COMPARATORS, value: 'string' } },
 *   },
 * };
 * const clauses = parseFilterWith("name LIKE 'prod-%'", REGISTERED_MODEL_FILTER);
 * ```
 */
export interface IdentifierGrammar<T extends string> {
  /** What is being parsed, for messages: `run filter`, `experiment order_by`. */
  readonly subject: string;
  /** Clause type of attributes (always `attribute` in MLflow). */
  readonly attributeType: T;
  /** Prefixes that name an attribute explicitly (`attributes.status`). */
  readonly attributePrefixes: readonly string[];
  /** Attribute names and aliases usable without a prefix (or after an attribute prefix). */
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /** Keyed families by prefix word (each alias listed). Prefixes are case-sensitive. */
  readonly families: Readonly<Record<string, KeyedFamily<T>>>;
  /** Attribute names that exist but are refused, with the reason shown to the user. */
  readonly refusedAttributes?: Readonly<Record<string, string>>;
  /** Prefixes that exist but are refused here, with the reason shown to the user. */
  readonly refusedPrefixes?: Readonly<Record<string, string>>;
}

/** A parsed filter clause before entity-specific typing. */
export interface ParsedClause<T extends string = string> {
  readonly type: T;
  /** Canonical key (aliases resolved, quotes removed). */
  readonly key: string;
  readonly comparator: Comparator;
  /** A number for `number`/`integer` fields, a string, or a string list for IN / NOT IN. */
  readonly value: number | string | readonly string[];
  /** Offset of the clause in the filter (UTF-16 code units, as `String.prototype.slice`). */
  readonly position: number;
}

/** A parsed `order_by` entry before entity-specific typing. */
export interface ParsedOrderClause<T extends string = string> {
  readonly type: T;
  /** Canonical key (aliases resolved, quotes removed). */
  readonly key: string;
  readonly ascending: boolean;
  /** Sort type of the key. */
  readonly value: ValueKind;
}

/** The own entry `key` of a table, or undefined (safe for `__proto__`, `constructor`, …). */
export function ownEntry<V>(table: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
