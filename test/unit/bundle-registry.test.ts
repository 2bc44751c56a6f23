import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { RegisteredModelRecord } from '../../src/core/registry/entities.js';
import type { RegistryStore } from '../../src/core/registry/registry-store.js';
import type { Store } from '../../src/core/store.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { exportBundle, exportBundleTo } from '../../src/storage/bundle/export-bundle.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { openStore } from '../../src/storage/open-store.js';
import { expectCode } from '../conformance/expect-error.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { dumpStore, fixtureBytes, storeWith } from '../fixtures/bundle-helpers/helpers.js';

const small = fixtureBytes('mlflow/mlruns-small.zip');
const smallFiles = unzipSync(small);
const registryEntries = (files: Zippable | Record<string, Uint8Array>): string[] =>
  Object.keys(files)
    .filter((n) => /^mlruns\/models\/.+[^/]$/u.test(n))
    .sort();

/** Everything a registry holds, soft-deleted versions included when the registry hands them out. */
async function dumpRegistry(store: Store): Promise<unknown> {
  const records = await store.registry!.exportRegisteredModels();
  return JSON.parse(JSON.stringify([...records].sort((a, b) => (a.name < b.name ? -1 : 1)))) as unknown;
}

async function dumpAll(store: Store): Promise<unknown> {
  return { tracking: await dumpStore(store), registry: await dumpRegistry(store) };
}

/** mlruns-small with edits: `set` adds or replaces entries, `drop` removes them. */
function editedSmall(set: Record<string, string>, drop: readonly string[] = []): Uint8Array {
  const files: Zippable = {};
  for (const [name, bytes] of Object.entries(smallFiles)) if (!name.endsWith('/') && !drop.includes(name)) files[name] = bytes;
  for (const [name, text] of Object.entries(set)) files[name] = strToU8(text);
  return zipSync(files);
}

const VERSION_3_DELETED = `creation_timestamp: 1795966270740
current_stage: Deleted_Internal
deployment_job_state: null
description: null
last_updated_timestamp: 1795966270750
model_id: null
name: DemoModel
run_id: null
run_link: null
source: s3://bucket/gone
status: READY
status_message: null
storage_location: s3://bucket/gone
user_id: null
version: 3
`;

async function registryStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const c = new TrackingClient(store, { userId: 'alice' });
  const exp = await c.createExperiment('models');
  const trainer = await c.createRun(exp, { runName: 'trainer' });
  const other = await c.createRun(exp, { runName: 'other' });
  await c.createRegisteredModel('iris', { description: 'Iris ✓ "classifier": yes', tags: { team: 'ml', 'nested/key': 'v' } });
  await c.createModelVersion('iris', `runs:/${trainer.info.runId}/model`, { tags: { framework: 'tfjs' }, description: 'first' });
  await c.createModelVersion('iris', `runs:/${other.info.runId}/model`, { runLink: 'https://example.com/run' });
  await c.createModelVersion('iris', 's3://bucket/iris/3', { modelId: 'm-123' });
  await c.transitionModelVersionStage('iris', 1, 'production');
  await c.transitionModelVersionStage('iris', 2, 'staging');
  await c.setRegisteredModelAlias('iris', 'champion', 1);
  await c.setRegisteredModelAlias('iris', 'challenger', 2);
  await c.createRegisteredModel('empty model');
  return store;
}

