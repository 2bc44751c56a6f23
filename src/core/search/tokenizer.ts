/**
 * Splits a search expression into tokens, the way MLflow's SQL tokenizer (sqlparse) sees them.
 * @module
 */
import type { EdgeflowError, ErrorDetails } from '../errors.js';
import type { ExpressionField } from './syntax-error.js';
import { ownEntry } from './grammar.js';
import { expressionError } from './syntax-error.js';

/** Kinds of tokens. */
export const TokenKind = {
  /** A bare name, dots included: `tags.mlflow.user`, `AND`, `like`. */
  WORD: 'word',
  NUMBER: 'number',
  /** `'single-quoted'`: a string value. */
  STRING: 'string',
  /** `"double-quoted"`: a string value or a quoted key. */
  DQUOTED: 'dquoted',
  /** `` `back-quoted` ``: a quoted key. */
  BACKQUOTED: 'backquoted',
  /** A run of `< > = ! ~`; whether it is a comparator is the parser's business. */
  OPERATOR: 'operator',
  LPAREN: '(',
  RPAREN: ')',
  COMMA: ',',
  SEMICOLON: ';',
  END: 'end',
} as const;
/** One {@link TokenKind}. */
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** A token and where it is. */
export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** Quoted kinds: the text between the quotes, taken literally (no escapes). Others: `text`. */
  readonly value: string;
  /** Offset of the first character (UTF-16 code units). */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
}

const WHITESPACE = /\s+/uy;
const WORD = /[\p{L}_][\p{L}\p{N}_.]*/uy;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME_CHAR = /[\p{L}\p{N}_.]/u;
// As sqlparse: a doubled quote or a backslash-quote does not end the string, and is kept as is.
const QUOTED: Readonly<Record<string, { pattern: RegExp; kind: TokenKind }>> = {
  "'": { pattern: /'(?:''|\\'|[^'])*'/y, kind: TokenKind.STRING },
  '"': { pattern: /"(?:""|\\"|[^"])*"/y, kind: TokenKind.DQUOTED },
  '`': { pattern: /`(?:``|[^`])*`/y, kind: TokenKind.BACKQUOTED },
};
const OPERATOR = /[<>=!~]+/y;
const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  '(': TokenKind.LPAREN,
  ')': TokenKind.RPAREN,
  ',': TokenKind.COMMA,
  ';': TokenKind.SEMICOLON,
};

function matchAt(pattern: RegExp, source: string, at: number): string | undefined {
  pattern.lastIndex = at;
  const m = pattern.exec(source);
  return m === null ? undefined : m[0];
}

/** Where the tokenizer is: the expression, the offset, and the token before. */
interface Scan {
  readonly source: string;
  readonly at: number;
  readonly previous: Token | undefined;
  readonly field: ExpressionField;
  readonly extra: ErrorDetails | undefined;
}

function token(kind: TokenKind, text: string, start: number, value = text): Token {
  return { kind, text, value, start, end: start + text.length };
}

function readQuoted(scan: Scan, quote: string): Token | undefined {
  const spec = ownEntry(QUOTED, quote);
  if (spec === undefined) return undefined;
  const { source, at } = scan;
  const text = matchAt(spec.pattern, source, at);
  if (text === undefined) {
    throw expressionError(
      scan.field,
      source,
      {
        position: at,
        length: source.length - at,
        reason: `Unterminated quoted text starting with ${quote}`,
        expected: `close it with a matching ${quote}`,
      },
      scan.extra,
    );
  }
  return token(spec.kind, text, at, text.slice(1, -1));
}

function readNumber(scan: Scan): Token | undefined {
  const { source, at, previous } = scan;
  const text = matchAt(NUMBER, source, at);
  if (text === undefined) return undefined;
  if (/^[+-]/.test(text) && previous?.kind === TokenKind.WORD && previous.end === at) {
    throw unexpectedCharacter(scan); // `metrics.val-1`: part of a key, not a number
  }
  const after = source[at + text.length];
  if (after !== undefined && NAME_CHAR.test(after)) {
    throw expressionError(
      scan.field,
      source,
      {
        position: at,
        length: text.length + 1,
        reason: `Malformed number '${source.slice(at, at + text.length + 1)}'`,
        expected: 'numbers look like 3, -0.5 or 1e-3; quote keys that start with a digit',
      },
      scan.extra,
    );
  }
  return token(TokenKind.NUMBER, text, at);
}

function readToken(scan: Scan): Token {
  const { source, at } = scan;
  const ch = source[at]!;
  const quoted = readQuoted(scan, ch);
  if (quoted !== undefined) return quoted;
  const number = readNumber(scan);
  if (number !== undefined) return number;
  const word = matchAt(WORD, source, at);
  if (word !== undefined) return token(TokenKind.WORD, word, at);
  const operator = matchAt(OPERATOR, source, at);
  if (operator !== undefined) return token(TokenKind.OPERATOR, operator, at);
  const punctuation = ownEntry(PUNCTUATION, ch);
  if (punctuation !== undefined) return token(punctuation, ch, at);
  throw unexpectedCharacter(scan);
}

/**
 * Tokenizes `source`; the last token is always `END`.
 * @param field Which request field the expression came from, for error messages.
 * @param extra Extra error details (e.g. the `index` of an order_by entry).
 * @throws `INVALID_PARAMETER_VALUE` for an unterminated quote, a malformed number or a character
 * that has no place in a search expression.
 */
export function tokenize(source: string, field: ExpressionField, extra?: ErrorDetails): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const space = matchAt(WHITESPACE, source, at);
    if (space !== undefined) {
      at += space.length;
      continue;
    }
    const next = readToken({ source, at, previous: tokens[tokens.length - 1], field, extra });
    tokens.push(next);
    at = next.end;
  }
  tokens.push(token(TokenKind.END, '', source.length));
  return tokens;
}

function unexpectedCharacter(scan: Scan): EdgeflowError {
  const { source, at, previous } = scan;
  const ch = String.fromCodePoint(source.codePointAt(at)!);
  // `metrics.val-loss`: suggest back-quoting the key the user is typing.
  const dot = previous?.kind === TokenKind.WORD && previous.end === at ? previous.text.indexOf('.') : -1;
  let expected: string | undefined;
  if (previous !== undefined && dot > 0) {
    const rest = /^[^\s<>=!~()',;]*/u.exec(source.slice(previous.start + dot + 1))![0];
    const example = `${previous.text.slice(0, dot)}.\`${rest}\``;
    expected = `keys with characters other than letters, digits, '_' and '.' must be back-quoted, e.g. ${example}`;
  }
  const problem = { position: at, length: ch.length, reason: `Unexpected character '${ch}'` };
  return expressionError(scan.field, source, expected === undefined ? problem : { ...problem, expected }, scan.extra);
}
