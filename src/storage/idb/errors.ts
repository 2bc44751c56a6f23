/**
 * Maps IndexedDB failures (`DOMException`s from requests, transactions and `open`) to
 * {@link EdgeflowError} at the storage edge, keeping the original as `cause` (Dexie's `mapError`).
 * @module
 */
import { EdgeflowError } from '../../core/errors.js';

function nameOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') return error.name;
  return undefined;
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

/**
 * The {@link EdgeflowError} for a failure of an IndexedDB operation; `what` names the operation
 * ("log a batch to run abc"). EdgeflowErrors pass through unchanged.
 *
 * - `ConstraintError` → `RESOURCE_ALREADY_EXISTS`
 * - `QuotaExceededError` → `RESOURCE_EXHAUSTED`
 * - `VersionError`, `InvalidStateError` → `INVALID_STATE`
 * - anything else (including `AbortError`, `UnknownError`) → `INTERNAL_ERROR`
 */
export function mapIdbError(error: unknown, what: string): EdgeflowError {
  if (error instanceof EdgeflowError) return error;
  const name = nameOf(error);
  const detail = messageOf(error);
  switch (name) {
    case 'ConstraintError':
      return new EdgeflowError('RESOURCE_ALREADY_EXISTS', `Cannot ${what}: a record with that key already exists (${detail}).`, { cause: error });
    case 'QuotaExceededError':
      return EdgeflowError.resourceExhausted(
        `Cannot ${what}: the browser's storage quota for this site is used up, so nothing of this write was stored. ` +
          `Free space by deleting (purging) old runs or artifacts, ask for persistent storage (openIdbStore({persist: true})), ` +
          `or check storageEstimate(). (${detail})`,
        { cause: error },
      );
    case 'VersionError':
    case 'InvalidStateError':
      return new EdgeflowError('INVALID_STATE', `Cannot ${what}: the database is in a state that does not allow it (${name}: ${detail}).`, { cause: error });
    default:
      return EdgeflowError.internalError(`Cannot ${what}: IndexedDB failed (${name ?? 'Error'}: ${detail}).`, { cause: error });
  }
}
