/**
 * Opening an untrusted zip safely. The central directory is parsed and every entry checked before
 * a single byte is inflated; entries are then inflated one at a time, on demand, with the declared
 * size as a hard budget and the CRC verified.
 *
 * Rejected, each with an `INVALID_PARAMETER_VALUE` naming the entry: `..`/`.`/empty segments,
 * absolute and drive paths, backslashes, control characters (C0, DEL, C1), bidirectional
 * overrides and isolates, non-UTF-8 names, non-ASCII names not flagged UTF-8, symlinks and other
 * special files (Unix mode in the high 16 bits of the external attributes), encrypted entries,
 * compression methods other than store/deflate, duplicate names, a name used as both file and
 * folder, too many entries, too long paths, declared sizes over the limits, overlapping entries
 * (the "non-recursive zip bomb"), local headers that disagree with the central directory, and data
 * that inflates past (or short of) its declared size. A zip stored inside the zip is an ordinary
 * entry: it is never opened.
 *
 * The archive must also read the same in Python's `zipfile` (and so in MLflow's tools): an end
 * record whose entry counts, central directory size or offset, ZIP64 record or comment length
 * disagree with what the file holds is refused, never guessed at.
 *
 * Pure: works in browsers, workers and Node (uses `Blob` only when given one).
 * @module
 */
import { Inflate, inflateSync } from 'fflate';
import { EdgeflowError, describeValue } from '../errors.js';
import { asResourceExhausted } from './decode-budget.js';
import { hasNativeInflate, inflateNatively } from './zip-inflate-native.js';
import { readDirectoryLocation, rejectArchive, u16, u32, u64 } from './zip-records.js';

/**
 * Limits applied when opening a zip; every one is configurable. The defaults are sized for a
 * browser tab: entries are inflated one at a time, so the peak is about one entry (≤ 512 MiB)
 * on top of the zip itself.
 */
export interface ZipLimits {
  /** Most entries (files and folders). Default 100,000. */
  readonly maxEntries: number;
  /** Largest declared uncompressed size of one entry. Default 512 MiB. */
  readonly maxEntryBytes: number;
  /** Largest sum of declared uncompressed sizes. Default 1 GiB. */
  readonly maxTotalBytes: number;
  /** Longest entry name in characters. Default 2048. */
  readonly maxPathLength: number;
  /** Deepest folder nesting. Default 64. */
  readonly maxPathDepth: number;
}

/** Default {@link ZipLimits}. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: 100_000,
  maxEntryBytes: 512 * 1024 ** 2,
  maxTotalBytes: 1024 ** 3,
  maxPathLength: 2048,
  maxPathDepth: 64,
});

/** Random access to the bytes of a zip. */
export interface ZipSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A {@link ZipSource} over bytes in memory. */
export function bytesSource(bytes: Uint8Array | ArrayBuffer): ZipSource {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return { size: data.length, read: (offset, length) => Promise.resolve(data.subarray(offset, offset + length)) };
}

/** A {@link ZipSource} over a Blob (or File), read slice by slice. */
export function blobSource(blob: Blob): ZipSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/** One checked entry of a zip. */
export interface ZipEntry {
  /** The name with a folder's trailing `/` removed. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** 0 (stored) or 8 (deflated). */
  readonly method: 0 | 8;
  readonly compressedSize: number;
  /** Declared uncompressed size; the data must inflate to exactly this. */
  readonly size: number;
  readonly crc32: number;
  /** @internal offset of the local header */
  readonly localOffset: number;
  /** @internal length of the name in bytes */
  readonly nameBytes: number;
}

function reject(entry: string, message: string, details?: Record<string, unknown>): never {
  throw EdgeflowError.invalidParameterValue(`Zip entry ${describeValue(entry)}: ${message}`, { details: { entry, ...details } });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * CRC-32 tables for slicing by 8: table 0 is the byte-at-a-time table, table k the CRC of a byte
 * followed by k zero bytes, so eight bytes fold in with eight lookups.
 */
const CRC_TABLES = (() => {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[(k - 1) * 256 + n]!;
      tables[k * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff]!;
    }
  }
  return tables;
})();

