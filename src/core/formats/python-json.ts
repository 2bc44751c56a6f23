/**
 * JSON as Python's `json` module writes and reads it: `json.dumps` separators (`", "`/`": "`, or
 * `","` + newline with `indent`), `ensure_ascii` escapes, float repr (`1e-05`, `1e+20`), and the
 * `NaN`/`Infinity`/`-Infinity` literals that Python writes for non-finite floats.
 * @module
 */
import { EdgeflowError } from '../errors.js';
import { formatPythonFloat } from './float-text.js';

/** Options of {@link pythonJson}. */
export interface PythonJsonOptions {
  /** Pretty-print with this many spaces, as `json.dumps(indent=n)`. */
  readonly indent?: number;
}

function str(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ch = value[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Serializes like `json.dumps(value)` (or `indent=n`). Safe integers are written as ints, other
 * numbers as Python float repr. Object keys keep insertion order.
 */
export function pythonJson(value: unknown, options: PythonJsonOptions = {}): string {
  const indent = options.indent;
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (v === Infinity) return 'Infinity';
      if (v === -Infinity) return '-Infinity';
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : formatPythonFloat(v);
    }
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string') return str(v);
    const items: string[] = Array.isArray(v)
      ? v.map((x) => write(x, depth + 1))
      : Object.entries(v as Record<string, unknown>).map(([k, x]) => `${str(k)}: ${write(x, depth + 1)}`);
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (items.length === 0) return open + close;
    if (indent === undefined) return open + items.join(', ') + close;
    const pad = '\n' + ' '.repeat(indent * (depth + 1));
    return open + pad + items.join(',' + pad) + '\n' + ' '.repeat(indent * depth) + close;
  };
  return write(value, 0);
}

/**
 * Parses JSON as Python's `json.loads` does, accepting the `NaN`, `Infinity` and `-Infinity`
 * literals outside strings.
 * @throws `INVALID_PARAMETER_VALUE` naming `where` on malformed JSON.
 */
export function parsePythonJson(text: string, where: string): unknown {
  let fixed = text;
  let sentinel: string | undefined;
  if (/NaN|Infinity/u.test(text)) {
    sentinel = `\uE000${Math.random().toString(36).slice(2)}:`;
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (inString) {
        out += ch;
        if (ch === '\\') out += text[++i] ?? '';
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') {
        inString = true;
        out += ch;
      } else if (text.startsWith('-Infinity', i)) {
        out += `"${sentinel}-inf"`;
        i += 8;
      } else if (text.startsWith('Infinity', i)) {
        out += `"${sentinel}inf"`;
        i += 7;
      } else if (text.startsWith('NaN', i)) {
        out += `"${sentinel}nan"`;
        i += 2;
      } else {
        out += ch;
      }
    }
    fixed = out;
  }
  try {
    return JSON.parse(fixed, (_key, value: unknown) => {
      if (sentinel !== undefined && typeof value === 'string' && value.startsWith(sentinel)) {
        const kind = value.slice(sentinel.length);
        return kind === 'nan' ? NaN : kind === 'inf' ? Infinity : -Infinity;
      }
      return value;
    });
  } catch (cause) {
    throw new EdgeflowError('INVALID_PARAMETER_VALUE', `${where}: malformed JSON: ${(cause as Error).message}`, {
      details: { entry: where },
      cause,
    });
  }
}
