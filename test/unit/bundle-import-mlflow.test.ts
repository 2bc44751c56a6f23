import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { dumpStore, fixtureBytes, sha256 } from '../fixtures/bundle-helpers/helpers.js';

interface TruthRun {
  id: string;
  name: string;
  status: string;
  lifecycleStage: string;
  startTime: number;
  endTime: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  latest: Record<string, number | string>;
  history: Record<string, [number, number, number | string][]>;
  artifacts: [string, string][];
}
interface Truth {
  experiments: { id: string; name: string; lifecycleStage: string; tags: Record<string, string>; runs: TruthRun[] }[];
  registeredModels: {
    name: string;
    description: string;
    tags: Record<string, string>;
    aliases: Record<string, string>;
    versions: { version: string; description: string; runId: string; source: string; stage: string; tags: Record<string, string> }[];
  }[];
}

const truth = JSON.parse(new TextDecoder().decode(fixtureBytes('mlflow/mlruns-small.json'))) as Truth;
const zip = fixtureBytes('mlflow/mlruns-small.zip');

const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

async function expectStoreMatchesTruth(store: Store): Promise<void> {
  for (const e of truth.experiments) {
    const experiment = await store.getExperiment(e.id as ExperimentId);
    expect(experiment.name).toBe(e.name);
    expect(experiment.lifecycleStage).toBe(e.lifecycleStage);
    expect({ ...experiment.tags }).toEqual(e.tags);
    const runs = (await store.searchRuns({ experimentIds: [e.id as ExperimentId], viewType: 'ALL' })).items;
    expect(runs.map((r) => r.info.runId).sort()).toEqual(e.runs.map((r) => r.id).sort());
    for (const t of e.runs) {
      const run = await store.getRun(t.id as RunId);
      expect(run.info.runName).toBe(t.name);
      expect(run.info.status).toBe(t.status);
      expect(run.info.lifecycleStage).toBe(t.lifecycleStage);
      expect(run.info.startTime).toBe(t.startTime);
      expect(run.info.endTime).toBe(t.endTime);
      expect({ ...run.data.params }).toEqual(t.params);
      expect({ ...run.data.tags }).toEqual(t.tags);
      expect(Object.keys(run.data.metrics).sort()).toEqual(Object.keys(t.latest).sort());
      for (const [key, value] of Object.entries(t.latest)) expect(run.data.metrics[key]).toBe(num(value));
      for (const [key, points] of Object.entries(t.history)) {
        const s = await store.getMetricHistory(t.id as RunId, key);
        expect(Array.from(s.values, (v, i) => [s.steps[i], s.timestamps[i], v])).toEqual(points.map(([st, ts, v]) => [st, ts, num(v)]));
      }
      const artifacts: [string, string][] = [];
      const walk = async (p: string): Promise<void> => {
        for (const f of await store.listArtifacts(t.id as RunId, p)) {
          if (f.isDir) await walk(f.path);
          else artifacts.push([f.path, await sha256(await store.getArtifact(t.id as RunId, f.path))]);
        }
      };
      await walk('');
      expect(artifacts.sort()).toEqual([...t.artifacts].sort());
    }
  }
}

/** Times and fields of the registry files in the zip (mlruns-small.json lists no times). */
const REGISTRY_TIMES = {
  model: { creationTimestamp: 1795966270067, lastUpdatedTimestamp: 1795966270734 },
  versions: [
    { creationTimestamp: 1795966270068, lastUpdatedTimestamp: 1795966270730 },
    { creationTimestamp: 1795966270721, lastUpdatedTimestamp: 1795966270739 },
  ],
};

async function expectRegistryMatchesTruth(store: Store): Promise<void> {
  const client = new TrackingClient(store);
  expect((await client.searchRegisteredModels()).items.map((m) => m.name)).toEqual(truth.registeredModels.map((m) => m.name));
  for (const m of truth.registeredModels) {
    const model = await client.getRegisteredModel(m.name);
    expect(model.description).toBe(m.description);
    expect({ ...model.tags }).toEqual(m.tags);
    expect(Object.fromEntries(Object.entries(model.aliases).map(([a, v]) => [a, String(v)]))).toEqual(m.aliases);
    expect(model).toMatchObject(REGISTRY_TIMES.model);
    for (const [i, t] of m.versions.entries()) {
      const v = await client.getModelVersion(m.name, t.version);
      expect({
        version: String(v.version),
        description: v.description,
        runId: v.runId,
        source: v.source,
        stage: v.currentStage,
        tags: { ...v.tags },
      }).toEqual(t);
      expect(v).toMatchObject({ ...REGISTRY_TIMES.versions[i], status: 'READY', userId: null, runLink: null, statusMessage: null, modelId: null, storageLocation: t.source });
      expect([...v.aliases].sort()).toEqual(Object.entries(m.aliases).filter(([, n]) => n === t.version).map(([a]) => a).sort());
    }
    for (const [alias, version] of Object.entries(m.aliases)) {
      expect((await client.getModelVersionByAlias(m.name, alias)).version).toBe(Number(version));
    }
    const latest = await client.getLatestVersions(m.name);
    expect(latest.map((v) => [String(v.version), v.currentStage]).sort()).toEqual(m.versions.map((v) => [v.version, v.stage]).sort());
    // The run of each version is in the store: the link holds.
    for (const t of m.versions) expect((await client.getRun(t.runId as RunId)).info.runId).toBe(t.runId);
  }
}

