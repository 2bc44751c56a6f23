import { expect } from 'vitest';
import { isEdgeflowError, type ErrorCode } from '../../src/core/errors.js';

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
