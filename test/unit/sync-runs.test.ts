import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Run } from '../../src/core/entities.js';
import { DATASET_CONTEXT_TAG } from '../../src/core/datasets/entities.js';
import { datasetFromArrays } from '../../src/core/datasets/builders.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { RestStore } from '../../src/storage/rest/index.js';
import { MemorySyncState, ORIGIN_RUN_ID_TAG, syncRuns, type SyncReport } from '../../src/storage/sync/index.js';
import { startMlflowRestServer, type MlflowRestServer, type Tenant } from '../support/mlflow-rest-server.js';

const T0 = 1_700_000_000_000;
const LOSS_POINTS = 10_000;
const ACC_POINTS = 500;

let server: MlflowRestServer;
beforeAll(async () => {
  server = await startMlflowRestServer();
});
afterAll(async () => {
  await server?.close();
});

interface Fixture {
  local: MemoryStore;
  /** Active runs by name. */
  names: string[];
}

/** A local store with 3 finished runs (params, 10k + 500 metric points, tags, artifacts), 1 running run, 1 deleted run (never synced). */
async function localFixture(): Promise<Fixture> {
  const local = new MemoryStore();
  const client = new TrackingClient(local, { userId: 'alice' });
  const experimentId = await client.createExperiment('sync-exp', { tags: { team: 'vision' } });
  const names: string[] = [];
  for (let r = 0; r < 3; r++) {
    const name = `trial-${r}`;
    names.push(name);
    const { runId } = (await client.createRun(experimentId, { runName: name, startTime: T0 + r * 1000, tags: { 'mlflow.user': 'alice', variant: `v${r}` } })).info;
    await client.logBatch(runId, { params: Array.from({ length: 5 }, (_, i) => ({ key: `p${i}`, value: `${r}.${i}` })) });
    await local.logBatch(runId, {
      metrics: [
        {
          key: 'loss',
          steps: Float64Array.from({ length: LOSS_POINTS }, (_, i) => i),
          timestamps: Float64Array.from({ length: LOSS_POINTS }, (_, i) => T0 + i),
          values: Float64Array.from({ length: LOSS_POINTS }, (_, i) => 1 / (i + 1 + r)),
        },
        {
          key: 'eval/acc',
          steps: Float64Array.from({ length: ACC_POINTS }, (_, i) => i * 20),
          timestamps: Float64Array.from({ length: ACC_POINTS }, (_, i) => T0 + i * 20),
          values: Float64Array.from({ length: ACC_POINTS }, (_, i) => (i === 7 ? Number.NaN : i === 8 ? Infinity : i / ACC_POINTS)),
        },
      ],
    });
    client.setTag(runId, 'stage', 'done');
    await client.logArtifact(runId, 'model/weights.bin', new Uint8Array([r, 1, 2, 3, 250]));
    await client.logText(runId, `notes for ${name}`, 'notes.md');
    await client.setTerminated(runId, 'FINISHED', T0 + 50_000 + r);
  }
  const running = await client.createRun('0', { runName: 'still-running', startTime: T0 + 9000 });
  client.logMetric(running.info.runId, 'm', 1, { step: 0, timestamp: T0 });
  names.push('still-running');
  const gone = await client.createRun(experimentId, { runName: 'gone', startTime: T0 + 9500 });
  await client.deleteRun(gone.info.runId);
  await client.flush();
  return { local, names };
}

const TOTAL_POINTS = 3 * (LOSS_POINTS + ACC_POINTS) + 1;

async function runsByName(store: Store): Promise<Map<string, Run>> {
  const experiments = (await store.searchExperiments({ maxResults: 1000 })).items;
  const out = new Map<string, Run>();
  for (const e of experiments) {
    for (const run of (await store.searchRuns({ experimentIds: [e.experimentId], maxResults: 1000 })).items) {
      expect(out.has(run.info.runName), `duplicate run ${run.info.runName}`).toBe(false);
      out.set(run.info.runName, run);
    }
  }
  return out;
}

