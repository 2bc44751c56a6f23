/**
 * Entry-point parameters as `mlflow run` resolves them — missing required ones, defaults, extra
 * ones, Python `str()` and `shlex.quote` of every value, `str.format` of the command — with types
 * checked more strictly than MLflow does.
 *
 * **Stricter than MLflow.** MLflow passes `string`, `float`, `int` (and `bool`) values through
 * unchecked. edgeflow checks them before anything runs: a `float` must be a decimal number
 * (`0.5`, `-1e-3`, `.5`; no `nan`/`inf`), an `int` a safe integer (`-3`, `100000`), a `bool` `true`
 * or `false` (any case). `uri` must have a scheme (as MLflow); `path` is checked by the runner (Node:
 * a local path must exist and becomes absolute; browsers: passed through). Unknown types are strings.
 * @module
 */
import { EdgeflowError, describeValue } from '../core/errors.js';
import { formatPythonTemplate, pythonStr, shellQuote, type ProjectEntryPoint, type ProjectParameter } from '../core/formats/mlproject.js';

/** A value given for a parameter (converted with Python's `str()` rules, as MLflow does). */
export type ParameterInput = string | number | boolean | bigint;

/** A parameter value as an entry-point function receives it. */
export type TypedParameter = string | number | boolean;

/** One resolved parameter. */
export interface ResolvedParameter {
  readonly name: string;
  /** The declared type; `string` for extra parameters. */
  readonly type: string;
  /** False for extra parameters (passed as ` --name value`). */
  readonly declared: boolean;
  /** The value as text (Python `str()`), after path resolution. */
  readonly text: string;
  /** `shlex.quote(text)`: what the command gets. */
  readonly quoted: string;
  /** What MLflow logs as the param: the quoted value before path resolution. */
  readonly logged: string;
  /** The typed value a module entry point receives. */
  readonly value: TypedParameter;
}

/** The outcome of {@link resolveParameters}. */
export class ResolvedParameters {
  constructor(
    /** Declared parameters, in declaration order. */
    readonly declared: readonly ResolvedParameter[],
    /** Extra parameters, in the order given. */
    readonly extra: readonly ResolvedParameter[],
  ) {}

  /** Typed values by name (declared and extra), as module entry points receive them. */
  get values(): Record<string, TypedParameter> {
    const out: Record<string, TypedParameter> = {};
    for (const p of [...this.declared, ...this.extra]) out[p.name] = p.value;
    return out;
  }

  /** The params MLflow logs for the run: declared then extra, values shell-quoted. */
  get loggedParams(): { key: string; value: string }[] {
    return [...this.declared, ...this.extra].map((p) => ({ key: p.name, value: p.logged }));
  }
}

/** Options of {@link resolveParameters}. */
export interface ResolveParametersOptions {
  /** Resolves a `path` value (Node: checks a local path exists and makes it absolute). Default: unchanged. */
  readonly resolvePath?: (value: string, parameter: ProjectParameter) => string;
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/u;
const INT = /^[+-]?\d+$/u;
const BOOL = /^(?:true|false)$/iu;
const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:/u;

function typeProblem(type: string, text: string): string | undefined {
  switch (type) {
    case 'float':
      return FLOAT.test(text.trim()) && Number.isFinite(Number(text)) ? undefined : 'must be a float (a decimal number such as 0.5)';
    case 'int':
      return INT.test(text.trim()) && Number.isSafeInteger(Number(text)) ? undefined : 'must be an int (a whole number such as 10, at most 2^53 - 1 in size)';
    case 'bool':
      return BOOL.test(text.trim()) ? undefined : 'must be a bool (true or false)';
    case 'uri':
      return URI.test(text) ? undefined : 'must be a URI with a scheme (such as s3://bucket/key or https://…)';
    default:
      return undefined;
  }
}

function typed(type: string, text: string): TypedParameter {
  switch (type) {
    case 'float':
    case 'int':
      return Number(text.trim());
    case 'bool':
      return text.trim().toLowerCase() === 'true';
    default:
      return text;
  }
}

function inputText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return pythonStr(value);
  throw EdgeflowError.invalidParameterValue(`Parameter ${describeValue(name)} must be a string, number, boolean or bigint (got ${describeValue(value)}).`, { details: {
    field: 'parameters',
    parameter: name,
  } });
}

