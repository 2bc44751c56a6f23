/**
 * The reader of the YAML dialect MLflow writes (spec §1.9): PyYAML's `safe_load` semantics (YAML
 * 1.1 resolution) on top of the `yaml` parser, bounded in time and memory for any input.
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { EdgeflowError, describeValue } from '../errors.js';
import { YAML_BOOL, YAML_FLOAT, YAML_INT, YAML_NULL, YAML_TIMESTAMP } from './yaml-resolvers.js';

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
  if (YAML_BOOL.test(text)) return BOOL_TRUE.has(text.toLowerCase());
  if (YAML_FLOAT.test(text)) return constructFloat(text, file);
  if (YAML_INT.test(text)) return constructInt(text, file);
  if (YAML_NULL.test(text)) return null;
  if (YAML_TIMESTAMP.test(text)) return constructTimestamp(text);
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
      if (!YAML_INT.test(text)) throw yamlError(file, `invalid !!int ${describeValue(text)}.`);
      return constructInt(text, file);
    case `${TAG}float`:
      if (!YAML_FLOAT.test(text) && !YAML_INT.test(text)) throw yamlError(file, `invalid !!float ${describeValue(text)}.`);
      return constructFloat(text, file);
    case `${TAG}bool`:
      if (!YAML_BOOL.test(text)) throw yamlError(file, `invalid !!bool ${describeValue(text)}.`);
      return BOOL_TRUE.has(text.toLowerCase());
    case `${TAG}null`:
      return null;
    case `${TAG}timestamp`:
      if (!YAML_TIMESTAMP.test(text)) throw yamlError(file, `invalid !!timestamp ${describeValue(text)}.`);
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
  const flat = readFlatMapping(source, file, limits);
  if (flat !== undefined) return flat;
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

/** A mapping key this reader takes without the parser (shorter than YAML's 1024-character limit of implicit keys). */
const FLAT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,999}$/u;
/** A plain scalar this reader takes without the parser: no indicator first, no space, no `:` last. */
const FLAT_PLAIN = /^(?:[A-Za-z0-9_./~]|-(?=.))[A-Za-z0-9_./:@+~-]*$/u;
/** A single-quoted scalar on one line, printable ASCII, `''` for a quote. */
const FLAT_QUOTED = /^'((?:[ -&(-~]|'')*)'$/u;

/**
 * The document read without the parser when it is what PyYAML writes for a flat mapping (every
 * `meta.yaml` of a run): one `key: value` a line, each key a plain word, each value a plain
 * scalar of {@link FLAT_PLAIN}, a single-quoted one-line string or `[]`, no comment, blank line or
 * duplicate key. Scalars resolve exactly as {@link parseYaml} resolves them. Anything else returns
 * undefined, for the parser (which also gives every error).
 */
function readFlatMapping(source: string, file: string, limits: Required<ParseYamlOptions>): Record<string, unknown> | undefined {
  const body = source.endsWith('\n') ? source.slice(0, -1) : source;
  if (body === '' || limits.maxDepth < 1) return undefined;
  const out = Object.create(null) as Record<string, unknown>;
  let nodes = 1;
  let text = 0;
  for (const line of body.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon <= 0) return undefined;
    const key = line.slice(0, colon);
    const raw = line.slice(colon + 2);
    if (!FLAT_KEY.test(key) || resolvePlain(key, file) !== key || Object.prototype.hasOwnProperty.call(out, key)) return undefined;
    let value: unknown;
    if (raw === '[]') value = [];
    else if (FLAT_PLAIN.test(raw) && !raw.endsWith(':')) value = resolvePlain(raw, file);
    else {
      const quoted = FLAT_QUOTED.exec(raw);
      if (quoted === null) return undefined;
      value = quoted[1]!.replaceAll("''", "'");
    }
    out[key] = value;
    nodes += 2;
    text += key.length + (typeof value === 'string' ? value.length : Array.isArray(value) ? 0 : raw.length);
  }
  return nodes <= limits.maxNodes && text <= limits.maxExpandedLength ? out : undefined;
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
