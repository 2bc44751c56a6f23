/**
 * The one parser of MLflow search expressions (spec §6.1, §6.2): `clause { AND clause }` filters and
 * `<identifier> [ASC|DESC]` order-by entries, checked against an {@link IdentifierGrammar}.
 * @module
 */
import type {
  FieldSpec,
  ValueKind,
  IdentifierGrammar,
  ParsedClause,
  ParsedOrderClause,
} from './grammar.js';
import { Comparator, isListComparator, ownEntry } from './grammar.js';
import type { ErrorDetails } from '../errors.js';
import type { ExpressionField, SyntaxProblem } from './syntax-error.js';
import { expressionError } from './syntax-error.js';
import { likePatternProblem } from './like.js';
import type { Token } from './tokenizer.js';
import { TokenKind, tokenize } from './tokenizer.js';

/** An identifier resolved against a grammar. */
interface ResolvedIdentifier<T extends string> {
  readonly type: T;
  readonly key: string;
  readonly field: FieldSpec;
  /** `param 'model'`, for messages. */
  readonly description: string;
  readonly start: number;
  readonly end: number;
}

const ALL_COMPARATORS: ReadonlySet<string> = new Set(Object.values(Comparator));
const QUOTED_KINDS: ReadonlySet<TokenKind> = new Set([TokenKind.STRING, TokenKind.DQUOTED, TokenKind.BACKQUOTED]);
const KEYWORDS_AT_CLAUSE_START: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT']);

class Cursor {
  readonly #tokens: readonly Token[];
  #index = 0;

  constructor(
    readonly source: string,
    readonly field: ExpressionField,
    readonly extra?: ErrorDetails,
  ) {
    this.#tokens = tokenize(source, field, extra);
  }

  peek(): Token {
    return this.#tokens[this.#index]!;
  }

  next(): Token {
    const token = this.#tokens[this.#index]!;
    if (token.kind !== TokenKind.END) this.#index++;
    return token;
  }

  fail(problem: SyntaxProblem): never {
    throw expressionError(this.field, this.source, problem, this.extra);
  }

  /** Fails at `token`: `<reason>, found '<token>'`. */
  failAt(token: Token, reason: string, expected?: string): never {
    const found = token.kind === TokenKind.END ? `the end of the ${this.what}` : quoteToken(token);
    this.fail({
      position: token.start,
      length: token.end - token.start,
      reason: `${reason}, found ${found}`,
      ...(expected === undefined ? {} : { expected }),
    });
  }

