import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { exportBundle, exportBundleTo } from '../../src/storage/bundle/export-bundle.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { readBundle } from '../../src/storage/bundle/read-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { dumpStore } from '../fixtures/bundle-helpers/helpers.js';

async function oneRun(): Promise<{ store: MemoryStore; experimentId: string; zip: Uint8Array }> {
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const run = await client.startRun({ experimentName: 'options' });
  run.logMetric('loss', 0.5, 1);
  await run.end();
  return { store, experimentId: run.experimentId, zip: await exportBundle(store, { output: 'bytes' }) };
}

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<EdgeflowError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof EdgeflowError)) throw new Error(`expected an EdgeflowError, got ${String(error)}`);
  return error;
}

describe('bundle options are checked before anything is read or written', () => {
  it.each([
    ['a misspelled conflict policy', { onConflict: 'overwrite' }, 'onConflict'],
    ['a limit given as text (a NaN limit would never trip)', { limits: { maxEntries: '10' } }, 'limits.maxEntries'],
    ['a negative limit', { limits: { maxDecodedBytes: -1 } }, 'limits.maxDecodedBytes'],
    ['an unknown limit', { limits: { maxEntry: 5 } }, 'limits'],
    ['a fractional line length', { maxLineLength: 10.5 }, 'maxLineLength'],
    ['an unknown option', { conflict: 'replace' }, 'conflict'],
    ['a progress callback that is not a function', { onProgress: 'log' }, 'onProgress'],
  ])('importBundle refuses %s and leaves the store as it was', async (_, options, field) => {
    const { zip } = await oneRun();
    const target = new MemoryStore();
    const before = await dumpStore(target);
    const error = await rejection(importBundle(target, zip, options as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
    expect(await dumpStore(target)).toEqual(before);
  });

  it('readBundle and BundleStore.open refuse a bad mismatch policy, and open does so before fetching', async () => {
    const { zip } = await oneRun();
    expect((await rejection(readBundle(zip, { onMismatch: 'ignore' } as never))).message).toContain('onMismatch');
    const unreachable = 'http://127.0.0.1:9/never-fetched.zip';
    const error = await rejection(BundleStore.open(unreachable, { limits: { maxEntries: 0 } }));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('limits.maxEntries');
  });

  it.each([
    ['an unknown format', { format: 'tar' }, 'format'],
    ['an unknown output', { output: 'stream' }, 'output'],
    ['an invalid date', { mtime: new Date(Number.NaN) }, 'mtime'],
    ['a root folder that climbs out', { rootFolder: '../outside' }, 'rootFolder'],
    ['an absolute root folder', { rootFolder: '/etc' }, 'rootFolder'],
    ['a non-string experiment id', { experimentIds: [{}] }, 'experimentIds.0'],
  ])('exportBundle refuses %s', async (_, options, field) => {
    const { store } = await oneRun();
    const error = await rejection(exportBundle(store, { output: 'bytes', ...options } as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
  });

  it('exportBundleTo writes nothing when its options are refused', async () => {
    const { store } = await oneRun();
    const chunks: Uint8Array[] = [];
    await rejection(exportBundleTo(store, (chunk) => chunks.push(chunk), { format: 'tar' } as never));
    expect(chunks).toEqual([]);
  });

  it('exportBundle takes experiment and run ids as plain strings, and checks their form', async () => {
    const { store, experimentId } = await oneRun();
    const zip = await exportBundle(store, { experimentIds: [String(experimentId)], output: 'bytes' });
    const imported = await importBundle(new MemoryStore(), zip);
    expect(imported.runs).toBe(1);
    const error = await rejection(exportBundle(store, { runIds: ['not a run id'], output: 'bytes' }));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
  });
});
