import { crc32 as zlibCrc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isEdgeflowError } from '../../src/core/errors.js';
import { asResourceExhausted } from '../../src/core/formats/decode-budget.js';
import { DEFAULT_ZIP_LIMITS } from '../../src/core/formats/zip-guard.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from '../../src/storage/bundle/read-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { dumpStore } from '../fixtures/bundle-helpers/helpers.js';
import { buildZip, controlEntries, type RawEntry } from '../fixtures/hostile-zips/make-corpus.js';

const RUN = '0123456789abcdef0123456789abcdef';
const runPath = (rest: string): string => `mlruns/5/${RUN}/${rest}`;

/** The control tree with `extra` entries added (each replaces one of the same name). */
function tree(extra: RawEntry[]): Uint8Array {
  const names = new Set(extra.map((e) => e.name));
  return buildZip([...controlEntries().filter((e) => !names.has(e.name)), ...extra]);
}

/** The error both ways in (import, BundleStore) fail with; the target store is left as it was. */
async function refusals(bytes: Uint8Array, limits?: Partial<BundleLimits>): Promise<EdgeflowErrorLike[]> {
  const store = new MemoryStore();
  const before = await dumpStore(store);
  const errors: EdgeflowErrorLike[] = [];
  for (const attempt of [() => importBundle(store, bytes, { limits }), () => BundleStore.open(bytes, { limits })]) {
    errors.push(await attempt().then(() => ({ code: 'none', message: 'no error' }), (e: unknown) => e as EdgeflowErrorLike));
  }
  expect(await dumpStore(store)).toEqual(before);
  return errors;
}

interface EdgeflowErrorLike {
  readonly code: string;
  readonly message: string;
}

/** RESOURCE_EXHAUSTED, its message starting with the zip entry's full name. */
function expectExhausted(errors: readonly EdgeflowErrorLike[], entry: string): void {
  for (const error of errors) {
    expect(isEdgeflowError(error, 'RESOURCE_EXHAUSTED'), error.message).toBe(true);
    expect(error.message.startsWith(entry) || error.message.includes(`"${entry}`), error.message).toBe(true);
  }
}

