/**
 * What MLflow itself reads back from test/fixtures/mlflow/mlruns-small.zip (mlruns-small.json), and
 * assertions that a store holds exactly that: the ground truth every reader of MLflow data is held to.
 */
import { expect } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { fixtureBytes, sha256 } from '../fixtures/bundle-helpers/helpers.js';

export interface TruthRun {
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
export interface Truth {
  experiments: { id: string; name: string; lifecycleStage: string; tags: Record<string, string>; runs: TruthRun[] }[];
  registeredModels: {
    name: string;
    description: string;
    tags: Record<string, string>;
    aliases: Record<string, string>;
    versions: { version: string; description: string; runId: string; source: string; stage: string; tags: Record<string, string> }[];
  }[];
}

export const truth = JSON.parse(new TextDecoder().decode(fixtureBytes('mlflow/mlruns-small.json'))) as Truth;

export const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

export async function expectStoreMatchesTruth(store: Store): Promise<void> {
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
export const REGISTRY_TIMES = {
  model: { creationTimestamp: 1795966270067, lastUpdatedTimestamp: 1795966270734 },
  versions: [
    { creationTimestamp: 1795966270068, lastUpdatedTimestamp: 1795966270730 },
    { creationTimestamp: 1795966270721, lastUpdatedTimestamp: 1795966270739 },
  ],
};

export async function expectRegistryMatchesTruth(store: Store): Promise<void> {
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
