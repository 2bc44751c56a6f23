/**
 * The live mirror's journal in Node: a folder with an append-only log and a snapshot.
 *
 * - `log.jsonl`: one JSON line per commit, `fsync`ed before the commit resolves. A crash in the
 *   middle of a write leaves a last line without its newline: that commit never resolved, and
 *   opening ignores (and cuts) it.
 * - `snapshot.json`: every entry at some point; once the log grows past a threshold (and past the
 *   snapshot's own size) it is rewritten (temp file, fsync, rename, fsync of the folder) and the log
 *   emptied. Replaying the log over a snapshot that already holds its commits gives the same entries
 *   (each commit sets or deletes whole keys), so a crash between the rename and the emptying loses
 *   and doubles nothing.
 * - `lock`: the pid of the one process using the journal. A journal is used by one process at a
 *   time; journals over one folder in one process share one log. A lock left by a dead process is
 *   taken over.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EdgeflowError, describeValue } from '../core/errors.js';
import type { JournalCommit, JournalValue, MirrorJournal } from '../storage/mirror/contract.js';
import { checkJournalCommit, checkJournalKey, checkJournalPrefix, journalClosed, sortJournalEntries } from '../storage/mirror/journal-rules.js';
import { Mutex, isFsError, readIfExists, toStoreError } from './fs-helpers.js';

/** Options of {@link fileMirrorJournal}. */
export interface FileMirrorJournalOptions {
  /**
   * Log size in bytes past which the entries are written to a new snapshot and the log emptied,
   * once the log is also larger than the last snapshot (so rewriting costs at most as much as was
   * logged). Default 4 MiB.
   */
  readonly compactAtBytes?: number;
}

const DEFAULT_COMPACT_AT_BYTES = 4 * 1024 * 1024;
const LOG = 'log.jsonl';
const SNAPSHOT = 'snapshot.json';
const LOCK = 'lock';
const SNAPSHOT_FORMAT = 'edgeflow-mirror-journal';

/**
 * A {@link MirrorJournal} in the folder `path` (created when missing), opened on first use.
 *
 * @example
 * ```ts
 * const mirror = mirrorTo(store, remote, { journal: fileMirrorJournal('./mlruns/.mirror') });
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for an empty path; operations reject with `INVALID_STATE` while
 *   another live process holds the folder's lock
 */
export function fileMirrorJournal(path: string, options: FileMirrorJournalOptions = {}): MirrorJournal {
  if (typeof path !== 'string' || path.length === 0) {
    throw EdgeflowError.invalidParameterValue(`Invalid journal folder ${describeValue(path)}: it must be a non-empty path.`, { details: { field: 'path' } });
  }
  const compactAtBytes = options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
  if (!Number.isSafeInteger(compactAtBytes) || compactAtBytes < 1) {
    throw EdgeflowError.invalidParameterValue(`Invalid compactAtBytes ${describeValue(compactAtBytes)}: it must be a positive integer.`, {
      details: { field: 'compactAtBytes' },
    });
  }
  return new FileMirrorJournal(resolve(path), compactAtBytes);
}

/** Logs open in this process, by real folder path, with how many journals use each. */
const openLogs = new Map<string, { readonly log: Promise<FileLog>; users: number }>();

class FileMirrorJournal implements MirrorJournal {
  #key: string | undefined;
  #log: Promise<FileLog> | undefined;
  #closed = false;

  constructor(
    readonly path: string,
    readonly compactAtBytes: number,
  ) {}

