import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { importBundle, type ImportConflictPolicy } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { dumpStore, storeWith } from '../fixtures/bundle-helpers/helpers.js';

const T0 = 1_700_000_000_000;

/** A whole-store export whose experiment 0 (Default) holds two runs of its own. */
async function bundleWithDefaultRuns(): Promise<{ zip: Uint8Array; bundleRunIds: RunId[] }> {
  const source = new MemoryStore();
  const c = new TrackingClient(source);
  const ids: RunId[] = [];
  for (const name of ['from-bundle-1', 'from-bundle-2']) {
    const run = await c.createRun('0', { runName: name, startTime: T0 });
    await c.logBatch(run.info.runId, { metrics: [{ key: 'acc', value: 0.5, timestamp: T0, step: 1 }], params: [{ key: 'p', value: name }] });
    ids.push(run.info.runId);
  }
  await c.setExperimentTag('0', 'origin', 'bundle');
  return { zip: await exportBundle(source, { output: 'bytes' }), bundleRunIds: ids };
}

/** A target store whose Default experiment holds runs the bundle does not carry (with data and artifacts). */
async function targetWithOwnDefaultRuns(): Promise<{ store: MemoryStore; ownRunIds: RunId[] }> {
  const store = new MemoryStore();
  const c = new TrackingClient(store);
  const ids: RunId[] = [];
  for (const name of ['mine-1', 'mine-2']) {
    const run = await c.createRun('0', { runName: name, startTime: T0 + 5 });
    await c.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: 1.5, timestamp: T0, step: 0 }], params: [{ key: 'lr', value: '0.1' }] });
    await c.logArtifact(run.info.runId, 'notes/a.txt', `kept ${name}`);
    ids.push(run.info.runId);
  }
  await store.deleteRun(ids[1]!);
  await c.setExperimentTag('0', 'owner', 'me');
  return { store, ownRunIds: ids };
}

/** Each run's dump (info, params, tags, history, artifacts), by run id. */
async function runsOf(store: Store, experimentId = '0'): Promise<Record<string, unknown>> {
  const dump = (await dumpStore(store)) as Record<string, { runs: Record<string, unknown> }>;
  return dump[experimentId]!.runs;
}

describe('importBundle never purges what the bundle does not carry', () => {
  for (const policy of ['replace', 'skip', 'new-ids'] as const satisfies readonly ImportConflictPolicy[]) {
    it(`${policy}: the store's own Default runs survive a bundle that has experiment 0`, async () => {
      const { zip, bundleRunIds } = await bundleWithDefaultRuns();
      const { store, ownRunIds } = await targetWithOwnDefaultRuns();
      const mineBefore = await runsOf(store);
      const report = await importBundle(store, zip, { onConflict: policy });
      expect(report.runs).toBe(2);
      const after = await runsOf(store);
      for (const id of ownRunIds) expect(after[id], id).toEqual(mineBefore[id]);
      if (policy === 'new-ids') {
        const copy = report.idMap['0']!;
        expect(Object.keys(await runsOf(store, copy)).sort()).toEqual(bundleRunIds.map((id) => report.idMap[id]).sort());
      } else {
        expect(Object.keys(after).sort()).toEqual([...ownRunIds, ...bundleRunIds].sort());
      }
      const defaultTags = (await store.getExperiment('0' as never)).tags;
      expect(defaultTags['owner']).toBe('me');
    });
  }

  it('replace: the bundle wins for the runs it carries and for the experiment tags it has', async () => {
    const { zip, bundleRunIds } = await bundleWithDefaultRuns();
    const { store, ownRunIds } = await targetWithOwnDefaultRuns();
    await importBundle(store, zip);
    const c = new TrackingClient(store);
    c.setTag(bundleRunIds[0]!, 'edited', 'locally');
    await c.setExperimentTag('0', 'origin', 'local');
    await c.flush();
    await importBundle(store, zip, { onConflict: 'replace' });
    expect((await store.getRun(bundleRunIds[0]!)).data.tags['edited']).toBeUndefined();
    const experiment = await store.getExperiment('0' as never);
    expect(experiment.tags).toMatchObject({ origin: 'bundle', owner: 'me' });
    expect(Object.keys(await runsOf(store)).sort()).toEqual([...ownRunIds, ...bundleRunIds].sort());
    expect((await store.getRun(ownRunIds[1]!)).info.lifecycleStage).toBe('deleted');
  });

  for (const policy of ['replace', 'skip', 'new-ids'] as const) {
    it(`${policy}: a failed write rolls the store back exactly, own Default runs included`, async () => {
      const { zip, bundleRunIds } = await bundleWithDefaultRuns();
      const { store } = await targetWithOwnDefaultRuns();
      if (policy === 'replace') await importBundle(store, zip);
      const before = await dumpStore(store);
      let ownWrittenBack = 0;
      let failed = false;
      const failing = storeWith(store, {
        logBatch: async (...args: Parameters<Store['logBatch']>) => {
          // Fail once, on a bundle run; under replace the store's own runs are written back before it.
          if (!failed && args[1].params?.some((p) => p.key === 'lr')) ownWrittenBack++;
          if (!failed && args[1].params?.some((p) => p.value === 'from-bundle-2')) {
            failed = true;
            throw new Error('quota exceeded');
          }
          return store.logBatch(...args);
        },
      });
      await expect(importBundle(failing, zip, { onConflict: policy })).rejects.toThrow('quota exceeded');
      expect(await dumpStore(store)).toEqual(before);
      expect(ownWrittenBack).toBe(policy === 'replace' ? 2 : 0);
      expect(bundleRunIds.length).toBe(2);
    });
  }
});
