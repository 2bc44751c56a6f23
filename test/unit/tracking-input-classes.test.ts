/**
 * Bad input on every logging entry point (issue 12, "Tracking API"): steps, timestamps and metric
 * values; param and tag values that cannot be converted; lone surrogates in names and values.
 * Each is INVALID_PARAMETER_VALUE, never a TypeError, and nothing is stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TrackingClient, type MetricOptions } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ActiveRun } from '../../src/core/run.js';
import type { Store } from '../../src/core/store.js';
import * as fluent from '../../src/fluent.js';
import { FileStore } from '../../src/node/file-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const stores: Record<string, () => Promise<Store>> = {
  memory: async () => new MemoryStore(),
  file: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgeflow-input-'));
    dirs.push(dir);
    return FileStore.open(join(dir, 'mlruns'));
  },
};

/** The error `action` throws or rejects with, or undefined. */
async function errorOf(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function expectInvalid(action: () => unknown, mentions?: string): Promise<void> {
  const error = await errorOf(action);
  expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), `expected INVALID_PARAMETER_VALUE, got ${String(error)}`).toBe(true);
  if (mentions !== undefined) expect((error as Error).message).toContain(mentions);
}

async function started(store?: Store): Promise<{ client: TrackingClient; run: ActiveRun }> {
  const client = new TrackingClient(store ?? new MemoryStore());
  return { client, run: await client.startRun() };
}

async function storedMetrics(client: TrackingClient, runId: string, key = 'k'): Promise<{ steps: number[]; timestamps: number[] }> {
  await client.flush();
  const history = await client.getMetricHistory(runId, key);
  return { steps: [...history.steps], timestamps: [...history.timestamps] };
}

const BAD_STEPS: readonly unknown[] = ['5', '', true, false, 1n, null, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), [1], Symbol('s'), () => 1, new Date(5)];
const BAD_OPTION_OBJECTS: readonly unknown[] = [
  { step: '5' },
  { step: true },
  { step: 1n },
  { step: null },
  { step: 0.5 },
  { timestamp: '1700000000000' },
  { timestamp: null },
  { timestamp: -1 },
  { timestamp: 1.5 },
  { timestamp: 2 ** 53 },
  { timestamp: 10n },
  { stpe: 3 },
  { step: 1, time: 2 },
];
const BAD_VALUES: readonly unknown[] = ['1', '', true, 1n, null, undefined, {}, [1], Symbol('v')];

/** Every entry that logs one metric point with (value, options). */
type MetricEntry = (client: TrackingClient, run: ActiveRun, value: unknown, options: unknown) => unknown;
const METRIC_ENTRIES: Record<string, MetricEntry> = {
  'client.logMetric': (client, run, value, options) => client.logMetric(run.runId, 'k', value as number, options as MetricOptions),
  'run.logMetric': (_client, run, value, options) => run.logMetric('k', value as number, options as MetricOptions),
  'run.logMetrics': (_client, run, value, options) => run.logMetrics({ k: value as number }, options as MetricOptions),
  'client.logBatch': (client, run, value, options) => {
    const plain = typeof options === 'object' && options !== null && Object.getPrototypeOf(options) === Object.prototype;
    const position = plain ? options : { step: options };
    return client.logBatch(run.runId, { metrics: [{ key: 'k', value: value as number, ...position }] });
  },
};

