/**
 * The one conformance suite of the Store contract. Every backend runs it — in Node, in a page and
 * inside a worker — through the public client, so the rules MLflow enforces per backend (param
 * immutability, read-only deleted runs, error codes, latest-metric semantics, search grammar,
 * paging, batch atomicity, artifact safety) are proven once for all.
 *
 * Read-only stores (e.g. a zip bundle) pass a factory that receives the seed: it writes the seed
 * into a writable store and returns the read-only view of that data.
 */
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { MetricSeries } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store, StoreChange } from '../../src/core/store.js';
import {
  artifactFileNotFound,
  artifactNotFound,
  artifactPathIsFolder,
  artifactPathUnderFile,
  assertExperimentActive,
  assertExperimentDeletable,
  assertExperimentNameFree,
  assertExperimentRestorable,
  assertExperimentTagExists,
  assertRunActive,
  assertRunTagExists,
  experimentIdTaken,
  experimentNotFound,
  runIdTaken,
  runNotFound,
} from '../../src/core/rules.js';
import { expectCode, expectRuleError } from './expect-error.js';
import { logSearchCaseRuns, searchCases } from './search-cases.js';
import { describeRegistryReads, describeRegistryWrites, type OpenClient } from './registry-conformance.js';

/** Writes the data a test reads. */
export type Seed = (client: TrackingClient) => Promise<void>;

/** How the suite gets stores from a backend. */
export interface ConformanceTarget {
  /** A fresh store holding only the Default experiment plus what `seed` wrote. */
  open(seed?: Seed): Promise<Store>;
  /** The store rejects writes: only the read part of the suite runs, plus a write-rejection check. */
  readonly readOnly?: boolean;
  /** The store holds a model registry (`store.registry`): the registry suite runs too. */
  readonly registry?: boolean;
  /**
   * A server's artifact repository keeps the files (a REST store): it refuses a bad placement in
   * its own words, so only the code is compared there, not the message of the core rule.
   */
  readonly serverArtifacts?: boolean;
}

const T0 = 1_700_000_000_000;

async function openClient(target: ConformanceTarget, seed?: Seed): Promise<TrackingClient> {
  const store = await target.open(seed);
  return new TrackingClient(store, { userId: 'conformance' });
}

/** Registers the conformance suite for one backend. */
export function describeStoreConformance(name: string, target: ConformanceTarget): void {
  describe(`Store conformance: ${name}`, () => {
    describeReads(target);
    if (target.readOnly) describeReadOnly(target);
    else describeWrites(target);
    if (target.registry) {
      const open: OpenClient = (seed) => openClient(target, seed);
      describeRegistryReads(open);
      if (!target.readOnly) describeRegistryWrites(open);
    }
  });
}

// ------------------------------------------------------------------------------------------ reads

