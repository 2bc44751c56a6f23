import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { crc32, entryNameProblem, openZip } from '../../src/core/formats/zip-guard.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { dumpStore } from '../fixtures/bundle-helpers/helpers.js';
import { buildCorpus, buildZip, controlEntries, writeCorpus } from '../fixtures/hostile-zips/make-corpus.js';

const dir = new URL('../fixtures/hostile-zips/', import.meta.url).pathname;
if (process.env.WRITE_CORPUS === '1') await writeCorpus(dir);
const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as {
  file: string;
  entry: string;
  description: string;
  limits?: Record<string, number>;
}[];

async function populated(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const c = new TrackingClient(store);
  const run = await c.createRun('0', { runName: 'existing' });
  await c.logMetric(run.info.runId, 'm', 1);
  return store;
}

describe('the CRC-32 that proves each entry', () => {
  it('agrees with zlib at every length and offset around its eight-byte steps', () => {
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    const differing: string[] = [];
    for (let offset = 0; offset < 9; offset++) {
      for (const length of [0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 4000]) {
        const part = data.subarray(offset, offset + length);
        if (crc32(part) !== zlibCrc32(part)) differing.push(`${offset}+${length}`);
      }
    }
    expect(differing).toEqual([]);
    // Continued from an earlier CRC, as zlib continues it.
    expect(crc32(data.subarray(100), crc32(data.subarray(0, 100)))).toBe(zlibCrc32(data));
  });
});

describe('the local header of each entry', () => {
  const read = async (name: string, localName: string): Promise<string> => {
    try {
      const zip = await openZip(buildZip([{ name, localName, data: 'x', flags: 0x800 }]));
      return new TextDecoder().decode(await zip.read(name.replace(/\/$/u, '')));
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('must name the entry of the central directory, byte for byte (ASCII or not)', async () => {
    expect(await read('a/x.txt', 'a/x.txt')).toBe('x');
    expect(await read('a/é.txt', 'a/é.txt')).toBe('x');
    expect(await read('a/x.txt', 'a/y.txt')).toMatch(/local header that names another file/u);
    expect(await read('a/x.txt', 'a/x.tx')).toMatch(/overlaps/u);
    expect(await read('a/é.txt', 'a/è.txt')).toMatch(/local header that names another file/u);
    expect(await read('a/ée.txt', 'a/éé.txt')).toMatch(/local header that names another file/u);
    expect(await read('a/e\u00e9', 'a/ee\u00e9')).toMatch(/local header that names another file/u);
  });
});

describe('hostile zip corpus', () => {
  it('has at least 20 cases, and the committed files are what make-corpus.ts builds', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(20);
    const built = buildCorpus();
    expect(new Uint8Array(readFileSync(`${dir}control.zip`))).toEqual(built.control);
    for (const x of built.cases) expect(new Uint8Array(readFileSync(dir + x.file)), x.file).toEqual(x.bytes);
  });

  it('control.zip (same builder, valid tree) imports, nested zip kept as bytes', async () => {
    const store = new MemoryStore();
    const report = await importBundle(store, new Uint8Array(readFileSync(`${dir}control.zip`)));
    expect(report.runs).toBe(1);
    expect(report.artifacts).toBe(1);
    expect(report.metricPoints).toBe(2);
  });

  it('still imports archives whose end agrees with their directory: ZIP64 end records, a comment, both', async () => {
    const comment = new TextEncoder().encode('made by a tool that writes comments');
    for (const lies of [{ zip64: { markers: true } }, { zip64: {} }, { comment }, { comment, zip64: { markers: true } }]) {
      const report = await importBundle(new MemoryStore(), buildZip(controlEntries(), lies));
      expect(report.runs, JSON.stringify(lies)).toBe(1);
    }
  });

  it('entry names: refuses every C0, DEL and C1 control, bidi overrides and isolates, lone surrogates; keeps other Unicode', () => {
    const refused = [
      ...Array.from({ length: 0x20 }, (_, c) => c),
      ...Array.from({ length: 0x21 }, (_, c) => 0x7f + c),
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
    ];
    for (const c of refused) expect(entryNameProblem(`a/b${String.fromCharCode(c)}c`), c.toString(16)).toBeDefined();
    expect(entryNameProblem('a/\ud800x')).toBe('contains a lone surrogate');
    expect(entryNameProblem('a/x\udc00')).toBe('contains a lone surrogate');
    for (const ok of ['mlruns/0/caf\u00e9', 'mlruns/0/\u5b66\u4e60\u7387', 'a/\u{1f600}.png', 'a/\u00a0nbsp', 'a/\u200dzwj']) {
      expect(entryNameProblem(ok), ok).toBeUndefined();
    }
  });

  for (const x of manifest) {
    it(`rejects ${x.file}: ${x.description}`, async () => {
      const store = await populated();
      const before = await dumpStore(store);
      const bytes = new Uint8Array(readFileSync(dir + x.file));
      for (const attempt of [
        () => importBundle(store, bytes, { limits: x.limits }),
        () => BundleStore.open(bytes, { limits: x.limits }).then(async (s) => {
          // Some problems (inflating artifacts) surface only when an entry is read.
          for (const e of (await s.searchExperiments({ viewType: 'ALL' })).items) {
            for (const r of (await s.searchRuns({ experimentIds: [e.experimentId], viewType: 'ALL' })).items) {
              const walk = async (p: string): Promise<void> => {
                for (const f of await s.listArtifacts(r.info.runId, p)) {
                  if (f.isDir) await walk(f.path);
                  else await s.getArtifact(r.info.runId, f.path);
                }
              };
              await walk('');
            }
          }
        }),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), String(error)).toBe(true);
        expect((error as Error).message).toContain(x.entry);
      }
      expect(await dumpStore(store)).toEqual(before);
    });
  }
});
