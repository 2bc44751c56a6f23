/**
 * The model registry of the IndexedDB store: {@link RegistryRecords} over the `registeredModels`
 * object store (schema v3), one record per registered model with all its versions. Every rule lives
 * in core's `RegistryService`; this file only moves records in and out of IndexedDB.
 *
 * Each `update()` is one readwrite transaction with `strict` durability: it reads the records of
 * the names involved, runs the synchronous change, and writes what it returns. A change that throws,
 * or a failed write (quota → `RESOURCE_EXHAUSTED`), aborts the transaction and leaves every record
 * as it was; two tabs updating one model serialize in IndexedDB.
 * @module
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import type { RegisteredModelRecord } from '../../core/registry/entities.js';
import type { RegistryRecords, RegistryWrite } from '../../core/registry/registry-store.js';
import { reviveRegisteredModelRecord } from './records.js';
import type { EdgeflowDB } from './schema.js';

type Names = StoreNames<EdgeflowDB>;
type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<EdgeflowDB, Names[], Mode>;

/**
 * The transaction runners of the `IdbStore` the records belong to (error mapping, reopening after a
 * version change, pending writes for `flush`). `write` resolves once the transaction committed.
 */
export interface IdbTransactions {
  read<T>(what: string, stores: readonly Names[], body: (tx: Tx<'readonly'>) => Promise<T>): Promise<T>;
  write<T>(what: string, stores: readonly Names[], durability: IDBTransactionDurability, body: (tx: Tx<'readwrite'>) => Promise<T>): Promise<T>;
}

function issue(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

/** Registry records in the `registeredModels` object store. */
export class IdbRegistryRecords implements RegistryRecords {
  constructor(private readonly __tx: IdbTransactions) {}

  async get(name: string): Promise<RegisteredModelRecord | undefined> {
    const stored = await this.__tx.read('read a registered model', ['registeredModels'], (tx) => tx.objectStore('registeredModels').get(name));
    return stored === undefined ? undefined : reviveRegisteredModelRecord(stored);
  }

  async list(): Promise<RegisteredModelRecord[]> {
    const all = await this.__tx.read('list registered models', ['registeredModels'], (tx) => tx.objectStore('registeredModels').getAll());
    return all.map(reviveRegisteredModelRecord);
  }

  async update(names: readonly string[], change: (current: ReadonlyMap<string, RegisteredModelRecord | undefined>) => RegistryWrite): Promise<void> {
    await this.__tx.write('update the model registry', ['registeredModels'], 'strict', async (tx) => {
      const models = tx.objectStore('registeredModels');
      const unique = [...new Set(names)];
      const found = await Promise.all(unique.map((name) => models.get(name)));
      const current = new Map<string, RegisteredModelRecord | undefined>();
      unique.forEach((name, i) => {
        const stored = found[i];
        current.set(name, stored === undefined ? undefined : reviveRegisteredModelRecord(stored));
      });
      // Synchronous: nothing else runs in this transaction between the reads above and the writes below.
      const write = change(current);
      const putNames = new Set(write.put.map((r) => r.name));
      // Requests are issued without waiting: a failed one (quota) aborts the transaction, and the
      // store reports the transaction's error, the root cause, once it settles.
      for (const name of write.delete) if (!putNames.has(name)) issue(models.delete(name));
      for (const record of write.put) issue(models.put(record));
    });
  }
}
