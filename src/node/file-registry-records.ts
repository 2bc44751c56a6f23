/**
 * The model registry of the Node file store: {@link RegistryRecords} over MLflow's file-based
 * registry in `<root>/models/` (spec §2), read and written with the one layout module. Every rule
 * lives in core's `RegistryService`; this file only moves records to and from files.
 *
 * `update()` is atomic per call within the process: calls run one at a time under a mutex, the
 * change is computed before the first write, and every file is written as temp file + rename.
 * Across files a crash can leave a model half-updated (as MLflow's own file registry can).
 * @module
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dict } from '../core/entities.js';
import {
  META_FILE,
  MODELS_FOLDER,
  encodeRawValue,
  readModelVersionMeta,
  readRegisteredModelMeta,
  readYamlEntry,
  registeredModelFiles,
  registeredModelFolder,
} from '../core/formats/file-store/index.js';
import { DELETED_STAGE, type ModelVersionRecord, type RegisteredModelRecord } from '../core/registry/entities.js';
import type { RegistryRecords, RegistryWrite } from '../core/registry/registry-store.js';
import { Mutex, assertStorable, isFolderName, layoutPathOf, pruneEmptyParents, readIfExists, readValues, subfolders, toStoreError, writeFileAtomic } from './fs-helpers.js';

/** Registry records in `<root>/models/<name>/…`. */
export class FileRegistryRecords implements RegistryRecords {
  readonly #models: string;
  readonly #root: string;
  readonly #mutex: Mutex;

  constructor(
    root: string,
    mutex: Mutex = new Mutex(),
  ) {
    this.#root = root;
    this.#mutex = mutex;
    this.#models = join(root, MODELS_FOLDER);
  }

  async get(name: string): Promise<RegisteredModelRecord | undefined> {
    if (!isFolderName(name)) return undefined;
    return this.#mapErrors(() => this.#read(name));
  }

  async list(): Promise<RegisteredModelRecord[]> {
    return this.#mapErrors(async () => {
      const out: RegisteredModelRecord[] = [];
      for (const name of await subfolders(this.#models)) {
        const record = await this.#read(name);
        if (record !== undefined) out.push(record);
      }
      return out;
    });
  }

  async update(names: readonly string[], change: (current: ReadonlyMap<string, RegisteredModelRecord | undefined>) => RegistryWrite): Promise<void> {
    await this.#mutex.run(() =>
      this.#mapErrors(async () => {
        const current = new Map<string, RegisteredModelRecord | undefined>();
        for (const name of names) current.set(name, isFolderName(name) ? await this.#read(name) : undefined);
        const write = change(current);
        // Refuses records that cannot be files (bad names, `a` + `a/b` tags, names too long) before the first write.
        for (const record of write.put) {
          assertStorable(this.#root, registeredModelFiles(record).map(({ path, text }) => ({ what: 'Registered model', name: record.name, path, text })));
        }
        for (const record of write.put) await this.#write(record, current.get(record.name));
        for (const name of write.delete) {
          if (isFolderName(name) && !write.put.some((r) => r.name === name)) await rm(join(this.#models, name), { recursive: true, force: true });
        }
      }),
    );
  }

  /** Runs `fn`, turning raw file-system errors into `EdgeflowError`s without absolute paths. */
  async #mapErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, [this.#root]);
    }
  }

  // ---------------------------------------------------------------------------------------- read

  async #read(name: string): Promise<RegisteredModelRecord | undefined> {
    const folder = join(this.#models, name);
    const metaPath = join(folder, META_FILE);
    const bytes = await readIfExists(metaPath);
    if (bytes === undefined || bytes.length === 0) return undefined;
    const where = layoutPathOf(this.#root, metaPath);
    const data = readYamlEntry(bytes, where);
    if (data === null) return undefined;
    const meta = readRegisteredModelMeta(data, where);
    if (meta.name !== name) return undefined;
    const versions: ModelVersionRecord[] = [];
    for (const child of await subfolders(folder)) {
      const match = /^version-(\d+)$/u.exec(child);
      if (match === null) continue;
      const versionMeta = join(folder, child, META_FILE);
      const versionBytes = await readIfExists(versionMeta);
      if (versionBytes === undefined || versionBytes.length === 0) continue;
      const versionWhere = layoutPathOf(this.#root, versionMeta);
      const { version } = readModelVersionMeta(readYamlEntry(versionBytes, versionWhere), versionWhere);
      if (version.version !== Number(match[1])) continue;
      versions.push({ ...version, tags: await readValues(join(folder, child, 'tags'), this.#root) });
    }
    versions.sort((a, b) => a.version - b.version);
    const aliases = dict<number>();
    for (const [alias, text] of Object.entries(await readValues(join(folder, 'aliases'), this.#root))) {
      const version = /^\d{1,15}$/u.test(text.trim()) ? Number(text.trim()) : NaN;
      // An alias to a missing or deleted version is what a crash between two files can leave: ignore it.
      if (versions.some((v) => v.version === version && v.currentStage !== DELETED_STAGE)) aliases[alias] = version;
    }
    return { ...meta, tags: await readValues(join(folder, 'tags'), this.#root), aliases, versions };
  }

  // --------------------------------------------------------------------------------------- write

  /**
   * Writes the files of `record` that differ from those of `previous` (temp file + rename each)
   * and removes the files `previous` had that `record` has not. The file list comes from the
   * layout module, which also refuses records that cannot be files — before anything is written.
   */
  async #write(record: RegisteredModelRecord, previous: RegisteredModelRecord | undefined): Promise<void> {
    const next = registeredModelFiles(record);
    const before = new Map((previous === undefined ? [] : registeredModelFiles(previous)).map((f) => [f.path, f.text]));
    const wanted = new Set(next.map((f) => f.path));
    const modelFolder = join(this.#root, ...registeredModelFolder(record.name).split('/'));
    for (const [path] of before) {
      if (wanted.has(path)) continue;
      const file = join(this.#root, ...path.split('/'));
      await rm(file, { force: true });
      await pruneEmptyParents(file, modelFolder);
    }
    // Version files before the model's meta.yaml: a reader never sees a model that names a version it cannot find.
    const ordered = [...next.filter((f) => f.path !== `${registeredModelFolder(record.name)}/${META_FILE}`), ...next.filter((f) => f.path === `${registeredModelFolder(record.name)}/${META_FILE}`)];
    for (const { path, text } of ordered) {
      if (before.get(path) === text) continue;
      await writeFileAtomic(join(this.#root, ...path.split('/')), encodeRawValue(text));
    }
  }
}