describe('metric steps, timestamps and values', () => {
  afterEach(async () => {
    while (fluent.activeRun()) await fluent.endRun();
  });

  for (const [entry, log] of Object.entries(METRIC_ENTRIES)) {
    it(`${entry} refuses every step that is not a safe integer number, and stores nothing`, async () => {
      const { client, run } = await started();
      for (const step of BAD_STEPS) {
        // logBatch reads `{ step: undefined }` as an omitted step.
        if (entry === 'client.logBatch' && step === undefined) continue;
        await expectInvalid(() => log(client, run, 1, step), 'step');
      }
      for (const options of BAD_OPTION_OBJECTS) {
        await expectInvalid(() => log(client, run, 1, options));
      }
      expect((await storedMetrics(client, run.runId)).steps).toEqual([]);
    });

    it(`${entry} refuses values that are not numbers and accepts NaN and ±Infinity`, async () => {
      const { client, run } = await started();
      for (const value of BAD_VALUES) await expectInvalid(() => log(client, run, value, 1), 'metric');
      for (const value of [Number.NaN, Infinity, -Infinity]) await log(client, run, value, 1);
      await client.flush();
      expect([...(await client.getMetricHistory(run.runId, 'k')).values]).toEqual([Number.NaN, Infinity, -Infinity]);
    });
  }

  it('reads an omitted step as 0 and an omitted timestamp as now, on every entry', async () => {
    for (const [entry, log] of Object.entries(METRIC_ENTRIES)) {
      const { client, run } = await started();
      const before = Date.now();
      await log(client, run, 1, undefined);
      await log(client, run, 2, {});
      await log(client, run, 3, { step: -4 });
      await log(client, run, 4, { timestamp: 7 });
      await log(client, run, 5, { step: 9, timestamp: 0 });
      await log(client, run, 6, 2 ** 53 - 1);
      const { steps, timestamps } = await storedMetrics(client, run.runId);
      expect(steps, entry).toEqual([0, 0, -4, 0, 9, 2 ** 53 - 1]);
      expect(timestamps.slice(3, 5), entry).toEqual([7, 0]);
      for (const t of [...timestamps.slice(0, 3), timestamps[5]!]) expect(t, entry).toBeGreaterThanOrEqual(before);
    }
  });

  it('refuses the same inputs through the module-level logMetric and logMetrics', async () => {
    fluent.setTrackingStore(new MemoryStore());
    const run = await fluent.startRun();
    for (const step of [...BAD_STEPS, ...BAD_OPTION_OBJECTS]) {
      await expectInvalid(() => fluent.logMetric('k', 1, step as MetricOptions));
      await expectInvalid(() => fluent.logMetrics({ k: 1 }, step as MetricOptions));
    }
    await expectInvalid(() => fluent.logMetric('k', '1' as unknown as number));
    await expectInvalid(() => fluent.logMetrics(null as unknown as Record<string, number>));
    await expectInvalid(() => fluent.logMetrics([1] as unknown as Record<string, number>));
    const client = await fluent.getClient();
    expect((await storedMetrics(client, run.runId)).steps).toEqual([]);
  });

  it('refuses bad batch timestamps and leaves the batch unwritten', async () => {
    const { client, run } = await started();
    for (const timestamp of ['1', 1.5, -1, null, 1n, true]) {
      await expectInvalid(() =>
        client.logBatch(run.runId, {
          metrics: [
            { key: 'k', value: 1, timestamp: 5 },
            { key: 'k', value: 2, timestamp: timestamp as number },
          ],
          params: [{ key: 'p', value: 'x' }],
        }),
      'timestamp',
      );
    }
    expect((await storedMetrics(client, run.runId)).steps).toEqual([]);
    expect((await client.getRun(run.runId)).data.params).toEqual({});
  });
});

/** Values no string conversion exists for, and a name for each. */
function unconvertibleValues(): [string, unknown][] {
  const circular: Record<string, unknown> = { a: 1 };
  circular['self'] = circular;
  const deep: unknown[] = [];
  deep.push({ inner: deep });
  return [
    ['a circular object', circular],
    ['a circular array', deep],
    ['an object holding a bigint', { big: 10n }],
    ['a symbol', Symbol('x')],
    ['a function', () => 1],
    ['an object whose toJSON throws', { toJSON: () => { throw new Error('no JSON for you'); } }],
    ['an object whose toJSON gives nothing', { toJSON: () => undefined }],
  ];
}