function describeReads(target: ConformanceTarget): void {
  describe('experiments (read)', () => {
    it('holds the Default experiment 0', async () => {
      const client = await openClient(target);
      const experiment = await client.getExperiment('0');
      expect(experiment.name).toBe('Default');
      expect(experiment.lifecycleStage).toBe('active');
      expect((await client.getExperimentByName('Default'))?.experimentId).toBe('0');
    });

    it('reports missing experiments as RESOURCE_DOES_NOT_EXIST, unknown names as null', async () => {
      const client = await openClient(target);
      await expectRuleError(client.getExperiment('123456'), experimentNotFound('123456'));
      expect(await client.getExperimentByName('no such experiment')).toBeNull();
    });

    it('rejects malformed experiment ids with INVALID_PARAMETER_VALUE', async () => {
      const client = await openClient(target);
      await expectCode(client.getExperiment('../etc'), 'INVALID_PARAMETER_VALUE');
    });

    it('searches experiments by name and tag, with view types, ordering and paging', async () => {
      const client = await openClient(target, async (c) => {
        const a = await c.createExperiment('alpha', { tags: { team: 'vision' } });
        await c.createExperiment('beta', { tags: { team: 'nlp' } });
        await c.createExperiment('alphabet');
        const gone = await c.createExperiment('gone');
        await c.deleteExperiment(gone);
        await c.setExperimentTag(a, 'stage', 'prod');
      });
      const names = async (options: Parameters<TrackingClient['searchExperiments']>[0]): Promise<string[]> =>
        (await client.searchExperiments(options)).items.map((e) => e.name);
      expect(await names({ filter: "name LIKE 'alpha%'", orderBy: ['name'] })).toEqual(['alpha', 'alphabet']);
      expect(await names({ filter: "tags.team = 'nlp'" })).toEqual(['beta']);
      expect(await names({ filter: "tag.stage = 'prod'" })).toEqual(['alpha']);
      expect(await names({ viewType: 'DELETED_ONLY' })).toEqual(['gone']);
      expect((await names({ viewType: 'ALL', orderBy: ['name DESC'] }))).toEqual(['gone', 'beta', 'alphabet', 'alpha', 'Default']);
      expect(await names({ orderBy: ['name ASC'] })).toEqual(['Default', 'alpha', 'alphabet', 'beta']);
      const first = await client.searchExperiments({ orderBy: ['name'], maxResults: 3 });
      expect(first.items.map((e) => e.name)).toEqual(['Default', 'alpha', 'alphabet']);
      expect(first.nextPageToken).toBeTypeOf('string');
      const second = await client.searchExperiments({ orderBy: ['name'], maxResults: 3, pageToken: first.nextPageToken! });
      expect(second.items.map((e) => e.name)).toEqual(['beta']);
      expect(second.nextPageToken).toBeUndefined();
    });
  });

  describe('runs (read)', () => {
    it('reports the latest metric value: highest step, then newest timestamp, then largest value', async () => {
      let runId = '';
      const client = await openClient(target, async (c) => {
        const run = await c.createRun('0', { runName: 'latest' });
        runId = run.info.runId;
        await c.logBatch(runId, {
          metrics: [
            { key: 'm', value: 5, step: 3, timestamp: T0 },
            { key: 'm', value: 7, step: 3, timestamp: T0 + 10 },
            { key: 'm', value: 1, step: 1, timestamp: T0 + 99 },
            { key: 't', value: 2, step: 0, timestamp: T0 },
            { key: 't', value: 9, step: 0, timestamp: T0 },
            { key: 't', value: 4, step: 0, timestamp: T0 },
          ],
        });
      });
      const run = await client.getRun(runId);
      expect(run.data.metrics['m']).toBe(7);
      expect(run.data.latestMetrics['m']).toEqual({ key: 'm', value: 7, step: 3, timestamp: T0 + 10 });
      expect(run.data.metrics['t']).toBe(9);
    });

    it('returns metric histories as Float64Array columns in logging order, with NaN, ±Infinity and 2^53 steps', async () => {
      let runId = '';
      const big = Number.MAX_SAFE_INTEGER;
      const client = await openClient(target, async (c) => {
        runId = (await c.createRun('0')).info.runId;
        await c.logBatch(runId, {
          metrics: [
            { key: 'loss', value: 0.5, step: 2, timestamp: T0 },
            { key: 'loss', value: Number.NaN, step: -1, timestamp: T0 + 1 },
            { key: 'loss', value: Infinity, step: big, timestamp: T0 + 2 },
            { key: 'loss', value: -Infinity, step: 0, timestamp: T0 + 3 },
          ],
        });
      });
      const history = await client.getMetricHistory(runId, 'loss');
      expect(history.steps).toBeInstanceOf(Float64Array);
      expect(history.timestamps).toBeInstanceOf(Float64Array);
      expect(history.values).toBeInstanceOf(Float64Array);
      expect([...history.steps]).toEqual([2, -1, big, 0]);
      expect([...history.timestamps]).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
      expect([...history.values]).toEqual([0.5, Number.NaN, Infinity, -Infinity]);
      expect((await client.getRun(runId)).data.metrics['loss']).toBe(Infinity);
      const none = await client.getMetricHistory(runId, 'never-logged');
      expect(none.values.length).toBe(0);
    });

    it('reports missing runs as RESOURCE_DOES_NOT_EXIST', async () => {
      const client = await openClient(target);
      const missing = '0123456789abcdef0123456789abcdef';
      await expectRuleError(client.getRun(missing), runNotFound(missing));
      await expectRuleError(client.getMetricHistory(missing, 'x'), runNotFound(missing));
      await expectCode(client.getRun('bad id!'), 'INVALID_PARAMETER_VALUE');
    });

    it('reads the tail of a metric history from a position on (the store’s tail read, or the client’s fallback)', async () => {
      let runId = '';
      const n = 25;
      const client = await openClient(target, async (c) => {
        runId = (await c.createRun('0')).info.runId;
        await c.logBatch(runId, {
          metrics: Array.from({ length: n }, (_, i) => ({ key: 'm', value: i === 3 ? Number.NaN : i / 4, step: i * 2, timestamp: T0 + i })),
        });
      });
      const store = client.store;
      const id = runId as RunId;
      const all = await client.getMetricHistory(runId, 'm');
      expect(all.values.length).toBe(n);
      const expectTail = (tail: MetricSeries, from: number): void => {
        expect(tail.key).toBe('m');
        expect(tail.steps).toBeInstanceOf(Float64Array);
        expect(tail.values).toBeInstanceOf(Float64Array);
        expect([...tail.steps]).toEqual([...all.steps.slice(from)]);
        expect([...tail.timestamps]).toEqual([...all.timestamps.slice(from)]);
        expect([...tail.values]).toEqual([...all.values.slice(from)]);
      };
      const missing = '0123456789abcdef0123456789abcdef';
      // Every case through the client; when the store has its own tail read, through it directly too.
      // Without one, the client's fallback (whole history, sliced) must give the same answers.
      const direct = typeof store.getMetricHistoryFrom === 'function';
      for (const from of [0, 1, 12, n - 1, n, n + 100]) {
        expectTail(await client.getMetricHistoryFrom(runId, 'm', from), from);
        if (direct) expectTail(await store.getMetricHistoryFrom!(id, 'm', from), from);
      }
      expect((await client.getMetricHistoryFrom(runId, 'm', n)).values.length).toBe(0);
      expect((await client.getMetricHistoryFrom(runId, 'never-logged', 0)).values.length).toBe(0);
      for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
        await expectCode(client.getMetricHistoryFrom(runId, 'm', bad), 'INVALID_PARAMETER_VALUE');
        if (direct) await expectCode(store.getMetricHistoryFrom!(id, 'm', bad), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(client.getMetricHistoryFrom(missing, 'm', 0), 'RESOURCE_DOES_NOT_EXIST');
      if (direct) {
        expect((await store.getMetricHistoryFrom!(id, 'never-logged', 3)).values.length).toBe(0);
        await expectCode(store.getMetricHistoryFrom!(missing as RunId, 'm', 0), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(store.getMetricHistoryFrom!(missing as RunId, 'm', 5), 'RESOURCE_DOES_NOT_EXIST');
      }
    });

    it('keeps keys that look like object internals (__proto__, constructor) as ordinary keys', async () => {
      let runId = '';
      const client = await openClient(target, async (c) => {
        runId = (await c.createRun('0')).info.runId;
        await c.logBatch(runId, {
          params: [{ key: '__proto__', value: 'p' }, { key: 'constructor', value: 'c' }],
          tags: [{ key: 'hasOwnProperty', value: 'h' }],
          metrics: [{ key: '__proto__', value: 1, step: 0, timestamp: T0 }],
        });
      });
      const run = await client.getRun(runId);
      expect(Object.prototype.hasOwnProperty.call(run.data.params, '__proto__')).toBe(true);
      expect(Object.entries(run.data.params).sort()).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
      expect(run.data.tags['hasOwnProperty']).toBe('h');
      expect(Object.entries(run.data.metrics)).toEqual([['__proto__', 1]]);
    });
  });

  describe('search runs: real MLflow results (search-cases.json)', () => {
    let shared: { client: TrackingClient; experimentId: string } | undefined;
    const setup = async (): Promise<{ client: TrackingClient; experimentId: string }> => {
      if (shared === undefined) {
        let experimentId = '';
        const client = await openClient(target, async (c) => {
          experimentId = await logSearchCaseRuns(c);
        });
        shared = { client, experimentId };
      }
      return shared;
    };

    for (const [index, query] of searchCases.queries.entries()) {
      it(`query ${index}: filter=${JSON.stringify(query.filter)} orderBy=${JSON.stringify(query.orderBy)} ${query.viewType}`, async () => {
        const { client, experimentId } = await setup();
        const page = await client.searchRuns(experimentId, {
          filter: query.filter,
          orderBy: query.orderBy,
          viewType: query.viewType,
          maxResults: 1000,
        });
        expect(page.items.map((r) => r.info.runName)).toEqual(query.expect);
      });
    }

    it('pages of 25 ordered by run_name concatenate to MLflow’s pages', async () => {
      const { client, experimentId } = await setup();
      const pages: string[][] = [];
      let pageToken: string | undefined;
      do {
        const page = await client.searchRuns(experimentId, {
          orderBy: ['run_name ASC'],
          maxResults: 25,
          ...(pageToken === undefined ? {} : { pageToken }),
        });
        pages.push(page.items.map((r) => r.info.runName));
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      expect(pages).toEqual(searchCases.pages);
    });

    for (const bad of searchCases.badFilters) {
      it(`rejects filter ${JSON.stringify(bad.filter)} with ${bad.error}`, async () => {
        const { client, experimentId } = await setup();
        await expectCode(client.searchRuns(experimentId, { filter: bad.filter }), bad.error as 'INVALID_PARAMETER_VALUE');
      });
    }

    it('filters with IN / NOT IN on run_id, ILIKE, back-quoted and double-quoted keys, and numeric attributes', async () => {
      const { client, experimentId } = await setup();
      const all = (await client.searchRuns(experimentId, { orderBy: ['run_name'], maxResults: 1000 })).items;
      const [a, b] = [all[0]!, all[1]!];
      const names = async (filter: string): Promise<string[]> =>
        (await client.searchRuns(experimentId, { filter, orderBy: ['run_name'], maxResults: 1000 })).items.map((r) => r.info.runName);
      expect(await names(`run_id IN ('${a.info.runId}', '${b.info.runId}')`)).toEqual([a.info.runName, b.info.runName]);
      expect((await names(`attributes.run_id NOT IN ('${a.info.runId}')`)).length).toBe(all.length - 1);
      expect(await names("params.model ILIKE 'CNN-LARGE'")).toEqual(await names("params.model ILIKE 'cnn-large'"));
      expect(await names('params.`arch/depth` = \'2\'')).toContain('Trial 0');
      expect(await names('tags."my tag" = \'ünï\'')).toContain('Trial 0');
      expect(await names(`attributes.start_time >= ${a.info.startTime} and attributes.start_time <= ${a.info.startTime}`)).toEqual([a.info.runName]);
      expect(await names("tags.nonexistent != 'x'")).toEqual([]);
    });
  });

  describe('artifacts (read)', () => {
    it('lists folders and files, reads bytes, and reports missing files', async () => {
      let runId = '';
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      const client = await openClient(target, async (c) => {
        runId = (await c.createRun('0')).info.runId;
        await c.logArtifact(runId, 'model/weights.bin', bytes);
        await c.logText(runId, 'héllo', 'notes/readme.md');
        await c.logDict(runId, { b: 1, a: [1, 2] }, 'config.json');
      });
      const root = await client.listArtifacts(runId);
      expect(root).toEqual([
        { path: 'model', isDir: true },
        { path: 'notes', isDir: true },
        { path: 'config.json', isDir: false, fileSize: expect.any(Number) },
      ]);
      expect(await client.listArtifacts(runId, 'model')).toEqual([{ path: 'model/weights.bin', isDir: false, fileSize: 5 }]);
      expect([...(await client.downloadArtifact(runId, 'model/weights.bin'))]).toEqual([...bytes]);
      expect(await client.loadText(runId, 'notes/readme.md')).toBe('héllo');
      expect(JSON.parse(await client.loadText(runId, 'config.json'))).toEqual({ b: 1, a: [1, 2] });
      await expectRuleError(client.downloadArtifact(runId, 'missing.txt'), artifactFileNotFound(runId, 'missing.txt'));
    });

    it('rejects traversal and absolute paths before touching the store', async () => {
      let runId = '';
      const client = await openClient(target, async (c) => {
        runId = (await c.createRun('0')).info.runId;
      });
      for (const path of ['../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'a\\b', 'a//b', './a', 'a/', '', 'a#b', 'a\u0000b']) {
        await expectCode(client.downloadArtifact(runId, path), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(client.listArtifacts(runId, '../'), 'INVALID_PARAMETER_VALUE');
    });
  });
}

// ----------------------------------------------------------------------------------------- writes

function describeWrites(target: ConformanceTarget): void {
  describe('experiments (write)', () => {
    it('creates, renames and rejects duplicate names, including names of deleted experiments', async () => {
      const client = await openClient(target);
      const id = await client.createExperiment('exp', { tags: { team: 'a' } });
      expect(id).toMatch(/^[1-9]\d{17}$/u);
      const experiment = await client.getExperiment(id);
      expect(experiment).toMatchObject({ name: 'exp', lifecycleStage: 'active' });
      expect(experiment.tags['team']).toBe('a');
      expect(experiment.creationTime).toBeTypeOf('number');
      await expectRuleError(client.createExperiment('exp'), () => assertExperimentNameFree('exp', experiment));
      const other = await client.createExperiment('other');
      await expectRuleError(client.renameExperiment(other, 'exp'), () => assertExperimentNameFree('exp', experiment));
      await client.renameExperiment(other, 'renamed');
      expect((await client.getExperiment(other)).name).toBe('renamed');
      await client.deleteExperiment(other);
      const deleted = await client.getExperiment(other);
      await expectRuleError(client.createExperiment('renamed'), () => assertExperimentNameFree('renamed', deleted));
      await expectCode(client.createExperiment(''), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.createExperiment('x'.repeat(501)), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.createExperiment('y', { artifactLocation: 'runs:/abc' }), 'INVALID_PARAMETER_VALUE');
    });

    it('deletes and restores experiments with their runs; the default experiment cannot be deleted', async () => {
      const client = await openClient(target);
      const id = await client.createExperiment('to-delete');
      const kept = (await client.createRun(id)).info.runId;
      const alreadyDeleted = (await client.createRun(id)).info.runId;
      await client.deleteRun(alreadyDeleted);
      await client.deleteExperiment(id);
      expect((await client.getExperiment(id)).lifecycleStage).toBe('deleted');
      const run = await client.getRun(kept);
      expect(run.info.lifecycleStage).toBe('deleted');
      expect(run.info.deletedTime).toBeTypeOf('number');
      const deletedExperiment = await client.getExperiment(id);
      await expectRuleError(client.createRun(id), () => assertExperimentActive(deletedExperiment, 'create a run'));
      await expectRuleError(client.setExperimentTag(id, 'k', 'v'), () => assertExperimentActive(deletedExperiment, 'set a tag'));
      await client.restoreExperiment(id);
      await expectRuleError(client.restoreExperiment(id), () => assertExperimentRestorable({ ...deletedExperiment, lifecycleStage: 'active' }));
      expect((await client.getExperiment(id)).lifecycleStage).toBe('active');
      expect((await client.getRun(kept)).info.lifecycleStage).toBe('active');
      expect((await client.getRun(alreadyDeleted)).info.lifecycleStage).toBe('active');
      await expectRuleError(client.deleteExperiment('0'), () => assertExperimentDeletable('0'));
      await expectRuleError(client.deleteExperiment('987654321'), experimentNotFound('987654321'));
    });

    it('keeps the deletion time an import gives (runs and experiments) where the store keeps snapshots', async () => {
      const client = await openClient(target);
      const id = await client.createExperiment('dated');
      const first = (await client.createRun(id)).info.runId;
      const second = (await client.createRun(id)).info.runId;
      const before = Date.now();
      await client.store.deleteRun(first, { deletedTime: T0 });
      await client.store.deleteExperiment(id, { deletedTime: T0 + 5 });
      expect((await client.getRun(first)).info.lifecycleStage).toBe('deleted');
      expect((await client.getRun(second)).info.lifecycleStage).toBe('deleted');
      if (client.store.capabilities.snapshots) {
        expect((await client.getRun(first)).info.deletedTime).toBe(T0);
        expect((await client.getRun(second)).info.deletedTime).toBe(T0 + 5);
        expect((await client.getExperiment(id)).lastUpdateTime).toBe(T0 + 5);
      } else {
        // A store that cannot keep given times (MLflow's REST API) records the real deletion.
        expect((await client.getExperiment(id)).lastUpdateTime).toBeGreaterThanOrEqual(before);
      }
    });

    it('refuses an import whose experiment or run id is taken (stores that keep snapshots)', async () => {
      const client = await openClient(target);
      if (!client.store.capabilities.snapshots) return;
      const id = await client.createExperiment('taken');
      const { runId } = (await client.createRun(id)).info;
      await expectRuleError(client.store.createExperiment({ name: 'another', experimentId: id }), experimentIdTaken(id));
      await expectRuleError(client.store.createRun({ experimentId: id, runId, userId: 'u', runName: 'again', startTime: T0, tags: [] }), runIdTaken(runId));
      expect(await client.getExperimentByName('another')).toBeNull();
      expect((await client.getRun(runId)).info.runName).not.toBe('again');
    });

    it('sets and deletes experiment tags', async () => {
      const client = await openClient(target);
      const id = await client.createExperiment('tags');
      await client.setExperimentTag(id, 'mlflow.note.content', '# Notes');
      await client.setExperimentTag(id, 'team', 'x');
      await client.setExperimentTag(id, 'team', 'y');
      expect({ ...(await client.getExperiment(id)).tags }).toEqual({ 'mlflow.note.content': '# Notes', team: 'y' });
      await client.deleteExperimentTag(id, 'team');
      expect({ ...(await client.getExperiment(id)).tags }).toEqual({ 'mlflow.note.content': '# Notes' });
      await expectRuleError(client.deleteExperimentTag(id, 'team'), () => assertExperimentTagExists(id, {}, 'team'));
      await expectCode(client.setExperimentTag(id, 'bad$key', 'v'), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.setExperimentTag(id, 'long', 'x'.repeat(5001)), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.createExperiment('long-tag', { tags: { long: 'x'.repeat(5001) } }), 'INVALID_PARAMETER_VALUE');
      await client.setExperimentTag(id, 'long', 'x'.repeat(5000));
      expect((await client.getExperiment(id)).tags['long']).toHaveLength(5000);
    });
  });

  describe('runs (write)', () => {
    it('creates runs as MLflow does: RUNNING, no end time, name mirrored in mlflow.runName', async () => {
      const client = await openClient(target);
      const run = await client.createRun('0', { startTime: T0, tags: { a: 1 } });
      expect(run.info).toMatchObject({ experimentId: '0', status: 'RUNNING', endTime: null, startTime: T0, lifecycleStage: 'active', userId: 'conformance' });
      expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/u);
      expect(run.info.runName).toMatch(/^[a-z]+-[a-z]+-\d{1,4}$/u);
      expect(run.info.runName.length).toBeLessThanOrEqual(20);
      expect(run.data.tags['mlflow.runName']).toBe(run.info.runName);
      expect(run.data.tags['a']).toBe('1');
      expect(run.info.artifactUri).toContain(run.info.runId);
      const named = await client.createRun('0', { runName: 'given', tags: { 'mlflow.runName': 'given' } });
      expect(named.info.runName).toBe('given');
      await expectCode(client.createRun('0', { runName: 'a', tags: { 'mlflow.runName': 'b' } }), 'INVALID_PARAMETER_VALUE');
      await expectRuleError(client.createRun('424242'), experimentNotFound('424242'));
    });

    it('updates status, end time and name; the mlflow.runName tag renames the run', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0', { runName: 'before' })).info;
      await client.updateRun(runId, { runName: 'after' });
      let run = await client.getRun(runId);
      expect(run.info.runName).toBe('after');
      expect(run.data.tags['mlflow.runName']).toBe('after');
      client.setTag(runId, 'mlflow.runName', 'by-tag');
      run = await client.getRun(runId);
      expect(run.info.runName).toBe('by-tag');
      const info = await client.setTerminated(runId, 'FAILED', T0 + 5);
      expect(info).toMatchObject({ status: 'FAILED', endTime: T0 + 5 });
      await expectCode(client.updateRun(runId, { status: 'DONE' as 'FINISHED' }), 'INVALID_PARAMETER_VALUE');
    });

    it('makes deleted runs read-only (INVALID_PARAMETER_VALUE) until restored', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      client.setTag(runId, 't', 'v');
      await client.deleteRun(runId);
      const deleted = await client.getRun(runId);
      expect(deleted.info.lifecycleStage).toBe('deleted');
      const readOnly = (): void => assertRunActive(deleted.info);
      await expectRuleError(client.logBatch(runId, { params: [{ key: 'p', value: 1 }] }), readOnly);
      await expectRuleError(client.updateRun(runId, { status: 'FINISHED' }), readOnly);
      await expectRuleError(client.deleteTag(runId, 't'), readOnly);
      await expectRuleError(client.logArtifact(runId, 'a.txt', 'x'), readOnly);
      client.logMetric(runId, 'm', 1);
      await expectCode(client.flush(), 'INVALID_PARAMETER_VALUE');
      await client.restoreRun(runId);
      await client.logBatch(runId, { params: [{ key: 'p', value: 1 }] });
      expect((await client.getRun(runId)).data.params['p']).toBe('1');
      expect((await client.getRun(runId)).info.deletedTime).toBeNull();
    });

    it('keeps params immutable: the same value again is accepted, another value is INVALID_PARAMETER_VALUE', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      await client.logBatch(runId, { params: [{ key: 'lr', value: 0.01 }] });
      await client.logBatch(runId, { params: [{ key: 'lr', value: '0.01' }] });
      await expectCode(client.logBatch(runId, { params: [{ key: 'lr', value: 0.02 }] }), 'INVALID_PARAMETER_VALUE');
      client.logParam(runId, 'lr', 0.03);
      await expectCode(client.flush(), 'INVALID_PARAMETER_VALUE');
      expect((await client.getRun(runId)).data.params['lr']).toBe('0.01');
      await expectCode(client.logBatch(runId, { params: [{ key: 'x', value: 1 }, { key: 'x', value: 1 }] }), 'INVALID_PARAMETER_VALUE');
    });

    it('writes a batch all-or-nothing: a conflicting param leaves metrics and tags unwritten', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      await client.logBatch(runId, { params: [{ key: 'fixed', value: 'a' }] });
      await expectCode(
        client.logBatch(runId, {
          metrics: [{ key: 'acc', value: 1, step: 0, timestamp: T0 }],
          params: [{ key: 'new', value: 'n' }, { key: 'fixed', value: 'b' }],
          tags: [{ key: 'tag', value: 'v' }],
        }),
        'INVALID_PARAMETER_VALUE',
      );
      const run = await client.getRun(runId);
      expect(Object.keys(run.data.metrics)).toEqual([]);
      expect(Object.keys(run.data.params)).toEqual(['fixed']);
      expect(run.data.tags['tag']).toBeUndefined();
      expect((await client.getMetricHistory(runId, 'acc')).values.length).toBe(0);
    });

    it('rejects keys that cannot coexist in a file layout (a and a/b) before writing', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      await client.logBatch(runId, { params: [{ key: 'model/depth', value: 3 }], metrics: [{ key: 'a', value: 1 }] });
      const error = await expectCode(client.logBatch(runId, { params: [{ key: 'model', value: 'cnn' }] }), 'INVALID_PARAMETER_VALUE');
      expect(error.message).toContain('model/depth');
      await expectCode(client.logBatch(runId, { metrics: [{ key: 'a/b', value: 1 }] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.logBatch(runId, { tags: [{ key: 'x', value: '1' }, { key: 'x/y', value: '2' }] }), 'INVALID_PARAMETER_VALUE');
      await client.logBatch(runId, { params: [{ key: 'model/width', value: 8 }], tags: [{ key: 'a/b', value: 'tags are separate' }] });
      expect({ ...(await client.getRun(runId)).data.params }).toEqual({ 'model/depth': '3', 'model/width': '8' });
    });

    it('validates keys, values and batch limits before anything is queued', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      for (const key of ['', 'a//b', '/a', 'a/', './a', '..a', 'a/../b', 'bad$', 'tab\there', 'x'.repeat(251)]) {
        await expectCode(() => client.logMetric(runId, key, 1), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(() => client.logMetric(runId, 'm', '1' as unknown as number), 'INVALID_PARAMETER_VALUE');
      await expectCode(() => client.logMetric(runId, 'm', true as unknown as number), 'INVALID_PARAMETER_VALUE');
      await expectCode(() => client.logMetric(runId, 'm', 1, 1.5), 'INVALID_PARAMETER_VALUE');
      await expectCode(() => client.logMetric(runId, 'm', 1, { timestamp: -1 }), 'INVALID_PARAMETER_VALUE');
      await expectCode(() => client.logParam('not a run id!', 'p', 1), 'INVALID_PARAMETER_VALUE');
      const tooMany = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: i }));
      await expectCode(client.logBatch(runId, { params: tooMany }), 'INVALID_PARAMETER_VALUE');
      await client.flush();
      expect(Object.keys((await client.getRun(runId)).data.metrics)).toEqual([]);
    });

    it('deletes tags; a missing tag is RESOURCE_DOES_NOT_EXIST', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      client.setTag(runId, 'k', 'v');
      await client.deleteTag(runId, 'k');
      expect((await client.getRun(runId)).data.tags['k']).toBeUndefined();
      await expectRuleError(client.deleteTag(runId, 'k'), () => assertRunTagExists(runId, {}, 'k'));
    });

    it('hides deleted runs from active searches and shows them under DELETED_ONLY and ALL', async () => {
      const client = await openClient(target);
      const id = await client.createExperiment('views');
      const live = (await client.createRun(id, { runName: 'live' })).info.runId;
      const gone = (await client.createRun(id, { runName: 'gone' })).info.runId;
      await client.deleteRun(gone);
      const names = async (viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'): Promise<string[]> =>
        (await client.searchRuns(id, { viewType, orderBy: ['run_name'] })).items.map((r) => r.info.runName);
      expect(await names('ACTIVE_ONLY')).toEqual(['live']);
      expect(await names('DELETED_ONLY')).toEqual(['gone']);
      expect(await names('ALL')).toEqual(['gone', 'live']);
      expect(live).not.toBe(gone);
    });

    it('queues logging, reads its own writes and reports storage errors at flush', async () => {
      const client = await openClient(target);
      const run = await client.startRun({ experimentName: 'queued', runName: 'q' });
      for (let step = 0; step < 1000; step++) run.logMetric('loss', 1 / (step + 1), step);
      run.logParams({ lr: 0.1, layers: 3 });
      run.setTags({ team: 'x' });
      const stored = await run.getRun();
      expect(stored.data.metrics['loss']).toBe(1 / 1000);
      expect(stored.data.params['layers']).toBe('3');
      expect((await client.getMetricHistory(run.runId, 'loss')).values.length).toBe(1000);
      client.logMetric('0123456789abcdef0123456789abcdef', 'm', 1);
      await expectCode(client.flush(), 'RESOURCE_DOES_NOT_EXIST');
      await client.flush();
    });

    it('starts runs with context tags, nested runs, notes, and ends them through withRun', async () => {
      const client = await openClient(target);
      const parent = await client.startRun({ experimentName: 'handles', runName: 'parent', description: 'A *note*' });
      const child = await parent.startChildRun({ runName: 'child' });
      const childRun = await child.getRun();
      expect(childRun.data.tags['mlflow.parentRunId']).toBe(parent.runId);
      expect(childRun.info.experimentId).toBe(parent.experimentId);
      await child.end();
      const parentRun = await parent.getRun();
      expect(parentRun.data.tags['mlflow.note.content']).toBe('A *note*');
      expect(parentRun.data.tags['mlflow.user']).toBe('conformance');
      expect(parentRun.data.tags['mlflow.source.type']).toBe('LOCAL');
      expect(await client.getExperimentByName('handles')).not.toBeNull();
      const result = await client.withRun({ experimentId: parent.experimentId, runName: 'ok' }, async (run) => {
        run.logMetric('m', 1);
        return run.runId;
      });
      expect((await client.getRun(result)).info.status).toBe('FINISHED');
      let failedId = '';
      await expect(
        client.withRun({ experimentId: parent.experimentId }, (run) => {
          failedId = run.runId;
          throw new Error('training diverged');
        }),
      ).rejects.toThrow('training diverged');
      const failed = await client.getRun(failedId);
      expect(failed.info.status).toBe('FAILED');
      expect(failed.info.endTime).toBeTypeOf('number');
      expect(() => parent.logParam('p', 1)).not.toThrow();
      expect(() => parent.logParam('p', 2)).toThrow(/Changing param values/u);
      await parent.end();
    });

    it('notifies subscribers of run data with the keys that changed, until they unsubscribe', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      const changes: StoreChange[] = [];
      const unsubscribe = client.subscribe((change) => changes.push(change));
      await client.logBatch(runId, { metrics: [{ key: 'acc', value: 1 }], params: [{ key: 'p', value: 1 }] });
      await waitFor(() => changes.some((c) => c.kind === 'run-data' && c.metricKeys.includes('acc')));
      const data = changes.find((c) => c.kind === 'run-data' && c.metricKeys.includes('acc'));
      expect(data).toMatchObject({ kind: 'run-data', runId, paramKeys: ['p'] });
      unsubscribe();
      const seen = changes.length;
      await client.logBatch(runId, { metrics: [{ key: 'acc', value: 2 }] });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(changes.length).toBe(seen);
    });
  });

  describe('artifacts (write)', () => {
    it('writes bytes, strings and Blobs, replaces files, deletes files and folders', async () => {
      const client = await openClient(target);
      const { runId } = (await client.createRun('0')).info;
      await client.logArtifact(runId, 'a/b/c.txt', 'one');
      await client.logArtifact(runId, 'a/b/c.txt', 'two');
      await client.logArtifact(runId, 'blob.bin', new Blob([new Uint8Array([1, 2, 3])]));
      expect(await client.loadText(runId, 'a/b/c.txt')).toBe('two');
      expect([...(await client.downloadArtifact(runId, 'blob.bin'))]).toEqual([1, 2, 3]);
      const fileOverFolder = (): Promise<void> => client.logArtifact(runId, 'a/b', 'file over folder');
      const folderUnderFile = (): Promise<void> => client.logArtifact(runId, 'blob.bin/x', 'folder under file');
      if (target.serverArtifacts) {
        await expectCode(fileOverFolder, 'INVALID_PARAMETER_VALUE');
        await expectCode(folderUnderFile, 'INVALID_PARAMETER_VALUE');
      } else {
        await expectRuleError(fileOverFolder, artifactPathIsFolder('a/b'));
        await expectRuleError(folderUnderFile, artifactPathUnderFile('blob.bin/x', 'blob.bin'));
      }
      await client.deleteArtifact(runId, 'a');
      expect(await client.listArtifacts(runId)).toEqual([{ path: 'blob.bin', isDir: false, fileSize: 3 }]);
      await expectRuleError(client.deleteArtifact(runId, 'a'), artifactNotFound(runId, 'a'));
      for (const path of ['../escape.txt', '/abs.txt', 'C:/x', 'a\\b.txt']) {
        await expectCode(client.logArtifact(runId, path, 'x'), 'INVALID_PARAMETER_VALUE');
      }
    });
  });
}

// -------------------------------------------------------------------------------------- read-only

function describeReadOnly(target: ConformanceTarget): void {
  it('rejects every write with a clear error and stays unchanged', async () => {
    const store = await target.open(async (c) => {
      await c.createExperiment('seeded');
    });
    const experiment = (await store.getExperimentByName('seeded'))!;
    const attempts: Promise<unknown>[] = [
      store.createExperiment({ name: 'new' }),
      store.renameExperiment(experiment.experimentId, 'x'),
      store.deleteExperiment(experiment.experimentId),
      store.createRun({ experimentId: experiment.experimentId, userId: 'u', runName: 'r', startTime: T0, tags: [] }),
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      await attempt.catch((error: unknown) => {
        caught = error;
      });
      expect(isEdgeflowError(caught)).toBe(true);
    }
    expect((await store.getExperiment(experiment.experimentId)).name).toBe('seeded');
    expect(await store.getExperimentByName('new')).toBeNull();
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
