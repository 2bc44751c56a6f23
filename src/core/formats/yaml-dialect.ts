/**
 * The YAML dialect MLflow writes (spec §1.9): an emitter that reproduces PyYAML 6
 * `safe_dump(data, default_flow_style=False, sort_keys=True, allow_unicode=…)` byte for byte, and a
 * reader built on `yaml` with YAML 1.1 semantics.
 *
 * The emitter is a port of the parts of PyYAML's `Emitter` that block-style documents use: scalar
 * analysis and style choice (plain, single-quoted, double-quoted), implicit-type resolution (a
 * string that would read back as a bool, int, float, null, timestamp, `<<` or `=` is quoted),
 * folding at width 80, indentation of nested mappings and of sequences inside mappings, empty
 * collections in flow style, and complex (`? `) keys for keys PyYAML cannot write as simple keys.
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { EdgeflowError, describeValue } from '../errors.js';
import { compareCodePoints } from '../strings.js';
import { formatYamlFloat } from './float-text.js';

/** Marks a number that Python holds as a `float`, so `5` is written `5.0` (plain numbers that are integers are written as ints). */
export class YamlFloat {
  constructor(readonly value: number) {}
}

/** Wraps `value` as a Python float for {@link dumpYaml}. */
export function yamlFloat(value: number): YamlFloat {
  return new YamlFloat(value);
}

/**
 * A value {@link dumpYaml} can write. Numbers that are safe integers are written as ints, other
 * numbers (and {@link YamlFloat}) as floats; `bigint` as ints; `undefined` is not allowed.
 */
export type YamlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | YamlFloat
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue };

/** Options of {@link dumpYaml}. */
export interface DumpYamlOptions {
  /**
   * Write non-ASCII characters literally (MLflow's `meta.yaml` files). When false, strings holding
   * them are double-quoted with `\xNN`/`\uNNNN`/`\UNNNNNNNN` escapes (the `MLmodel` file).
   * Default true.
   */
  readonly allowUnicode?: boolean;
  /** Sort mapping keys by code point, as `sort_keys=True` does. Default true. */
  readonly sortKeys?: boolean;
}

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const LINE_BREAKS = '\n\u0085\u2028\u2029';
const WHITESPACE_OR_END = '\0 \t\r\n\u0085\u2028\u2029';

// PyYAML's implicit resolvers for YAML 1.1 (resolver.py); a string matching one is quoted.
const IMPLICIT_RESOLVERS: readonly RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/u,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/u,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/u,
  /^(?:<<)$/u,
  /^(?:~|null|Null|NULL|)$/u,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/u,
  /^(?:=)$/u,
];

/**
 * True when PyYAML would read the plain scalar `text` back as something other than a string.
 * Like Python's `re.match(...$)`, a single trailing newline is tolerated by `$`.
 */
function resolvesToNonString(text: string): boolean {
  const candidate = text.endsWith('\n') ? text.slice(0, -1) : text;
  return IMPLICIT_RESOLVERS.some((re) => re.test(text) || (candidate !== text && re.test(candidate)));
}

const ESCAPE_REPLACEMENTS: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00A0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

interface ScalarAnalysis {
  readonly empty: boolean;
  readonly multiline: boolean;
  readonly allowFlowPlain: boolean;
  readonly allowBlockPlain: boolean;
  readonly allowSingleQuoted: boolean;
}

function isPrintableUnicode(cp: number): boolean {
  return (
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp < 0x10ffff)
  ) && cp !== 0xfeff;
}

