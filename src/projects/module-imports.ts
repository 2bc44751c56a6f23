/**
 * Finds the imports of an ES module with `es-module-lexer` (which knows strings, templates,
 * comments and regular expressions), so `import` inside a string, comment or regex is not mistaken
 * for one, and `obj.import(…)`, `{ import: 1 }` and `import.meta` are not imports.
 *
 * Used to check, before running, that a module entry point run from a `blob:` URL in a browser
 * Worker is self-contained: a relative (`./util.js`) or bare (`lodash`) specifier cannot be resolved
 * from a `blob:` URL.
 * @module
 */
import { ImportType, init, parse, type ImportSpecifier } from 'es-module-lexer';
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

/** 1-based line of `offset` in `source`. */
function lineAt(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

/**
 * The static and dynamic imports (and `export … from`) of an ES module, in source order.
 * @throws `INVALID_PARAMETER_VALUE` naming the line when the source cannot be lexed (e.g. an
 * unterminated string, template or regex)
 */
export async function scanModuleImports(source: string): Promise<ModuleImport[]> {
  await init;
  let imports: readonly ImportSpecifier[];
  try {
    [imports] = parse(source);
  } catch (error) {
    const at = (error as { idx?: unknown }).idx;
    const line = typeof at === 'number' ? lineAt(source, at) : undefined;
    throw EdgeflowError.invalidParameterValue(
      `Cannot read the module: a syntax error (an unterminated string, template or regex?)${line === undefined ? '' : ` at line ${line}`}.`,
      { details: line === undefined ? {} : { line } },
    );
  }
  const found: ModuleImport[] = [];
  for (const imp of imports) {
    if (imp.t === ImportType.Static || imp.t === ImportType.StaticSourcePhase || imp.t === ImportType.StaticDeferPhase) {
      found.push({ kind: 'static', specifier: imp.n ?? null, line: lineAt(source, imp.ss) });
    } else if (imp.t !== ImportType.ImportMeta) {
      found.push({ kind: 'dynamic', specifier: imp.n ?? null, line: lineAt(source, imp.ss) });
    }
  }
  return found;
}

/** Specifiers a module in a `blob:` Worker can still load: absolute URLs. */
const ABSOLUTE_URL = /^(?:https?|data|blob):/iu;

/**
 * Checks that a module can run from a `blob:` URL: no relative or bare static imports, no
 * re-exports from them, no dynamic `import()` of one (or of a computed specifier). Absolute
 * `https:`/`http:`/`data:`/`blob:` URLs are allowed. A module with a syntax error passes: it
 * cannot run (nor import anything), and loading it reports the engine's message.
 * @param file the module's path in the project, for the message
 * @throws `INVALID_PARAMETER_VALUE` naming the file, line and specifier
 */
export async function assertSelfContainedModule(source: string, file: string): Promise<void> {
  let imports: ModuleImport[];
  try {
    imports = await scanModuleImports(source);
  } catch {
    // Not JavaScript the lexer can read: the Worker's import of it fails with the engine's own
    // SyntaxError (naming the cause), before any run exists and before any line of it runs.
    return;
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
      { details: { entry: file, line: imp.line, specifier: imp.specifier } },
    );
  }
}
