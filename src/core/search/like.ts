/**
 * SQL `LIKE` / `ILIKE` patterns (spec §6.1): `%` = any sequence, `_` = any one character,
 * whole-string match, every other character literal (SQL behaviour, not the file store's regex
 * quirk; there is no escape character, as in MLflow's SQLite store). "Character" means code point,
 * as in SQL and Python.
 *
 * Patterns are matched by a wildcard matcher, never compiled to a regular expression: a pattern of
 * 100,000 `_` is refused with a clear error instead of crashing the regex compiler, and matching
 * never backtracks.
 * @module
 */
import { EdgeflowError, describeValue } from '../errors.js';
import { MAX_LIKE_PATTERN_LENGTH } from '../limits.js';

/** Tests a string against a compiled LIKE pattern. */
export type LikeMatcher = (value: string) => boolean;

/** A pattern token that matches any one code point (`_`). */
const ANY_ONE = -1;
const PERCENT = 0x25;
const UNDERSCORE = 0x5f;

/** Why `pattern` cannot be a LIKE pattern, or undefined when it can. */
export function likePatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_LIKE_PATTERN_LENGTH) {
    return `is ${pattern.length} characters long; LIKE and ILIKE patterns may have at most ${MAX_LIKE_PATTERN_LENGTH}`;
  }
  return undefined;
}

const foldCache = new Map<number, number>();

/**
 * The code point ILIKE compares `cp` by: the lower case of its upper case, when both are single
 * code points. Like Python's `re.IGNORECASE` (which MLflow's file store uses), characters with the
 * same upper case match (`ſ` and `s`, `ı` and `i`, `ς` and `σ`); `ß` matches only `ß`, since its
 * upper case is two characters; `İ` matches `i`, the first character of its lower case.
 */
function foldCodePoint(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  let folded = foldCache.get(cp);
  if (folded === undefined) {
    const upper = [...String.fromCodePoint(cp).toUpperCase()];
    const base = upper.length === 1 ? upper[0]! : String.fromCodePoint(cp);
    folded = base.toLowerCase().codePointAt(0)!;
    foldCache.set(cp, folded);
  }
  return folded;
}

function codePointsOf(text: string, fold: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    out.push(fold ? foldCodePoint(cp) : cp);
  }
  return out;
}

/** One `%`-free stretch of a pattern: code points (folded for ILIKE), `_` as {@link ANY_ONE}. */
interface Piece {
  readonly codes: readonly number[];
  /** The piece as a string when it has no `_` (searched with `indexOf`), else undefined. */
  readonly literal: string | undefined;
  /** Index of the first literal BMP character of a piece with `_` (to jump to candidates), or -1. */
  readonly anchor: number;
}

function pieceOf(codes: number[]): Piece {
  const hasAny = codes.includes(ANY_ONE);
  return {
    codes,
    literal: hasAny ? undefined : String.fromCodePoint(...codes),
    anchor: hasAny ? codes.findIndex((code) => code !== ANY_ONE && code <= 0xffff) : -1,
  };
}

/**
 * A value as code points: values without surrogates (almost all) stay strings and are read with
 * `charCodeAt`; others become an array of code points.
 */
type Subject = string | readonly number[];

const SURROGATE = /[\ud800-\udfff]/;

/**
 * `text` as ILIKE compares it. The whole-string case mapping equals {@link foldCodePoint} on each
 * character when it keeps the length (no `ß` → `SS`), once final sigmas are made plain sigmas
 * (whole-string lower-casing writes `ς` at a word end); otherwise each code point is folded.
 */
function foldedSubject(text: string): Subject {
  const folded = text.toUpperCase().toLowerCase();
  if (folded.length !== text.length) return codePointsOf(text, true);
  return folded.includes('ς') ? folded.replaceAll('ς', 'σ') : folded;
}

function subjectOf(text: string, caseInsensitive: boolean): Subject {
  const value = caseInsensitive ? foldedSubject(text) : text;
  return typeof value === 'string' && SURROGATE.test(value) ? codePointsOf(value, false) : value;
}

/** True when `piece` matches `value` at `at` (the caller checked that it fits). */
function matchesAt(piece: Piece, value: Subject, at: number): boolean {
  const codes = piece.codes;
  if (typeof value === 'string') {
    for (let k = 0; k < codes.length; k++) {
      const token = codes[k]!;
      if (token !== ANY_ONE && token !== value.charCodeAt(at + k)) return false;
    }
  } else {
    for (let k = 0; k < codes.length; k++) {
      const token = codes[k]!;
      if (token !== ANY_ONE && token !== value[at + k]) return false;
    }
  }
  return true;
}

/** Leftmost index in `from..last` where `piece` matches, or -1. */
function leftmost(piece: Piece, value: Subject, from: number, last: number): number {
  if (typeof value === 'string' && piece.literal !== undefined) {
    const found = value.indexOf(piece.literal, from);
    return found <= last ? found : -1;
  }
  if (typeof value === 'string' && piece.anchor !== -1) {
    const anchor = String.fromCharCode(piece.codes[piece.anchor]!);
    for (let at = from; at <= last; at++) {
      const hit = value.indexOf(anchor, at + piece.anchor);
      if (hit === -1) return -1;
      at = hit - piece.anchor;
      if (at <= last && matchesAt(piece, value, at)) return at;
    }
    return -1;
  }
  for (let at = from; at <= last; at++) if (matchesAt(piece, value, at)) return at;
  return -1;
}

/**
 * Compiles a LIKE (or, with `caseInsensitive`, ILIKE) pattern to a matcher. The pattern is split
 * at `%` into fixed-length pieces: the first must match at the start, the last at the end, and
 * each one between them is taken at its leftmost place after the previous one (which is always
 * right for `%`/`_` patterns, so nothing is retried). A value of n characters costs at most
 * O(n × pattern length), and usually O(n).
 *
 * @throws `INVALID_PARAMETER_VALUE` when the pattern is longer than {@link MAX_LIKE_PATTERN_LENGTH}.
 * @example
 * ```ts
 * const isCnn = likeToMatcher('cnn-%', true);
 * isCnn('CNN-large') // true
 * likeToMatcher('a.b%', false)('axbcd') // false: '.' is literal
 * ```
 */
export function likeToMatcher(pattern: string, caseInsensitive: boolean): LikeMatcher {
  const problem = likePatternProblem(pattern);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid LIKE pattern ${describeValue(pattern)}: it ${problem}.`, { details: {
      field: 'filter',
      length: pattern.length,
    } });
  }
  const split: number[][] = [[]];
  for (const cp of codePointsOf(pattern, caseInsensitive)) {
    if (cp === PERCENT) split.push([]);
    else split[split.length - 1]!.push(cp === UNDERSCORE ? ANY_ONE : cp);
  }
  const head = pieceOf(split[0]!);
  if (split.length === 1) {
    return (text) => {
      const value = subjectOf(text, caseInsensitive);
      return value.length === head.codes.length && matchesAt(head, value, 0);
    };
  }
  const tail = pieceOf(split[split.length - 1]!);
  const middles = split.slice(1, -1).filter((codes) => codes.length > 0).map(pieceOf);
  return (text) => {
    const value = subjectOf(text, caseInsensitive);
    const tailStart = value.length - tail.codes.length;
    if (tailStart < head.codes.length || !matchesAt(head, value, 0) || !matchesAt(tail, value, tailStart)) return false;
    let at = head.codes.length;
    for (const piece of middles) {
      const found = leftmost(piece, value, at, tailStart - piece.codes.length);
      if (found === -1) return false;
      at = found + piece.codes.length;
    }
    return true;
  };
}
