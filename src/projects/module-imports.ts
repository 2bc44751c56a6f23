/**
 * Finds the imports of an ES module with a small JavaScript lexer (strings, template literals with
 * nested `${}`, comments, regular-expression literals versus division, hashbang), so `import` inside
 * a string, comment or regex is not mistaken for one, and `obj.import(…)`, `{ import: 1 }` and
 * `import.meta` are not imports.
 *
 * Used to check, before running, that a module entry point run from a `blob:` URL in a browser
 * Worker is self-contained: a relative (`./util.js`) or bare (`lodash`) specifier cannot be resolved
 * from a `blob:` URL.
 * @module
 */
import { EdgeflowError, describeValue } from '../core/errors.js';

/** An import found in a module. */
export interface ModuleImport {
  /** `static`: `import … from 'x'`, `import 'x'`, `export … from 'x'`; `dynamic`: `import(…)`. */
  readonly kind: 'static' | 'dynamic';
  /** The specifier; null for a dynamic import whose argument is not a plain string literal. */
  readonly specifier: string | null;
  /** 1-based line of the `import`/`export` keyword. */
  readonly line: number;
}

type TokenType = 'name' | 'string' | 'template' | 'number' | 'regex' | 'punct';

interface Token {
  readonly type: TokenType;
  /** Names and punctuators: the text; strings: the value; templates: the raw text when it has no `${}`. */
  readonly value: string;
  readonly start: number;
}

const REGEX_AFTER_NAME = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const ID_START = /[\p{ID_Start}$_\\]/u;
const ID_PART = /[\p{ID_Continue}$\u200c\u200d\\]/u;
const PUNCT3 = ['...', '?.'];

function lexError(message: string, at: number, source: string): never {
  const line = source.slice(0, at).split('\n').length;
  throw EdgeflowError.invalidParameterValue(`Cannot read the module: ${message} at line ${line}.`, { line });
}

/** Splits JavaScript source into the tokens the import scan needs (comments and whitespace dropped). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const braces: ('brace' | 'template')[] = [];
  let i = source.startsWith('#!') ? source.indexOf('\n') >>> 0 : 0;
  if (i > source.length) i = source.length;

  const regexAllowed = (): boolean => {
    const last = tokens.at(-1);
    if (last === undefined) return true;
    if (last.type === 'name') return REGEX_AFTER_NAME.has(last.value);
    if (last.type === 'punct') return last.value !== ')' && last.value !== ']';
    return false;
  };

  const readString = (quote: string): void => {
    const start = i;
    let value = '';
    i++;
    for (;;) {
      if (i >= source.length) lexError('unterminated string', start, source);
      const ch = source[i]!;
      if (ch === quote) break;
      if (ch === '\n') lexError('unterminated string', start, source);
      if (ch === '\\') {
        const next = source[i + 1] ?? '';
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next === '\n' ? '' : next;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    i++;
    tokens.push({ type: 'string', value, start });
  };

  /** Reads template characters from `i` (just after '`' or a closing `}`); returns true at a `${`. */
  const readTemplate = (start: number, fresh: boolean): void => {
    let raw = '';
    for (;;) {
      if (i >= source.length) lexError('unterminated template literal', start, source);
      const ch = source[i]!;
      if (ch === '\\') {
        raw += source.slice(i, i + 2);
        i += 2;
      } else if (ch === '`') {
        i++;
        tokens.push({ type: 'template', value: fresh ? raw : '\0', start });
        return;
      } else if (ch === '$' && source[i + 1] === '{') {
        i += 2;
        braces.push('template');
        tokens.push({ type: 'template', value: '\0', start });
        tokens.push({ type: 'punct', value: '${', start: i - 2 });
        return;
      } else {
        raw += ch;
        i++;
      }
    }
  };

  const readRegex = (): void => {
    const start = i;
    let inClass = false;
    i++;
    for (;;) {
      if (i >= source.length || source[i] === '\n') lexError('unterminated regular expression', start, source);
      const ch = source[i]!;
      if (ch === '\\') i += 2;
      else {
        i++;
        if (ch === '[') inClass = true;
        else if (ch === ']') inClass = false;
        else if (ch === '/' && !inClass) break;
      }
    }
    while (i < source.length && ID_PART.test(source[i]!)) i++;
    tokens.push({ type: 'regex', value: source.slice(start, i), start });
  };

  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    if (ch === '\n' || ch === ' ' || ch === '\t' || ch === '\r' || /\s/u.test(ch)) {
      i++;
    } else if (ch === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) lexError('unterminated comment', i, source);
      i = end + 2;
    } else if (ch === '"' || ch === "'") {
      readString(ch);
    } else if (ch === '`') {
      const start = i;
      i++;
      readTemplate(start, true);
    } else if (ch === '/' && regexAllowed()) {
      readRegex();
    } else if (/[0-9]/u.test(ch) || (ch === '.' && /[0-9]/u.test(next ?? ''))) {
      const start = i;
      while (i < source.length) {
        const c = source[i]!;
        if (/[0-9A-Za-z_.]/u.test(c)) i++;
        else if ((c === '+' || c === '-') && /[eE]/u.test(source[i - 1]!) && !/^0[xX]/u.test(source.slice(start, i))) i++;
        else break;
      }
      tokens.push({ type: 'number', value: source.slice(start, i), start });
    } else if (ID_START.test(ch) || ch === '#') {
      const start = i;
      i++;
      while (i < source.length && ID_PART.test(source[i]!)) i++;
      tokens.push({ type: 'name', value: source.slice(start, i), start });
    } else if (ch === '{') {
      braces.push('brace');
      tokens.push({ type: 'punct', value: '{', start: i });
      i++;
    } else if (ch === '}') {
      const kind = braces.pop();
      if (kind === 'template') {
        const start = i;
        i++;
        readTemplate(start, false);
      } else {
        tokens.push({ type: 'punct', value: '}', start: i });
        i++;
      }
    } else {
      const three = source.slice(i, i + 3);
      const two = source.slice(i, i + 2);
      const value = PUNCT3.includes(three) ? three : two === '?.' && !/[0-9]/u.test(source[i + 2] ?? '') ? '?.' : ch;
      tokens.push({ type: 'punct', value, start: i });
      i += value.length;
    }
  }
  return tokens;
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.type === 'punct' && token.value === value;
}