  get what(): string {
    return this.field === 'filter' ? 'filter' : 'order_by clause';
  }
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A token as shown in messages: quoted tokens as written, others in single quotes. */
function quoteToken(token: Token): string {
  const text = shorten(token.text);
  return QUOTED_KINDS.has(token.kind) ? text : `'${text}'`;
}

/** `a run filter`, `an experiment filter`. */
function withArticle(subject: string): string {
  return /^[aeiou]/i.test(subject) ? `an ${subject}` : `a ${subject}`;
}

function oneOf(items: readonly string[]): string {
  return `expected one of ${items.join(', ')}`;
}

function isWord(token: Token, upper: string): boolean {
  return token.kind === TokenKind.WORD && token.text.toUpperCase() === upper;
}

function listAttributes<T extends string>(grammar: IdentifierGrammar<T>): string {
  const keyed: string[] = [];
  const seen = new Set<string>();
  for (const [prefix, family] of Object.entries(grammar.families)) {
    if (!seen.has(family.type)) keyed.push(`${prefix}.<key>`);
    seen.add(family.type);
  }
  return oneOf([...Object.keys(grammar.attributes), ...keyed]);
}

function resolveAttribute<T extends string>(
  cursor: Cursor,
  grammar: IdentifierGrammar<T>,
  name: string,
  start: number,
  end: number,
): ResolvedIdentifier<T> {
  const spec = ownEntry(grammar.attributes, name);
  if (spec !== undefined) {
    const description = `attribute '${spec.key}'`;
    return { type: grammar.attributeType, key: spec.key, field: spec.field, description, start, end };
  }
  const refusal = ownEntry(grammar.refusedAttributes, name);
  const reason =
    refusal === undefined
      ? `Unknown attribute '${name}'`
      : `Attribute '${name}' cannot be used in ${withArticle(grammar.subject)}`;
  return cursor.fail({ position: start, length: end - start, reason, expected: refusal ?? listAttributes(grammar) });
}

function resolvePrefixed<T extends string>(
  cursor: Cursor,
  grammar: IdentifierGrammar<T>,
  prefix: string,
  key: string,
  start: number,
  end: number,
): ResolvedIdentifier<T> {
  if (grammar.attributePrefixes.includes(prefix)) return resolveAttribute(cursor, grammar, key, start, end);
  const family = ownEntry(grammar.families, prefix);
  const position = { position: start, length: end - start };
  if (family === undefined) {
    const refusal = ownEntry(grammar.refusedPrefixes, prefix);
    if (refusal !== undefined) {
      const reason = `'${prefix}' keys cannot be used in ${withArticle(grammar.subject)}`;
      cursor.fail({ ...position, reason, expected: refusal });
    }
    const valid = [...Object.keys(grammar.families), ...grammar.attributePrefixes];
    const lower = prefix.toLowerCase();
    const caseHint = valid.includes(lower) ? ` (prefixes are lower-case: '${lower}')` : '';
    cursor.fail({ ...position, reason: `Unknown prefix '${prefix}'`, expected: `${oneOf(valid)}${caseHint}` });
  }
  if (key === '') cursor.fail({ ...position, reason: `Empty ${family.label} key`, expected: `write ${prefix}.<key>` });
  if (family.keys !== undefined && !family.keys.includes(key)) {
    cursor.fail({ ...position, reason: `Unknown ${family.label} key '${key}'`, expected: oneOf(family.keys) });
  }
  return { type: family.type, key, field: family.field, description: `${family.label} '${key}'`, start, end };
}

/** Reads `[prefix "."] key`, with a back-quoted or double-quoted key allowed after the dot. */
function parseIdentifier<T extends string>(cursor: Cursor, grammar: IdentifierGrammar<T>): ResolvedIdentifier<T> {
  const token = cursor.next();
  if (token.kind === TokenKind.BACKQUOTED || token.kind === TokenKind.DQUOTED) {
    return resolveAttribute(cursor, grammar, token.value, token.start, token.end);
  }
  if (token.kind === TokenKind.LPAREN) {
    cursor.failAt(token, 'Parentheses cannot group clauses', 'combine clauses with AND only');
  }
  if (token.kind !== TokenKind.WORD || KEYWORDS_AT_CLAUSE_START.has(token.text.toUpperCase())) {
    cursor.failAt(token, 'Expected an identifier (metrics.<key>, params.<key>, tags.<key> or an attribute)');
  }
  const dot = token.text.indexOf('.');
  if (dot < 0) return resolveAttribute(cursor, grammar, token.text, token.start, token.end);
  const prefix = token.text.slice(0, dot);
  let key = token.text.slice(dot + 1);
  let end = token.end;
  if (key === '') {
    const quoted = cursor.peek();
    if ((quoted.kind === TokenKind.BACKQUOTED || quoted.kind === TokenKind.DQUOTED) && quoted.start === token.end) {
      cursor.next();
      key = quoted.value;
      end = quoted.end;
    } else {
      cursor.fail({
        position: token.start,
        length: token.end - token.start,
        reason: `Missing key after '${token.text}'`,
        expected: `write ${prefix}.<key>, or ${prefix}.\`<key>\` for keys with other characters`,
      });
    }
  }
  return resolvePrefixed(cursor, grammar, prefix, key, token.start, end);
}

function parseComparator(cursor: Cursor, id: ResolvedIdentifier<string>): Comparator {
  const token = cursor.next();
  let comparator: string;
  if (token.kind === TokenKind.OPERATOR) comparator = token.text;
  else if (isWord(token, 'NOT')) {
    const next = cursor.next();
    if (!isWord(next, 'IN')) {
      cursor.failAt(next, `Expected IN after NOT for ${id.description}`, 'NOT is only allowed in NOT IN');
    }
    comparator = 'NOT IN';
  } else if (token.kind === TokenKind.WORD) comparator = token.text.toUpperCase();
  else cursor.failAt(token, `Expected a comparator after ${id.description}`, oneOf(id.field.comparators));
  if (!(id.field.comparators as readonly string[]).includes(comparator)) {
    const isComparator = token.kind === TokenKind.OPERATOR || ALL_COMPARATORS.has(comparator);
    cursor.fail({
      position: token.start,
      length: token.end - token.start,
      reason: isComparator
        ? `Invalid comparator '${comparator}' for ${id.description}`
        : `Expected a comparator after ${id.description}, found ${quoteToken(token)}`,
      expected: oneOf(id.field.comparators),
    });
  }
  return comparator as Comparator;
}

function parseList(cursor: Cursor, id: ResolvedIdentifier<string>, comparator: Comparator): string[] {
  const open = cursor.next();
  if (open.kind !== TokenKind.LPAREN) {
    cursor.failAt(open, `Expected a list after ${comparator} for ${id.description}`, "write ('a', 'b')");
  }
  const items: string[] = [];
  for (;;) {
    const item = cursor.next();
    if (item.kind === TokenKind.RPAREN && items.length > 0) return items;
    if (item.kind !== TokenKind.STRING && item.kind !== TokenKind.DQUOTED) {
      cursor.failAt(item, `Expected a quoted string in the list for ${id.description}`, "write ('a', 'b')");
    }
    items.push(item.value);
    const separator = cursor.next();
    if (separator.kind === TokenKind.RPAREN) return items;
    if (separator.kind !== TokenKind.COMMA) {
      cursor.failAt(separator, "Expected ',' or ')' in the list", "write ('a', 'b')");
    }
  }
}

function parseScalar(cursor: Cursor, id: ResolvedIdentifier<string>, comparator: Comparator): number | string {
  const token = cursor.next();
  const kind = id.field.value;
  if (kind === 'number' && token.kind === TokenKind.NUMBER) return Number(token.text);
  if (kind === 'integer' && token.kind === TokenKind.NUMBER && /^[+-]?\d+$/.test(token.text)) {
    const value = Number(token.text);
    if (Number.isSafeInteger(value)) return value;
  }
  if (kind === 'string' && (token.kind === TokenKind.STRING || token.kind === TokenKind.DQUOTED)) {
    const problem = comparator === 'LIKE' || comparator === 'ILIKE' ? likePatternProblem(token.value) : undefined;
    if (problem !== undefined) cursor.fail({ position: token.start, length: token.end - token.start, reason: `The ${comparator} pattern for ${id.description} ${problem}` });
    return token.value;
  }
  const expected = valueHint(token, kind);
  if (token.kind === TokenKind.END) {
    const reason = `Missing value after '${comparator}' for ${id.description}`;
    return cursor.fail({ position: token.start, length: 0, reason, expected });
  }
  if (token.kind === TokenKind.LPAREN) {
    return cursor.failAt(token, `A list needs IN or NOT IN for ${id.description}`, oneOf(id.field.comparators));
  }
  return cursor.failAt(token, `Expected ${VALUE_NAMES[kind]} for ${id.description}`, expected);
}

const VALUE_NAMES: Readonly<Record<ValueKind, string>> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a quoted string',
};

