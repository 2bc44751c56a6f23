/**
 * MLflow's validation rules (spec §5): keys, values, names, artifact paths. Plain functions used on
 * hot paths and by the zod schemas in `schemas.ts`; every failure is an `INVALID_PARAMETER_VALUE`
 * naming the field and the value.
 * @module
 */
import { EdgeflowError, describeValue } from './errors.js';
import { formatPythonFloat } from './formats/float-text.js';
import {
  MAX_ARTIFACT_PATH_LENGTH,
  MAX_ENTITY_KEY_LENGTH,
  MAX_EXPERIMENT_NAME_LENGTH,
  MAX_EXPERIMENT_TAG_VALUE_LENGTH,
} from './limits.js';

const KEY_CHARACTERS = /^[\p{L}\p{N}_/.\- :]+$/u;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why `text` cannot be stored as it is, or undefined: a lone surrogate (half of a UTF-16 pair)
 * has no UTF-8 encoding, so every store would silently write U+FFFD in its place.
 */
export function textProblem(text: string): string | undefined {
  const at = text.search(LONE_SURROGATE);
  return at === -1 ? undefined : `holds a lone surrogate (U+${text.charCodeAt(at).toString(16).toUpperCase()} at index ${at}), which no store can keep`;
}

/** Throws `INVALID_PARAMETER_VALUE` naming `what` unless `text` is well-formed (no lone surrogate). */
export function assertWellFormedText(text: string, what: string, field: string): void {
  const problem = textProblem(text);
  if (problem !== undefined) throw EdgeflowError.invalidParameterValue(`Invalid ${what}: it ${problem}.`, { details: { field } });
}

/**
 * Why `key` is not a valid metric, param or tag key, or undefined when it is valid.
 * Valid: word characters and `/ . - space :`, a canonical relative POSIX path, at most 250 chars.
 */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'must be a string';
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_ENTITY_KEY_LENGTH) return `must be at most ${MAX_ENTITY_KEY_LENGTH} characters (got ${key.length})`;
  const text = textProblem(key);
  if (text !== undefined) return text;
  if (!KEY_CHARACTERS.test(key)) {
    return 'may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)';
  }
  if (key.startsWith('/') || key.startsWith('..')) return 'must be a relative path that does not start with ".."';
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return 'must be a normalized path (no "//", "/./", "/../" or trailing "/")';
  }
  return undefined;
}

/** Throws unless `key` is a valid key of the given kind (`metric`, `param`, `tag`). */
export function assertValidKey(key: unknown, kind: string): asserts key is string {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid ${kind} name ${describeValue(key)}: it ${problem}.`, { details: {
      field: `${kind}.key`,
      value: typeof key === 'string' ? key : describeValue(key),
    } });
  }
}

/** Throws unless `value` is a metric value: a number (NaN and ±Infinity allowed), not a boolean or string. */
export function assertMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid value ${describeValue(value)} for metric ${describeValue(key)}: it must be a number.`,
      { details: { field: 'metric.value', key } },
    );
  }
}

/** Why `timestamp` is not a time in ms (a safe integer number ≥ 0), or undefined when it is. */
export function timestampProblem(timestamp: unknown): string | undefined {
  return typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0
    ? undefined
    : 'must be a whole number of milliseconds >= 0';
}

/** Throws unless `timestamp` is a whole number of milliseconds ≥ 0. */
export function assertTimestamp(key: string, timestamp: unknown): asserts timestamp is number {
  const problem = timestampProblem(timestamp);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid timestamp ${describeValue(timestamp)} for metric ${describeValue(key)}: it ${problem}.`,
      { details: { field: 'metric.timestamp', key } },
    );
  }
}

/** Throws unless `value` is a record of named values (an object, not null or an array), as `logParams`, `setTags` and `logMetrics` take. */
export function assertRecord(value: unknown, what: string): asserts value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw EdgeflowError.invalidParameterValue(`Invalid ${what} ${describeValue(value)}: pass an object of key → value.`, { details: { field: what } });
  }
}

/** Throws unless `fromIndex` is a position in a metric history: a safe integer ≥ 0 (past the end is allowed). */
export function assertHistoryIndex(fromIndex: unknown): asserts fromIndex is number {
  if (typeof fromIndex !== 'number' || !Number.isSafeInteger(fromIndex) || fromIndex < 0) {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid history index ${describeValue(fromIndex)}: it must be a whole number >= 0.`,
      { details: { field: 'fromIndex', value: describeValue(fromIndex) } },
    );
  }
}