describe('bundle defaults a browser tab survives', () => {
  it('are 100,000 entries, 512 MiB per entry, 1 GiB in all, 512 MiB of decoded metadata', () => {
    expect(DEFAULT_ZIP_LIMITS).toMatchObject({ maxEntries: 100_000, maxEntryBytes: 512 * 1024 ** 2, maxTotalBytes: 1024 ** 3 });
    expect(DEFAULT_BUNDLE_LIMITS.maxDecodedBytes).toBe(512 * 1024 ** 2);
  });

  it('refuse a small zip whose metric text would decode past the budget, before inflating it', async () => {
    // 300 MB of "0 0\n" deflates to ~300 KB: charged 600 MB (bytes and text) up front.
    const text = Buffer.alloc(300 * 1024 * 1024, '0 0\n');
    const deflated = new Uint8Array(deflateRawSync(text, { level: 9 }));
    const bytes = tree([{ name: runPath('metrics/huge'), deflated, declaredSize: text.length, crc: zlibCrc32(text) }]);
    expect(bytes.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage();
    const errors = await refusals(bytes);
    const after = process.memoryUsage();
    expectExhausted(errors, runPath('metrics/huge'));
    expect(errors[0]!.message).toContain('maxDecodedBytes');
    // Nothing near the 300 MB of text (or its 1.8 GB of columns) was allocated.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('every decode path is charged before it allocates', () => {
  const small = { maxDecodedBytes: 1024 * 1024 };

  it('metric text into columns: 24 bytes a point', async () => {
    // 120,000 lines of 4 bytes: 960 KB charged for the text passes, 2.9 MB of columns does not.
    const bytes = tree([{ name: runPath('metrics/many'), data: '0 0\n'.repeat(120_000) }]);
    const errors = await refusals(bytes, small);
    expectExhausted(errors, runPath('metrics/many'));
    expect(errors[0]!.message).toContain('120000 metric points');
  });

  it('metric files one at a time: their text is given back once parsed, only their columns stay charged', async () => {
    // 200 metric files of 100 lines of 38 bytes: 2 MB if every file's bytes and text stayed
    // charged (as they did), 480 KB of columns and one file's text at a time now.
    const line = '1700000000000 0.123456789012345 12345\n';
    const files = Array.from({ length: 200 }, (_, i) => ({ name: runPath(`metrics/m${i}`), data: line.repeat(100) }));
    const store = await BundleStore.open(tree(files), { limits: small });
    expect(Object.keys((await store.getRun(RUN as never)).data.latestMetrics).filter((k) => /^m\d+$/u.test(k))).toHaveLength(200);
    await store.close();
    // Columns past the limit are refused by the import, which holds them all; the BundleStore
    // parses a history when asked and forgets older ones to stay within the limit.
    const more = Array.from({ length: 600 }, (_, i) => ({ name: runPath(`metrics/m${i}`), data: line.repeat(100) }));
    await expect(importBundle(new MemoryStore(), tree(more), { limits: small })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    const lazy = await BundleStore.open(tree(more), { limits: small });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) expect((await lazy.getMetricHistory(RUN as never, `m${i}`)).values).toHaveLength(100);
    }
  });

  it('mlflow-export-import run.json: parsed JSON and its metric points', async () => {
    const points = Array.from({ length: 30_000 }, (_, i) => ({ value: 0, timestamp: 1, step: i }));
    const runJson = JSON.stringify({ mlflow: { info: { status: 'FINISHED', start_time: 1 }, metrics: { m: points } } });
    const bytes = buildZip([
      { name: 'exp/experiment.json', data: JSON.stringify({ mlflow: { experiment: { experiment_id: '9', name: 'x' }, runs: [RUN] } }) },
      { name: `exp/runs/${RUN}/run.json`, data: runJson },
    ]);
    expectExhausted(await refusals(bytes, small), `exp/runs/${RUN}/run.json`);
    expectExhausted(await refusals(bytes, { maxDecodedBytes: 8 * runJson.length + 100_000 }), `exp/runs/${RUN}/run.json`);
  });

  it('many small params and tags: their text and a per-file overhead', async () => {
    const params = Array.from({ length: 3_000 }, (_, i) => ({ name: runPath(`params/p${i}`), data: 'v'.repeat(100) }));
    expectExhausted(await refusals(tree(params), small), runPath('params/p'));
  });

  it('YAML: meta files are charged, and alias expansion is bounded by the YAML reader', async () => {
    const meta = controlEntries().find((e) => e.name === 'mlruns/5/meta.yaml')!;
    const padded = `${String(meta.data)}${'# padding\n'.repeat(60_000)}`;
    expectExhausted(await refusals(tree([{ name: 'mlruns/5/meta.yaml', data: padded }]), small), 'mlruns/5/meta.yaml');
  });

  it('a real allocation failure (an entry declaring 1 TiB) is RESOURCE_EXHAUSTED naming it, never a RangeError', async () => {
    const huge = { maxEntryBytes: 2 ** 41, maxTotalBytes: 2 ** 42 };
    const bytes = tree([{ name: runPath('artifacts/terabyte.bin'), data: 'x', declaredSize64: 2n ** 40n }]);
    const store = await BundleStore.open(bytes, { limits: huge });
    const failure = (e: unknown): EdgeflowErrorLike => e as EdgeflowErrorLike;
    const noFailure = (): EdgeflowErrorLike => ({ code: 'none', message: 'no error' });
    const read = await store.getArtifact(RUN as never, 'terabyte.bin').then(noFailure, failure);
    const imported = await importBundle(new MemoryStore(), bytes, { limits: huge }).then(noFailure, failure);
    expectExhausted([read, imported], runPath('artifacts/terabyte.bin'));
    expect(read.message).toContain('Not enough memory');
  });

  it('asResourceExhausted turns engine out-of-memory errors into RESOURCE_EXHAUSTED and leaves others', () => {
    for (const error of [
      new RangeError('Invalid array length'),
      new RangeError('Array buffer allocation failed'),
      new RangeError('Invalid string length'),
      new RangeError('Invalid typed array length: 1099511627777'),
      new Error('Cannot create a string longer than 0x1fffffe8 characters'.replace('Cannot create a string longer', 'Invalid string length')),
    ]) {
      const converted = asResourceExhausted(error, 'the bundle');
      expect(isEdgeflowError(converted, 'RESOURCE_EXHAUSTED'), error.message).toBe(true);
      expect((converted as Error).message).toContain('Not enough memory to decode the bundle');
    }
    const other = new TypeError('x is not a function');
    expect(asResourceExhausted(other, 'the bundle')).toBe(other);
  });
});
