/**
 * Registry mirroring (`pushRegisteredModel`): a local MemoryStore's registry pushed to the loopback
 * MLflow server through RestStore, with the version mapping in a real (file) journal. Idempotence,
 * runs not mirrored yet, deletions, and failures part-way (an answer lost after the server created a
 * version, a refused request, a crash before the journal's commit) followed by a second call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { ModelVersion } from '../../src/core/registry/entities.js';
import type { RegistryStore } from '../../src/core/registry/registry-store.js';
import { fileMirrorJournal } from '../../src/node/file-mirror-journal.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { MirrorJournal } from '../../src/storage/mirror/contract.js';
import { ORIGIN_VERSION_TAG, pushRegisteredModel, type RegistryPushContext } from '../../src/storage/mirror/registry-pusher.js';
import { RestStore } from '../../src/storage/rest/index.js';
import { expectCode } from '../conformance/expect-error.js';
import { startMlflowRestServer, type MlflowRestServer, type Tenant } from '../support/mlflow-rest-server.js';

let server: MlflowRestServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startMlflowRestServer();
});
afterAll(async () => {
  await server?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Setup {
  tenant: Tenant;
  local: TrackingClient;
  remote: RestStore;
  journal: MirrorJournal;
  /** local run id → server run id, for the runs "mirrored" so far. */
  runs: Map<string, string>;
  /** Local runs by name. */
  localRuns: Record<string, string>;
  ctx: RegistryPushContext;
  push(name?: string): Promise<void>;
}

/** A local store with runs a, b, c (a and b mirrored to the server), an empty tenant, a fresh journal. */
async function setup(): Promise<Setup> {
  const tenant = server.tenant();
  const local = new TrackingClient(new MemoryStore());
  const onServer = new TrackingClient(tenant.store);
  const runs = new Map<string, string>();
  const localRuns: Record<string, string> = {};
  for (const name of ['a', 'b', 'c']) {
    const run = await local.createRun('0', { runName: name });
    localRuns[name] = run.info.runId;
    if (name !== 'c') runs.set(run.info.runId, (await onServer.createRun('0', { runName: name })).info.runId);
  }
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-registry-push-'));
  folders.push(dir);
  const journal = fileMirrorJournal(dir);
  const remote = new RestStore({ baseUrl: tenant.url, retries: 1, backoffMs: 1 });
  const ctx: RegistryPushContext = { journal, targetRunId: async (id) => runs.get(id) };
  return { tenant, local, remote, journal, runs, localRuns, ctx, push: (name = 'iris') => pushRegisteredModel(local.store.registry!, remote.registry, name, ctx) };
}

/** Local model `iris`: described and tagged, v1 (run a, Production, tagged), v2 (run b, alias champion). */
async function seedIris(s: Setup): Promise<void> {
  await s.local.createRegisteredModel('iris', { description: 'Iris classifier', tags: { team: 'ml', owner: 'ana' } });
  await s.local.createModelVersion('iris', `runs:/${s.localRuns['a']}/model`, { description: 'first', tags: { framework: 'tfjs' } });
  await s.local.createModelVersion('iris', `runs:/${s.localRuns['b']}/model`);
  await s.local.transitionModelVersionStage('iris', 1, 'Production');
  await s.local.setRegisteredModelAlias('iris', 'champion', 2);
}

interface VersionView {
  origin: string;
  source: string;
  runId: string | null;
  description: string;
  stage: string;
  tags: Record<string, string>;
}
interface ModelView {
  description: string;
  tags: Record<string, string>;
  /** alias → origin of the version it points at */
  aliases: Record<string, string>;
  versions: VersionView[];
}

async function allVersions(registry: RegistryStore, name: string): Promise<ModelVersion[]> {
  const all = (await registry.searchModelVersions({ maxResults: 1000 })).items;
  return all.filter((v) => v.name === name).sort((a, b) => a.version - b.version);
}

/** The server's model as the mirror should leave it, keyed by origin tags (version numbers may differ). */
async function serverView(registry: RegistryStore, name: string): Promise<ModelView> {
  const model = await registry.getRegisteredModel(name);
  const versions = await allVersions(registry, name);
  const originOf = new Map(versions.map((v) => [v.version, v.tags[ORIGIN_VERSION_TAG]!]));
  const origins = versions.map((v) => v.tags[ORIGIN_VERSION_TAG]);
  expect(new Set(origins).size, `duplicate versions on the server: ${origins.join(', ')}`).toBe(origins.length);
  return {
    description: model.description ?? '',
    tags: { ...model.tags },
    aliases: Object.fromEntries(Object.entries(model.aliases).map(([alias, version]) => [alias, originOf.get(version)!])),
    versions: versions.map((v) => {
      const { [ORIGIN_VERSION_TAG]: origin, ...tags } = v.tags;
      return { origin: origin!, source: v.source, runId: v.runId, description: v.description ?? '', stage: v.currentStage, tags };
    }),
  };
}