/** Why `step` is not a metric step (a safe integer number, negative allowed), or undefined when it is. */
export function stepProblem(step: unknown): string | undefined {
  return typeof step === 'number' && Number.isSafeInteger(step) ? undefined : 'must be an integer number between -(2^53 - 1) and 2^53 - 1';
}

/** Throws unless `step` is a safe integer (negative allowed). */
export function assertStep(key: string, step: unknown): asserts step is number {
  const problem = stepProblem(step);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Got invalid step ${describeValue(step)} for metric ${describeValue(key)}: it ${problem}.`, { details: {
      field: 'metric.step',
      key,
    } });
  }
}

/** Step and timestamp of one metric point; an undefined timestamp means "now". */
export interface MetricPosition {
  readonly step: number;
  readonly timestamp: number | undefined;
}

const DEFAULT_POSITION: MetricPosition = Object.freeze({ step: 0, timestamp: undefined });

/**
 * Reads the step/time argument of `logMetric`: omitted (`undefined`) is step 0 at the current time,
 * as MLflow's default; a number is the step; `{ step?, timestamp? }` gives either or both, an
 * omitted one taking its default. Anything else (a string, boolean, bigint, `null`, an object with
 * other keys) is refused.
 * @throws `INVALID_PARAMETER_VALUE` naming the metric `key`.
 */
export function metricPosition(key: string, options: unknown): MetricPosition {
  if (options === undefined) return DEFAULT_POSITION;
  if (typeof options === 'number') {
    assertStep(key, options);
    return { step: options, timestamp: undefined };
  }
  // A plain object only (no array, no class instance); checked here, not in a helper, as this is logMetric's hot path.
  const prototype: unknown = typeof options === 'object' && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (prototype !== Object.prototype && prototype !== null) throw invalidMetricOptions(key, options);
  // The hot path of logMetric: for-in allocates nothing (Object.keys makes an array per point).
  for (const name in options) if (name !== 'step' && name !== 'timestamp' && Object.hasOwn(options, name)) throw unknownMetricOption(key, name);
  const { step, timestamp } = options as { readonly step?: unknown; readonly timestamp?: unknown };
  if (step !== undefined) assertStep(key, step);
  if (timestamp !== undefined) assertTimestamp(key, timestamp);
  // With a step, the checked options are the position: no object per point.
  return step === undefined ? { step: 0, timestamp } : (options as MetricPosition);
}

function invalidMetricOptions(key: string, options: unknown): EdgeflowError {
  return EdgeflowError.invalidParameterValue(
    `Got invalid step ${describeValue(options)} for metric ${describeValue(key)}: pass the step as an integer number, or a plain object { step, timestamp }.`,
    { details: { field: 'metric.step', key } },
  );
}

function unknownMetricOption(key: string, name: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(
    `Unknown metric option ${describeValue(name)} for metric ${describeValue(key)}: only "step" and "timestamp" are allowed.`,
    { details: { field: 'metric', key } },
  );
}

/**
 * Converts a param or tag value to its stored string as MLflow's client does (`str()`): strings as
 * they are, null and undefined as `''`, booleans as `True`/`False`, numbers as Python writes them
 * (`5`, `0.01`, `1e-07`, `nan`), bigints in decimal, plain objects and arrays as JSON.
 * @throws `INVALID_PARAMETER_VALUE` naming `key` for a symbol or function, an object that has no
 * JSON form (circular, holding a bigint, a throwing `toJSON`), or a string with a lone surrogate.
 */
export function stringifyValue(value: unknown, key?: string): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === null || value === undefined) return '';
  else if (typeof value === 'boolean') return value ? 'True' : 'False';
  else if (typeof value === 'number') return formatNumberAsPython(value);
  else if (typeof value === 'bigint') return value.toString();
  else if (typeof value === 'object') text = objectAsJson(value, key);
  else throw unconvertible(key, `a ${typeof value} is not a value`);
  const problem = textProblem(text);
  if (problem !== undefined) throw unconvertible(key, `it ${problem}`);
  return text;
}

function objectAsJson(value: object, key: string | undefined): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value) as string | undefined;
  } catch (cause) {
    throw unconvertible(key, `it has no JSON form (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  if (json === undefined) throw unconvertible(key, 'its toJSON() gives no value');
  return json;
}

function unconvertible(key: string | undefined, reason: string, cause?: unknown): EdgeflowError {
  const subject = key === undefined ? 'a param or tag value' : `the value of ${describeValue(key)}`;
  return new EdgeflowError('INVALID_PARAMETER_VALUE', `Cannot store ${subject}: ${reason}.`, {
    details: { field: 'value', ...(key === undefined ? {} : { key }) },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Integers as Python writes an `int`, other numbers as Python's `str(float)` (`1e-07`, `nan`). */
function formatNumberAsPython(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : formatPythonFloat(value);
}

/** Throws unless `value` fits an experiment tag (at most 5000 characters; MLflow refuses longer ones). */
export function assertExperimentTagValue(key: string, value: string): void {
  if (value.length > MAX_EXPERIMENT_TAG_VALUE_LENGTH) {
    throw EdgeflowError.invalidParameterValue(
      `Experiment tag ${describeValue(key)} value has ${value.length} characters; at most ${MAX_EXPERIMENT_TAG_VALUE_LENGTH} are allowed.`,
      { details: { field: 'tag.value', key } },
    );
  }
}

/** Throws unless `name` is a valid experiment name (1–500 characters). */
export function assertExperimentName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid experiment name ${describeValue(name)}: it must be a non-empty string.`,
      { details: { field: 'name' } },
    );
  }
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid experiment name: it must be at most ${MAX_EXPERIMENT_NAME_LENGTH} characters (got ${name.length}).`,
      { details: { field: 'name' } },
    );
  }
  assertWellFormedText(name, `experiment name ${describeValue(name)}`, 'name');
}

/**
 * Why `path` is not a safe relative artifact path, or undefined when it is. Rejects absolute and
 * drive paths, backslashes, `#`, `..` and `.` segments, empty segments and control characters.
 * The empty string (the artifact root) is allowed only when `allowRoot` is set.
 */
export function artifactPathProblem(path: unknown, allowRoot = false): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (path === '') return allowRoot ? undefined : 'must not be empty';
  if (path.length > MAX_ARTIFACT_PATH_LENGTH) return `must be at most ${MAX_ARTIFACT_PATH_LENGTH} characters`;
  if (path.includes('\\')) return 'must not contain backslashes';
  if (path.includes('#')) return 'must not contain "#"';
  if (/[\u0000-\u001f\u007f]/u.test(path)) return 'must not contain control characters';
  const text = textProblem(path);
  if (text !== undefined) return text;
  if (path.startsWith('/') || /^[a-zA-Z]:/u.test(path)) return 'must be relative (no leading "/" or drive letter)';
  for (const segment of path.split('/')) {
    if (segment === '..') return 'must not contain ".." segments';
    if (segment === '.' || segment === '') return 'must be normalized (no "." or empty segments, no trailing "/")';
  }
  return undefined;
}

/** Throws unless `path` is a safe relative artifact path; returns it. */
export function assertArtifactPath(path: unknown, allowRoot = false): string {
  const problem = artifactPathProblem(path, allowRoot);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid artifact path ${describeValue(path)}: it ${problem}.`, { details: {
      field: 'path',
    } });
  }
  return path as string;
}