/** CRC-32 (the zip polynomial) of `data`. */
export function crc32(data: Uint8Array, crc = 0): number {
  const t = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  for (const end = data.length - 8; i <= end; i += 8) {
    const low = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Why `name` is not a safe entry name, or undefined. Folders end with `/`. */
export function entryNameProblem(name: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string | undefined {
  if (name.length === 0) return 'has an empty name';
  if (name.length > limits.maxPathLength) return `has a name longer than ${limits.maxPathLength} characters`;
  if (name.includes('\\')) return 'contains a backslash';
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(name)) return 'contains a control character';
  if (/[\u202a-\u202e\u2066-\u2069]/u.test(name)) return 'contains a bidirectional override or isolate';
  if (/[\ud800-\udfff]/u.test(name)) return 'contains a lone surrogate';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[a-zA-Z]:/u.test(name)) return 'is a drive path';
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  const segments = body.split('/');
  if (segments.length > limits.maxPathDepth) return `is nested deeper than ${limits.maxPathDepth} folders`;
  for (const segment of segments) {
    if (segment === '..') return 'contains a ".." segment';
    if (segment === '.') return 'contains a "." segment';
    if (segment === '') return 'contains an empty path segment';
  }
  return undefined;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** A zip whose directory has been checked; entries are inflated on demand. */
export class GuardedZip {
  /** @internal use {@link openZip} */
  constructor(
    private readonly source: ZipSource,
    /** All entries, in central-directory order. */
    readonly entries: readonly ZipEntry[],
    private readonly byName: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Files only (no folder entries). */
  get files(): ZipEntry[] {
    return this.entries.filter((e) => !e.isDirectory);
  }

  /** The entry with this name (no trailing `/`), or undefined. */
  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /**
   * The bytes of a file entry, inflated with its declared size as a hard budget and CRC-checked.
   * @throws `INVALID_PARAMETER_VALUE` naming the entry when the data disagrees with the directory;
   * `RESOURCE_EXHAUSTED` when there is not enough memory for it.
   */
  async read(entryOrName: ZipEntry | string): Promise<Uint8Array> {
    const entry = typeof entryOrName === 'string' ? this.byName.get(entryOrName) : entryOrName;
    if (!entry) throw EdgeflowError.resourceDoesNotExist(`No zip entry ${describeValue(entryOrName)}.`);
    if (entry.isDirectory) return new Uint8Array(0);
    try {
      return await this.#readFile(entry);
    } catch (error) {
      throw asResourceExhausted(error, `zip entry ${describeValue(entry.name)} (${entry.size} bytes)`);
    }
  }

  async #readFile(entry: ZipEntry): Promise<Uint8Array> {
    const header = await this.source.read(entry.localOffset, 30 + entry.nameBytes);
    if (header.length < 30 || u32(header, 0) !== 0x04034b50) reject(entry.name, 'has no local file header.');
    const nameLength = u16(header, 26);
    const extraLength = u16(header, 28);
    if (nameLength !== entry.nameBytes) reject(entry.name, 'has a local header that names another file.');
    if (!namesEntry(header.subarray(30, 30 + nameLength), entry.name)) reject(entry.name, 'has a local header that names another file.');
    const start = entry.localOffset + 30 + nameLength + extraLength;
    if (start + entry.compressedSize > this.source.size) reject(entry.name, 'is truncated.');
    const compressed = await this.source.read(start, entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === 0) {
      data = compressed;
    } else {
      data = await inflateWithBudget(compressed, entry.size, entry.name);
    }
    if (crc32(data) !== entry.crc32) reject(entry.name, 'fails its CRC-32 check (corrupt data).');
    return data;
  }

  /** The bytes of a file entry as UTF-8 text (strict). */
  async readText(entryOrName: ZipEntry | string): Promise<string> {
    const entry = typeof entryOrName === 'string' ? entryOrName : entryOrName.name;
    const bytes = await this.read(entryOrName);
    try {
      return UTF8.decode(bytes);
    } catch {
      reject(entry, 'is not valid UTF-8 text.');
    }
  }
}

const LOCAL_NAMES = new TextDecoder('utf-8');

/** True when a local header's name bytes read as `name` (a trailing `/` aside): compared code by code when ASCII. */
function namesEntry(bytes: Uint8Array, name: string): boolean {
  const length = bytes.length > 0 && bytes[bytes.length - 1] === 0x2f ? bytes.length - 1 : bytes.length;
  if (length === name.length) {
    let i = 0;
    while (i < length && bytes[i]! < 0x80 && bytes[i] === name.charCodeAt(i)) i++;
    if (i === length) return true;
    if (bytes[i]! < 0x80) return false;
  }
  return LOCAL_NAMES.decode(bytes).replace(/\/$/u, '') === name;
}

/** Entries up to this compressed size inflate in one call (work is bounded by ~1032× this). */
const ONE_SHOT_LIMIT = 64 * 1024;

/**
 * Larger entries are pushed in chunks of the same size: a push inflates at most ~1032× it before
 * the size check sees its output (16 KiB chunks took fflate's streaming inflate twice as long).
 */
const INFLATE_CHUNK = ONE_SHOT_LIMIT;

async function inflateWithBudget(compressed: Uint8Array, declared: number, name: string): Promise<Uint8Array> {
  if (compressed.length <= ONE_SHOT_LIMIT) {
    // A fixed output buffer one byte larger than declared: fflate never grows it, so filling the
    // extra byte proves the data inflates past its declared size.
    const out = new Uint8Array(declared + 1);
    let result: Uint8Array;
    try {
      result = inflateSync(compressed, { out });
    } catch (cause) {
      throw new EdgeflowError('INVALID_PARAMETER_VALUE', `Zip entry ${describeValue(name)}: corrupt deflate data.`, {
        details: { entry: name },
        cause,
      });
    }
    if (result.length > declared) {
      reject(name, `inflates to more than its declared ${declared} bytes (zip bomb?).`, { declaredSize: declared });
    }
    if (result.length !== declared) reject(name, `inflates to ${result.length} bytes, not its declared ${declared}.`);
    return result;
  }
  const out = new Uint8Array(declared);
  let written = 0;
  let over = false;
  try {
    if (hasNativeInflate()) {
      // The platform's decoder: several times faster than fflate's.
      ({ written, over } = await inflateNatively(compressed, out));
    } else {
      const inflater = new Inflate((chunk) => {
        if (written + chunk.length > declared) {
          over = true;
          throw new RangeError('inflated past the declared size');
        }
        out.set(chunk, written);
        written += chunk.length;
      });
      if (compressed.length === 0) inflater.push(compressed, true);
      for (let i = 0; i < compressed.length; i += INFLATE_CHUNK) {
        const end = Math.min(i + INFLATE_CHUNK, compressed.length);
        inflater.push(compressed.subarray(i, end), end === compressed.length);
      }
    }
  } catch (cause) {
    if (over) {
      reject(name, `inflates to more than its declared ${declared} bytes (zip bomb?).`, { declaredSize: declared });
    }
    throw new EdgeflowError('INVALID_PARAMETER_VALUE', `Zip entry ${describeValue(name)}: corrupt deflate data.`, {
      details: { entry: name },
      cause,
    });
  }
  if (over) reject(name, `inflates to more than its declared ${declared} bytes (zip bomb?).`, { declaredSize: declared });
  if (written !== declared) reject(name, `inflates to ${written} bytes, not its declared ${declared}.`);
  return out;
}

/**
 * Opens a zip and checks its whole directory against `limits` before anything is inflated.
 * @throws `INVALID_PARAMETER_VALUE` naming the first offending entry, or the archive's problem.
 */
export async function openZip(
  input: ZipSource | Uint8Array | ArrayBuffer | Blob,
  limits: Partial<ZipLimits> = {},
): Promise<GuardedZip> {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const source =
    input instanceof Uint8Array || input instanceof ArrayBuffer
      ? bytesSource(input)
      : typeof Blob !== 'undefined' && input instanceof Blob
        ? blobSource(input)
        : (input as ZipSource);
  if (source.size < 22) rejectArchive('too short.');
  const { count, size: cdSize, offset: cdOffset, end } = await readDirectoryLocation(source);
  if (count > lim.maxEntries) {
    throw EdgeflowError.invalidParameterValue(`Zip has ${count} entries; the limit is ${lim.maxEntries}.`, { details: {
      entry: '',
      limit: lim.maxEntries,
    } });
  }
  // Python shifts every offset by the difference (data prepended to the zip); refuse it instead.
  if (cdOffset + cdSize !== end) {
    rejectArchive(`the central directory (offset ${cdOffset}, ${cdSize} bytes) does not end where the end record begins (${end}).`);
  }
  const cd = await source.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  const byName = new Map<string, ZipEntry>();
  let total = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) rejectArchive(`central directory entry ${i} is malformed.`);
    const madeBy = u16(cd, p + 4) >> 8;
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLength = u16(cd, p + 28);
    const extraLength = u16(cd, p + 30);
    const commentLength = u16(cd, p + 32);
    const external = u32(cd, p + 38);
    let localOffset = u32(cd, p + 42);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length) rejectArchive(`central directory entry ${i} is truncated.`);
    const nameRaw = cd.subarray(p + 46, p + 46 + nameLength);
    // Without the UTF-8 flag (bit 11), Python's zipfile decodes a name as CP437.
    let asciiOnly = true;
    for (let b = 0; b < nameRaw.length && asciiOnly; b++) asciiOnly = nameRaw[b]! < 0x80;
    let rawName: string;
    try {
      rawName = UTF8.decode(nameRaw);
    } catch {
      const shown = Array.from(nameRaw, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
      throw EdgeflowError.invalidParameterValue(`Zip entry ${shown}: has a name that is not valid UTF-8 (bytes shown as \\xNN).`, { details: {
        entry: shown,
      } });
    }
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let e = 0;
      let found = false;
      while (e + 4 <= extra.length) {
        const id = u16(extra, e);
        const len = u16(extra, e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (size === 0xffffffff) {
            size = u64(extra, q);
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = u64(extra, q);
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = u64(extra, q);
          found = true;
          break;
        }
        e += 4 + len;
      }
      if (!found) reject(rawName, 'needs a ZIP64 extra field that is missing.');
    }
    p += 46 + nameLength + extraLength + commentLength;

    const problem = entryNameProblem(rawName, lim);
    if (problem !== undefined) reject(rawName, `${problem}.`);
    if (!asciiOnly && (flags & 0x800) === 0) reject(rawName, 'has a non-ASCII name not flagged as UTF-8 (Python\'s zipfile would read it as CP437).');
    if (flags & 1) reject(rawName, 'is encrypted.');
    if (method !== 0 && method !== 8) reject(rawName, `uses unsupported compression method ${method}.`);
    const mode = external >>> 16;
    const type = mode & S_IFMT;
    if (type === S_IFLNK) reject(rawName, 'is a symbolic link.');
    const unixLike = madeBy === 3 || madeBy === 19;
    if (unixLike && type !== 0 && type !== S_IFREG && type !== S_IFDIR) reject(rawName, 'is a special file (device, FIFO or socket).');
    const isDirectory = rawName.endsWith('/') || (type === S_IFDIR && size === 0);
    if (isDirectory && size !== 0) reject(rawName, 'is a folder with data.');
    if (method === 0 && compressedSize !== size) reject(rawName, 'is stored with a compressed size different from its size.');
    if (size > lim.maxEntryBytes) reject(rawName, `declares ${size} bytes; the limit per entry is ${lim.maxEntryBytes}.`);
    total += size;
    if (total > lim.maxTotalBytes) reject(rawName, `brings the declared total to over ${lim.maxTotalBytes} bytes.`);
    const name = rawName.endsWith('/') ? rawName.slice(0, -1) : rawName;
    if (byName.has(name)) reject(rawName, 'is a duplicate name.');
    const entry: ZipEntry = {
      name,
      isDirectory,
      method: method as 0 | 8,
      compressedSize,
      size,
      crc32: crc,
      localOffset,
      nameBytes: nameLength,
    };
    entries.push(entry);
    byName.set(name, entry);
  }
  if (p !== cd.length) {
    const more = p + 4 <= cd.length && u32(cd, p) === 0x02014b50 ? ' holds more entries than' : ' has bytes left after the entries';
    rejectArchive(`the central directory${more} the ${count} the end record counts.`);
  }
  // A name used as a file must not also be a folder of another entry. Each entry's folders are
  // walked up until one already seen (whose own folders were checked then).
  const folders = new Set<string>();
  for (const entry of entries) {
    for (let slash = entry.name.lastIndexOf('/'); slash !== -1; ) {
      const folder = entry.name.slice(0, slash);
      if (folders.has(folder)) break;
      if (byName.get(folder)?.isDirectory === false) reject(entry.name, `is inside ${describeValue(folder)}, which is a file.`);
      folders.add(folder);
      slash = folder.lastIndexOf('/');
    }
  }
  // Entries must not overlap (overlapping local data is how non-recursive zip bombs work).
  const files = entries.filter((e) => !e.isDirectory || e.compressedSize > 0).sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < files.length; i++) {
    const e = files[i]!;
    const minEnd = e.localOffset + 30 + e.nameBytes + e.compressedSize;
    const next = i + 1 < files.length ? files[i + 1]!.localOffset : cdOffset;
    if (minEnd > next) {
      const other = i + 1 < files.length ? describeValue(files[i + 1]!.name) : 'the central directory';
      reject(e.name, `overlaps ${other} (zip bomb?).`);
    }
  }
  return new GuardedZip(source, entries, byName);
}
