/**
 * Registry records held in a Map: the memory store's {@link RegistryRecords}.
 * @module
 */
import type { RegisteredModelRecord } from '../../core/registry/entities.js';
import type { RegistryRecords, RegistryWrite } from '../../core/registry/registry-store.js';

/** Registry records in memory; `update` is atomic because `change` runs synchronously. */
export class MemoryRegistryRecords implements RegistryRecords {
  readonly #records = new Map<string, RegisteredModelRecord>();

  async get(name: string): Promise<RegisteredModelRecord | undefined> {
    return this.#records.get(name);
  }

  async list(): Promise<RegisteredModelRecord[]> {
    return [...this.#records.values()];
  }

  async update(names: readonly string[], change: (current: ReadonlyMap<string, RegisteredModelRecord | undefined>) => RegistryWrite): Promise<void> {
    const current = new Map(names.map((name) => [name, this.#records.get(name)] as const));
    const write = change(current);
    for (const name of write.delete) this.#records.delete(name);
    for (const record of write.put) this.#records.set(record.name, record);
  }
}