  async entries(prefix?: string): Promise<Array<[string, JournalValue]>> {
    const checked = checkJournalPrefix(prefix);
    return (await this.#open()).entries(checked);
  }

  async get(key: string): Promise<JournalValue | undefined> {
    const checked = checkJournalKey(key);
    return (await this.#open()).get(checked);
  }

  async commit(change: JournalCommit): Promise<void> {
    const line = commitLine(change);
    return (await this.#open()).append(line);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let log: FileLog;
    try {
      if (this.#log === undefined) return;
      log = await this.#log;
    } catch {
      return;
    }
    const shared = openLogs.get(this.#key!);
    if (shared === undefined || --shared.users > 0) return;
    openLogs.delete(this.#key!);
    await log.close();
  }

  #open(): Promise<FileLog> {
    if (this.#closed) return Promise.reject(journalClosed(describeValue(this.path)));
    this.#log ??= this.#share().catch((error: unknown) => {
      this.#log = undefined;
      throw error;
    });
    return this.#log;
  }

  async #share(): Promise<FileLog> {
    try {
      await mkdir(this.path, { recursive: true });
      this.#key = await realpath(this.path);
    } catch (error) {
      throw toStoreError(error, [this.path]);
    }
    let shared = openLogs.get(this.#key);
    if (shared === undefined) {
      const key = this.#key;
      const log = FileLog.open(key, this.compactAtBytes);
      shared = { log, users: 0 };
      openLogs.set(key, shared);
      log.catch(() => {
        if (openLogs.get(key)?.log === log) openLogs.delete(key);
      });
    }
    shared.users++;
    try {
      return await shared.log;
    } catch (error) {
      shared.users--;
      throw error;
    }
  }
}

/** A checked commit as its log line: `{"delete":[…],"put":[[key,value],…]}` and a newline. */
interface CommitLine {
  readonly deletes: readonly string[];
  /** key → JSON text of the value. */
  readonly puts: ReadonlyMap<string, string>;
  readonly text: string;
}

function commitLine(change: JournalCommit): CommitLine {
  const checked = checkJournalCommit(change);
  const puts = new Map<string, string>();
  for (const [key, value] of checked.puts) puts.set(key, JSON.stringify(value));
  const putText = [...puts].map(([key, value]) => `[${JSON.stringify(key)},${value}]`).join(',');
  return { deletes: checked.deletes, puts, text: `{"delete":${JSON.stringify(checked.deletes)},"put":[${putText}]}\n` };
}

/** The log of one folder, held by this process (its lock taken). */
class FileLog {
  /** key → JSON text of the value. */
  readonly #entries = new Map<string, string>();
  readonly #writes = new Mutex();
  #logBytes = 0;
  #snapshotBytes = 0;
  #handle: FileHandle | undefined;
  /** Set when a failed write could not be undone: the file and the entries may disagree. */
  #broken: EdgeflowError | undefined;

  private constructor(
    readonly dir: string,
    readonly compactAtBytes: number,
  ) {}

  static async open(dir: string, compactAtBytes: number): Promise<FileLog> {
    await takeLock(dir);
    const log = new FileLog(dir, compactAtBytes);
    try {
      await log.#load();
      return log;
    } catch (error) {
      await log.close();
      throw toStoreError(error, [dir]);
    }
  }

  entries(prefix: string): Array<[string, JournalValue]> {
    const out: Array<[string, JournalValue]> = [];
    for (const [key, text] of this.#entries) if (key.startsWith(prefix)) out.push([key, JSON.parse(text) as JournalValue]);
    return sortJournalEntries(out);
  }

  get(key: string): JournalValue | undefined {
    const text = this.#entries.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as JournalValue);
  }

  /** Appends and fsyncs `line`, then applies it; commits apply in call order. */
  append(line: CommitLine): Promise<void> {
    return this.#writes.run(async () => {
      if (this.#broken !== undefined) throw this.#broken;
      const handle = this.#handle;
      if (handle === undefined) throw journalClosed(describeValue(this.dir));
      const bytes = Buffer.from(line.text, 'utf8');
      try {
        await handle.appendFile(bytes);
        await handle.datasync();
      } catch (error) {
        await this.#undoAppend(handle);
        throw toStoreError(error, [this.dir]);
      }
      this.#logBytes += bytes.byteLength;
      this.#apply(line.deletes, line.puts);
      if (this.#logBytes > Math.max(this.compactAtBytes, this.#snapshotBytes)) await this.#compact(handle);
    });
  }

  async close(): Promise<void> {
    await this.#writes.idle();
    await this.#handle?.close();
    this.#handle = undefined;
    await releaseLock(this.dir);
  }

  #apply(deletes: readonly string[], puts: ReadonlyMap<string, string>): void {
    for (const key of deletes) this.#entries.delete(key);
    for (const [key, text] of puts) this.#entries.set(key, text);
  }

  async #load(): Promise<void> {
    const snapshot = await readIfExists(join(this.dir, SNAPSHOT));
    if (snapshot !== undefined) {
      this.#snapshotBytes = snapshot.byteLength;
      const parsed = parseJson(snapshot.toString('utf8'), SNAPSHOT) as { format?: unknown; entries?: unknown };
      if (parsed.format !== SNAPSHOT_FORMAT || !Array.isArray(parsed.entries)) throw corrupt(SNAPSHOT, 'it is not a journal snapshot');
      for (const [key, value] of parsed.entries as Array<[string, JournalValue]>) this.#entries.set(key, JSON.stringify(value));
    }
    const path = join(this.dir, LOG);
    const log = (await readIfExists(path)) ?? Buffer.alloc(0);
    // Only whole lines are commits: a last line without its newline is a write cut short by a crash.
    const whole = log.lastIndexOf(0x0a) + 1;
    const lines = log.subarray(0, whole).toString('utf8').split('\n');
    lines.pop();
    lines.forEach((text, i) => {
      const commit = parseJson(text, `${LOG} line ${i + 1}`) as { delete?: unknown; put?: unknown };
      if (!Array.isArray(commit.delete) || !Array.isArray(commit.put)) throw corrupt(LOG, `line ${i + 1} is not a commit`);
      const puts = new Map((commit.put as Array<[string, JournalValue]>).map(([key, value]) => [key, JSON.stringify(value)]));
      this.#apply(commit.delete as string[], puts);
    });
    this.#handle = await open(path, 'a');
    await syncFolder(this.dir);
    if (whole < log.byteLength) {
      await this.#handle.truncate(whole);
      await this.#handle.datasync();
    }
    this.#logBytes = whole;
  }

  /** Cuts a failed append off the log; when that fails too, the log refuses further commits. */
  async #undoAppend(handle: FileHandle): Promise<void> {
    try {
      await handle.truncate(this.#logBytes);
      await handle.datasync();
    } catch (error) {
      this.#broken = EdgeflowError.internalError(`The mirror journal ${describeValue(this.dir)} could not undo a failed write; reopen it.`, { cause: error });
    }
  }

  /** Writes every entry to a new snapshot, then empties the log. */
  async #compact(handle: FileHandle): Promise<void> {
    const body = [...this.#entries].map(([key, text]) => `[${JSON.stringify(key)},${text}]`).join(',\n');
    const snapshot = Buffer.from(`{"format":"${SNAPSHOT_FORMAT}","entries":[\n${body}\n]}\n`, 'utf8');
    const temp = join(this.dir, `.${SNAPSHOT}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const file = await open(temp, 'w');
      try {
        await file.writeFile(snapshot);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, join(this.dir, SNAPSHOT));
      await syncFolder(this.dir);
      this.#snapshotBytes = snapshot.byteLength;
    } catch {
      // The log still holds every commit: nothing is lost, compaction is tried again after the next commit.
      await rm(temp, { force: true });
      return;
    }
    try {
      await handle.truncate(0);
      await handle.datasync();
      this.#logBytes = 0;
    } catch {
      // The snapshot holds the log's commits; replaying them over it again changes nothing.
    }
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw corrupt(where, 'it is not JSON', error);
  }
}

function corrupt(where: string, why: string, cause?: unknown): EdgeflowError {
  return EdgeflowError.internalError(`The mirror journal's ${where} is damaged: ${why}.`, { cause });
}

async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

// ------------------------------------------------------------------------------------------ lock

async function readPid(path: string): Promise<number | undefined> {
  const text = (await readIfExists(path))?.toString('utf8').trim();
  return text !== undefined && /^\d+$/u.test(text) ? Number(text) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isFsError(error, 'EPERM');
  }
}

/**
 * Creates `<dir>/lock` holding our pid, atomically with its content (a temp file linked into
 * place), taking over a lock whose process is gone.
 * @throws `INVALID_STATE` while a live process holds it
 */
async function takeLock(dir: string): Promise<void> {
  const lock = join(dir, LOCK);
  const temp = join(dir, `.${LOCK}.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    const file = await open(temp, 'w');
    await file.writeFile(String(process.pid));
    await file.close();
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(temp, lock);
        return;
      } catch (error) {
        if (!isFsError(error, 'EEXIST')) throw error;
      }
      const holder = await readPid(lock);
      // Our own pid here is a previous process's (journals of this process share one log).
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw EdgeflowError.invalidState(
          `The mirror journal ${describeValue(dir)} is in use by process ${holder}; a journal is used by one process at a time.`,
          { details: { pid: holder } },
        );
      }
      await takeOver(lock, holder);
    }
    throw EdgeflowError.invalidState(`Could not take the lock of the mirror journal ${describeValue(dir)}: other processes keep taking it.`);
  } catch (error) {
    throw toStoreError(error, [dir]);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Moves aside the lock of dead process `stalePid`; puts a lock back that turns out to be another's. */
async function takeOver(lock: string, stalePid: number | undefined): Promise<void> {
  const aside = `${lock}.stale.${randomBytes(6).toString('hex')}`;
  try {
    await rename(lock, aside);
  } catch (error) {
    if (isFsError(error, 'ENOENT')) return;
    throw error;
  }
  if ((await readPid(aside)) !== stalePid) await link(aside, lock).catch(() => undefined);
  await rm(aside, { force: true });
}

async function releaseLock(dir: string): Promise<void> {
  const lock = join(dir, LOCK);
  if ((await readPid(lock)) === process.pid) await rm(lock, { force: true });
}