async function files(store: Store, runId: RunId, path = ''): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const entry of await store.listArtifacts(runId, path)) {
    if (entry.isDir) Object.assign(out, await files(store, runId, entry.path));
    else out[entry.path] = [...(await store.getArtifact(runId, entry.path))];
  }
  return out;
}

/** Bitwise equality of two columns (NaN equals NaN); fast for 10k points. */
function sameColumn(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Asserts that `b` holds exactly the runs of `a` (by name) with identical data. */
async function expectSameRuns(a: Store, b: Store, names: string[]): Promise<void> {
  const left = await runsByName(a);
  const right = await runsByName(b);
  expect([...right.keys()].sort()).toEqual([...names].sort());
  for (const name of names) {
    const x = left.get(name)!;
    const y = right.get(name)!;
    const pick = (run: Run) => ({ ...run.info, runId: undefined, experimentId: undefined, artifactUri: undefined });
    expect(pick(y)).toEqual(pick(x));
    expect({ ...y.data.params }).toEqual({ ...x.data.params });
    // A copy under another id names where it was first logged; the other tags are the same.
    const withoutOrigin = (run: Run) => {
      const { [ORIGIN_RUN_ID_TAG]: origin, ...tags } = run.data.tags;
      return { origin: origin ?? run.info.runId, tags };
    };
    expect(withoutOrigin(y)).toEqual(withoutOrigin(x));
    expect({ ...y.data.latestMetrics }).toEqual({ ...x.data.latestMetrics });
    for (const key of Object.keys(x.data.metrics)) {
      const hx = await a.getMetricHistory(x.info.runId, key);
      const hy = await b.getMetricHistory(y.info.runId, key);
      expect(sameColumn(hy.values, hx.values), `${name}/${key} values`).toBe(true);
      expect(sameColumn(hy.steps, hx.steps), `${name}/${key} steps`).toBe(true);
      expect(sameColumn(hy.timestamps, hx.timestamps), `${name}/${key} timestamps`).toBe(true);
    }
    expect(await files(b, y.info.runId)).toEqual(await files(a, x.info.runId));
  }
}

function writes(tenant: Tenant): number {
  const prefix = new URL(tenant.url).pathname;
  return server.requests.filter((r) => r.tenant === prefix && r.method !== 'GET' && !/\/search$/u.test(r.path)).length;
}

function rest(tenant: Tenant): RestStore {
  return new RestStore({ baseUrl: tenant.url, retries: 1, backoffMs: 1 });
}

describe('syncRuns: push to an MLflow server', () => {
  for (const [where, match, skip] of [
    ['metric writes', /runs\/log-batch$/u, 17],
    ['artifact uploads', /^PUT /u, 3],
    ['run creation', /runs\/create$/u, 2],
  ] as const) {
    it(`resumes after an interruption in ${where}: exact counts, no duplicates; a re-run adds nothing`, async () => {
      const { local, names } = await localFixture();
      const tenant = server.tenant();
      let saved = '';
      const persist = (json: unknown): void => {
        saved = JSON.stringify(json);
      };
      server.fault({ kind: 'status', status: 503, match, skip, times: Infinity });
      const first = await syncRuns(local, rest(tenant), { mapping: new MemorySyncState({ onChange: persist }) }).catch((e: unknown) => e);
      server.clearFaults();
      expect(first).toMatchObject({ code: 'INTERNAL_ERROR', details: { status: 503 } });
      const partial = await runsByName(tenant.store);
      expect(partial.size).toBeLessThan(names.length + 1);

      let before = 0;
      for (const run of partial.values()) for (const key of Object.keys(run.data.metrics)) before += (await tenant.store.getMetricHistory(run.info.runId, key)).values.length;

      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(TOTAL_POINTS);

      // Resume from the persisted JSON, with a new store object, as after a page reload.
      const progress: number[] = [];
      const report = await syncRuns(local, rest(tenant), {
        mapping: new MemorySyncState({ initial: saved, onChange: persist }),
        onProgress: (p) => progress.push(p.runsDone),
      });
      expect(report.metricPoints + before).toBe(TOTAL_POINTS);
      expect(report.runsCreated + partial.size).toBe(names.length);
      expect(report.runsCreated + report.runsUpdated + report.skipped).toBe(names.length);
      expect(progress.at(-1)).toBe(names.length);
      await expectSameRuns(local, rest(tenant), names);
      const experiment = await tenant.store.getExperimentByName('sync-exp');
      expect(experiment?.tags['team']).toBe('vision');

      const writesBefore = writes(tenant);
      const again = await syncRuns(local, rest(tenant), { mapping: new MemorySyncState({ initial: saved }) });
      expect(again).toEqual<SyncReport>({ runsCreated: 0, runsUpdated: 0, metricPoints: 0, artifacts: 0, skipped: names.length });
      expect(writes(tenant)).toBe(writesBefore);
    });
  }

  it('absorbs transient faults (503, 429, dropped connections) with retries in one pass', async () => {
    const { local, names } = await localFixture();
    const tenant = server.tenant();
    server.fault({ kind: 'status', status: 503, match: /runs\/log-batch$/u, skip: 5 });
    server.fault({ kind: 'drop', match: /^PUT /u, skip: 1 });
    server.fault({ kind: 'status', status: 429, retryAfter: '0', match: /runs\/update$/u });
    const remote = rest(tenant);
    const report = await syncRuns(local, remote, {});
    server.clearFaults();
    expect(remote.retries).toBe(3);
    expect(report).toEqual<SyncReport>({ runsCreated: names.length, runsUpdated: 0, metricPoints: TOTAL_POINTS, artifacts: 6, skipped: 0 });
    await expectSameRuns(local, rest(tenant), names);
  });

  it('sends only what is new when local runs grow, and updates status', async () => {
    const { local, names } = await localFixture();
    const tenant = server.tenant();
    const mapping = new MemorySyncState();
    await syncRuns(local, rest(tenant), { mapping });
    const client = new TrackingClient(local, { userId: 'alice' });
    const running = (await runsByName(local)).get('still-running')!;
    for (let i = 1; i <= 1500; i++) client.logMetric(running.info.runId, 'm', i, { step: i, timestamp: T0 + i });
    client.setTag(running.info.runId, 'phase', 'two');
    await client.logText(running.info.runId, 'late', 'late.txt');
    await client.setTerminated(running.info.runId, 'KILLED', T0 + 99_999);
    const report = await syncRuns(local, rest(tenant), { mapping });
    expect(report).toEqual<SyncReport>({ runsCreated: 0, runsUpdated: 1, metricPoints: 1500, artifacts: 1, skipped: names.length - 1 });
    await expectSameRuns(local, rest(tenant), names);
  });
});

describe('syncRuns: pull from an MLflow server', () => {
  it('pulls a server’s runs into a fresh local store: identical data, server ids kept', async () => {
    const { local, names } = await localFixture();
    const tenant = server.tenant();
    await syncRuns(local, rest(tenant), {});
    const fresh = new MemoryStore();
    const report = await syncRuns(rest(tenant), fresh, { direction: 'pull' });
    expect(report).toEqual<SyncReport>({ runsCreated: names.length, runsUpdated: 0, metricPoints: TOTAL_POINTS, artifacts: 6, skipped: 0 });
    await expectSameRuns(rest(tenant), fresh, names);
    await expectSameRuns(local, fresh, names);
    const remoteIds = [...(await runsByName(tenant.store)).values()].map((r) => r.info.runId).sort();
    expect([...(await runsByName(fresh)).values()].map((r) => r.info.runId).sort()).toEqual(remoteIds);
  });

  it('does not pull back what it pushed (one mapping for both directions), but pulls runs made elsewhere once', async () => {
    const { local, names } = await localFixture();
    const tenant = server.tenant();
    const mapping = new MemorySyncState();
    await syncRuns(local, rest(tenant), { mapping });
    const elsewhere = new TrackingClient(rest(tenant), { userId: 'bob' });
    const other = await elsewhere.createRun('0', { runName: 'from-bob', startTime: T0 });
    elsewhere.logMetric(other.info.runId, 'x', 3, { step: 1, timestamp: T0 });
    await elsewhere.flush();
    const pulled = await syncRuns(rest(tenant), local, { mapping, direction: 'pull' });
    expect(pulled).toMatchObject({ runsCreated: 1, metricPoints: 1, skipped: names.length });
    expect((await local.getRun(other.info.runId)).info.userId).toBe('bob');
    const again = await syncRuns(rest(tenant), local, { mapping, direction: 'pull' });
    expect(again).toMatchObject({ runsCreated: 0, runsUpdated: 0, metricPoints: 0, skipped: names.length + 1 });
    const pushedBack = await syncRuns(local, rest(tenant), { mapping });
    expect(pushedBack).toMatchObject({ runsCreated: 0, runsUpdated: 0, metricPoints: 0 });
    expect((await runsByName(tenant.store)).size).toBe(names.length + 1);
  });
});

describe('syncRuns between local stores', () => {
  it('adopts runs already copied under the same id when the mapping was lost', async () => {
    const { local, names } = await localFixture();
    const target = new MemoryStore();
    let batches = 0;
    const flaky = new Proxy(target, {
      get(store, prop, receiver) {
        if (prop === 'logBatch') {
          return async (...args: Parameters<Store['logBatch']>) => {
            if (++batches === 12) throw new Error('disk full');
            return store.logBatch(...args);
          };
        }
        const value = Reflect.get(store, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(store) : value;
      },
    });
    await expect(syncRuns(local, flaky, {})).rejects.toThrow('disk full');
    const report = await syncRuns(local, target, {});
    expect(report.runsCreated).toBeLessThan(names.length);
    await expectSameRuns(local, target, names);
    const localIds = [...(await runsByName(local)).values()].map((r) => r.info.runId).sort();
    expect([...(await runsByName(target)).values()].map((r) => r.info.runId).sort()).toEqual(localIds);
  });

  it('syncs only the runs asked for', async () => {
    const { local } = await localFixture();
    const target = new MemoryStore();
    const one = (await runsByName(local)).get('trial-1')!;
    const report = await syncRuns(local, target, { runIds: [one.info.runId], artifacts: false });
    expect(report).toEqual<SyncReport>({ runsCreated: 1, runsUpdated: 0, metricPoints: LOSS_POINTS + ACC_POINTS, artifacts: 0, skipped: 0 });
    expect([...(await runsByName(target)).keys()]).toEqual(['trial-1']);
  });
});

describe('syncRuns: nesting and origin', () => {
  async function nested(): Promise<{ local: MemoryStore; parentId: RunId; childIds: RunId[] }> {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'alice' });
    const experimentId = await client.createExperiment('nested');
    // The children start before the parent: pushing in start-time order alone would miss the parent.
    const parent = await client.createRun(experimentId, { runName: 'parent', startTime: T0 + 100 });
    const childIds: RunId[] = [];
    for (let i = 0; i < 2; i++) {
      const child = await client.createRun(experimentId, { runName: `child-${i}`, startTime: T0 + i, tags: { 'mlflow.parentRunId': parent.info.runId } });
      client.logMetric(child.info.runId, 'loss', i, { step: 0, timestamp: T0 });
      childIds.push(child.info.runId);
    }
    await client.flush();
    return { local, parentId: parent.info.runId, childIds };
  }

  it('pushed children point at the parent’s id on the server', async () => {
    const { local, parentId } = await nested();
    const tenant = server.tenant();
    await syncRuns(local, rest(tenant), {});
    const remote = await runsByName(tenant.store);
    const remoteParent = remote.get('parent')!;
    expect(remoteParent.info.runId).not.toBe(parentId);
    expect(remoteParent.data.tags[ORIGIN_RUN_ID_TAG]).toBe(parentId);
    for (const name of ['child-0', 'child-1']) expect(remote.get(name)!.data.tags['mlflow.parentRunId']).toBe(remoteParent.info.runId);
    expect(remoteParent.data.tags['mlflow.parentRunId']).toBeUndefined();
  });

  it('a second push with a fresh mapping finds the runs it made by their origin tag: no duplicates, only what is new', async () => {
    const { local, childIds } = await nested();
    const tenant = server.tenant();
    const first = await syncRuns(local, rest(tenant), {});
    expect(first.runsCreated).toBe(3);
    await local.logBatch(childIds[0]!, { metrics: [{ key: 'loss', steps: Float64Array.of(1), timestamps: Float64Array.of(T0 + 1), values: Float64Array.of(9) }] });
    const second = await syncRuns(local, rest(tenant), { mapping: new MemorySyncState() });
    expect(second).toMatchObject({ runsCreated: 0, runsUpdated: 1, metricPoints: 1, skipped: 2 });
    const remote = await runsByName(tenant.store);
    expect(remote.size).toBe(3);
    expect((await tenant.store.getMetricHistory(remote.get('child-0')!.info.runId, 'loss')).values.length).toBe(2);
  });

  it('a server run pulled without a mapping and pushed back without one stays one run', async () => {
    const tenant = server.tenant();
    const remote = new TrackingClient(rest(tenant), { userId: 'bob' });
    const made = await remote.createRun('0', { runName: 'from-bob', startTime: T0 });
    remote.logMetric(made.info.runId, 'x', 1, { step: 0, timestamp: T0 });
    await remote.flush();
    const local = new MemoryStore();
    expect((await syncRuns(rest(tenant), local, { direction: 'pull' })).runsCreated).toBe(1);
    await local.logBatch(made.info.runId, { metrics: [{ key: 'x', steps: Float64Array.of(1), timestamps: Float64Array.of(T0 + 1), values: Float64Array.of(2) }] });
    const pushed = await syncRuns(local, rest(tenant), {});
    expect(pushed).toMatchObject({ runsCreated: 0, runsUpdated: 1, metricPoints: 1 });
    expect((await runsByName(tenant.store)).size).toBe(1);
  });

  it('pulling the pushed runs back without a mapping finds the local originals and keeps the nesting', async () => {
    const { local, parentId, childIds } = await nested();
    const tenant = server.tenant();
    await syncRuns(local, rest(tenant), {});
    const pulled = await syncRuns(rest(tenant), local, { direction: 'pull' });
    expect(pulled.runsCreated).toBe(0);
    const runs = await runsByName(local);
    expect(runs.size).toBe(3);
    for (const id of childIds) expect((await local.getRun(id)).data.tags['mlflow.parentRunId']).toBe(parentId);
    const fresh = new MemoryStore();
    await syncRuns(rest(tenant), fresh, { direction: 'pull' });
    const copies = await runsByName(fresh);
    expect(copies.get('child-1')!.data.tags['mlflow.parentRunId']).toBe(copies.get('parent')!.info.runId);
  });
});

