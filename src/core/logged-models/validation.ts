/**
 * Input rules of logged models (mlflow3-models-and-inputs.md §4.1, §4.2), checked by the
 * service so that every path (client, REST server) meets them before anything is written.
 * @module
 */
import type { KeyValue } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { assertValidKey, assertWellFormedText } from '../validation.js';
import { LoggedModelStatus } from './entities.js';

const FORBIDDEN_NAME_CHARACTERS = ['/', ':', '.', '%', '"', "'"];

/**
 * Throws `INVALID_PARAMETER_VALUE` unless `name` is a logged-model name: non-empty and without
 * any of `/ : . % " '` (MLflow's `_validate_logged_model_name`; no length limit).
 */
export function assertLoggedModelName(name: unknown): asserts name is string {
  const bad = typeof name !== 'string' || name === '' || FORBIDDEN_NAME_CHARACTERS.some((c) => name.includes(c));
  if (bad) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid model name ${describeValue(name)}: it must be a non-empty string without any of / : . % " '.`,
      { details: { field: 'name', value: describeValue(name) } },
    );
  }
  assertWellFormedText(name, 'model name', 'name');
}

/**
 * Checks params (key rule of run params) or tags (key rule) of a logged model. Values are not
 * bounded: MLflow writes a param over 6000 characters in full, and tag values unbounded.
 */
export function assertModelKeyValues(items: readonly KeyValue[], kind: 'param' | 'tag'): void {
  for (const { key, value } of items) {
    assertValidKey(key, kind);
    if (typeof value !== 'string') {
      throw EdgeflowError.invalidParameterValue(`Invalid ${kind} value ${describeValue(value)} for key ${describeValue(key)}: it must be a string.`, {
        details: { field: `${kind}.value`, key },
      });
    }
    assertWellFormedText(value, `${kind} value`, `${kind}.value`);
  }
}

/** Throws `INVALID_PARAMETER_VALUE` unless `status` is a {@link LoggedModelStatus}. */
export function assertLoggedModelStatus(status: unknown): asserts status is LoggedModelStatus {
  if (!Object.values(LoggedModelStatus).includes(status as LoggedModelStatus)) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid logged model status ${describeValue(status)}: it must be one of ${Object.values(LoggedModelStatus).join(', ')}.`,
      { details: { field: 'status' } },
    );
  }
}
