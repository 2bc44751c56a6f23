/**
 * Logged-model records held in a Map: the memory store's {@link LoggedModelRecords}. Model files
 * live in one artifact tree per model, like a run's.
 * @module
 */
import type { FileInfo } from '../../core/entities.js';
import type { LoggedModelRecord, LoggedModelRecords, LoggedModelWrite } from '../../core/logged-models/logged-model-store.js';
import type { ArtifactData } from '../../core/store.js';
import { ArtifactTree, toBytes } from '../artifact-tree.js';

/** Logged models in memory; `update` is atomic because `change` runs synchronously. */
export class MemoryLoggedModelRecords implements LoggedModelRecords {
  readonly #records = new Map<string, LoggedModelRecord>();
  readonly #artifacts = new Map<string, ArtifactTree>();

  async get(modelId: string): Promise<LoggedModelRecord | undefined> {
    return this.#records.get(modelId);
  }

  async list(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    const wanted = new Set(experimentIds);
    return [...this.#records.values()].filter((r) => wanted.has(r.experimentId));
  }

  async update(modelIds: readonly string[], change: (current: ReadonlyMap<string, LoggedModelRecord | undefined>) => LoggedModelWrite): Promise<void> {
    this.put(change(this.current(modelIds)).put);
  }

  /** The current records of `modelIds`, read synchronously (for the store's batch writes). */
  current(modelIds: Iterable<string>): Map<string, LoggedModelRecord | undefined> {
    return new Map(Array.from(modelIds, (id) => [id, this.#records.get(id)] as const));
  }

  /** Writes records synchronously. */
  put(records: readonly LoggedModelRecord[]): void {
    for (const record of records) this.#records.set(record.modelId, record);
  }

  /** Forgets the models of an experiment (purge). */
  purgeExperiment(experimentId: string): void {
    for (const [id, record] of this.#records) {
      if (record.experimentId === experimentId) {
        this.#records.delete(id);
        this.#artifacts.delete(id);
      }
    }
  }

  async putArtifact(modelId: string, path: string, data: ArtifactData): Promise<void> {
    const bytes = await toBytes(data);
    let tree = this.#artifacts.get(modelId);
    if (tree === undefined) this.#artifacts.set(modelId, (tree = new ArtifactTree()));
    tree.put(path, bytes);
  }

  async listArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    return (this.#artifacts.get(modelId) ?? new ArtifactTree()).list(path);
  }

  async getArtifact(modelId: string, path: string): Promise<Uint8Array> {
    return (this.#artifacts.get(modelId) ?? new ArtifactTree()).get(modelId, path).slice();
  }
}
