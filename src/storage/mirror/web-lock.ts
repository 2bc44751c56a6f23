/**
 * The live mirror's lock between tabs of one origin, over the Web Locks API: one tab sends, the
 * others wait; the browser hands the lock on when its holder releases it, closes or crashes.
 * @module
 */
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { MirrorLock } from './contract.js';

/**
 * A {@link MirrorLock} over `navigator.locks` (an exclusive lock named exactly as `acquire` is
 * given, held until the returned release function is called or the context goes away), or
 * `undefined` where the Web Locks API is missing (Node, old browsers, some insecure contexts).
 *
 * @example
 * ```ts
 * const lock = webLocksMirrorLock();
 * const release = await lock?.acquire('edgeflow-mirror:default', AbortSignal.timeout(60_000));
 * ```
 */
export function webLocksMirrorLock(): MirrorLock | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks === undefined) return undefined;
  return {
    acquire(name: string, signal: AbortSignal): Promise<() => void> {
      // The Web Locks API reserves names starting with '-'.
      if (typeof name !== 'string' || name.length === 0 || name.startsWith('-')) {
        return Promise.reject(
          EdgeflowError.invalidParameterValue(`Invalid lock name ${describeValue(name)}: it must be a non-empty string not starting with "-".`, {
            details: { field: 'name' },
          }),
        );
      }
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      return new Promise((resolve, reject) => {
        let release!: () => void;
        const held = new Promise<void>((done) => (release = () => done()));
        locks
          .request(name, { mode: 'exclusive', signal }, () => {
            resolve(release);
            return held;
          })
          .catch((error: unknown) => reject(signal.aborted ? (signal.reason as Error) : (error as Error)));
      });
    },
  };
}