describe('registry export: MLflow file-store bytes', () => {
  it('round trips mlruns-small.zip: import → export gives the same bytes for every registry file', async () => {
    const store = new MemoryStore();
    await importBundle(store, small);
    const out = unzipSync(await exportBundle(store, { includeModels: true, output: 'bytes' }));
    expect(registryEntries(out)).toEqual(registryEntries(smallFiles));
    for (const name of registryEntries(smallFiles)) expect(new TextDecoder().decode(out[name]), name).toBe(new TextDecoder().decode(smallFiles[name]));
    expect(Object.keys(out)).toContain('mlruns/models/');
  });

  it('keeps soft-deleted versions (Deleted_Internal) from a registry that hands out whole records', async () => {
    const bundle = editedSmall({ 'mlruns/models/DemoModel/version-3/meta.yaml': VERSION_3_DELETED, 'mlruns/models/DemoModel/version-3/tags/t': 'x' });
    const source = await BundleStore.open(bundle);
    const out = unzipSync(await exportBundle(source, { includeModels: true, output: 'bytes' }));
    const expected = unzipSync(bundle);
    expect(registryEntries(out)).toEqual(registryEntries(expected));
    for (const name of registryEntries(expected)) expect(new TextDecoder().decode(out[name]), name).toBe(new TextDecoder().decode(expected[name]));

    // Imported as stored: invisible, and its number is never reused.
    const store = new MemoryStore();
    await importBundle(store, bundle);
    const client = new TrackingClient(store);
    await expectCode(client.getModelVersion('DemoModel', 3), 'RESOURCE_DOES_NOT_EXIST');
    expect((await client.searchModelVersions()).items.map((v) => v.version).sort()).toEqual([1, 2]);
    expect((await client.createModelVersion('DemoModel', 's3://bucket/next')).version).toBe(4);
  });

  it('is lossless store → zip → store, runs and registry (both formats)', async () => {
    for (const format of ['mlflow', 'export-import'] as const) {
      const source = await registryStore();
      const zip = await exportBundle(source, { format, includeModels: true, output: 'bytes' });
      const target = new MemoryStore();
      const report = await importBundle(target, zip, { onConflict: 'replace' });
      expect(report.registry).toMatchObject({ status: 'imported', versions: 3 });
      expect([...report.registry.models].sort(), format).toEqual(['empty model', 'iris']);
      expect(await dumpAll(target), format).toEqual(await dumpAll(source));
    }
  });

  it('refuses a store without a registry, and records whose files cannot exist, before writing anything', async () => {
    const store = await registryStore();
    const chunks: Uint8Array[] = [];
    const noRegistry = storeWith(store, { registry: undefined });
    await expectCode(exportBundleTo(noRegistry, (c) => chunks.push(c), { includeModels: true }), 'NOT_IMPLEMENTED');
    const bad: RegisteredModelRecord = { ...(await store.registry.exportRegisteredModels())[0]!, aliases: { ghost: 9 } };
    const broken = storeWith(store, {
      registry: Object.assign(Object.create(store.registry) as RegistryStore, { exportRegisteredModels: async () => [bad] }),
    });
    const error = await expectCode(exportBundleTo(broken, (c) => chunks.push(c), { includeModels: true }), 'INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('version 9, which does not exist');
    expect(chunks).toHaveLength(0);
  });
});

describe('registry export: mlflow-export-import model.json', () => {
  it('writes models/<name>/model.json and models/models.json as the tool does', async () => {
    const store = await registryStore();
    const files = unzipSync(await exportBundle(store, { format: 'export-import', includeModels: true, output: 'bytes' }));
    const json = (name: string): Record<string, unknown> => JSON.parse(new TextDecoder().decode(files[name])) as Record<string, unknown>;
    type Doc = { info: Record<string, unknown>; mlflow: { registered_model: Record<string, unknown> } };
    const tool = JSON.parse(new TextDecoder().decode(fixtureBytes('mlflow-export-import/single/models/basic/model.json'))) as Doc;
    const ours = json('models/iris/model.json') as unknown as Doc;
    expect(Object.keys(ours)).toEqual(Object.keys(tool));
    expect(Object.keys(ours.info)).toEqual(Object.keys(tool.info));
    const model = ours.mlflow.registered_model;
    const toolModel = tool.mlflow.registered_model;
    expect(Object.keys(model)).toEqual(Object.keys(toolModel));
    const versions = model['versions'] as Record<string, unknown>[];
    const toolVersion = (toolModel['versions'] as Record<string, unknown>[])[0]!;
    // Every key the tool writes, in its order; MLflow 3 fields (model_id, storage_location) when set.
    expect(Object.keys(versions[0]!).filter((k) => k in toolVersion)).toEqual(Object.keys(toolVersion));
    expect(versions.map((v) => [v['version'], v['current_stage'], v['aliases']])).toEqual([
      ['1', 'Production', ['champion']],
      ['2', 'Staging', ['challenger']],
      ['3', 'None', []],
    ]);
    expect(versions[2]).toMatchObject({ run_id: '', run_link: '', description: '', model_id: 'm-123', _download_uri: 's3://bucket/iris/3' });
    expect(versions[0]).toMatchObject({ user_id: 'alice', _experiment_name: 'models' });
    expect(model['aliases']).toEqual([
      { alias: 'champion', version: '1' },
      { alias: 'challenger', version: '2' },
    ]);
    expect(model['tags']).toEqual([
      { key: 'team', value: 'ml' },
      { key: 'nested/key', value: 'v' },
    ]);
    expect((json('models/models.json')['mlflow'] as Record<string, unknown>)['models']).toEqual(['empty model', 'iris']);
  });
});

describe('registry import: policies, all-or-nothing, stores without a registry', () => {
  /** A store whose registry fails the first non-empty import with `error`. */
  function failingRegistry(store: MemoryStore, error: Error): Store {
    let failed = false;
    const registry = Object.assign(Object.create(store.registry) as RegistryStore, {
      importRegisteredModels: async (records: readonly RegisteredModelRecord[]) => {
        if (records.length > 0 && !failed) {
          failed = true;
          throw error;
        }
        return store.registry.importRegisteredModels(records);
      },
    });
    return storeWith(store, { registry });
  }

  it('a registry failure rolls back the runs written', async () => {
    const store = new MemoryStore();
    const before = await dumpAll(store);
    await expect(importBundle(failingRegistry(store, new Error('disk full')), small)).rejects.toThrow('disk full');
    expect(await dumpAll(store)).toEqual(before);
  });

  it('replace puts back the models it removed when the registry write fails', async () => {
    const store = new MemoryStore();
    await importBundle(store, small);
    await new TrackingClient(store).setRegisteredModelTag('DemoModel', 'local', 'edit');
    const before = await dumpAll(store);
    await expect(importBundle(failingRegistry(store, new Error('disk full')), small, { onConflict: 'replace' })).rejects.toThrow('disk full');
    expect(await dumpAll(store)).toEqual(before);
  });

  it('a run failure leaves the registry untouched (it is written last)', async () => {
    const store = new MemoryStore();
    await importBundle(store, small);
    await new TrackingClient(store).setRegisteredModelTag('DemoModel', 'local', 'edit');
    const before = await dumpAll(store);
    let failed = false;
    const failing = storeWith(store, {
      putArtifact: async (...args: Parameters<Store['putArtifact']>) => {
        if (failed) return store.putArtifact(...args);
        failed = true;
        throw new Error('quota');
      },
    });
    await expect(importBundle(failing, small, { onConflict: 'replace' })).rejects.toThrow('quota');
    expect(await dumpAll(store)).toEqual(before);
  });

  it('reports the registry as not imported for stores without one, NOT_IMPLEMENTED registries, and includeModels: false', async () => {
    const plain = new MemoryStore();
    const none = await importBundle(storeWith(plain, { registry: undefined }), small);
    expect(none.runs).toBe(4);
    expect(none.registry).toEqual({ status: 'unsupported', reason: 'The store has no model registry.', models: [], versions: 0, notImported: ['DemoModel'], renamed: {} });

    const rest = new MemoryStore();
    const restLike = storeWith(rest, {
      registry: Object.assign(Object.create(rest.registry) as RegistryStore, {
        importRegisteredModels: async () => {
          const { EdgeflowError } = await import('../../src/core/errors.js');
          throw new EdgeflowError('NOT_IMPLEMENTED', 'the server assigns versions');
        },
      }),
    });
    const report = await importBundle(restLike, small);
    expect(report.runs).toBe(4);
    expect(report.registry.status).toBe('unsupported');
    expect(report.registry.reason).toContain('the server assigns versions');

    const excluded = new MemoryStore();
    const skipped = await importBundle(excluded, small, { includeModels: false });
    expect(skipped.registry).toMatchObject({ status: 'excluded', notImported: ['DemoModel'] });
    expect((await excluded.registry.searchRegisteredModels({})).items).toEqual([]);

    const noModels = await importBundle(new MemoryStore(), editedSmall({}, registryEntries(smallFiles)));
    expect(noModels.registry.status).toBe('none');
  });

  it('does not take a run artifact named model.json for a registered model', async () => {
    const source = new MemoryStore();
    const c = new TrackingClient(source);
    const run = await c.createRun('0', { runName: 'r' });
    await c.logArtifact(run.info.runId, 'model.json', '{"not": "a model"}');
    const report = await importBundle(new MemoryStore(), await exportBundle(source, { format: 'export-import', output: 'bytes' }));
    expect(report.artifacts).toBe(1);
    expect(report.registry.status).toBe('none');
  });

  it('imports model.json versions whose runs are in the bundle with the link kept, also under new-ids', async () => {
    const source = await registryStore();
    const zip = await exportBundle(source, { format: 'export-import', includeModels: true, output: 'bytes' });
    const target = new MemoryStore();
    await importBundle(target, zip);
    const renewed = await importBundle(target, zip, { onConflict: 'new-ids' });
    expect(renewed.registry.renamed).toEqual({ iris: 'iris (2)', 'empty model': 'empty model (2)' });
    const client = new TrackingClient(target);
    const v1 = await client.getModelVersion('iris (2)', 1);
    const original = await client.getModelVersion('iris', 1);
    expect(v1.runId).toBe(renewed.idMap[original.runId!]);
    expect(v1.source).toBe(`runs:/${v1.runId}/model`);
    expect((await client.getRun(v1.runId!)).info.runName).toBe('trainer');
    expect((await client.getModelVersion('iris (2)', 3)).source).toBe('s3://bucket/iris/3');
  });
});

describe('hostile registry entries are refused naming the entry, with the store unchanged', () => {
  const modelJson = (model: Record<string, unknown>): Uint8Array =>
    zipSync({ 'models/m/model.json': strToU8(JSON.stringify({ system: {}, mlflow: { registered_model: model } })) });
  const version = { version: '1', creation_timestamp: 1, current_stage: 'None', source: 's3://b/m', tags: {} };
  const demoMeta = new TextDecoder().decode(smallFiles['mlruns/models/DemoModel/meta.yaml']);
  const cases: [string, Uint8Array, string][] = [
    [
      'a model folder named a%b',
      editedSmall({ 'mlruns/models/a%b/meta.yaml': demoMeta.replace('name: DemoModel', "name: a%b") }),
      'mlruns/models/a%b/meta.yaml',
    ],
    ['a meta.yaml naming the model ".."', editedSmall({ 'mlruns/models/DemoModel/meta.yaml': demoMeta.replace('name: DemoModel', "name: '..'") }), 'mlruns/models/DemoModel/meta.yaml'],
    ['an alias pointing at a missing version', editedSmall({ 'mlruns/models/DemoModel/aliases/champion': '7' }), 'mlruns/models/DemoModel/aliases/champion'],
    [
      'an alias pointing at a deleted version',
      editedSmall({ 'mlruns/models/DemoModel/version-3/meta.yaml': VERSION_3_DELETED, 'mlruns/models/DemoModel/aliases/old': '3' }),
      'mlruns/models/DemoModel/aliases/old',
    ],
    ['an alias file that is not a number', editedSmall({ 'mlruns/models/DemoModel/aliases/champion': 'one' }), 'mlruns/models/DemoModel/aliases/champion'],
    ['a reserved alias name', editedSmall({ 'mlruns/models/DemoModel/aliases/latest': '1' }), 'mlruns/models/DemoModel/aliases/latest'],
    [
      'a version folder whose meta.yaml names another model',
      editedSmall({ 'mlruns/models/DemoModel/version-3/meta.yaml': VERSION_3_DELETED.replace('name: DemoModel', 'name: Other') }),
      'mlruns/models/DemoModel/version-3/meta.yaml',
    ],
    ['a model.json named ".."', modelJson({ name: '..', creation_timestamp: 1, versions: [] }), 'models/m/model.json'],
    ['a model.json named a%b', modelJson({ name: 'a%b', creation_timestamp: 1, versions: [] }), 'models/m/model.json'],
    [
      'a model.json alias pointing at a missing version',
      modelJson({ name: 'm', creation_timestamp: 1, aliases: [{ alias: 'prod', version: '2' }], versions: [version] }),
      'models/m/model.json',
    ],
    ['a model.json listing a version twice', modelJson({ name: 'm', creation_timestamp: 1, versions: [version, version] }), 'models/m/model.json'],
    ['a model.json with an unknown stage', modelJson({ name: 'm', creation_timestamp: 1, versions: [{ ...version, current_stage: 'Live' }] }), 'models/m/model.json'],
  ];

  it.each(cases)('%s', async (_what, bytes, entry) => {
    const store = new MemoryStore();
    await importBundle(store, small, { includeModels: false });
    const before = await dumpAll(store);
    for (const attempt of [() => importBundle(store, bytes, { onConflict: 'replace' }), () => BundleStore.open(bytes)]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), String(error)).toBe(true);
      expect((error as Error).message).toContain(entry);
    }
    expect(await dumpAll(store)).toEqual(before);
  });
});