/** The local model as the server should show it: runs mapped, versions whose run is not mirrored left out. */
async function expectedView(s: Setup, name: string): Promise<ModelView> {
  const model = await s.local.getRegisteredModel(name);
  const versions = (await allVersions(s.local.store.registry!, name)).filter((v) => v.runId === null || s.runs.has(v.runId));
  const mapped = (id: string): string => s.runs.get(id)!;
  const kept = new Set(versions.map((v) => v.version));
  return {
    description: model.description ?? '',
    tags: { ...model.tags },
    aliases: Object.fromEntries(Object.entries(model.aliases).filter(([, v]) => kept.has(v)).map(([alias, v]) => [alias, `${name}/${v}`])),
    versions: versions.map((v) => ({
      origin: `${name}/${v.version}`,
      source: v.source.replace(/^runs:\/([^/]+)/u, (_, id: string) => `runs:/${mapped(id)}`),
      runId: v.runId === null ? null : mapped(v.runId),
      description: v.description ?? '',
      stage: v.currentStage,
      tags: { ...v.tags },
    })),
  };
}

async function expectMirrored(s: Setup, name = 'iris'): Promise<void> {
  expect(await serverView(s.remote.registry, name)).toEqual(await expectedView(s, name));
}

function requestsTo(s: Setup, path: RegExp, method?: string): number {
  const prefix = new URL(s.tenant.url).pathname;
  return server.requests.filter((r) => r.tenant === prefix && path.test(r.path) && (method === undefined || r.method === method)).length;
}

function writes(s: Setup): number {
  const prefix = new URL(s.tenant.url).pathname;
  return server.requests.filter((r) => r.tenant === prefix && r.method !== 'GET').length;
}

