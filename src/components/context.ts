/**
 * The Lit context through which a {@link Store} reaches the elements: an ancestor
 * (`<ef-provider>` or any element with a `ContextProvider`) provides it, every `ef-*` element
 * consumes it unless it was given a store directly.
 * @module
 */
import { createContext } from '@lit/context';
import type { Store } from '../core/store.js';

/** Context key of the tracking store (`undefined` until one is provided). */
export const storeContext = createContext<Store | undefined>(Symbol.for('edgeflow.store'));
