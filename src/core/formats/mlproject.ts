/**
 * The `MLproject` file (spec §4): parse MLflow's format (and edgeflow's JavaScript convention on top
 * of it), and the two text rules MLflow applies when it runs an entry point: POSIX `shlex.quote`
 * and Python `str.format` templating. Pure: no Node APIs, no DOM.
 *
 * **edgeflow's JavaScript convention.** Besides MLflow's `command`, an entry point may name an ES
 * module and one of its exports:
 *
 * ```yaml
 * entry_points:
 *   main:
 *     parameters:
 *       alpha: {type: float, default: 0.5}
 *     module: ./train.js     # a path inside the project
 *     export: train          # optional; default `default`
 * ```
 *
 * The export must be a function; it is called as `fn(params, run)` with the parameters typed
 * (`float` → number, `int` → integer number, `bool` → boolean, `string`/`path`/`uri` and every other
 * type → string; extra parameters → string) and an active-run handle. When an entry declares both
 * `module` and `command`, edgeflow runs the module and MLflow's own `mlflow run` runs the command, so
 * one file serves both tools. MLflow ignores the `module`/`export` keys.
 * @module
 */
import { isScalar, parseDocument } from 'yaml';
import { EdgeflowError, describeValue } from '../errors.js';
import { formatPythonFloat } from './float-text.js';
import { parseYaml } from './yaml-reader.js';
import { entryNameProblem } from './zip-guard.js';

/** The parameter types MLflow documents; any other type string is accepted and treated as `string`. */
export const PROJECT_PARAMETER_TYPES = ['string', 'float', 'int', 'path', 'uri', 'bool'] as const;
export type KnownParameterType = (typeof PROJECT_PARAMETER_TYPES)[number];

