/**
 * Registry input rules (spec §5): model names, aliases, stages, tag values.
 * @module
 */
import { EdgeflowError, describeValue } from '../errors.js';
import { keyProblem, textProblem } from '../validation.js';
import { ModelStage, type ModelStage as Stage } from './entities.js';

const MAX_MODEL_NAME_LENGTH = 256;
const MAX_ALIAS_LENGTH = 255;
const MAX_REGISTRY_TAG_VALUE_LENGTH = 100_000;

/**
 * Throws unless `name` can name a registered model: non-empty, ≤ 256 characters, no `/`, `%`, `\`
 * or control characters, and not `.`/`..` (the name is a folder in MLflow's file layout).
 */
export function assertModelName(name: unknown, field = 'name'): asserts name is string {
  let problem: string | undefined;
  if (typeof name !== 'string' || name.length === 0) problem = 'must be a non-empty string';
  else if (name.length > MAX_MODEL_NAME_LENGTH) problem = `must be at most ${MAX_MODEL_NAME_LENGTH} characters`;
  else if (/[/%\\\u0000-\u001f\u007f]/u.test(name)) problem = 'must not contain "/", "%", "\\" or control characters';
  else if (name === '.' || name === '..') problem = 'must not be "." or ".."';
  else problem = textProblem(name);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid registered model name ${describeValue(name)}: it ${problem}.`, { details: { field } });
  }
}

/** Throws unless `alias` is a valid alias: word characters and `-`, ≤ 255, not `latest` or `v<digits>`. */
export function assertAlias(alias: unknown): asserts alias is string {
  let problem: string | undefined;
  if (typeof alias !== 'string' || alias.length === 0) problem = 'must be a non-empty string';
  else if (alias.length > MAX_ALIAS_LENGTH) problem = `must be at most ${MAX_ALIAS_LENGTH} characters`;
  else if (!/^[\p{L}\p{N}_-]+$/u.test(alias)) problem = 'may only contain alphanumerics, underscores and dashes';
  else if (alias.toLowerCase() === 'latest') problem = "is reserved ('latest' always means the newest version)";
  else if (/^[vV]\d+$/u.test(alias)) problem = "is reserved ('v<number>' names a version)";
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid alias ${describeValue(alias)}: it ${problem}.`, { details: { field: 'alias' } });
  }
}

/** The canonical stage for a case-insensitive stage name. */
export function parseStage(stage: unknown): Stage {
  if (typeof stage === 'string') {
    for (const canonical of Object.values(ModelStage)) if (canonical.toLowerCase() === stage.toLowerCase()) return canonical;
  }
  throw EdgeflowError.invalidParameterValue(
    `Invalid model version stage ${describeValue(stage)}: expected one of ${Object.values(ModelStage).join(', ')}.`,
    { details: { field: 'stage' } },
  );
}

/** The version number for a version given as a number or decimal string. */
export function parseVersion(version: unknown): number {
  const n = typeof version === 'string' && /^\d+$/u.test(version) ? Number(version) : version;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw EdgeflowError.invalidParameterValue(`Invalid model version ${describeValue(version)}: expected a positive integer.`, { details: {
      field: 'version',
    } });
  }
  return n;
}

/** Throws unless the tag key and value are valid for a registry tag. */
export function assertRegistryTag(key: unknown, value: unknown): asserts value is string {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid tag name ${describeValue(key)}: it ${problem}.`, { details: { field: 'key' } });
  }
  if (typeof value !== 'string') {
    throw EdgeflowError.invalidParameterValue(`Invalid value for tag ${describeValue(key)}: it must be a string.`, { details: { field: 'value' } });
  }
  const text = textProblem(value);
  if (text !== undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid value for tag ${describeValue(key)}: it ${text}.`, { details: { field: 'value' } });
  }
  if (value.length > MAX_REGISTRY_TAG_VALUE_LENGTH) {
    throw EdgeflowError.invalidParameterValue(
      `Tag ${describeValue(key)} value has ${value.length} characters; at most ${MAX_REGISTRY_TAG_VALUE_LENGTH} are allowed.`,
      { details: { field: 'value' } },
    );
  }
}
