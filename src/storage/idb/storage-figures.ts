/**
 * How much this origin stores and may store, from `navigator.storage` (works in pages and workers).
 * @module
 */

/** Storage figures of the origin (all fields absent where the browser does not tell). */
export interface StorageFigures {
  /** Bytes used by the origin (all its storage, not only this database). */
  readonly usage?: number;
  /** Bytes the origin may use before writes fail with `RESOURCE_EXHAUSTED`. */
  readonly quota?: number;
  /** True when the browser will not evict the origin's data under storage pressure. */
  readonly persisted?: boolean;
}

interface StorageManagerLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persisted?: () => Promise<boolean>;
  persist?: () => Promise<boolean>;
}

function storageManager(): StorageManagerLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
}

/** `navigator.storage.estimate()` and `persisted()`, where available. */
export async function storageFigures(): Promise<StorageFigures> {
  const storage = storageManager();
  const estimate = (await storage?.estimate?.()) ?? {};
  const persisted = await storage?.persisted?.();
  return {
    ...(estimate.usage === undefined ? {} : { usage: estimate.usage }),
    ...(estimate.quota === undefined ? {} : { quota: estimate.quota }),
    ...(persisted === undefined ? {} : { persisted }),
  };
}

/**
 * Asks the browser to keep the origin's data under storage pressure (`navigator.storage.persist()`,
 * page only: workers lack it). Resolves to the browser's answer, false where unsupported.
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = storageManager();
  if (storage?.persist === undefined) return false;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}