/** A declared entry-point parameter. */
export interface ProjectParameter {
  readonly name: string;
  /** As written (default `string`); unknown types are kept and treated like `string`. */
  readonly type: string;
  /** The default as YAML reads it (number, string, boolean, …), or null when there is none. */
  readonly default: unknown;
  /** Python's `str()` of the default, as MLflow substitutes it (`0.5`, `1.0`, `True`); undefined without one. */
  readonly defaultText: string | undefined;
  /** True when there is no default (MLflow: `default is None`). */
  readonly required: boolean;
  /** Other keys of the parameter mapping, kept as read. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A declared entry point. */
export interface ProjectEntryPoint {
  readonly name: string;
  /** In declaration order. */
  readonly parameters: readonly ProjectParameter[];
  /** MLflow's shell command template (`python train.py --alpha {alpha}`). */
  readonly command?: string;
  /** edgeflow: the ES module to run (a normalized path inside the project, no `./`). */
  readonly module?: string;
  /** edgeflow: the module's export to call; `default` unless given. Set only with `module`. */
  readonly export?: string;
  /** Other keys of the entry point, kept as read. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** `docker_env` of an MLproject. */
export interface DockerEnvironment {
  readonly kind: 'docker_env';
  readonly image: string;
  /** `host:container` strings. */
  readonly volumes: readonly string[];
  /** A name to copy from the host, or a `[name, value]` pair. */
  readonly environment: readonly (string | readonly [string, string])[];
  /** Other keys of `docker_env`, kept as read. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The environment section of an MLproject (at most one). */
export type ProjectEnvironment =
  | { readonly kind: 'python_env'; readonly path: string }
  | { readonly kind: 'conda_env'; readonly path: string }
  | DockerEnvironment
  | { readonly kind: 'none' };

/** A parsed `MLproject` file. */
export interface MLProjectSpec {
  readonly name?: string;
  readonly environment: ProjectEnvironment;
  /** Entry points by name, in file order (a null-prototype object). */
  readonly entryPoints: Readonly<Record<string, ProjectEntryPoint>>;
  /** `databricks_spark_job` as read (Databricks only; edgeflow does not run it). */
  readonly databricksSparkJob?: unknown;
  /** Every other top-level key, kept as read. */
  readonly extra: Readonly<Record<string, unknown>>;
}

const ENV_KEYS = ['python_env', 'conda_env', 'docker_env'] as const;
const TOP_KEYS = new Set<string>(['name', 'entry_points', 'databricks_spark_job', ...ENV_KEYS]);
const ENTRY_KEYS = new Set(['parameters', 'command', 'module', 'export']);
const PARAM_KEYS = new Set(['type', 'default']);
const DOCKER_KEYS = new Set(['image', 'volumes', 'environment']);

function fail(file: string, key: string, message: string): never {
  throw EdgeflowError.invalidParameterValue(`${file}: ${key} ${message}`, { details: { entry: file, key } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function own(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function extraOf(map: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(map)) if (!known.has(key)) out[key] = map[key];
  return out;
}

/** True when a YAML scalar read as a number was written as a float (YAML 1.1 floats always hold a `.`). */
type FloatProbe = (path: readonly string[]) => boolean;

function floatProbe(text: string): FloatProbe {
  let doc: ReturnType<typeof parseDocument> | undefined;
  return (path) => {
    doc ??= parseDocument(text, { version: '1.1', schema: 'failsafe' });
    const node: unknown = doc.getIn(path, true);
    if (!isScalar(node)) return false;
    if (node.tag === 'tag:yaml.org,2002:float') return true;
    return String(node.value).includes('.');
  };
}

/**
 * Python's `str()` of a value read from YAML: `True`/`False`, `None`, floats as `repr(float)`
 * (`1.0`, `1e-05`), containers as their `repr`.
 */
export function pythonStr(value: unknown, isFloat = false): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value, isFloat);
}

function pythonRepr(value: unknown, isFloat = false): string {
  if (typeof value === 'string') return pythonStringRepr(value);
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    return isFloat || !Number.isInteger(value) ? formatPythonFloat(value) : String(value);
  }
  if (value instanceof Date) {
    const iso = value.toISOString();
    const time = iso.slice(11, 23);
    if (time === '00:00:00.000') return iso.slice(0, 10);
    return `${iso.slice(0, 10)} ${time.endsWith('.000') ? time.slice(0, 8) : `${time}000`}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonRepr(v)).join(', ')}]`;
  if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    return `{${Object.keys(map).map((k) => `${pythonStringRepr(k)}: ${pythonRepr(map[k])}`).join(', ')}}`;
  }
  return String(value);
}

/** Python's `repr(str)`: single quotes unless the text holds `'` and no `"`. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function parseParameter(name: string, value: unknown, where: string, file: string, probe: FloatProbe, path: readonly string[]): ProjectParameter {
  if (typeof value === 'string') {
    return { name, type: value, default: null, defaultText: undefined, required: true, extra: Object.create(null) as Record<string, unknown> };
  }
  if (!isRecord(value)) fail(file, where, `must be a type name or a mapping {type, default} (got ${describeValue(value)}).`);
  const type = own(value, 'type') ?? 'string';
  if (typeof type !== 'string' || type === '') fail(file, `${where}.type`, `must be a type name such as "float" (got ${describeValue(type)}).`);
  const def = own(value, 'default') ?? null;
  const isFloat = typeof def === 'number' && probe([...path, 'default']);
  return {
    name,
    type,
    default: def,
    defaultText: def === null ? undefined : pythonStr(def, isFloat),
    required: def === null,
    extra: extraOf(value, PARAM_KEYS),
  };
}

/** Normalizes a module path inside a project (`./src/a.js` → `src/a.js`), or undefined when it escapes it. */
export function normalizeProjectPath(path: string): string | undefined {
  let p = path;
  while (p.startsWith('./')) p = p.slice(2);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/u.test(p)) return undefined;
  return entryNameProblem(p) === undefined && !p.endsWith('/') ? p : undefined;
}

function parseEntryPoint(name: string, value: unknown, file: string, probe: FloatProbe): ProjectEntryPoint {
  const where = `entry_points.${name}`;
  if (!isRecord(value)) fail(file, where, `must be a mapping with "command" (or "module") and optional "parameters" (got ${describeValue(value)}).`);
  const rawParams = own(value, 'parameters') ?? null;
  if (rawParams !== null && !isRecord(rawParams)) fail(file, `${where}.parameters`, `must be a mapping of parameter names (got ${describeValue(rawParams)}).`);
  const parameters = Object.keys(rawParams ?? {}).map((p) =>
    parseParameter(p, rawParams![p], `${where}.parameters.${p}`, file, probe, ['entry_points', name, 'parameters', p]),
  );
  const command = own(value, 'command') ?? null;
  if (command !== null && typeof command !== 'string') fail(file, `${where}.command`, `must be a string (got ${describeValue(command)}).`);
  const module = own(value, 'module') ?? null;
  const exportName = own(value, 'export') ?? null;
  if (module === null && exportName !== null) fail(file, `${where}.export`, 'is only allowed with "module".');
  if (command === null && module === null) fail(file, where, 'needs a "command" (or, for JavaScript, a "module").');
  let modulePath: string | undefined;
  if (module !== null) {
    if (typeof module !== 'string') fail(file, `${where}.module`, `must be a path string (got ${describeValue(module)}).`);
    modulePath = normalizeProjectPath(module);
    if (modulePath === undefined) fail(file, `${where}.module`, `must be a relative path inside the project (got ${describeValue(module)}).`);
    if (exportName !== null && (typeof exportName !== 'string' || exportName === '')) {
      fail(file, `${where}.export`, `must be an export name (got ${describeValue(exportName)}).`);
    }
  }
  return {
    name,
    parameters,
    ...(command === null ? {} : { command }),
    ...(modulePath === undefined ? {} : { module: modulePath, export: (exportName as string | null) ?? 'default' }),
    extra: extraOf(value, ENTRY_KEYS),
  };
}

function parseDocker(value: unknown, file: string): DockerEnvironment {
  if (!isRecord(value)) fail(file, 'docker_env', `must be a mapping with "image" (got ${describeValue(value)}).`);
  const image = own(value, 'image');
  if (typeof image !== 'string' || image === '') fail(file, 'docker_env.image', `must name an image (got ${describeValue(image)}).`);
  const volumes = own(value, 'volumes') ?? [];
  if (!Array.isArray(volumes) || !volumes.every((v) => typeof v === 'string')) {
    fail(file, 'docker_env.volumes', `must be a list of "host:container" strings (got ${describeValue(volumes)}).`);
  }
  const env = own(value, 'environment') ?? [];
  if (!Array.isArray(env)) fail(file, 'docker_env.environment', `must be a list (got ${describeValue(env)}).`);
  const environment = env.map((item: unknown, i): string | readonly [string, string] => {
    if (typeof item === 'string') return item;
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'string') return [item[0], pythonStr(item[1])];
    return fail(file, `docker_env.environment.${i}`, `must be a variable name or a [NAME, value] pair (got ${describeValue(item)}).`);
  });
  return { kind: 'docker_env', image, volumes: volumes as string[], environment, extra: extraOf(value, DOCKER_KEYS) };
}

function parseEnvironment(doc: Record<string, unknown>, file: string): ProjectEnvironment {
  const present = ENV_KEYS.filter((k) => Object.prototype.hasOwnProperty.call(doc, k));
  if (present.length > 1) fail(file, present.join(', '), 'are all given; a project may have at most one environment.');
  if (present.length === 1 && Object.prototype.hasOwnProperty.call(doc, 'databricks_spark_job')) {
    fail(file, present[0]!, 'cannot be combined with databricks_spark_job.');
  }
  const key = present[0];
  const value = key === undefined ? null : own(doc, key);
  // MLflow treats an empty value (`python_env:` or `""`) as absent.
  if (key === undefined || value === null || value === '') return { kind: 'none' };
  if (key === 'docker_env') return parseDocker(value, file);
  if (typeof value !== 'string') fail(file, key, `must be a path to the environment file (got ${describeValue(value)}).`);
  if (normalizeProjectPath(value) === undefined) fail(file, key, `must be a relative path inside the project (got ${describeValue(value)}).`);
  return { kind: key, path: value };
}

/**
 * Parses an `MLproject` file. Every file MLflow accepts parses (Python projects included); unknown
 * keys are kept in `extra` at each level.
 * @param text the YAML text
 * @param file the file name, used in messages (`MLproject`, `demo.zip!MLproject`)
 * @throws `INVALID_PARAMETER_VALUE` naming the file and the offending key path (e.g.
 * `entry_points.main.parameters.alpha.type`): malformed YAML, more than one environment key, a
 * `docker_env` without `image`, an entry point without `command`/`module`, a parameter that is
 * neither a type name nor a mapping, a `module` outside the project.
 * @example
 * ```ts
 * const spec = parseMLproject(await file.text(), 'MLproject');
 * spec.entryPoints.main?.parameters.map((p) => p.name);
 * ```
 */
export function parseMLproject(text: string, file = 'MLproject'): MLProjectSpec {
  const doc = parseYaml(text, file) ?? Object.create(null);
  if (!isRecord(doc)) fail(file, '(top level)', `must be a mapping (got ${describeValue(doc)}).`);
  const name = own(doc, 'name') ?? null;
  if (name !== null && typeof name !== 'string' && typeof name !== 'number') fail(file, 'name', `must be a string (got ${describeValue(name)}).`);
  const environment = parseEnvironment(doc, file);
  const rawEntries = own(doc, 'entry_points') ?? null;
  if (rawEntries !== null && !isRecord(rawEntries)) fail(file, 'entry_points', `must be a mapping of entry-point names (got ${describeValue(rawEntries)}).`);
  const probe = floatProbe(text);
  const entryPoints = Object.create(null) as Record<string, ProjectEntryPoint>;
  for (const entry of Object.keys(rawEntries ?? {})) entryPoints[entry] = parseEntryPoint(entry, rawEntries![entry], file, probe);
  const databricks = own(doc, 'databricks_spark_job');
  return {
    ...(name === null ? {} : { name: String(name) }),
    environment,
    entryPoints,
    ...(databricks === undefined ? {} : { databricksSparkJob: databricks }),
    extra: extraOf(doc, TOP_KEYS),
  };
}

// ------------------------------------------------------------------------------------------------
// Text rules of `mlflow run`

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/u;

/** POSIX `shlex.quote`: unchanged when only `[A-Za-z0-9_@%+=:,./-]`, else single-quoted (`'` → `'"'"'`); `''` for empty. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  if (SHELL_SAFE.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Python `str.format(**fields)` for the forms MLproject commands use: `{name}` and `{name!s}`
 * fields, `{{`/`}}` for literal braces.
 * @throws `INVALID_PARAMETER_VALUE` where Python raises: a single `}`, an unclosed `{`, a field not in
 * `fields` (KeyError), positional or empty fields (IndexError); and for format specs, `!r`/`!a`
 * and attribute/index access, which edgeflow does not implement.
 */
export function formatPythonTemplate(template: string, fields: Readonly<Record<string, string>>, where = 'command'): string {
  const bad = (message: string): never => {
    throw EdgeflowError.invalidParameterValue(`${where}: ${message} in ${describeValue(template)}.`, { details: { field: where } });
  };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === '}') {
      if (template[i + 1] !== '}') bad(`single '}' at position ${i}`);
      out += '}';
      i += 2;
    } else if (ch === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const end = template.indexOf('}', i + 1);
      if (end < 0) bad(`unclosed '{' at position ${i}`);
      const field = template.slice(i + 1, end);
      if (field.includes('{')) bad(`nested field ${describeValue(field)} (not supported)`);
      let name = field;
      const bang = field.indexOf('!');
      const colon = field.indexOf(':');
      if (colon >= 0 && (bang < 0 || colon < bang)) bad(`format spec in field {${field}} (not supported)`);
      if (bang >= 0) {
        if (field.slice(bang) !== '!s') bad(`conversion in field {${field}} (only !s is supported)`);
        name = field.slice(0, bang);
      }
      if (name === '' || /^\d+$/u.test(name)) bad(`positional field {${field}} (MLflow passes named fields only)`);
      if (/[.[]/u.test(name)) bad(`attribute or index access in field {${field}} (not supported)`);
      if (!Object.prototype.hasOwnProperty.call(fields, name)) bad(`field {${name}} that is not a declared parameter`);
      out += fields[name]!;
      i = end + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** How a name that is not a declared entry point runs (MLflow's script fallback, plus `.js`/`.mjs`). */
export type ScriptRuntime = 'node' | 'browser';

/**
 * The entry point MLflow (and edgeflow) makes of a script name that is not declared: `.py` →
 * `python <name>`, `.sh` → `<shell> <name>`, `.R` → `Rscript`; edgeflow adds `.js`/`.mjs`: in Node
 * `node <name>` (the script joins the run through `MLFLOW_RUN_ID`), in browsers the module's
 * `default` export. Undefined for any other name.
 */
export function scriptEntryPoint(name: string, runtime: ScriptRuntime, shell = 'bash'): ProjectEntryPoint | undefined {
  const base = { name, parameters: [], extra: Object.create(null) as Record<string, unknown> };
  const ext = /\.[^./]*$/u.exec(name)?.[0] ?? '';
  const quoted = shellQuote(name);
  switch (ext) {
    case '.py':
      return { ...base, command: `python ${quoted}` };
    case '.sh':
      return { ...base, command: `${shell} ${quoted}` };
    case '.R':
      return { ...base, command: `Rscript -e "mlflow::mlflow_source('${quoted}')" --args` };
    case '.js':
    case '.mjs': {
      if (runtime === 'node') return { ...base, command: `node ${quoted}` };
      const module = normalizeProjectPath(name);
      return module === undefined ? undefined : { ...base, module, export: 'default' };
    }
    default:
      return undefined;
  }
}
