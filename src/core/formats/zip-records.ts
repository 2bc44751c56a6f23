/**
 * The records at the end of a zip (end of central directory, ZIP64 locator and end record), read
 * where Python's `zipfile` reads them and checked for agreement, for the zip guard.
 * @module
 */
import { EdgeflowError } from '../errors.js';
import type { ZipSource } from './zip-guard.js';

/** Throws `INVALID_PARAMETER_VALUE` for a problem of the archive as a whole. */
export function rejectArchive(message: string): never {
  throw EdgeflowError.invalidParameterValue(`Not a readable zip archive: ${message}`, { details: { entry: '' } });
}

/** The little-endian 16-bit number at `o`. */
export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
/** The little-endian 32-bit number at `o`. */
export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
/** The little-endian 64-bit number at `o`, refused past 2^53. */
export function u64(b: Uint8Array, o: number): number {
  const value = u32(b, o) + u32(b, o + 4) * 2 ** 32;
  if (!Number.isSafeInteger(value)) rejectArchive('a 64-bit size or offset is too large.');
  return value;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;

/**
 * The end record, where Python's `zipfile` finds it: the last signature in the file's tail. Its
 * comment must end exactly at the end of the file (else the two readers could disagree on it).
 */
async function findEndOfCentralDirectory(source: ZipSource): Promise<{ tail: Uint8Array; tailOffset: number; at: number }> {
  const tailLength = Math.min(source.size, 22 + 0xffff + 20);
  const tailOffset = source.size - tailLength;
  const tail = await source.read(tailOffset, tailLength);
  for (let i = tail.length - 4; i >= 0; i--) {
    if (u32(tail, i) !== EOCD_SIGNATURE) continue;
    if (i + 22 > tail.length) rejectArchive('the last end-record signature is cut short by the end of the file.');
    const commentLength = u16(tail, i + 20);
    if (i + 22 + commentLength !== tail.length) {
      rejectArchive(`the end record's comment length (${commentLength}) disagrees with the ${tail.length - i - 22} bytes after it.`);
    }
    return { tail, tailOffset, at: i };
  }
  return rejectArchive('no end-of-central-directory record.');
}

/** Where the central directory is and how many entries it holds, checked for agreement. */
export interface Directory {
  readonly count: number;
  readonly size: number;
  readonly offset: number;
  /** Where the directory must end: the ZIP64 end record, or the end record. */
  readonly end: number;
}

/**
 * Reads the end record (and the ZIP64 end record when a locator precedes it, as Python does) and
 * refuses every disagreement: multi-disk fields, entries on this disk versus in total, ZIP64
 * values versus the end record's, a locator pointing elsewhere than the record before it.
 */
export async function readDirectoryLocation(source: ZipSource): Promise<Directory> {
  const { tail, tailOffset, at } = await findEndOfCentralDirectory(source);
  if (u16(tail, at + 4) !== 0 || u16(tail, at + 6) !== 0) rejectArchive('multi-disk archives are not supported.');
  const countOnDisk = u16(tail, at + 8);
  const count16 = u16(tail, at + 10);
  if (countOnDisk !== count16) rejectArchive(`the end record counts ${countOnDisk} entries on this disk but ${count16} in all.`);
  const size32 = u32(tail, at + 12);
  const offset32 = u32(tail, at + 16);
  const eocdAt = tailOffset + at;
  const loc = at - 20;
  const hasLocator = loc >= 0 && u32(tail, loc) === ZIP64_LOCATOR_SIGNATURE;
  if (!hasLocator) {
    if (count16 === 0xffff || size32 === 0xffffffff || offset32 === 0xffffffff) rejectArchive('missing ZIP64 locator.');
    return { count: count16, size: size32, offset: offset32, end: eocdAt };
  }
  if (u32(tail, loc + 4) !== 0 || u32(tail, loc + 16) > 1) rejectArchive('multi-disk archives are not supported.');
  const recordOffset = u64(tail, loc + 8);
  // Python reads the ZIP64 end record right before the locator, whatever the locator says.
  const expectedAt = eocdAt - 20 - 56;
  if (recordOffset !== expectedAt) rejectArchive(`the ZIP64 locator points at ${recordOffset}, not at the ZIP64 end record before it (${expectedAt}).`);
  const record = await source.read(recordOffset, 56);
  if (record.length < 56 || u32(record, 0) !== ZIP64_EOCD_SIGNATURE) rejectArchive('bad ZIP64 end record.');
  if (u32(record, 16) !== 0 || u32(record, 20) !== 0) rejectArchive('multi-disk archives are not supported.');
  const count = u64(record, 32);
  if (u64(record, 24) !== count) rejectArchive(`the ZIP64 end record counts ${u64(record, 24)} entries on this disk but ${count} in all.`);
  const size = u64(record, 40);
  const offset = u64(record, 48);
  const agree = (value16or32: number, marker: number, value64: number, what: string): void => {
    if (value16or32 !== marker && value16or32 !== value64) rejectArchive(`the end record's ${what} (${value16or32}) disagrees with the ZIP64 end record's (${value64}).`);
  };
  agree(count16, 0xffff, count, 'entry count');
  agree(size32, 0xffffffff, size, 'central directory size');
  agree(offset32, 0xffffffff, offset, 'central directory offset');
  return { count, size, offset, end: recordOffset };
}
