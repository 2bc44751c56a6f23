import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { exportBundle, exportBundleTo } from '../../src/storage/bundle/export-bundle.js';
import type { Run } from '../../src/core/entities.js';
import type { SearchRunsQuery, Store } from '../../src/core/store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import { dumpStore, storeWith } from '../fixtures/bundle-helpers/helpers.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';

const T0 = 1_700_000_000_000;

async function richStore(): Promise<{ store: MemoryStore; runIds: RunId[] }> {
  const store = new MemoryStore();
  const c = new TrackingClient(store, { userId: 'ünï' });
  const exp = await c.createExperiment('exp ✓ "quoted": yes', { tags: { 'nested/key': 'v', note: 'multi\nline ☃' } });
  const a = await c.createRun(exp, { runName: 'a', startTime: T0, tags: { 'mlflow.parentRunId': 'x', 'a/b': 'c' } });
  await store.logBatch(a.info.runId, {
    params: [{ key: 'lr', value: '0.01' }, { key: 'model/depth', value: '3' }, { key: 'empty', value: '' }],
    metrics: [
      {
        key: 'loss',
        steps: new Float64Array([0, 1, -5, 2 ** 40, 2 ** 53 - 1]),
        timestamps: new Float64Array([T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4]),
        values: new Float64Array([NaN, Infinity, -Infinity, -0, 1e-5]),
      },
      { key: 'nested/m', steps: new Float64Array([3]), timestamps: new Float64Array([T0]), values: new Float64Array([1e20]) },
    ],
  });
  await c.logArtifact(a.info.runId, 'text/hello.txt', 'héllo\n');
  await c.logArtifact(a.info.runId, 'bin/data.bin', new Uint8Array([0, 1, 2, 255, 0, 7]));
  await c.logArtifact(a.info.runId, 'inner.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
  await store.updateRun(a.info.runId, { status: 'FINISHED', endTime: T0 + 99 });
  const b = await c.createRun(exp, { runName: 'b', startTime: T0 + 10 });
  await store.deleteRun(b.info.runId);
  const gone = await c.createExperiment('gone');
  await c.createRun(gone, { runName: 'in-deleted', startTime: T0 });
  await store.deleteExperiment(gone);
  return { store, runIds: [a.info.runId, b.info.runId] };
}

describe('round trip store → zip → store', () => {
  for (const format of ['mlflow', 'export-import'] as const) {
    it(`is lossless (${format})`, async () => {
      const { store } = await richStore();
      const progress: number[] = [];
      const zip = await exportBundle(store, { format, output: 'bytes', onProgress: (p) => progress.push(p.done) });
      expect(progress.length).toBe(3);
      const target = new MemoryStore();
      await importBundle(target, zip, { onConflict: 'replace' });
      // Everything: -0, NaN, ±Infinity, deletion times of deleted runs and experiments.
      expect(await dumpStore(target)).toEqual(await dumpStore(store));
    });
  }

  it('writes text deflated and binary artifacts stored; nested zips stay opaque bytes', async () => {
    const { store } = await richStore();
    const zip = await exportBundle(store, { output: 'bytes' });
    const files = unzipSync(zip);
    const names = Object.keys(files);
    expect(names).toContain('mlruns/.trash/');
    expect(names.some((n) => n.endsWith('/artifacts/inner.zip'))).toBe(true);
    // Inspect the central directory compression methods.
    const methods = new Map<string, number>();
    let p = zip.length - 22;
    while (!(zip[p] === 0x50 && zip[p + 1] === 0x4b && zip[p + 2] === 5 && zip[p + 3] === 6)) p--;
    const dv = new DataView(zip.buffer, zip.byteOffset);
    let q = dv.getUint32(p + 16, true);
    const count = dv.getUint16(p + 10, true);
    for (let i = 0; i < count; i++) {
      const n = dv.getUint16(q + 28, true);
      const name = new TextDecoder().decode(zip.subarray(q + 46, q + 46 + n));
      methods.set(name, dv.getUint16(q + 10, true));
      q += 46 + n + dv.getUint16(q + 30, true) + dv.getUint16(q + 32, true);
    }
    const find = (suffix: string): number => [...methods].find(([k]) => k.endsWith(suffix))![1];
    expect(find('/artifacts/bin/data.bin')).toBe(0);
    expect(find('/artifacts/inner.zip')).toBe(0);
    expect(find('/artifacts/text/hello.txt')).toBe(8);
    expect(find('/metrics/loss')).toBe(8);
  });

  it('exports bytes MLflow would write, with a relative artifact root', async () => {
    const { store, runIds } = await richStore();
    const zip = await exportBundle(store, { output: 'bytes', runIds: [runIds[0]!] });
    const files = unzipSync(zip);
    const text = (suffix: string): string =>
      new TextDecoder().decode(Object.entries(files).find(([k]) => k.endsWith(suffix))![1]);
    expect(text('/metrics/loss')).toBe(
      `${T0} nan 0\n${T0 + 1} inf 1\n${T0 + 2} -inf -5\n${T0 + 3} -0.0 1099511627776\n${T0 + 4} 1e-05 9007199254740991\n`,
    );
    expect(text('/params/empty')).toBe('');
    expect(text('/params/model/depth')).toBe('3');
    const meta = text(`${runIds[0]}/meta.yaml`);
    expect(meta).toMatch(/^artifact_uri: mlruns\/\d{18}\/[0-9a-f]{32}\/artifacts\nend_time: 1700000000099\n/u);
    expect(meta).toContain('\nstatus: 3\ntags: []\nuser_id: ünï\n');
    expect(meta).not.toContain('deleted_time');
  });

  it('refuses keys that cannot coexist on a file system, before writing', async () => {
    const store = new MemoryStore();
    const c = new TrackingClient(store);
    const run = await c.createRun('0', { runName: 'r' });
    await store.logBatch(run.info.runId, { params: [{ key: 'a', value: '1' }] });
    // A backend that allows `a` next to `a/b` (the memory store refuses it): simulate one.
    const withConflict = (r: Run): Run => ({ ...r, data: { ...r.data, params: { ...r.data.params, 'a/b': '2' } } });
    const proxy: Store = storeWith(store, {
      getRun: async (id: RunId) => withConflict(await store.getRun(id)),
      searchRuns: async (q: SearchRunsQuery) => {
        const page = await store.searchRuns(q);
        return { ...page, items: page.items.map(withConflict) };
      },
    });
    const chunks: Uint8Array[] = [];
    const error = await exportBundleTo(proxy, (chunk) => chunks.push(chunk)).catch((e: unknown) => e);
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toContain('"a" and "a/b"');
    expect(chunks).toHaveLength(0);
  });
});

describe('stores that cannot take a bundle', () => {
  it('refuses to import into a store without snapshots (a tracking server) before writing anything', async () => {
    const { store } = await richStore();
    const zip = await exportBundle(store, { output: 'bytes' });
    const target = new MemoryStore();
    const server: Store = storeWith(target, { capabilities: { ...target.capabilities, snapshots: false } });
    const before = await dumpStore(target);
    const error = await importBundle(server, zip).catch((e: unknown) => e);
    expect(isEdgeflowError(error, 'NOT_IMPLEMENTED')).toBe(true);
    expect((error as Error).message).toContain('syncRuns');
    expect(await dumpStore(target)).toEqual(before);
  });
});

describeStoreConformance('BundleStore (read-only, from an exported zip)', {
  readOnly: true,
  registry: true,
  async open(seed) {
    const source = new MemoryStore();
    if (seed) await seed(new TrackingClient(source, { userId: 'conformance' }));
    return BundleStore.open(await exportBundle(source, { output: 'blob', includeModels: true }));
  },
});