/** PyYAML `Emitter.analyze_scalar` over code points. */
function analyzeScalar(chars: readonly string[], allowUnicode: boolean): ScalarAnalysis {
  if (chars.length === 0) {
    return { empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  const text = chars.join('');
  if (text.startsWith('---') || text.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || WHITESPACE_OR_END.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index]!;
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (LINE_BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      if (isPrintableUnicode(cp)) {
        if (!allowUnicode) specialCharacters = true;
      } else {
        specialCharacters = true;
      }
    }
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (LINE_BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = WHITESPACE_OR_END.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || WHITESPACE_OR_END.includes(chars[index + 2]!);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowFlowPlain = allowBlockPlain = false;
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || specialCharacters) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, '0');
}

/** One scalar ready to emit: its text and the tag PyYAML would give it. */
interface ScalarEvent {
  readonly kind: 'scalar';
  readonly text: string;
  /** False for strings that would resolve to another type when plain (they get quoted). */
  readonly plainImplicit: boolean;
}

/** The emitter state of PyYAML's `Emitter`, kept to what block documents need. */
class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent: number | null = null;
  private readonly indents: (number | null)[] = [];
  private flowLevel = 0;
  private mappingContext = false;
  private simpleKeyContext = false;

  constructor(
    private readonly allowUnicode: boolean,
    private readonly sortKeys: boolean,
  ) {}

  result(): string {
    return this.out;
  }

  document(value: YamlValue): void {
    this.node(value, false, false);
    this.writeIndent();
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  private write(data: string, columns: number): void {
    this.out += data;
    this.column += columns;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data, data.length);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column), indent - this.column);
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }

  private toScalar(value: YamlValue): ScalarEvent | undefined {
    if (value === null) return { kind: 'scalar', text: 'null', plainImplicit: true };
    if (typeof value === 'boolean') return { kind: 'scalar', text: value ? 'true' : 'false', plainImplicit: true };
    if (typeof value === 'bigint') return { kind: 'scalar', text: value.toString(), plainImplicit: true };
    if (typeof value === 'number') {
      const text = Number.isSafeInteger(value) ? String(value) : formatYamlFloat(value);
      return { kind: 'scalar', text, plainImplicit: true };
    }
    if (value instanceof YamlFloat) return { kind: 'scalar', text: formatYamlFloat(value.value), plainImplicit: true };
    if (typeof value === 'string') return { kind: 'scalar', text: value, plainImplicit: !resolvesToNonString(value) };
    return undefined;
  }

  private node(value: YamlValue, sequenceContext: boolean, mappingContext: boolean, simpleKey = false): void {
    void sequenceContext;
    this.mappingContext = mappingContext;
    this.simpleKeyContext = simpleKey;
    const scalar = this.toScalar(value);
    if (scalar) {
      this.increaseIndent(true);
      this.scalar(scalar);
      this.popIndent();
      return;
    }
    if (Array.isArray(value)) {
      const items = value as readonly YamlValue[];
      if (this.flowLevel > 0 || items.length === 0) this.flowSequence(items);
      else this.blockSequence(items);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      const record = value as { readonly [key: string]: YamlValue };
      const keys = Object.keys(record);
      if (this.sortKeys) keys.sort(compareCodePoints);
      if (this.flowLevel > 0 || keys.length === 0) this.flowMapping(record, keys);
      else this.blockMapping(record, keys);
      return;
    }
    throw EdgeflowError.invalidParameterValue(`Cannot write ${typeof value} as YAML.`);
  }

  private flowSequence(items: readonly YamlValue[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    if (items.length > 0) throw EdgeflowError.invalidParameterValue('Non-empty flow sequences are not part of the dialect.');
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator(']', false);
  }

  private flowMapping(record: { readonly [key: string]: YamlValue }, keys: readonly string[]): void {
    void record;
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    if (keys.length > 0) throw EdgeflowError.invalidParameterValue('Non-empty flow mappings are not part of the dialect.');
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator('}', false);
  }

  private blockSequence(items: readonly YamlValue[]): void {
    const indentless = this.mappingContext && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, true, false);
    }
    this.popIndent();
  }

  private blockMapping(record: { readonly [key: string]: YamlValue }, keys: readonly string[]): void {
    this.increaseIndent(false);
    for (const key of keys) {
      this.writeIndent();
      const keyEvent = this.toScalar(key)!;
      if (this.isSimpleKey(keyEvent)) {
        this.node(key, false, true, true);
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, false, true);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(record[key]!, false, true);
    }
    this.popIndent();
  }

  /** PyYAML `check_simple_key`: the prepared tag `!!str` (5 chars) counts towards the 128 limit. */
  private isSimpleKey(key: ScalarEvent): boolean {
    const chars = Array.from(key.text);
    const analysis = analyzeScalar(chars, this.allowUnicode);
    return 5 + chars.length < 128 && !analysis.empty && !analysis.multiline;
  }

  private scalar(event: ScalarEvent): void {
    const chars = Array.from(event.text);
    const analysis = analyzeScalar(chars, this.allowUnicode);
    const split = !this.simpleKeyContext;
    let style: 'plain' | 'single' | 'double' = 'double';
    if (
      event.plainImplicit &&
      !(this.simpleKeyContext && (analysis.empty || analysis.multiline)) &&
      ((this.flowLevel > 0 && analysis.allowFlowPlain) || (this.flowLevel === 0 && analysis.allowBlockPlain))
    ) {
      style = 'plain';
    } else if (analysis.allowSingleQuoted && !(this.simpleKeyContext && analysis.multiline)) {
      style = 'single';
    }
    if (style === 'plain') this.writePlain(chars, split);
    else if (style === 'single') this.writeSingleQuoted(chars, split);
    else this.writeDoubleQuoted(chars, split);
  }

  private writePlain(chars: readonly string[], split: boolean): void {
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ', 1);
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(chars.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (ch === undefined || ' \n\u0085\u2028\u2029'.includes(ch)) {
        this.write(chars.slice(start, end).join(''), end - start);
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  private writeSingleQuoted(chars: readonly string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else {
            this.write(chars.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !LINE_BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) {
            this.writeLineBreak(br === '\n' ? '\n' : br);
          }
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ' \n\u0085\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''", 2);
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = LINE_BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(chars: readonly string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : undefined;
      const cp = ch === undefined ? -1 : ch.codePointAt(0)!;
      if (
        ch === undefined ||
        '"\\\u0085\u2028\u2029\uFEFF'.includes(ch) ||
        !((cp >= 0x20 && cp <= 0x7e) || (this.allowUnicode && ((cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd))))
      ) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
        if (ch !== undefined) {
          const replacement = ESCAPE_REPLACEMENTS[ch];
          let data: string;
          if (replacement !== undefined) data = `\\${replacement}`;
          else if (cp <= 0xff) data = `\\x${hex(cp, 2)}`;
          else if (cp <= 0xffff) data = `\\u${hex(cp, 4)}`;
          else data = `\\U${hex(cp, 8)}`;
          this.write(data, data.length);
          start = end + 1;
        }
      }
      if (0 < end && end < chars.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const segment = chars.slice(start, end);
        if (start < end) start = end;
        this.write(`${segment.join('')}\\`, segment.length + 1);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\', 1);
      }
    }
    this.writeIndicator('"', false);
  }
}

/**
 * Writes `value` (a mapping or a list) exactly as PyYAML's
 * `safe_dump(value, default_flow_style=False, sort_keys=True, allow_unicode=True)` does; pass
 * `allowUnicode: false` for MLmodel files. The result ends with a newline and has no `---`.
 */
export function dumpYaml(value: YamlValue, options: DumpYamlOptions = {}): string {
  if (typeof value !== 'object' || value === null || value instanceof YamlFloat) {
    throw EdgeflowError.invalidParameterValue('dumpYaml writes mappings and lists only.');
  }
  const emitter = new Emitter(options.allowUnicode ?? true, options.sortKeys ?? true);
  emitter.document(value);
  return emitter.result();
}

/** Options of {@link parseYaml}; the defaults bound time and memory for any input. */
export interface ParseYamlOptions {
  /** Longest document in characters. Default 4 MiB ({@link DEFAULT_YAML_LIMITS}). */
  readonly maxLength?: number;
  /** Most nodes the document may expand to through aliases (guards against "billion laughs"). Default 50,000. */
  readonly maxNodes?: number;
  /**
   * Most aliases (`*name`) in the document. Default 1,000. 0 refuses anchors and aliases outright:
   * MLflow's own files never hold them (PyYAML writes an anchor only for an object shared twice).
   */
  readonly maxAliases?: number;
  /** Most characters of scalar text once aliases are expanded. Default 16 Mi. */
  readonly maxExpandedLength?: number;
  /** Deepest nesting of collections. Default 200. */
  readonly maxDepth?: number;
}

/** The limits {@link parseYaml} applies when an option is not given. */
export const DEFAULT_YAML_LIMITS: Required<ParseYamlOptions> = Object.freeze({
  maxLength: 4 * 1024 * 1024,
  maxNodes: 50_000,
  maxAliases: 1_000,
  maxExpandedLength: 16 * 1024 * 1024,
  maxDepth: 200,
});

/**
 * Most characters of an integer PyYAML is asked to convert: CPython refuses `int()` of a decimal
 * string over 4300 digits (`sys.int_info.default_max_str_digits`), so PyYAML fails on longer ones.
 * Converting is super-linear, so longer ones are refused before any work.
 */
const MAX_INTEGER_LENGTH = 4300;
/** Most `:`-separated groups of a base-60 number (60^64 is already past 10^113). */
const MAX_SEXAGESIMAL_GROUPS = 64;

const TAG = 'tag:yaml.org,2002:';

function yamlError(file: string, message: string, cause?: unknown): EdgeflowError {
  return new EdgeflowError('INVALID_PARAMETER_VALUE', `${file}: ${message}`, {
    details: { entry: file },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Refuses numbers whose conversion would take super-linear time (see {@link MAX_INTEGER_LENGTH}). */
function assertNumberSize(text: string, file: string): void {
  if (text.length > MAX_INTEGER_LENGTH) {
    throw yamlError(file, `a number of ${text.length} characters is too long (at most ${MAX_INTEGER_LENGTH}, as Python converts).`);
  }
  let groups = 1;
  for (let i = text.indexOf(':'); i !== -1 && groups <= MAX_SEXAGESIMAL_GROUPS; i = text.indexOf(':', i + 1)) groups++;
  if (groups > MAX_SEXAGESIMAL_GROUPS) {
    throw yamlError(file, `a base-60 number of more than ${MAX_SEXAGESIMAL_GROUPS} groups is too long.`);
  }
}

/** PyYAML `construct_yaml_int`; the size is checked first. */
function constructInt(text: string, file: string): number | bigint {
  assertNumberSize(text, file);
  let value = text.replaceAll('_', '');
  let sign = 1n;
  if (value.startsWith('-')) sign = -1n;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  let big: bigint;
  if (value === '0') big = 0n;
  else if (value.startsWith('0b')) big = BigInt(value);
  else if (value.startsWith('0x')) big = BigInt(value);
  else if (value.startsWith('0') && !value.includes(':')) big = BigInt(`0o${value.slice(1)}`);
  else if (value.includes(':')) {
    big = 0n;
    let base = 1n;
    for (const digit of value.split(':').reverse()) {
      big += BigInt(digit) * base;
      base *= 60n;
    }
  } else big = BigInt(value);
  const result = sign * big;
  return result >= BigInt(Number.MIN_SAFE_INTEGER) && result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
}

/** PyYAML `construct_yaml_float`; the size is checked first. */
function constructFloat(text: string, file: string): number {
  assertNumberSize(text, file);
  let value = text.replaceAll('_', '').toLowerCase();
  let sign = 1;
  if (value.startsWith('-')) sign = -1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) {
    let result = 0;
    let base = 1;
    for (const digit of value.split(':').reverse()) {
      result += Number(digit) * base;
      base *= 60;
    }
    return sign * result;
  }
  return sign * Number(value);
}

const BOOL_TRUE = new Set(['yes', 'true', 'on']);

/** PyYAML's implicit resolution of a plain scalar, then its safe constructor. */
function resolvePlain(text: string, file: string): unknown {
  const [boolRe, floatRe, intRe, mergeRe, nullRe, timestampRe] = IMPLICIT_RESOLVERS;
  if (boolRe!.test(text)) return BOOL_TRUE.has(text.toLowerCase());
  if (floatRe!.test(text)) return constructFloat(text, file);
  if (intRe!.test(text)) return constructInt(text, file);
  if (nullRe!.test(text)) return null;
  if (timestampRe!.test(text)) return constructTimestamp(text);
  void mergeRe;
  return text;
}

/** PyYAML `construct_yaml_timestamp`, as a `Date` (UTC when no zone is given). */
function constructTimestamp(text: string): Date {
  const m = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$/u.exec(text)!;
  const [, y, mo, d, h, mi, sec, frac, zone, zsign, zh, zm] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), ms);
  if (zone && zone !== 'Z') time -= (zsign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm ?? 0)) * 60_000;
  return new Date(time);
}

function constructTagged(tag: string, text: string, file: string): unknown {
  switch (tag) {
    case `${TAG}str`:
      return text;
    case `${TAG}int`:
      if (!IMPLICIT_RESOLVERS[2]!.test(text)) throw yamlError(file, `invalid !!int ${describeValue(text)}.`);
      return constructInt(text, file);
    case `${TAG}float`:
      if (!IMPLICIT_RESOLVERS[1]!.test(text) && !IMPLICIT_RESOLVERS[2]!.test(text)) throw yamlError(file, `invalid !!float ${describeValue(text)}.`);
      return constructFloat(text, file);
    case `${TAG}bool`:
      if (!IMPLICIT_RESOLVERS[0]!.test(text)) throw yamlError(file, `invalid !!bool ${describeValue(text)}.`);
      return BOOL_TRUE.has(text.toLowerCase());
    case `${TAG}null`:
      return null;
    case `${TAG}timestamp`:
      if (!IMPLICIT_RESOLVERS[5]!.test(text)) throw yamlError(file, `invalid !!timestamp ${describeValue(text)}.`);
      return constructTimestamp(text);
    default:
      throw yamlError(file, `unsupported YAML tag ${describeValue(tag)} (safe_load refuses it too).`);
  }
}

/**
 * Reads a YAML document exactly as PyYAML's `safe_load` does (YAML 1.1 resolution: `yes` is
 * true, `1:20` is 80, `1e5` and `0o17` are strings, `.nan` is NaN, `2024-01-01` a date) and
 * returns plain data: objects with a null prototype, arrays, strings, numbers (bigint beyond
 * 2^53), booleans, null, and `Date` for timestamps. An empty document is null. Parsing is done
 * by `yaml` (failsafe schema); resolution of plain scalars uses PyYAML's own resolver patterns,
 * the same ones the emitter uses to decide quoting. (One known difference: PyYAML also treats
 * U+0085, U+2028 and U+2029 as line breaks inside quoted scalars; MLflow meta files never hold them.)
 *
 * Work and memory are linear in the document and bounded by `options` ({@link DEFAULT_YAML_LIMITS}):
 * its length, aliases, nodes and text after alias expansion, nesting, and the size of numbers.
 * An alias yields the very value of its anchor (shared, as PyYAML shares it), counted again
 * against the node and text budgets.
 * @param source YAML text.
 * @param file Name of the file, used in error messages (a zip entry path, for example).
 * @throws `INVALID_PARAMETER_VALUE` naming `file` when the text is not valid YAML, holds
 * duplicate keys or unsupported tags, or exceeds a limit.
 */
export function parseYaml(source: string, file: string, options: ParseYamlOptions = {}): unknown {
  const limits = { ...DEFAULT_YAML_LIMITS, ...options };
  if (source.length > limits.maxLength) {
    throw yamlError(file, `the document has ${source.length} characters; at most ${limits.maxLength} are read.`);
  }
  let doc: Document.Parsed;
  try {
    // Duplicate keys are checked below, in linear time (`yaml`'s own check is quadratic).
    doc = parseDocument(source, { version: '1.1', schema: 'failsafe', uniqueKeys: false, prettyErrors: false, strict: true });
  } catch (cause) {
    throw yamlError(file, 'malformed YAML.', cause);
  }
  const error = doc.errors[0];
  if (error) throw yamlError(file, `malformed YAML: ${error.message.split('\n')[0]}`, error);
  return new YamlConverter(file, limits).convert(doc.contents, 0);
}

/** What an anchor names: its converted value and what it cost, charged again at every alias. */
interface Anchored {
  readonly value: unknown;
  readonly nodes: number;
  readonly text: number;
}

/** Turns a parsed document into plain data, PyYAML's way, within the limits. */
class YamlConverter {
  #nodes = 0;
  #text = 0;
  #aliases = 0;
  readonly #anchors = new Map<string, Anchored>();

  constructor(
    readonly file: string,
    readonly limits: Required<ParseYamlOptions>,
  ) {}

  #charge(nodes: number, text: number): void {
    this.#nodes += nodes;
    this.#text += text;
    if (this.#nodes > this.limits.maxNodes) {
      throw yamlError(this.file, `the document expands to more than ${this.limits.maxNodes} nodes (alias bomb?).`);
    }
    if (this.#text > this.limits.maxExpandedLength) {
      throw yamlError(this.file, `the document expands to more than ${this.limits.maxExpandedLength} characters of text (alias bomb?).`);
    }
  }

  convert(node: unknown, depth: number): unknown {
    if (depth > this.limits.maxDepth) throw yamlError(this.file, `nesting deeper than ${this.limits.maxDepth} levels.`);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.#alias(node.source);
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor !== undefined && this.limits.maxAliases === 0) {
      throw yamlError(this.file, `anchor ${describeValue(anchor)}: anchors and aliases are not allowed here.`);
    }
    const nodesBefore = this.#nodes;
    const textBefore = this.#text;
    const value = this.#node(node, depth);
    if (anchor !== undefined) this.#anchors.set(anchor, { value, nodes: this.#nodes - nodesBefore, text: this.#text - textBefore });
    return value;
  }

  #alias(name: string): unknown {
    if (++this.#aliases > this.limits.maxAliases) {
      const message =
        this.limits.maxAliases === 0
          ? `alias ${describeValue(name)}: anchors and aliases are not allowed here.`
          : `more than ${this.limits.maxAliases} aliases (alias bomb?).`;
      throw yamlError(this.file, message);
    }
    const target = this.#anchors.get(name);
    if (!target) throw yamlError(this.file, `unresolved alias ${describeValue(name)}.`);
    this.#charge(target.nodes, target.text);
    return target.value;
  }

  #node(node: unknown, depth: number): unknown {
    const file = this.file;
    if (isScalar(node)) {
      const text = String(node.value ?? '');
      this.#charge(1, text.length);
      if (node.tag !== undefined && node.tag !== '!') return constructTagged(node.tag, text, file);
      return node.type === 'PLAIN' && node.tag === undefined ? resolvePlain(text, file) : text;
    }
    this.#charge(1, 0);
    if (isSeq(node)) {
      if (node.tag !== undefined && node.tag !== `${TAG}seq`) throw yamlError(file, `unsupported YAML tag ${describeValue(node.tag)}.`);
      return node.items.map((item) => this.convert(item, depth + 1));
    }
    if (isMap(node)) {
      if (node.tag !== undefined && node.tag !== `${TAG}map`) throw yamlError(file, `unsupported YAML tag ${describeValue(node.tag)}.`);
      const out = Object.create(null) as Record<string, unknown>;
      const merged: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key;
        if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && keyNode.tag === undefined) {
          const value = this.convert(pair.value, depth + 1);
          for (const m of Array.isArray(value) ? value : [value]) {
            if (typeof m !== 'object' || m === null || Array.isArray(m)) throw yamlError(file, 'a merge key (<<) must name mappings.');
            merged.push(m as Record<string, unknown>);
          }
          continue;
        }
        const key = this.convert(keyNode, depth + 1);
        if (typeof key === 'object' && key !== null && !(key instanceof Date)) throw yamlError(file, 'mapping keys must be scalars.');
        const name = key instanceof Date ? key.toISOString() : String(key);
        if (Object.prototype.hasOwnProperty.call(out, name)) throw yamlError(file, `duplicate key ${describeValue(name)}.`);
        out[name] = this.convert(pair.value, depth + 1);
      }
      for (const m of merged) {
        for (const [k, v] of Object.entries(m)) {
          this.#charge(1, 0);
          if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
        }
      }
      return out;
    }
    throw yamlError(file, 'unsupported YAML node.');
  }
}
