/**
 * The emitter of the YAML dialect MLflow writes (spec §1.9): it reproduces PyYAML 6
 * `safe_dump(data, default_flow_style=False, sort_keys=True, allow_unicode=…)` byte for byte.
 *
 * It is a port of the parts of PyYAML's `Emitter` that block-style documents use: scalar
 * analysis and style choice (plain, single-quoted, double-quoted), implicit-type resolution (a
 * string that would read back as a bool, int, float, null, timestamp, `<<` or `=` is quoted),
 * folding at width 80, indentation of nested mappings and of sequences inside mappings, empty
 * collections in flow style, and complex (`? `) keys for keys PyYAML cannot write as simple keys.
 * @module
 */
import { EdgeflowError } from '../errors.js';
import { compareCodePoints } from '../strings.js';
import { formatYamlFloat } from './float-text.js';
import { resolvesToNonString } from './yaml-resolvers.js';
import { LINE_BREAKS, analyzeScalar } from './yaml-scalar-style.js';

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
