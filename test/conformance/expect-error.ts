import { expect } from 'vitest';
import { isEdgeflowError, type EdgeflowError, type ErrorCode } from '../../src/core/errors.js';

/** Asserts that `action` rejects (or throws) an EdgeflowError with `code`; returns the error. */
export async function expectCode(action: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an error with code ${code}`).toBeDefined();
  if (!isEdgeflowError(caught)) throw new Error(`expected an EdgeflowError ${code}, got: ${String(caught)}`, { cause: caught });
  expect(caught.code).toBe(code);
  return caught;
}

/**
 * Asserts that `action` fails with the error a core rule gives (`src/core/rules.ts`): the same
 * code and the same message, so a backend that writes its own copy of a rule and drifts fails.
 * `rule` is the rule's error, or a call of the rule that throws it.
 */
export async function expectRuleError(action: Promise<unknown> | (() => unknown), rule: EdgeflowError | (() => void)): Promise<Error> {
  const expected = typeof rule === 'function' ? thrownBy(rule) : rule;
  const error = await expectCode(action, expected.code);
  expect(error.message).toBe(expected.message);
  return error;
}

function thrownBy(rule: () => void): EdgeflowError {
  try {
    rule();
  } catch (error) {
    if (isEdgeflowError(error)) return error;
    throw error;
  }
  throw new Error('the rule passed: it gives no error to compare with');
}