const VALUE_EXAMPLES: Readonly<Record<ValueKind, string>> = {
  number: 'a number such as 0.5, -2 or 1e-3',
  integer: 'an integer such as 1764000000000 (ms)',
  string: "a quoted string such as 'value'",
};

function valueHint(token: Token, kind: ValueKind): string {
  const wanted = `expected ${VALUE_EXAMPLES[kind]}`;
  if (kind === 'string' && token.kind === TokenKind.NUMBER) return `${wanted}; quote it: '${token.text}'`;
  if (kind !== 'string' && (token.kind === TokenKind.STRING || token.kind === TokenKind.DQUOTED)) {
    return `${wanted}, without quotes`;
  }
  return wanted;
}

function parseClause<T extends string>(cursor: Cursor, grammar: IdentifierGrammar<T>): ParsedClause<T> {
  const id = parseIdentifier(cursor, grammar);
  const comparator = parseComparator(cursor, id);
  const value = isListComparator(comparator) ? parseList(cursor, id, comparator) : parseScalar(cursor, id, comparator);
  return { type: id.type, key: id.key, comparator, value, position: id.start };
}

/**
 * Parses a filter (`clause { AND clause }`, AND case-insensitive) against a grammar. An empty or
 * blank filter has no clauses.
 * @throws `INVALID_PARAMETER_VALUE` naming the problem and its position (`details.position`).
 */
export function parseFilterWith<T extends string>(filter: string, grammar: IdentifierGrammar<T>): ParsedClause<T>[] {
  const cursor = new Cursor(filter, 'filter');
  const clauses: ParsedClause<T>[] = [];
  if (cursor.peek().kind === TokenKind.END) return clauses;
  for (;;) {
    clauses.push(parseClause(cursor, grammar));
    const token = cursor.next();
    if (token.kind === TokenKind.END) return clauses;
    if (isWord(token, 'AND')) continue;
    if (isWord(token, 'OR')) cursor.failAt(token, 'OR is not supported', 'combine clauses with AND only');
    if (token.kind === TokenKind.SEMICOLON) cursor.failAt(token, 'Only one expression is allowed', "remove the ';'");
    cursor.failAt(token, 'Expected AND or the end of the filter after a clause');
  }
}

/**
 * Parses one `order_by` entry, `<identifier> [ASC|DESC]` (direction case-insensitive, default ASC),
 * against a grammar. Anything after the direction (`NULLS LAST`) is an error.
 * @param index Position of the entry in its `order_by` list, reported as `details.index`.
 * @throws `INVALID_PARAMETER_VALUE` naming the problem and its position (`details.position`).
 */
export function parseOrderClauseWith<T extends string>(
  clause: string,
  grammar: IdentifierGrammar<T>,
  index?: number,
): ParsedOrderClause<T> {
  const cursor = new Cursor(clause, 'order_by', index === undefined ? undefined : { index });
  if (cursor.peek().kind === TokenKind.END) {
    cursor.fail({ position: 0, length: 0, reason: 'Empty order_by clause', expected: 'write <identifier> [ASC|DESC]' });
  }
  const id = parseIdentifier(cursor, grammar);
  let ascending = true;
  const direction = cursor.next();
  if (isWord(direction, 'DESC')) ascending = false;
  else if (!isWord(direction, 'ASC') && direction.kind !== TokenKind.END) {
    cursor.failAt(direction, `Expected ASC or DESC after ${id.description}`);
  }
  const rest = cursor.next();
  if (rest.kind !== TokenKind.END) {
    cursor.failAt(rest, 'Expected the end of the order_by clause', 'write <identifier> [ASC|DESC]');
  }
  return { type: id.type, key: id.key, ascending, value: id.field.value };
}
