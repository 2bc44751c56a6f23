import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { RunId } from '../../src/core/ids.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { buildZip, controlEntries } from '../fixtures/hostile-zips/make-corpus.js';

const RUN = '0123456789abcdef0123456789abcdef' as RunId;
const longParam = 'p'.repeat(7000);
const longTag = 't'.repeat(9000);

/** The control tree (mlflow layout) with a 7000-character param and a 9000-character run tag. */
function fileStoreLayout(): Uint8Array {
  return buildZip([
    ...controlEntries(),
    { name: `mlruns/5/${RUN}/params/long`, data: longParam },
    { name: `mlruns/5/${RUN}/tags/long`, data: longTag },
  ]);
}

/** The same values in mlflow-export-import's layout. */
function exportImportLayout(): Uint8Array {
  return buildZip([
    { name: 'exp/experiment.json', data: JSON.stringify({ mlflow: { experiment: { experiment_id: '9', name: 'x' }, runs: [RUN] } }) },
    {
      name: `exp/runs/${RUN}/run.json`,
      data: JSON.stringify({ mlflow: { info: { status: 'FINISHED', start_time: 1 }, params: { long: longParam }, tags: { long: longTag } } }),
    },
  ]);
}

/** What the client stores for the same values. */
async function clientStored(): Promise<{ param: string; tag: string }> {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const store = new MemoryStore();
  const c = new TrackingClient(store);
  const run = await c.createRun('0', { runName: 'r' });
  c.logParam(run.info.runId, 'long', longParam);
  c.setTag(run.info.runId, 'long', longTag);
  await c.flush();
  const data = (await store.getRun(run.info.runId)).data;
  return { param: data.params['long']!, tag: data.tags['long']! };
}

afterEach(() => vi.restoreAllMocks());

describe('bundles enter a store only as the tracking API would store them', () => {
  for (const [layout, zip, where] of [
    ['mlflow', fileStoreLayout, [`mlruns/5/${RUN}/params/long`, `mlruns/5/${RUN}/tags/long`]],
    ['export-import', exportImportLayout, [`exp/runs/${RUN}/run.json`, `exp/runs/${RUN}/run.json`]],
  ] as const) {
    it(`${layout}: long param and run tag values are truncated exactly as the client truncates them, and reported`, async () => {
      const expected = await clientStored();
      expect(expected.param.length).toBe(6000);
      expect(expected.tag.length).toBe(8000);
      const store = new MemoryStore();
      const report = await importBundle(store, zip());
      expect(report.truncated).toEqual([
        { entry: where[0], length: 7000, limit: 6000 },
        { entry: where[1], length: 9000, limit: 8000 },
      ]);
      const imported = (await store.getRun(RUN)).data;
      expect(imported.params['long']).toBe(expected.param);
      expect(imported.tags['long']).toBe(expected.tag);
      const viewed = (await (await BundleStore.open(zip())).getRun(RUN)).data;
      expect(viewed.params['long']).toBe(expected.param);
      expect(viewed.tags['long']).toBe(expected.tag);
    });
  }

  it('values within the limits are kept exactly, and nothing is reported', async () => {
    const report = await importBundle(new MemoryStore(), buildZip(controlEntries()));
    expect(report.truncated).toEqual([]);
  });
});