function isName(token: Token | undefined, value?: string): boolean {
  return token?.type === 'name' && (value === undefined || token.value === value);
}

/** After `import`/`export` at `from`, the string following a `from` within an import clause, if any. */
function fromClause(tokens: readonly Token[], from: number): string | undefined {
  let depth = 0;
  for (let j = from; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (isPunct(t, '{')) depth++;
    else if (isPunct(t, '}')) depth--;
    else if (depth === 0 && isName(t, 'from') && tokens[j + 1]?.type === 'string') return tokens[j + 1]!.value;
    else if (t.type === 'name' || t.type === 'string' || isPunct(t, ',') || isPunct(t, '*')) continue;
    else return undefined;
    if (depth < 0) return undefined;
  }
  return undefined;
}

/**
 * The static and dynamic imports of an ES module, in source order.
 * @throws `INVALID_PARAMETER_VALUE` when the source has an unterminated string, comment, template or regex
 */
export function scanModuleImports(source: string): ModuleImport[] {
  const tokens = tokenize(source);
  const lineOf = (offset: number): number => source.slice(0, offset).split('\n').length;
  const found: ModuleImport[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type !== 'name' || (t.value !== 'import' && t.value !== 'export')) continue;
    const prev = tokens[k - 1];
    if (isPunct(prev, '.') || isPunct(prev, '?.')) continue;
    const next = tokens[k + 1];
    if (isPunct(next, ':')) continue;
    if (t.value === 'import') {
      if (isPunct(next, '.')) continue; // import.meta
      if (isPunct(next, '(')) {
        const arg = tokens[k + 2];
        if (isPunct(arg, ')')) continue; // a method named import()
        const plain = (arg?.type === 'string' || (arg?.type === 'template' && arg.value !== '\0')) && (isPunct(tokens[k + 3], ')') || isPunct(tokens[k + 3], ','));
        found.push({ kind: 'dynamic', specifier: plain ? arg!.value : null, line: lineOf(t.start) });
        continue;
      }
      if (next?.type === 'string') {
        found.push({ kind: 'static', specifier: next.value, line: lineOf(t.start) });
        continue;
      }
      const specifier = fromClause(tokens, k + 1);
      if (specifier !== undefined) found.push({ kind: 'static', specifier, line: lineOf(t.start) });
    } else if (isPunct(next, '*') || isPunct(next, '{')) {
      const specifier = fromClause(tokens, k + 1);
      if (specifier !== undefined) found.push({ kind: 'static', specifier, line: lineOf(t.start) });
    }
  }
  return found;
}

/** Specifiers a module in a `blob:` Worker can still load: absolute URLs. */
const ABSOLUTE_URL = /^(?:https?|data|blob):/iu;

/**
 * Checks that a module can run from a `blob:` URL: no relative or bare static imports, no
 * re-exports from them, no dynamic `import()` of one (or of a computed specifier). Absolute
 * `https:`/`http:`/`data:`/`blob:` URLs are allowed.
 * @param file the module's path in the project, for the message
 * @throws `INVALID_PARAMETER_VALUE` naming the file, line and specifier
 */
export function assertSelfContainedModule(source: string, file: string): void {
  let imports: ModuleImport[];
  try {
    imports = scanModuleImports(source);
  } catch (error) {
    throw new EdgeflowError('INVALID_PARAMETER_VALUE', `${file}: ${(error as Error).message}`, { details: { entry: file }, cause: error });
  }
  for (const imp of imports) {
    if (imp.specifier !== null && ABSOLUTE_URL.test(imp.specifier)) continue;
    const what =
      imp.specifier === null
        ? 'a dynamic import() of a computed specifier'
        : `${imp.kind === 'dynamic' ? 'import()' : 'an import'} of ${describeValue(imp.specifier)}`;
    throw EdgeflowError.invalidParameterValue(
      `${file}:${imp.line}: ${what} cannot be resolved in a browser Worker. A module entry point runs from a blob: URL, ` +
        'so it must be a single self-contained ES module: bundle it (e.g. `esbuild train.js --bundle --format=esm`) or import absolute https: URLs only.',
      { entry: file, line: imp.line, specifier: imp.specifier },
    );
  }
}