describe('BundleStore registry', () => {
  it('refuses every registry write with PERMISSION_DENIED and stays unchanged', async () => {
    const store = await BundleStore.open(small);
    const client = new TrackingClient(store);
    const before = await dumpRegistry(store);
    await expectCode(client.createRegisteredModel('new'), 'PERMISSION_DENIED');
    await expectCode(client.createModelVersion('DemoModel', 's3://x'), 'PERMISSION_DENIED');
    await expectCode(client.setRegisteredModelAlias('DemoModel', 'x', 1), 'PERMISSION_DENIED');
    await expectCode(client.deleteRegisteredModelAlias('DemoModel', 'champion'), 'PERMISSION_DENIED');
    await expectCode(client.transitionModelVersionStage('DemoModel', 1, 'archived'), 'PERMISSION_DENIED');
    await expectCode(client.deleteModelVersion('DemoModel', 1), 'PERMISSION_DENIED');
    await expectCode(client.deleteRegisteredModel('DemoModel'), 'PERMISSION_DENIED');
    await expectCode(client.renameRegisteredModel('DemoModel', 'Other'), 'PERMISSION_DENIED');
    await expectCode(client.setRegisteredModelTag('DemoModel', 'k', 'v'), 'PERMISSION_DENIED');
    await expectCode(store.registry.importRegisteredModels([]), 'PERMISSION_DENIED');
    expect(await dumpRegistry(store)).toEqual(before);
  });

  it('is empty (but present) for a bundle without models', async () => {
    const store = await BundleStore.open(editedSmall({}, registryEntries(smallFiles)));
    expect((await new TrackingClient(store).searchRegisteredModels()).items).toEqual([]);
  });
});

