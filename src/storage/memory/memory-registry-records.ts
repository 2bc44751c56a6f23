/**
 * Registry records held in a Map: the memory store's {@link RegistryRecords}.
 * @module
 */
import type { RegisteredModelRecord } from '../../core/registry/entities.js';
import type { RegistryRecords, RegistryWrite } from '../../core/registry/registry-store.js';

/** Registry records in memory; `update` is atomic because `change` runs synchronously. */
export class MemoryRegistryRecords implements RegistryRecords {
  private readonly __records = new Map<string, RegisteredModelRecord>();

  async get(name: string): Promise<RegisteredModelRecord | undefined> {
    return this.__records.get(name);
  }

  async list(): Promise<RegisteredModelRecord[]> {
    return [...this.__records.values()];
  }

  async update(names: readonly string[], change: (current: ReadonlyMap<string, RegisteredModelRecord | undefined>) => RegistryWrite): Promise<void> {
    const current = new Map(names.map((name) => [name, this.__records.get(name)] as const));
    const write = change(current);
    for (const name of write.delete) this.__records.delete(name);
    for (const record of write.put) this.__records.set(record.name, record);
  }
}
