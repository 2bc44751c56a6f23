/**
 * The read-only logged-model records of a bundle store: the bundle's MLflow 3 logged models, with
 * their files read from the zip on demand.
 * @module
 */
import type { FileInfo } from '../../core/entities.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { LoggedModelRecord, LoggedModelRecords } from '../../core/logged-models/logged-model-store.js';
import type { ArtifactEntry, LoggedModelEntry } from '../../core/formats/file-store/index.js';

/** The files and folders directly under `path` of an artifact listing, folders first, by path. */
export function listArtifactEntries(artifacts: ReadonlyMap<string, ArtifactEntry>, path: string): FileInfo[] {
  const prefix = path === '' ? '' : `${path}/`;
  const dirs = new Set<string>();
  const files: FileInfo[] = [];
  for (const [p, entry] of artifacts) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) files.push({ path: p, isDir: false, fileSize: entry.size });
    else dirs.add(prefix + rest.slice(0, slash));
  }
  const byPath = (a: FileInfo, b: FileInfo): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...[...dirs].map((p) => ({ path: p, isDir: true })).sort(byPath), ...files.sort(byPath)];
}

/** Logged-model records that never change: every write is refused with `PERMISSION_DENIED`. */
export class ReadOnlyLoggedModelRecords implements LoggedModelRecords {
  readonly #records: ReadonlyMap<string, LoggedModelRecord>;
  readonly #artifacts: ReadonlyMap<string, ReadonlyMap<string, ArtifactEntry>>;
  readonly #read: (entry: string) => Promise<Uint8Array>;

  /** @param read Reads a tree entry of the bundle. */
  constructor(entries: readonly LoggedModelEntry[], read: (entry: string) => Promise<Uint8Array>) {
    this.#records = new Map(entries.map((e) => [e.record.modelId, e.record]));
    this.#artifacts = new Map(entries.map((e) => [e.record.modelId, new Map(e.artifacts.map((a) => [a.path, a]))]));
    this.#read = read;
  }

  async get(modelId: string): Promise<LoggedModelRecord | undefined> {
    return this.#records.get(modelId);
  }

  async list(experimentIds: readonly string[]): Promise<LoggedModelRecord[]> {
    const wanted = new Set(experimentIds);
    return [...this.#records.values()].filter((r) => wanted.has(r.experimentId));
  }

  async update(): Promise<void> {
    this.#denied();
  }

  async putArtifact(): Promise<void> {
    this.#denied();
  }

  async listArtifacts(modelId: string, path: string): Promise<FileInfo[]> {
    return listArtifactEntries(this.#artifacts.get(modelId) ?? new Map(), path);
  }

  async getArtifact(modelId: string, path: string): Promise<Uint8Array> {
    const entry = this.#artifacts.get(modelId)?.get(path);
    if (entry === undefined) {
      throw EdgeflowError.resourceDoesNotExist(`No artifact file ${describeValue(path)} in logged model ${modelId}.`, { details: { modelId, path } });
    }
    return this.#read(entry.entry);
  }

  #denied(): never {
    throw new EdgeflowError('PERMISSION_DENIED', 'A bundle store is read-only: cannot change a logged model.', {
      details: { operation: 'change a logged model' },
    });
  }
}
