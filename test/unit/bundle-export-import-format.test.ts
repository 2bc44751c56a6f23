import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { parsePythonJson } from '../../src/core/formats/python-json.js';
import { dumpStore, fixtureBytes, zipFolder } from '../fixtures/bundle-helpers/helpers.js';

type Json = Record<string, unknown>;
const json = (path: string): Json => parsePythonJson(new TextDecoder().decode(fixtureBytes(path)), path) as Json;

async function expectRunMatches(store: MemoryStore, runId: string, runJsonPath: string): Promise<void> {
  const body = json(runJsonPath).mlflow as Json;
  const run = await store.getRun(runId as RunId);
  expect({ ...run.data.params }).toEqual(body.params);
  const tags = { ...(body.tags as Record<string, string>) };
  const info = body.info as Json;
  expect({ ...run.data.tags }).toEqual({ ...tags, 'mlflow.runName': info.run_name });
  expect(run.info.status).toBe(info.status);
  expect(run.info.startTime).toBe(info.start_time);
  expect(run.info.endTime).toBe(info.end_time);
  for (const [key, points] of Object.entries(body.metrics as Record<string, Json[]>)) {
    const s = await store.getMetricHistory(runId as RunId, key);
    expect(Array.from(s.values, (v, i) => ({ value: v, timestamp: s.timestamps[i], step: s.steps[i] }))).toEqual(points);
  }
}

/** The registered model of a model.json, read back through the client, field by field. */
async function expectModelMatches(store: MemoryStore, model: Json): Promise<void> {
  const client = new TrackingClient(store);
  const name = model.name as string;
  const got = await client.getRegisteredModel(name);
  expect(got.description).toBe(model.description ?? null);
  expect(got.creationTimestamp).toBe(model.creation_timestamp);
  expect(got.lastUpdatedTimestamp).toBe(model.last_updated_timestamp);
  expect({ ...got.tags }).toEqual(Object.fromEntries(((model.tags ?? []) as { key: string; value: string }[]).map((t) => [t.key, t.value])));
  const aliases = (model.aliases ?? []) as { alias: string; version: string }[];
  expect(got.aliases).toEqual(Object.fromEntries(aliases.map((a) => [a.alias, Number(a.version)])));
  for (const a of aliases) expect((await client.getModelVersionByAlias(name, a.alias)).version).toBe(Number(a.version));
  const versions = (model.versions ?? model.latest_versions) as Json[];
  const stored = (await client.searchModelVersions({ filter: `name = '${name}'`, orderBy: ['version_number ASC'] })).items;
  expect(stored.map((v) => String(v.version))).toEqual(versions.map((v) => v.version));
  for (const v of versions) {
    const got = await client.getModelVersion(name, v.version as string);
    const orNull = (x: unknown): unknown => (x === '' || x === undefined ? null : x);
    expect({
      stage: got.currentStage,
      description: got.description,
      runId: got.runId,
      runLink: got.runLink,
      source: got.source,
      status: got.status,
      statusMessage: got.statusMessage,
      userId: got.userId,
      tags: { ...got.tags },
      created: got.creationTimestamp,
      updated: got.lastUpdatedTimestamp,
    }).toEqual({
      stage: v.current_stage,
      // A version without a description reads as '' (what MLflow's server gives).
      description: typeof v.description === 'string' ? v.description : '',
      runId: orNull(v.run_id),
      runLink: orNull(v.run_link),
      source: v.source,
      status: v.status,
      statusMessage: orNull(v.status_message),
      userId: orNull(v.user_id),
      tags: v.tags,
      created: v.creation_timestamp,
      updated: v.last_updated_timestamp,
    });
  }
}

describe('mlflow-export-import fixtures (real tool output)', () => {
  it.each(['basic', 'src_tags'])('imports single/experiments/%s with every param, tag and metric point', async (name) => {
    const store = new MemoryStore();
    const report = await importBundle(store, zipFolder(`mlflow-export-import/single/experiments/${name}`));
    expect(report.layout).toBe('export-import');
    const exp = json(`mlflow-export-import/single/experiments/${name}/experiment.json`);
    const meta = (exp.mlflow as Json).experiment as Json;
    const experiment = await store.getExperiment(meta.experiment_id as ExperimentId);
    expect(experiment.name).toBe(meta.name);
    expect({ ...experiment.tags }).toEqual(meta.tags);
    const runIds = (exp.mlflow as Json).runs as string[];
    expect(report.runs).toBe(runIds.length);
    for (const runId of runIds) await expectRunMatches(store, runId, `mlflow-export-import/single/experiments/${name}/runs/${runId}/run.json`);
  });

  it.each(['basic', 'src_tags'])('imports single/models/%s: the model and every version it holds', async (name) => {
    const store = new MemoryStore();
    const report = await importBundle(store, zipFolder(`mlflow-export-import/single/models/${name}`));
    const model = ((json(`mlflow-export-import/single/models/${name}/model.json`).mlflow as Json).registered_model) as Json;
    expect(report.registry).toMatchObject({ status: 'imported', models: [model.name], notImported: [] });
    await expectModelMatches(store, model);
  });

  it('imports the bulk models export (experiments.json names, runs by folder, two models)', async () => {
    const store = new MemoryStore();
    const report = await importBundle(store, zipFolder('mlflow-export-import/bulk/models'));
    expect([...report.registry.models].sort()).toEqual(['sklearn_iris', 'sklearn_wine']);
    expect(report.unread).not.toContain('models/models.json');
    // Older exports hold `latest_versions` and tags as a list.
    for (const name of ['sklearn_iris', 'sklearn_wine']) {
      await expectModelMatches(store, (json(`mlflow-export-import/bulk/models/models/${name}/model.json`).mlflow as Json).registered_model as Json);
    }
    expect((await store.getExperiment('2' as ExperimentId)).name).toBe('sklearn_iris');
    expect((await store.getExperiment('1' as ExperimentId)).name).toBe('sklearn_wine');
    // Folder 8a6a… holds a copy of run 5397…'s run.json: the folder name is the run's identity.
    for (const id of ['5397ae67ee0c49139bf64834b4d27fab', '8a6af43e756f433da7a90fd6b4e49c3a']) {
      await expectRunMatches(store, id, `mlflow-export-import/bulk/models/experiments/2/${id}/run.json`);
    }
    await expectRunMatches(store, 'd057cae15f27465988e72c6212e1f226', 'mlflow-export-import/bulk/models/experiments/1/d057cae15f27465988e72c6212e1f226/run.json');
  });

  it('rejects the bulk experiments export, whose 2/experiment.json is corrupt upstream, and changes nothing', async () => {
    const store = new MemoryStore();
    const before = await dumpStore(store);
    const error = await importBundle(store, zipFolder('mlflow-export-import/bulk/experiments')).catch((e: unknown) => e);
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toContain('2/experiment.json');
    expect(await dumpStore(store)).toEqual(before);
    // Repaired (the truncated line restored), it imports.
    const repaired = zipFolder('mlflow-export-import/bulk/experiments', '', (path, bytes) =>
      path === '2/experiment.json' ? new TextEncoder().encode(new TextDecoder().decode(bytes).replace('02:17:4555\n', '02:17:45",\n')) : bytes,
    );
    const report = await importBundle(store, repaired);
    expect(report.runs).toBe(3);
    expect((await store.getExperiment('2' as ExperimentId)).name).toBe('sklearn_iris');
  });
});