describe('pushRegisteredModel', () => {
  it('creates the model with its description and tags, each version on the mapped run, stages and aliases', async () => {
    const s = await setup();
    await seedIris(s);
    await s.push();
    await expectMirrored(s);
    const view = await serverView(s.remote.registry, 'iris');
    expect(view.versions.map((v) => [v.origin, v.source, v.stage])).toEqual([
      ['iris/1', `runs:/${s.runs.get(s.localRuns['a']!)}/model`, 'Production'],
      ['iris/2', `runs:/${s.runs.get(s.localRuns['b']!)}/model`, 'None'],
    ]);
    expect(view).toMatchObject({ description: 'Iris classifier', tags: { team: 'ml', owner: 'ana' }, aliases: { champion: 'iris/2' } });
    expect(await s.journal.entries('registry/')).toEqual([
      ['registry/iris', { model: 'iris' }],
      ['registry/iris/1', { remoteVersion: 1 }],
      ['registry/iris/2', { remoteVersion: 2 }],
    ]);
  });

  it('is idempotent: a second call writes nothing and creates no version', async () => {
    const s = await setup();
    await seedIris(s);
    await s.push();
    const before = writes(s);
    await s.push();
    expect(writes(s)).toBe(before);
    expect(requestsTo(s, /model-versions\/create$/u)).toBe(2);
    await expectMirrored(s);
  });

  it('leaves a version whose run is not mirrored yet for a later call, then pushes it and its alias', async () => {
    const s = await setup();
    await seedIris(s);
    await s.local.createModelVersion('iris', `runs:/${s.localRuns['c']}/model`, { tags: { late: 'yes' } });
    await s.local.setRegisteredModelAlias('iris', 'next', 3);
    await s.push();
    expect((await serverView(s.remote.registry, 'iris')).versions.map((v) => v.origin)).toEqual(['iris/1', 'iris/2']);
    await expectMirrored(s);
    s.runs.set(s.localRuns['c']!, (await new TrackingClient(s.tenant.store).createRun('0', { runName: 'c' })).info.runId);
    await s.push();
    await expectMirrored(s);
    expect((await serverView(s.remote.registry, 'iris')).aliases).toEqual({ champion: 'iris/2', next: 'iris/3' });
  });

  it('follows local changes: description, tags set and removed, version fields, stage, aliases moved and removed, deleted versions', async () => {
    const s = await setup();
    await seedIris(s);
    await s.local.setRegisteredModelAlias('iris', 'old', 1);
    await s.push();
    await s.local.updateRegisteredModel('iris', { description: 'Iris, retrained' });
    await s.local.setRegisteredModelTag('iris', 'team', 'vision');
    await s.local.deleteRegisteredModelTag('iris', 'owner');
    await s.local.createModelVersion('iris', `runs:/${s.localRuns['a']}/model2`, { description: 'third' });
    await s.local.updateModelVersion('iris', 2, { description: 'second, described later' });
    await s.local.setModelVersionTag('iris', 2, 'checked', 'true');
    await s.local.deleteModelVersionTag('iris', 1, 'framework');
    await s.local.transitionModelVersionStage('iris', 2, 'Staging');
    await s.local.setRegisteredModelAlias('iris', 'champion', 3);
    await s.local.deleteRegisteredModelAlias('iris', 'old');
    await s.local.deleteModelVersion('iris', 1);
    await s.push();
    await expectMirrored(s);
    // The server's copy of local version 1 is deleted there too.
    await expectCode(s.remote.registry.getModelVersion('iris', 1), 'RESOURCE_DOES_NOT_EXIST');
    expect((await s.journal.entries('registry/iris/')).map(([key]) => key)).toEqual(['registry/iris/2', 'registry/iris/3']);
  });

  it('deletes the server model when the local one is deleted, and leaves alone a server model it never mirrored', async () => {
    const s = await setup();
    await seedIris(s);
    await s.push();
    await s.local.deleteRegisteredModel('iris');
    await s.push();
    await expectCode(s.remote.registry.getRegisteredModel('iris'), 'RESOURCE_DOES_NOT_EXIST');
    expect(await s.journal.entries('registry/')).toEqual([]);
    await new TrackingClient(s.tenant.store).createRegisteredModel('theirs', { description: 'made on the server' });
    await s.push('theirs');
    expect((await s.remote.registry.getRegisteredModel('theirs')).description).toBe('made on the server');
  });

  it('handles names that need quoting in a filter', async () => {
    const s = await setup();
    for (const name of ["o'brien", 'say "hi"', `both ' and "`]) {
      await s.local.createRegisteredModel(name);
      await s.local.createModelVersion(name, `runs:/${s.localRuns['a']}/model`);
      await s.push(name);
      await s.push(name);
      await expectMirrored(s, name);
    }
    expect(requestsTo(s, /model-versions\/create$/u)).toBe(3);
  });

  it('after the server created a version but its answer was lost, a second call adopts it instead of creating it again', async () => {
    const s = await setup();
    await seedIris(s);
    server.fault({ kind: 'drop-after', match: /model-versions\/create$/u, skip: 1 });
    try {
      const error = await expectCode(s.push(), 'INTERNAL_ERROR');
      expect(error.message).toBeTruthy();
    } finally {
      server.clearFaults();
    }
    expect(await allVersions(s.remote.registry, 'iris')).toHaveLength(2);
    expect(await s.journal.get('registry/iris/2')).toBeUndefined();
    await s.push();
    await expectMirrored(s);
    expect(requestsTo(s, /model-versions\/create$/u)).toBe(2);
    expect(await s.journal.get('registry/iris/2')).toEqual({ remoteVersion: 2 });
  });

  it('after a refusal part-way, a second call completes without duplicates', async () => {
    const s = await setup();
    await seedIris(s);
    server.fault({ kind: 'status', status: 403, match: /registered-models\/alias$/u, body: JSON.stringify({ error_code: 'PERMISSION_DENIED', message: 'no' }) });
    try {
      await expectCode(s.push(), 'PERMISSION_DENIED');
    } finally {
      server.clearFaults();
    }
    expect((await serverView(s.remote.registry, 'iris')).aliases).toEqual({});
    await s.push();
    await expectMirrored(s);
    expect(requestsTo(s, /model-versions\/create$/u)).toBe(2);
    expect(requestsTo(s, /registered-models\/create$/u)).toBe(1);
  });

  it('after a crash between creating a version and the journal commit, the next run finds the version by its origin tag', async () => {
    const s = await setup();
    await seedIris(s);
    const crashing: MirrorJournal = {
      entries: (prefix) => s.journal.entries(prefix),
      get: (key) => s.journal.get(key),
      close: () => s.journal.close(),
      async commit(change) {
        if (change.put?.some(([key]) => key === 'registry/iris/1')) throw new Error('the tab crashed');
        return s.journal.commit(change);
      },
    };
    await expect(pushRegisteredModel(s.local.store.registry!, s.remote.registry, 'iris', { ...s.ctx, journal: crashing })).rejects.toThrow('the tab crashed');
    expect(await allVersions(s.remote.registry, 'iris')).toHaveLength(1);
    await s.push();
    await expectMirrored(s);
    expect(requestsTo(s, /model-versions\/create$/u)).toBe(2);
  });

  it('does not adopt another device’s version with the same origin tag on another run', async () => {
    const s = await setup();
    await seedIris(s);
    const elsewhere = await new TrackingClient(s.tenant.store).createRun('0', { runName: 'other device' });
    await new TrackingClient(s.tenant.store).createRegisteredModel('iris');
    await new TrackingClient(s.tenant.store).createModelVersion('iris', `runs:/${elsewhere.info.runId}/model`, { tags: { [ORIGIN_VERSION_TAG]: 'iris/1' } });
    await s.push();
    const versions = await allVersions(s.remote.registry, 'iris');
    expect(versions.map((v) => [v.version, v.runId])).toEqual([
      [1, elsewhere.info.runId],
      [2, s.runs.get(s.localRuns['a']!)],
      [3, s.runs.get(s.localRuns['b']!)],
    ]);
    expect(await s.journal.entries('registry/iris/')).toEqual([
      ['registry/iris/1', { remoteVersion: 2 }],
      ['registry/iris/2', { remoteVersion: 3 }],
    ]);
  });

  it('refuses an empty name', async () => {
    const s = await setup();
    await expectCode(s.push(''), 'INVALID_PARAMETER_VALUE');
  });
});
