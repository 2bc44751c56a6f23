/**
 * The model-registry part of the conformance suite (spec §2, §6.5, §8), run through the public
 * client against every store that holds a registry.
 */
import { describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import { expectCode } from './expect-error.js';

/** Opens a client on a fresh store holding what `seed` wrote. */
export type OpenClient = (seed?: (client: TrackingClient) => Promise<void>) => Promise<TrackingClient>;

/** Registry reads: work on read-only stores too (data comes from the seed). */
export function describeRegistryReads(open: OpenClient): void {
  describe('model registry (read)', () => {
    const seed = async (c: TrackingClient): Promise<void> => {
      const run = await c.createRun('0', { runName: 'trainer' });
      await c.createRegisteredModel('iris', { description: 'Iris classifier', tags: { team: 'ml' } });
      await c.createModelVersion('iris', `runs:/${run.info.runId}/model`, { tags: { framework: 'tfjs' } });
      await c.createModelVersion('iris', `runs:/${run.info.runId}/model2`);
      await c.transitionModelVersionStage('iris', 1, 'production');
      await c.setRegisteredModelAlias('iris', 'champion', 2);
      await c.createRegisteredModel('wine');
      await c.createModelVersion('wine', 'file:///models/wine');
    };

    it('reads models, versions, stages, aliases and tags', async () => {
      const client = await open(seed);
      const iris = await client.getRegisteredModel('iris');
      expect(iris).toMatchObject({ name: 'iris', description: 'Iris classifier' });
      expect(iris.tags['team']).toBe('ml');
      expect(iris.aliases['champion']).toBe(2);
      expect(iris.latestVersions.map((v) => [v.version, v.currentStage])).toEqual([[2, 'None'], [1, 'Production']]);
      const v1 = await client.getModelVersion('iris', '1');
      expect(v1).toMatchObject({ name: 'iris', version: 1, currentStage: 'Production', status: 'READY' });
      expect(v1.runId).toMatch(/^[0-9a-f]{32}$/u);
      expect(v1.source).toBe(`runs:/${v1.runId}/model`);
      expect(v1.tags['framework']).toBe('tfjs');
      expect((await client.getModelVersionByAlias('iris', 'champion')).version).toBe(2);
      expect((await client.getModelVersion('iris', 2)).aliases).toEqual(['champion']);
      expect((await client.getModelVersionByAlias('iris', 'LATEST')).version).toBe(2);
      await expectCode(client.getRegisteredModel('nope'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.getModelVersion('iris', 9), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.getModelVersionByAlias('iris', 'missing'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('searches registered models and versions with MLflow’s grammar, ordering and paging', async () => {
      const client = await open(seed);
      expect((await client.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['iris', 'wine']);
      expect((await client.searchRegisteredModels({ filter: "name LIKE 'i%'" })).items.map((m) => m.name)).toEqual(['iris']);
      expect((await client.searchRegisteredModels({ filter: "tags.team = 'ml'" })).items.map((m) => m.name)).toEqual(['iris']);
      expect((await client.searchRegisteredModels({ orderBy: ['name DESC'] })).items.map((m) => m.name)).toEqual(['wine', 'iris']);
      const first = await client.searchRegisteredModels({ maxResults: 1 });
      expect(first.items.map((m) => m.name)).toEqual(['iris']);
      const second = await client.searchRegisteredModels({ maxResults: 1, pageToken: first.nextPageToken! });
      expect(second.items.map((m) => m.name)).toEqual(['wine']);
      expect(second.nextPageToken).toBeUndefined();
      const versions = await client.searchModelVersions({ filter: "name = 'iris'", orderBy: ['version_number ASC'] });
      expect(versions.items.map((v) => v.version)).toEqual([1, 2]);
      expect((await client.searchModelVersions({ filter: 'version_number > 1' })).items.map((v) => `${v.name}/${v.version}`)).toEqual(['iris/2']);
      const runId = versions.items[0]!.runId!;
      expect((await client.searchModelVersions({ filter: `run_id IN ('${runId}')` })).items.length).toBe(2);
      expect((await client.searchModelVersions({ filter: "source_path LIKE 'file:%'" })).items.map((v) => v.name)).toEqual(['wine']);
      await expectCode(client.searchModelVersions({ filter: "bogus = 'x'" }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.searchRegisteredModels({ maxResults: 1001 }), 'INVALID_PARAMETER_VALUE');
    });

    it('resolves runs:/ and models:/ URIs (version, stage, latest, alias)', async () => {
      const client = await open(seed);
      const v1 = await client.getModelVersion('iris', 1);
      const runId = v1.runId!;
      expect(await client.resolveModelUri(`runs:/${runId}/model`)).toEqual({ runId, path: 'model' });
      expect(await client.resolveModelUri('models:/iris/1')).toMatchObject({ runId, path: 'model' });
      expect(await client.resolveModelUri('models:/iris/Production')).toMatchObject({ path: 'model' });
      expect(await client.resolveModelUri('models:/iris/latest')).toMatchObject({ path: 'model2' });
      expect(await client.resolveModelUri('models:/iris@champion')).toMatchObject({ path: 'model2' });
      await expectCode(client.resolveModelUri('models:/iris/Staging'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.resolveModelUri('models:/wine/1'), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.resolveModelUri('s3://bucket/model'), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.resolveModelUri(`runs:/${runId}/../x`), 'INVALID_PARAMETER_VALUE');
    });
  });
}

/** Registry writes: every writable store with a registry. */
export function describeRegistryWrites(open: OpenClient): void {
  describe('model registry (write)', () => {
    it('creates models with unique, valid names', async () => {
      const client = await open();
      const model = await client.createRegisteredModel('m', { tags: { a: 1 } });
      expect(model.creationTimestamp).toBeTypeOf('number');
      expect(model.latestVersions).toEqual([]);
      await expectCode(client.createRegisteredModel('m'), 'RESOURCE_ALREADY_EXISTS');
      for (const bad of ['', 'a/b', 'a%b', '..', 'x'.repeat(257)]) await expectCode(client.createRegisteredModel(bad), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.createRegisteredModel('t', { tags: { 'bad key!': 'v' } }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.getRegisteredModel('t'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('numbers versions from 1 and never reuses a number; deleted versions disappear with their aliases', async () => {
      const client = await open();
      await client.createRegisteredModel('m');
      for (let i = 1; i <= 3; i++) expect((await client.createModelVersion('m', `file:///m/${i}`)).version).toBe(i);
      await client.setRegisteredModelAlias('m', 'best', 3);
      await client.deleteModelVersion('m', 3);
      await expectCode(client.getModelVersion('m', 3), 'RESOURCE_DOES_NOT_EXIST');
      expect((await client.getRegisteredModel('m')).aliases).toEqual({});
      expect((await client.createModelVersion('m', 'file:///m/4')).version).toBe(4);
      expect((await client.searchModelVersions({ filter: "name = 'm'", orderBy: ['version_number'] })).items.map((v) => v.version)).toEqual([1, 2, 4]);
      await expectCode(client.createModelVersion('nope', 'file:///x'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.createModelVersion('m', ''), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.deleteModelVersion('m', 3), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('links versions to the run of a runs:/ source and records the user', async () => {
      const client = await open();
      const run = await client.createRun('0');
      await client.createRegisteredModel('linked');
      const version = await client.createModelVersion('linked', `runs:/${run.info.runId}/model`);
      expect(version.runId).toBe(run.info.runId);
      expect(version.userId).toBe(client.userId);
      const registered = await client.registerModel(`runs:/${run.info.runId}/model`, 'auto-created');
      expect(registered).toMatchObject({ name: 'auto-created', version: 1 });
      expect((await client.registerModel(`runs:/${run.info.runId}/model`, 'auto-created')).version).toBe(2);
    });

    it('stores what MLflow stores: register_model resolves runs:/ to the artifact location, descriptions default to ""', async () => {
      const client = await open();
      const run = await client.createRun('0');
      const registered = await client.registerModel(`runs:/${run.info.runId}/model`, 'resolved');
      const artifactUri = (await client.getRun(run.info.runId)).info.artifactUri;
      expect(registered).toMatchObject({ source: `${artifactUri}/model`, storageLocation: `${artifactUri}/model`, runId: run.info.runId, description: '' });
      expect(await client.resolveModelUri('models:/resolved/1')).toMatchObject({ runId: run.info.runId, path: 'model' });
      const given = await client.createModelVersion('resolved', `runs:/${run.info.runId}/model`);
      expect(given).toMatchObject({ source: `runs:/${run.info.runId}/model`, description: '' });
      expect((await client.getModelVersion('resolved', given.version)).description).toBe('');
      expect((await client.createModelVersion('resolved', 'file:///m', { description: 'mine' })).description).toBe('mine');
    });

    it('pins a models:/<name>/<version> source at creation and refuses aliases and stages as sources', async () => {
      const client = await open();
      const run = await client.createRun('0');
      await client.createRegisteredModel('origin');
      await client.createModelVersion('origin', `runs:/${run.info.runId}/model`);
      await client.setRegisteredModelAlias('origin', 'best', 1);
      await client.createRegisteredModel('copy');
      const copy = await client.createModelVersion('copy', 'models:/origin/1');
      expect(copy).toMatchObject({ source: 'models:/origin/1', storageLocation: `runs:/${run.info.runId}/model` });
      await client.deleteModelVersion('origin', 1);
      expect(await client.getModelVersionDownloadUri('copy', copy.version)).toBe(`runs:/${run.info.runId}/model`);
      expect(await client.resolveModelUri(`models:/copy/${copy.version}`)).toMatchObject({ runId: run.info.runId, path: 'model' });
      await client.createModelVersion('origin', 'file:///o/2');
      await client.setRegisteredModelAlias('origin', 'best', 2);
      for (const bad of ['models:/origin@best', 'models:/origin/Production', 'models:/origin/latest', 'models:/origin']) {
        await expectCode(client.createModelVersion('copy', bad), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(client.createModelVersion('copy', 'models:/origin/1'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await client.searchModelVersions({ filter: "name = 'copy'" })).items).toHaveLength(1);
    });

    it('matches a missing prompt tag as MLflow does: prompts hidden unless asked for, other missing tags match nothing', async () => {
      const client = await open();
      await client.createRegisteredModel('plain', { tags: { team: 'ml' } });
      await client.createRegisteredModel('flagged', { tags: { 'mlflow.prompt.is_prompt': 'false' } });
      await client.createRegisteredModel('prompt', { tags: { 'mlflow.prompt.is_prompt': 'true' } });
      for (const name of ['plain', 'flagged', 'prompt']) await client.createModelVersion(name, `file:///m/${name}`, { tags: name === 'prompt' ? { 'mlflow.prompt.is_prompt': 'true' } : {} });
      const models = async (filter?: string): Promise<string[]> =>
        (await client.searchRegisteredModels(filter === undefined ? {} : { filter })).items.map((m) => m.name);
      const versions = async (filter: string): Promise<string[]> => (await client.searchModelVersions({ filter })).items.map((v) => v.name).sort();
      expect(await models()).toEqual(['flagged', 'plain']);
      // MLflow 3's client adds this clause to every search_registered_models call.
      expect(await models("tags.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['flagged', 'plain']);
      expect(await models("tag.mlflow.prompt.is_prompt != 'true'")).toEqual(['flagged', 'plain']);
      expect(await models("tags.`mlflow.prompt.is_prompt` = 'false' AND name LIKE 'p%'")).toEqual(['plain']);
      expect(await models("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['prompt']);
      expect(await models("tags.`mlflow.prompt.is_prompt` != 'false'")).toEqual(['prompt']);
      expect(await versions("tags.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['flagged', 'plain']);
      expect(await versions("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['prompt']);
      // Any other tag: a model without it matches no comparison (MLflow's SQL join and file store alike).
      expect(await models("tags.team != 'true'")).toEqual(['plain']);
      expect(await models("tags.team LIKE '%'")).toEqual(['plain']);
      expect(await models("tags.team = 'ml'")).toEqual(['plain']);
    });

    it('moves versions between stages (any case), archiving the others only for Staging/Production', async () => {
      const client = await open();
      await client.createRegisteredModel('s');
      for (let i = 0; i < 3; i++) await client.createModelVersion('s', 'file:///s');
      await client.transitionModelVersionStage('s', 1, 'PRODUCTION');
      await client.transitionModelVersionStage('s', 2, 'production');
      const moved = await client.transitionModelVersionStage('s', 3, 'Production', { archiveExistingVersions: true });
      expect(moved.currentStage).toBe('Production');
      expect((await client.getModelVersion('s', 1)).currentStage).toBe('Archived');
      expect((await client.getModelVersion('s', 2)).currentStage).toBe('Archived');
      expect((await client.getLatestVersions('s', ['Production'])).map((v) => v.version)).toEqual([3]);
      expect((await client.getLatestVersions('s')).map((v) => [v.currentStage, v.version])).toEqual([['Production', 3], ['Archived', 2]]);
      await expectCode(client.transitionModelVersionStage('s', 1, 'Archived', { archiveExistingVersions: true }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.transitionModelVersionStage('s', 1, 'Live'), 'INVALID_PARAMETER_VALUE');
    });

    it('sets, reads and deletes aliases; reserved names and unknown versions are refused without changes', async () => {
      const client = await open();
      await client.createRegisteredModel('a');
      await client.createModelVersion('a', 'file:///a');
      const before = (await client.getRegisteredModel('a')).lastUpdatedTimestamp;
      for (const bad of ['latest', 'Latest', 'v1', 'V12', 'has space', '']) await expectCode(client.setRegisteredModelAlias('a', bad, 1), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.setRegisteredModelAlias('a', 'prod', 7), 'RESOURCE_DOES_NOT_EXIST');
      expect((await client.getRegisteredModel('a')).lastUpdatedTimestamp).toBe(before);
      expect((await client.getRegisteredModel('a')).aliases).toEqual({});
      await client.setRegisteredModelAlias('a', 'prod', 1);
      expect((await client.getModelVersionByAlias('a', 'prod')).version).toBe(1);
      await client.deleteRegisteredModelAlias('a', 'prod');
      await expectCode(client.getModelVersionByAlias('a', 'prod'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.deleteRegisteredModelAlias('a', 'prod'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('sets and deletes model and version tags and descriptions, bumping update times', async () => {
      const client = await open();
      const created = await client.createRegisteredModel('t');
      await client.createModelVersion('t', 'file:///t');
      await new Promise((resolve) => setTimeout(resolve, 2));
      await client.setRegisteredModelTag('t', 'k', 'v');
      await client.setModelVersionTag('t', 1, 'vk', 'vv');
      await client.updateRegisteredModel('t', { description: 'desc' });
      const v = await client.updateModelVersion('t', 1, { description: 'first' });
      expect(v.description).toBe('first');
      const model = await client.getRegisteredModel('t');
      expect(model.description).toBe('desc');
      expect(model.tags['k']).toBe('v');
      expect(model.lastUpdatedTimestamp).toBeGreaterThan(created.lastUpdatedTimestamp);
      expect((await client.getModelVersion('t', 1)).tags['vk']).toBe('vv');
      await client.deleteRegisteredModelTag('t', 'k');
      await client.deleteModelVersionTag('t', 1, 'vk');
      await expectCode(client.deleteRegisteredModelTag('t', 'k'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.deleteModelVersionTag('t', 1, 'vk'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.setModelVersionTag('t', 1, 'big', 'x'.repeat(100_001)), 'INVALID_PARAMETER_VALUE');
    });

    it('renames a model with its versions, tags and aliases; deletes a model with everything', async () => {
      const client = await open();
      await client.createRegisteredModel('old', { tags: { k: 'v' } });
      await client.createModelVersion('old', 'file:///o');
      await client.setRegisteredModelAlias('old', 'best', 1);
      await client.createRegisteredModel('taken');
      await expectCode(client.renameRegisteredModel('old', 'taken'), 'RESOURCE_ALREADY_EXISTS');
      const renamed = await client.renameRegisteredModel('old', 'new');
      expect(renamed.name).toBe('new');
      await expectCode(client.getRegisteredModel('old'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await client.getModelVersion('new', 1)).name).toBe('new');
      expect((await client.getModelVersionByAlias('new', 'best')).version).toBe(1);
      expect((await client.getRegisteredModel('new')).tags['k']).toBe('v');
      await client.deleteRegisteredModel('new');
      await expectCode(client.getRegisteredModel('new'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.getModelVersion('new', 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(client.deleteRegisteredModel('new'), 'RESOURCE_DOES_NOT_EXIST');
    });
  });
}