describeStoreConformance('BundleStore with registry (export-import format)', {
  readOnly: true,
  registry: true,
  async open(seed) {
    const source = new MemoryStore();
    if (seed) await seed(new TrackingClient(source, { userId: 'conformance' }));
    return BundleStore.open(await exportBundle(source, { format: 'export-import', includeModels: true, output: 'bytes' }));
  },
});

describe('openStore: bundle: URIs and .zip URLs', () => {
  let base = '';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/files/experiment.zip' || path === '/files/no-extension') {
      response.writeHead(200, { 'content-type': 'application/zip' });
      response.end(small);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('opens a BundleStore for bundle:<url> and for any URL whose path ends in .zip', async () => {
    for (const uri of [`bundle:${base}/files/no-extension`, `${base}/files/experiment.zip`, `${base}/files/experiment.zip?v=1#top`]) {
      const store = await openStore(uri);
      expect(store, uri).toBeInstanceOf(BundleStore);
      expect((await new TrackingClient(store).getRegisteredModel('DemoModel')).aliases).toEqual({ champion: 1 });
    }
  });

  it('keeps registered schemes first and reports missing bundles', async () => {
    expect(await openStore('memory:runs.zip')).toBeInstanceOf(MemoryStore);
    await expectCode(openStore(`${base}/files/missing.zip`), 'RESOURCE_DOES_NOT_EXIST');
    await expectCode(openStore('bundle:'), 'INVALID_PARAMETER_VALUE');
    await expectCode(openStore('nope:x'), 'INVALID_PARAMETER_VALUE');
  });
});
