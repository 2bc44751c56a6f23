/**
 * Placeholder of slice M2's Web Locks lock, with its agreed signature, so that the mirror compiles
 * before M2's file lands (the merge takes M2's file).
 * @module
 */
import { EdgeflowError } from '../../core/errors.js';
import type { MirrorLock } from './contract.js';

/**
 * A {@link MirrorLock} over the Web Locks API, or undefined where `navigator.locks` is missing.
 * @throws `NOT_IMPLEMENTED` where `navigator.locks` exists, until slice M2's lock is merged
 */
export function webLocksMirrorLock(): MirrorLock | undefined {
  if ((globalThis as { navigator?: { locks?: unknown } }).navigator?.locks === undefined) return undefined;
  throw new EdgeflowError('NOT_IMPLEMENTED', 'The Web Locks mirror lock is slice M2’s; pass `lock` (or `lock: false`) until it is merged.');
}
