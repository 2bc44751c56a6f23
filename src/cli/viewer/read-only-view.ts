/**
 * A read-only view of a store for the `edgeflow ui` page: it reports itself read-only (the
 * elements then hide edit actions) and refuses writes, as the server does.
 * @module
 */
import type { Store } from '../../core/store.js';
import { EdgeflowError } from '../../core/errors.js';

/** A view of `store` that reports itself read-only (the elements then hide edit actions) and refuses writes. */
export function readOnlyView(store: Store): Store {
  const capabilities = { ...store.capabilities, readOnly: true };
  const writes = new Set([
    'createExperiment', 'renameExperiment', 'deleteExperiment', 'restoreExperiment', 'setExperimentTag', 'deleteExperimentTag',
    'purgeExperiment', 'createRun', 'updateRun', 'deleteRun', 'restoreRun', 'purgeRun', 'logBatch', 'deleteTag', 'putArtifact', 'deleteArtifact',
  ]);
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'capabilities') return capabilities;
      if (typeof prop === 'string' && writes.has(prop)) {
        return () => Promise.reject(new EdgeflowError('PERMISSION_DENIED', `This view is read-only: cannot ${prop}.`));
      }
      // The store itself as `this` (for methods and getters alike): its private fields are not the proxy's.
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
