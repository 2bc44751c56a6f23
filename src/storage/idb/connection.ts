/**
 * One IndexedDB connection that survives other tabs: it closes itself when another connection
 * asks for a version change (so that tab's upgrade never waits on us), and reopens on next use.
 * A database upgraded to a newer schema is used as long as its `meta.minVersion` allows this code.
 * @module
 */
import { openDB, type IDBPDatabase } from 'idb';
import { EdgeflowError } from '../../core/errors.js';
import { mapIdbError } from './errors.js';
import { DB_VERSION, upgrade, type EdgeflowDB } from './schema.js';

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  /** Called when our open waits for other connections to close (they do not react to `versionchange`). */
  readonly onBlocked?: () => void;
}

/** A lazily (re)opened connection to one database. */
export class Connection {
  private __db: IDBPDatabase<EdgeflowDB> | undefined;
  private __opening: Promise<IDBPDatabase<EdgeflowDB>> | undefined;
  private __closed = false;

  constructor(
    readonly name: string,
    private readonly __options: ConnectionOptions = {},
  ) {}

  /** The open database, opening (or reopening after a version change) when needed. */
  async get(): Promise<IDBPDatabase<EdgeflowDB>> {
    if (this.__closed) throw EdgeflowError.invalidState(`The IndexedDB store "${this.name}" is closed.`);
    if (this.__db !== undefined) return this.__db;
    this.__opening ??= this.__open().finally(() => {
      this.__opening = undefined;
    });
    return this.__opening;
  }

  /** Forgets `db` (it was closed under us); the next {@link Connection.get} reopens. */
  drop(db: IDBPDatabase<EdgeflowDB>): void {
    if (this.__db === db) this.__db = undefined;
    db.close();
  }

  /** Closes for good. */
  close(): void {
    this.__closed = true;
    this.__db?.close();
    this.__db = undefined;
  }

  private async __open(): Promise<IDBPDatabase<EdgeflowDB>> {
    let db: IDBPDatabase<EdgeflowDB>;
    try {
      db = await this.__openAt(DB_VERSION);
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'VersionError') throw mapIdbError(error, `open the IndexedDB database "${this.name}"`);
      db = await this.__openNewer();
    }
    if (this.__closed) {
      db.close();
      throw EdgeflowError.invalidState(`The IndexedDB store "${this.name}" is closed.`);
    }
    this.__db = db;
    return db;
  }

  private __openAt(version: number | undefined): Promise<IDBPDatabase<EdgeflowDB>> {
    const db: Promise<IDBPDatabase<EdgeflowDB>> = openDB<EdgeflowDB>(this.name, version, {
      upgrade,
      blocked: () => this.__options.onBlocked?.(),
      // Another tab (or connection) wants to upgrade or delete the database: step aside at once.
      // Transactions already running finish first; the next operation reopens.
      blocking: () => {
        void db.then((opened) => this.drop(opened));
      },
      terminated: () => {
        void db.then((opened) => {
          if (this.__db === opened) this.__db = undefined;
        });
      },
    });
    return db;
  }

  /** Opens a database whose version is newer than {@link DB_VERSION}, when its schema allows us. */
  private async __openNewer(): Promise<IDBPDatabase<EdgeflowDB>> {
    let db: IDBPDatabase<EdgeflowDB>;
    try {
      db = await this.__openAt(undefined);
    } catch (error) {
      throw mapIdbError(error, `open the IndexedDB database "${this.name}"`);
    }
    const minVersion = (await db.get('meta', 'minVersion'))?.value ?? db.version;
    if (minVersion > DB_VERSION) {
      db.close();
      throw EdgeflowError.invalidState(
        `The IndexedDB database "${this.name}" was upgraded to schema version ${db.version} by a newer edgeflow ` +
          `(in another tab?), which this page's version (schema ${DB_VERSION}) cannot use. Reload the page.`,
        { details: { dbName: this.name, version: db.version, minVersion, supported: DB_VERSION } },
      );
    }
    return db;
  }
}
