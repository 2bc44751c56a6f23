/**
 * A set of change listeners; a throwing listener is reported, never breaks the store.
 * @module
 */
import type { StoreChange, StoreListener } from '../core/store.js';

/** Delivers {@link StoreChange}s to subscribers. */
export class ChangeEmitter {
  private readonly __listeners = new Set<StoreListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: StoreListener): () => void {
    this.__listeners.add(listener);
    return () => {
      this.__listeners.delete(listener);
    };
  }

  emit(change: StoreChange): void {
    for (const listener of this.__listeners) {
      try {
        listener(change);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  get size(): number {
    return this.__listeners.size;
  }

  clear(): void {
    this.__listeners.clear();
  }
}