/** Every entry that stores one param or tag value under key `bad`. */
const VALUE_ENTRIES: Record<string, (client: TrackingClient, run: ActiveRun, value: unknown) => unknown> = {
  'client.logParam': (client, run, value) => client.logParam(run.runId, 'bad', value as string),
  'client.setTag': (client, run, value) => client.setTag(run.runId, 'bad', value as string),
  'run.logParam': (_c, run, value) => run.logParam('bad', value as string),
  'run.logParams': (_c, run, value) => run.logParams({ bad: value as string }),
  'run.setTag': (_c, run, value) => run.setTag('bad', value as string),
  'run.setTags': (_c, run, value) => run.setTags({ bad: value as string }),
  'logBatch params': (client, run, value) => client.logBatch(run.runId, { params: [{ key: 'bad', value: value as string }] }),
  'logBatch tags': (client, run, value) => client.logBatch(run.runId, { tags: [{ key: 'bad', value: value as string }] }),
  'createRun tags': (client, run, value) => client.createRun(run.experimentId, { tags: { bad: value as string } }),
  'startRun tags': (client, _run, value) => client.startRun({ tags: { bad: value as string } }),
  'createExperiment tags': (client, _run, value) => client.createExperiment('e-bad', { tags: { bad: value as string } }),
  'setExperimentTag': (client, run, value) => client.setExperimentTag(run.experimentId, 'bad', value as string),
  'createRegisteredModel tags': (client, _run, value) => client.createRegisteredModel('m-bad', { tags: { bad: value as string } }),
  'setRegisteredModelTag': (client, _run, value) => client.setRegisteredModelTag('m', 'bad', value as string),
  'setModelVersionTag': (client, _run, value) => client.setModelVersionTag('m', 1, 'bad', value as string),
};

describe('param and tag values that cannot be converted', () => {
  for (const [entry, store] of Object.entries(VALUE_ENTRIES)) {
    it(`${entry}: INVALID_PARAMETER_VALUE naming the key, nothing stored`, async () => {
      const { client, run } = await started();
      await client.createRegisteredModel('m');
      await client.createModelVersion('m', `runs:/${run.runId}/model`);
      for (const [what, value] of unconvertibleValues()) {
        const error = await errorOf(() => store(client, run, value));
        expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), `${what}: ${String(error)}`).toBe(true);
        expect((error as Error).message, what).toContain('"bad"');
      }
      await client.flush();
      const stored = await client.getRun(run.runId);
      expect(Object.keys(stored.data.params)).toEqual([]);
      expect(Object.keys(stored.data.tags).filter((k) => !k.startsWith('mlflow.'))).toEqual([]);
      expect(await client.getExperimentByName('e-bad')).toBeNull();
      expect((await client.getRegisteredModel('m')).tags).toEqual({});
      expect((await client.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['m']);
    });
  }

  it('keeps converting what converted before, the same way on every entry', async () => {
    const { client, run } = await started();
    const values: [string, unknown, string][] = [
      ['b', true, 'True'],
      ['f', 1e-7, '1e-07'],
      ['i', 5, '5'],
      ['n', null, ''],
      ['o', { a: [1, 'x'] }, '{"a":[1,"x"]}'],
      ['d', new Date(0), '"1970-01-01T00:00:00.000Z"'],
      ['x', Object.assign(Object.create(null) as object, { toString: () => { throw new Error('no'); } }), '{}'],
    ];
    for (const [key, value, text] of values) {
      run.logParam(`p_${key}`, value as string);
      await client.logBatch(run.runId, { tags: [{ key: `t_${key}`, value: value as string }] });
      expect((await client.getRun(run.runId)).data.params[`p_${key}`]).toBe(text);
      expect((await client.getRun(run.runId)).data.tags[`t_${key}`]).toBe(text);
    }
  });
});

const LONE: readonly string[] = ['\ud800', '\udfff', 'ok\ud83d', '\ude00\ud83d', 'a\udc00b'];

