/**
 * MLflow 3 logged models of the IndexedDB store: {@link LoggedModelRecords} over the `loggedModels`
 * object store (schema v4), and model files in `artifacts` under the model id, with the same folder
 * rules as run artifacts. Every rule lives in core's `LoggedModelService`; this file only moves
 * records and files in and out of IndexedDB. Each `update()` is one strict readwrite transaction.
 * @module
 */
import type { FileInfo } from '../../core/entities.js';
import type { RunId } from '../../core/ids.js';
import type { LoggedModelRecord, LoggedModelRecords, LoggedModelWrite } from '../../core/logged-models/logged-model-store.js';
import type { ArtifactData } from '../../core/store.js';
import { assertArtifactFound, listArtifacts, treeOf } from './artifacts.js';
import { reviveLoggedModelRecord } from './records.js';
import type { IdbTransactions } from './registry-records.js';
import { runKeyRange } from './schema.js';

function issue(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

/** Model files share the `artifacts` store with runs: their key starts with the model id instead of a run id. */
function ownerKey(modelId: string): RunId {
  return modelId as RunId;
}

/** Logged models in the `loggedModels` object store. */
export class IdbLoggedModelRecords implements LoggedModelRecords {
  readonly #tx: IdbTransactions;

  constructor(transactions: IdbTransactions) {
    this.#tx = transactions;
  }

  async get(modelId: string): Promise<LoggedModelRecord | undefined> {
    const stored = await this.#tx.read('read a logged model', ['loggedModels'], (tx) => tx.objectStore('loggedModels').get(modelId));
    return stored === undefined ? undefined : reviveLoggedModelRecord(stored);
  }

  async list(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    const found = await this.#tx.read('list logged models', ['loggedModels'], (tx) => {
      const index = tx.objectStore('loggedModels').index('experimentId');
      return Promise.all([...new Set(experimentIds)].map((id) => index.getAll(id)));
    });
    return found.flat().map(reviveLoggedModelRecord);
  }

  async update(modelIds: readonly string[], change: (current: ReadonlyMap<string, LoggedModelRecord | undefined>) => LoggedModelWrite): Promise<void> {
    await this.#tx.write('update logged models', ['loggedModels'], 'strict', async (tx) => {
      const models = tx.objectStore('loggedModels');
      const unique = [...new Set(modelIds)];
      const found = await Promise.all(unique.map((id) => models.get(id)));
      const current = new Map(unique.map((id, i) => [id, found[i] === undefined ? undefined : reviveLoggedModelRecord(found[i])] as const));
      // Synchronous: nothing else runs in this transaction between the reads above and the writes below.
      for (const record of change(current).put) issue(models.put(record));
    });
  }

  async putArtifact(modelId: string, path: string, data: ArtifactData): Promise<void> {
    const blob = data instanceof Blob ? data : new Blob([data.slice() as Uint8Array<ArrayBuffer>]);
    const owner = ownerKey(modelId);
    await this.#tx.write('write a logged model file', ['artifacts'], 'strict', async (tx) => {
      const artifacts = tx.objectStore('artifacts');
      const paths = (await artifacts.getAllKeys(runKeyRange(owner))).map(([, p]) => p).filter((p) => p !== path);
      treeOf(paths).put(path, new Uint8Array(0));
      await artifacts.put({ runId: owner, path, size: blob.size, blob });
    });
  }

  async listArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    return this.#tx.read('list logged model files', ['artifacts'], async (tx) => listArtifacts(await tx.objectStore('artifacts').getAll(runKeyRange(ownerKey(modelId))), path));
  }

  async getArtifact(modelId: string, path: string): Promise<Uint8Array> {
    const found = await this.#tx.read('read a logged model file', ['artifacts'], (tx) => tx.objectStore('artifacts').get([ownerKey(modelId), path]));
    assertArtifactFound(ownerKey(modelId), path, found !== undefined);
    return new Uint8Array(await found!.blob.arrayBuffer());
  }
}
