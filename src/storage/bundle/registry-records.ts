/**
 * The read-only registry records of a bundle store.
 * @module
 */
import { EdgeflowError } from '../../core/errors.js';
import type { RegisteredModelRecord } from '../../core/registry/entities.js';
import type { RegistryRecords } from '../../core/registry/registry-store.js';

/** Registry records that never change: every write is refused with `PERMISSION_DENIED`. */
export class ReadOnlyRegistryRecords implements RegistryRecords {
  readonly #records: ReadonlyMap<string, RegisteredModelRecord>;

  constructor(records: Iterable<RegisteredModelRecord>) {
    this.#records = new Map([...records].map((r) => [r.name, r]));
  }

  async get(name: string): Promise<RegisteredModelRecord | undefined> {
    return this.#records.get(name);
  }

  async list(): Promise<RegisteredModelRecord[]> {
    return [...this.#records.values()];
  }

  async update(_names: readonly string[], _change: unknown): Promise<void> {
    throw new EdgeflowError('PERMISSION_DENIED', 'A bundle store is read-only: cannot change the model registry.', {
      details: { operation: 'change the model registry' },
    });
  }
}