describe('mlruns-small.zip (written by MLflow 3.6)', () => {
  it('imports exactly what MLflow reads back from it', async () => {
    const store = new MemoryStore();
    const progress: number[] = [];
    const report = await importBundle(store, zip, { onProgress: (p) => p.phase === 'write' && progress.push(p.done) });
    expect(report.layout).toBe('mlflow');
    expect(report.runs).toBe(4);
    expect(report.experiments).toBe(2); // '0' already exists and is reused
    expect(report.metricPoints).toBe(2 * (1 + 1 + 1 + 1 + 3 + 1 + 2));
    expect(report.artifacts).toBe(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    await expectStoreMatchesTruth(store);
  });

  it('imports the model registry exactly as MLflow reads it (models, versions, stages, aliases, tags, times)', async () => {
    const store = new MemoryStore();
    const report = await importBundle(store, zip);
    expect(report.registry).toMatchObject({ status: 'imported', models: ['DemoModel'], versions: 2, notImported: [] });
    await expectRegistryMatchesTruth(store);
  });

  it('reads the same registry through a read-only BundleStore', async () => {
    await expectRegistryMatchesTruth(await BundleStore.open(zip));
  });

  it('reads the same through a read-only BundleStore, lazily', async () => {
    const store = await BundleStore.open(new Blob([zip as Uint8Array<ArrayBuffer>]));
    await expectStoreMatchesTruth(store);
  });

  it('imports the tree without the mlruns/ folder too', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const files = unzipSync(zip);
    const stripped: Record<string, Uint8Array> = {};
    for (const [name, bytes] of Object.entries(files)) if (name.startsWith('mlruns/') && name !== 'mlruns/') stripped[name.slice(7)] = bytes;
    const store = new MemoryStore();
    await importBundle(store, zipSync(stripped));
    await expectStoreMatchesTruth(store);
  });

  it('skip / replace / new-ids on a second import', async () => {
    const store = new MemoryStore();
    await importBundle(store, zip);
    const before = await dumpStore(store);
    const client = new TrackingClient(store);
    await client.setRegisteredModelTag('DemoModel', 'local', 'edit');
    const skipped = await importBundle(store, zip, { onConflict: 'skip' });
    expect(skipped.runs).toBe(0);
    expect(skipped.skipped.length).toBeGreaterThanOrEqual(5);
    expect(skipped.skipped).toContainEqual({ path: 'models/DemoModel', reason: 'registered model "DemoModel" exists' });
    expect(skipped.registry).toMatchObject({ status: 'imported', models: [], notImported: ['DemoModel'] });
    expect(await dumpStore(store)).toEqual(before);
    expect((await client.getRegisteredModel('DemoModel')).tags['local']).toBe('edit');
    const replaced = await importBundle(store, zip, { onConflict: 'replace' });
    expect(replaced.runs).toBe(4);
    expect(replaced.registry.models).toEqual(['DemoModel']);
    await expectStoreMatchesTruth(store);
    await expectRegistryMatchesTruth(store);
    expect((await client.getRegisteredModel('DemoModel')).tags['local']).toBeUndefined();
    const renewed = await importBundle(store, zip, { onConflict: 'new-ids' });
    expect(renewed.runs).toBe(4);
    const names = (await store.searchExperiments({ viewType: 'ALL' })).items.map((e) => e.name).sort();
    expect(names).toEqual(['Default', 'Default (2)', 'demo-exp', 'demo-exp (2)', 'to-delete', 'to-delete (2)']);
    // The copy is "DemoModel (2)"; its versions point at the new runs, runs:/ sources included.
    expect(renewed.registry.renamed).toEqual({ DemoModel: 'DemoModel (2)' });
    const [v1, v2] = [await client.getModelVersion('DemoModel (2)', 1), await client.getModelVersion('DemoModel (2)', 2)];
    const [t1, t2] = truth.registeredModels[0]!.versions;
    expect(v1.runId).toBe(renewed.idMap[t1!.runId]);
    expect(v1.source).toBe(t1!.source); // a file:// path of the original store: kept as it is
    expect(v2.runId).toBe(renewed.idMap[t2!.runId]);
    expect(v2.source).toBe(`runs:/${renewed.idMap[t2!.runId]}/model`);
    expect(v2.storageLocation).toBe(v2.source);
    expect((await client.getRun(v2.runId as RunId)).info.runName).toBe((await client.getRun(t2!.runId as RunId)).info.runName);
    expect((await client.getModelVersionByAlias('DemoModel (2)', 'champion')).version).toBe(1);
    expect((await client.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['DemoModel', 'DemoModel (2)']);
    expect((await client.getModelVersion('DemoModel', 2)).runId).toBe(t2!.runId);
  });
});
