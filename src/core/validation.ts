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

/**
 * Why `key` is not a valid metric, param or tag key, or undefined when it is valid.
 * Valid: word characters and `/ . - space :`, a canonical relative POSIX path, at most 250 chars.
 */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'must be a string';
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_ENTITY_KEY_LENGTH) return `must be at most ${MAX_ENTITY_KEY_LENGTH} characters (got ${key.length})`;
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
    throw EdgeflowError.invalidParameterValue(`Invalid ${kind} name ${describeValue(key)}: it ${problem}.`, {
      field: `${kind}.key`,
      value: typeof key === 'string' ? key : describeValue(key),
    });
  }
}

/** Throws unless `value` is a metric value: a number (NaN and ±Infinity allowed), not a boolean or string. */
export function assertMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid value ${describeValue(value)} for metric ${describeValue(key)}: it must be a number.`,
      { field: 'metric.value', key },
    );
  }
}

/** Throws unless `timestamp` is a whole number of milliseconds ≥ 0. */
export function assertTimestamp(key: string, timestamp: unknown): asserts timestamp is number {
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid timestamp ${describeValue(timestamp)} for metric ${describeValue(key)}: it must be a whole number of milliseconds >= 0.`,
      { field: 'metric.timestamp', key },
    );
  }
}

/** Throws unless `fromIndex` is a position in a metric history: a safe integer ≥ 0 (past the end is allowed). */
export function assertHistoryIndex(fromIndex: unknown): asserts fromIndex is number {
  if (typeof fromIndex !== 'number' || !Number.isSafeInteger(fromIndex) || fromIndex < 0) {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid history index ${describeValue(fromIndex)}: it must be a whole number >= 0.`,
      { field: 'fromIndex', value: describeValue(fromIndex) },
    );
  }
}

/** Throws unless `step` is a safe integer (negative allowed). */
export function assertStep(key: string, step: unknown): asserts step is number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) {
    throw EdgeflowError.invalidParameterValue(
      `Got invalid step ${describeValue(step)} for metric ${describeValue(key)}: it must be an integer between -2^53 and 2^53.`,
      { field: 'metric.step', key },
    );
  }
}

/** Converts a param or tag value to its stored string as MLflow's client does (`str()`; null → ''). */
export function stringifyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return formatNumberAsPython(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
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
      { field: 'tag.value', key },
    );
  }
}

/** Throws unless `name` is a valid experiment name (1–500 characters). */
export function assertExperimentName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid experiment name ${describeValue(name)}: it must be a non-empty string.`,
      { field: 'name' },
    );
  }
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid experiment name: it must be at most ${MAX_EXPERIMENT_NAME_LENGTH} characters (got ${name.length}).`,
      { field: 'name' },
    );
  }
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
    throw EdgeflowError.invalidParameterValue(`Invalid artifact path ${describeValue(path)}: it ${problem}.`, {
      field: 'path',
    });
  }
  return path as string;
}