describe('syncRuns: dataset inputs and packed batches', () => {
  function logBatches(tenant: Tenant): Array<{ metrics?: Array<{ key: string }>; params?: unknown[]; tags?: unknown[] }> {
    const prefix = new URL(tenant.url).pathname;
    return server.requests.filter((r) => r.tenant === prefix && r.path.endsWith('/runs/log-batch')).map((r) => r.json as { metrics?: Array<{ key: string }> });
  }

  function inputsOf(run: Run): string[] {
    return (run.inputs?.datasetInputs ?? []).map((i) => `${i.dataset.name}/${i.dataset.digest}/${i.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value}`).sort();
  }

  it('sends the dataset inputs the target lacks (same name, digest and context), once', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'alice' });
    const experimentId = await client.createExperiment('inputs');
    const { runId } = (await client.createRun(experimentId, { runName: 'with-data', startTime: T0 })).info;
    const mnist = datasetFromArrays({ name: 'mnist', features: [[1, 2], [3, 4]] });
    const fashion = datasetFromArrays({ name: 'fashion', features: [[7, 8]] });
    const context = (value: string) => [{ key: DATASET_CONTEXT_TAG, value }];
    await client.logInputs(runId, { datasets: [{ dataset: mnist, tags: context('training') }, { dataset: fashion, tags: context('eval') }] });
    const tenant = server.tenant();
    const mapping = new MemorySyncState();
    await syncRuns(local, rest(tenant), { mapping });
    const copy = [...(await runsByName(tenant.store)).values()][0]!;
    expect(inputsOf(await tenant.store.getRun(copy.info.runId))).toEqual(inputsOf(await local.getRun(runId)));
    expect(inputsOf(copy)).toHaveLength(2);

    const cifar = datasetFromArrays({ name: 'cifar', features: [[5, 6]] });
    await client.logInputs(runId, { datasets: [{ dataset: cifar, tags: context('test') }] });
    const prefix = new URL(tenant.url).pathname;
    const inputRequests = () => server.requests.filter((r) => r.tenant === prefix && r.path.endsWith('/runs/log-inputs'));
    const before = inputRequests().length;
    const report = await syncRuns(local, rest(tenant), { mapping });
    expect(report.runsUpdated).toBe(1);
    const sent = inputRequests().slice(before);
    expect(sent.map((r) => (r.json as { datasets: Array<{ dataset: { name: string } }> }).datasets.map((d) => d.dataset.name))).toEqual([['cifar']]);
    expect(inputsOf(await tenant.store.getRun(copy.info.runId))).toEqual(inputsOf(await local.getRun(runId)));
    expect(await syncRuns(local, rest(tenant), { mapping })).toMatchObject({ runsUpdated: 0, skipped: 1 });
    expect(inputRequests().length).toBe(before + 1);
  });

  it('packs params, tags and points of several keys into logBatch requests within MLflow’s limits', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'alice' });
    const experimentId = await client.createExperiment('packed');
    const small = (await client.createRun(experimentId, { runName: 'small', startTime: T0 })).info.runId;
    const big = (await client.createRun(experimentId, { runName: 'big', startTime: T0 + 1 })).info.runId;
    const columns = (n: number, scale: number) => ({
      steps: Float64Array.from({ length: n }, (_, i) => i),
      timestamps: Float64Array.from({ length: n }, (_, i) => T0 + i),
      values: Float64Array.from({ length: n }, (_, i) => i * scale),
    });
    await local.logBatch(small, {
      params: Array.from({ length: 5 }, (_, i) => ({ key: `p${i}`, value: `${i}` })),
      tags: [{ key: 'team', value: 'vision' }],
      metrics: Array.from({ length: 30 }, (_, k) => ({ key: `m${k}`, ...columns(10, k) })),
    });
    await local.logBatch(big, {
      params: Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: `${i}` })),
      metrics: Array.from({ length: 3 }, (_, k) => ({ key: `k${k}`, ...columns(700, k) })),
    });
    const tenant = server.tenant();
    const report = await syncRuns(local, rest(tenant), {});
    expect(report.metricPoints).toBe(300 + 2100);
    const batches = logBatches(tenant);
    const smallCopy = (await runsByName(tenant.store)).get('small')!;
    // The small run: one request with its params, tag and 30 keys; then the big run's.
    expect(batches[0]).toMatchObject({ run_id: smallCopy.info.runId });
    expect(batches[0]!.metrics).toHaveLength(300);
    expect(new Set(batches[0]!.metrics!.map((m) => m.key)).size).toBe(30);
    expect(batches[0]!.params).toHaveLength(5);
    const bigBatches = batches.slice(1);
    for (const batch of bigBatches) {
      const entities = (batch.metrics?.length ?? 0) + (batch.params?.length ?? 0) + (batch.tags?.length ?? 0);
      expect(batch.metrics?.length ?? 0).toBeLessThanOrEqual(1000);
      expect(batch.params?.length ?? 0).toBeLessThanOrEqual(100);
      expect(entities).toBeLessThanOrEqual(1000);
    }
    // 150 params and 2100 points: 3 requests (100 params + 900 points, 50 + 950, 250), keys sharing them.
    expect(bigBatches).toHaveLength(3);
    expect(bigBatches.some((b) => new Set(b.metrics?.map((m) => m.key)).size > 1)).toBe(true);
    await expectSameRuns(local, rest(tenant), ['small', 'big']);
  });
});