/** Every entry that stores one name, key or text, as `(client, run, text) => …`. */
const TEXT_ENTRIES: Record<string, (client: TrackingClient, run: ActiveRun, text: string) => unknown> = {
  'metric key': (client, run, text) => client.logMetric(run.runId, `m${text}`, 1),
  'param key': (_c, run, text) => run.logParam(`p${text}`, 1),
  'param value': (_c, run, text) => run.logParam('p', text),
  'tag key': (_c, run, text) => run.setTag(`t${text}`, 1),
  'tag value': (_c, run, text) => run.setTag('t', text),
  'batch param value': (client, run, text) => client.logBatch(run.runId, { params: [{ key: 'p', value: text }] }),
  note: (_c, run, text) => run.setNote(text),
  'run name (startRun)': (client, _run, text) => client.startRun({ runName: text }),
  'run name (createRun)': (client, run, text) => client.createRun(run.experimentId, { runName: text }),
  'run name (updateRun)': (client, run, text) => client.updateRun(run.runId, { runName: text }),
  'run description': (client, _run, text) => client.startRun({ description: text }),
  'experiment name': (client, _run, text) => client.createExperiment(text),
  'experiment name (startRun)': (client, _run, text) => client.startRun({ experimentName: text }),
  'experiment rename': (client, run, text) => client.renameExperiment(run.experimentId, text),
  'experiment tag value': (client, run, text) => client.setExperimentTag(run.experimentId, 'e', text),
  'artifact path': (_c, run, text) => run.logText('x', `dir/${text}.txt`),
  'artifact text': (_c, run, text) => run.logText(text, 'notes.txt'),
  'registered model name': (client, _run, text) => client.createRegisteredModel(`m${text}`),
  'registered model description': (client, _run, text) => client.updateRegisteredModel('m', { description: text }),
  'registered model tag': (client, _run, text) => client.setRegisteredModelTag('m', 'k', text),
  'model version description': (client, _run, text) => client.updateModelVersion('m', 1, { description: text }),
  'model version tag': (client, _run, text) => client.setModelVersionTag('m', 1, 'k', text),
  'model version source': (client, run, text) => client.createModelVersion('m', `runs:/${run.runId}/${text}`),
};

describe('lone surrogates', () => {
  for (const [storeName, open] of Object.entries(stores)) {
    it(`are refused in every name, key and text (${storeName} store), and nothing is stored`, async () => {
      const { client, run } = await started(await open());
      await client.createRegisteredModel('m');
      await client.createModelVersion('m', `runs:/${run.runId}/model`);
      const experimentsBefore = (await client.searchExperiments()).items.length;
      for (const [entry, store] of Object.entries(TEXT_ENTRIES)) {
        for (const text of LONE) await expectInvalid(() => store(client, run, text), entry.includes('key') ? undefined : 'lone surrogate');
      }
      await client.flush();
      const stored = await client.getRun(run.runId);
      expect(stored.data.metrics).toEqual({});
      expect(stored.data.params).toEqual({});
      expect(Object.keys(stored.data.tags).filter((k) => !k.startsWith('mlflow.') || k === 'mlflow.note.content')).toEqual([]);
      expect(JSON.stringify(stored)).not.toContain('\ufffd');
      expect(await client.listArtifacts(run.runId)).toEqual([]);
      expect((await client.searchExperiments()).items.length).toBe(experimentsBefore);
      expect((await client.searchRegisteredModels()).items.map((m) => [m.name, m.description ?? '', m.tags])).toEqual([['m', '', {}]]);
    });
  }

  it('accepts well-formed astral characters (surrogate pairs) everywhere', async () => {
    const { client, run } = await started(await stores['file']!());
    await client.createRegisteredModel('m');
    await client.createModelVersion('m', `runs:/${run.runId}/model`);
    for (const [entry, store] of Object.entries(TEXT_ENTRIES)) {
      if (entry.endsWith(' key') || entry === 'batch param value') continue;
      await store(client, run, `😀${entry.length}`);
    }
    await client.flush();
    expect((await client.getRun(run.runId)).data.params['p']).toBe(`😀${'param value'.length}`);
  });
});
