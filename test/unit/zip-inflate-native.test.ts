import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isEdgeflowError } from '../../src/core/errors.js';
import type * as ZipGuardModule from '../../src/core/formats/zip-guard.js';
import { buildZip } from '../fixtures/hostile-zips/make-corpus.js';

/** Incompressible bytes: their deflate data is larger than the 64 KiB inflated in one call. */
const data = new Uint8Array(randomBytes(200_000));
const deflated = new Uint8Array(deflateRawSync(data));

type ZipGuard = typeof ZipGuardModule;

for (const native of [true, false]) {
  describe(`large entries through ${native ? "the platform's DecompressionStream" : "fflate's streaming inflate (no DecompressionStream)"}`, () => {
    let guard: ZipGuard;
    beforeAll(async () => {
      if (!native) vi.stubGlobal('DecompressionStream', undefined);
      vi.resetModules();
      guard = await import('../../src/core/formats/zip-guard.js');
      const { hasNativeInflate } = await import('../../src/core/formats/zip-inflate-native.js');
      expect(hasNativeInflate()).toBe(native);
      expect(deflated.length).toBeGreaterThan(64 * 1024);
    });
    afterAll(() => {
      vi.unstubAllGlobals();
    });

    async function readError(entry: Parameters<typeof buildZip>[0][number]): Promise<Error | undefined> {
      const zip = await guard.openZip(buildZip([entry]));
      return zip.read('big.bin').then(() => undefined, (e: unknown) => e as Error);
    }

    it('reads the bytes back, CRC-checked', async () => {
      const zip = await guard.openZip(buildZip([{ name: 'big.bin', deflated, declaredSize: data.length, crc: zlibCrc32(data) }]));
      expect(Buffer.from(await zip.read('big.bin')).equals(Buffer.from(data))).toBe(true);
    });

    it('stops at the declared size of a zip bomb, names a short entry and corrupt data', async () => {
      const bomb = await readError({ name: 'big.bin', deflated, declaredSize: 100_000, crc: zlibCrc32(data) });
      expect(isEdgeflowError(bomb, 'INVALID_PARAMETER_VALUE')).toBe(true);
      expect(bomb!.message).toContain('inflates to more than its declared 100000 bytes (zip bomb?)');
      const short = await readError({ name: 'big.bin', deflated, declaredSize: 300_000, crc: zlibCrc32(data) });
      expect(short!.message).toContain('inflates to 200000 bytes, not its declared 300000');
      // Every block header reads as the reserved type 3 (0xff: BFINAL 1, BTYPE 11), which no inflater
      // accepts; random bytes sometimes decode as a short valid stream instead.
      const corrupt = await readError({ name: 'big.bin', deflated: new Uint8Array(100_000).fill(0xff), declaredSize: 300_000, crc: 0 });
      expect(isEdgeflowError(corrupt, 'INVALID_PARAMETER_VALUE')).toBe(true);
      expect(corrupt!.message).toContain('"big.bin": corrupt deflate data');
    });
  });
}