/**
 * Resolves the parameters of an entry point against the values given: every missing required
 * parameter is reported in one error; defaults fill the rest; values are type-checked (strictly,
 * see the module docs); parameters not declared are passed through as extra ones.
 * @throws `INVALID_PARAMETER_VALUE` listing the missing parameters (`details.missing`), or naming
 * every parameter with a bad value (`details.invalid`)
 */
export function resolveParameters(
  entryPoint: ProjectEntryPoint,
  given: Readonly<Record<string, ParameterInput | undefined>> = {},
  options: ResolveParametersOptions = {},
): ResolvedParameters {
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(given, name) && given[name] !== undefined;
  const missing = entryPoint.parameters.filter((p) => p.required && !has(p.name)).map((p) => p.name);
  if (missing.length > 0) {
    throw EdgeflowError.invalidParameterValue(
      `No value given for missing parameters of entry point ${describeValue(entryPoint.name)}: ${missing.map((m) => `'${m}'`).join(', ')}.`,
      { details: { field: 'parameters', entryPoint: entryPoint.name, missing } },
    );
  }
  const problems: string[] = [];
  const invalid: string[] = [];
  const declared = entryPoint.parameters.map((p): ResolvedParameter => {
    const fromUser = has(p.name);
    const text = fromUser ? inputText(p.name, given[p.name]) : p.defaultText!;
    const problem = typeProblem(p.type, text);
    if (problem !== undefined) {
      invalid.push(p.name);
      problems.push(`${p.name} ${problem}; got ${describeValue(text)}${fromUser ? '' : ' (its default)'}`);
    }
    const resolved = problem === undefined && p.type === 'path' && options.resolvePath ? options.resolvePath(text, p) : text;
    return {
      name: p.name,
      type: p.type,
      declared: true,
      text: resolved,
      quoted: shellQuote(resolved),
      logged: shellQuote(text),
      value: problem === undefined ? typed(p.type, resolved) : resolved,
    };
  });
  if (problems.length > 0) {
    throw EdgeflowError.invalidParameterValue(`Invalid parameters for entry point ${describeValue(entryPoint.name)}: ${problems.join('; ')}.`, { details: {
      field: 'parameters',
      entryPoint: entryPoint.name,
      invalid,
      keys: invalid.map((name) => `entry_points.${entryPoint.name}.parameters.${name}`),
    } });
  }
  const names = new Set(entryPoint.parameters.map((p) => p.name));
  const extra = Object.keys(given)
    .filter((name) => !names.has(name) && given[name] !== undefined)
    .map((name): ResolvedParameter => {
      const text = inputText(name, given[name]);
      return { name, type: 'string', declared: false, text, quoted: shellQuote(text), logged: shellQuote(text), value: text };
    });
  return new ResolvedParameters(declared, extra);
}

/**
 * The shell command of an entry point, exactly as `mlflow run` builds it: the template formatted
 * (Python `str.format`) with the shell-quoted declared values, then ` --<key> <quoted value>` for
 * each extra parameter in the order given.
 * @param parameters resolved parameters, or raw values to resolve first
 * @throws `INVALID_PARAMETER_VALUE` when the entry point has no command, the template names an
 * undeclared field or is malformed, or the parameters do not resolve
 * @example
 * ```ts
 * formatCommand(entry, { alpha: 0.5, label: 'my label', x: '1 2' });
 * // "python train.py --alpha 0.5 --label 'my label' --x '1 2'"
 * ```
 */
export function formatCommand(
  entryPoint: ProjectEntryPoint,
  parameters: ResolvedParameters | Readonly<Record<string, ParameterInput | undefined>> = {},
): string {
  const resolved = parameters instanceof ResolvedParameters ? parameters : resolveParameters(entryPoint, parameters);
  if (entryPoint.command === undefined) {
    throw EdgeflowError.invalidParameterValue(`Entry point ${describeValue(entryPoint.name)} has no command (it is a module entry point).`, { details: {
      field: 'entryPoint',
      entryPoint: entryPoint.name,
    } });
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of resolved.declared) fields[p.name] = p.quoted;
  const base = formatPythonTemplate(entryPoint.command, fields, `entry_points.${entryPoint.name}.command`);
  return [base, ...resolved.extra.map((p) => `--${p.name} ${p.quoted}`)].join(' ');
}
