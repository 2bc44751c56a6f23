/**
 * The live mirror (`mirrorTo`) from a memory store to the loopback MLflow server through
 * `RestStore`: points reach the server while they are logged, the server ends with exactly the
 * local data, nesting and per-run order hold, `stop()` mid-push and a new mirror resume, and bad
 * options are refused. Each test has its own tenant.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { datasetFromArrays } from '../../src/core/datasets/builders.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { MemoryMirrorJournal, mirrorTo, type JournalCommit, type MirrorJournal, type MirrorLock } from '../../src/storage/mirror/index.js';
import { RestStore } from '../../src/storage/rest/index.js';
import { expectMirrored, states, targetIdOf, until } from '../support/mirror-checks.js';
import { startMlflowRestServer, type MlflowRestServer, type Tenant } from '../support/mlflow-rest-server.js';

let server: MlflowRestServer;
beforeAll(async () => {
  server = await startMlflowRestServer();
});
afterAll(async () => {
  await server?.close();
});

const FAST = { lock: false, maxLagMs: 300, backoff: { initialMs: 50, maxMs: 400 } } as const;

function rest(tenant: Tenant): RestStore {
  return new RestStore({ baseUrl: tenant.url, retries: 0 });
}

function logBatchBodies(tenant: Tenant): Array<{ metrics?: Array<{ key: string }> }> {
  const prefix = new URL(tenant.url).pathname;
  return server.requests.filter((r) => r.tenant === prefix && r.path.endsWith('/runs/log-batch')).map((r) => r.json as { metrics?: Array<{ key: string }> });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A lock within one process: holders in turn, as the Web Locks API grants them. */
function memoryLock(): MirrorLock {
  let tail = Promise.resolve();
  return {
    acquire(_name, signal) {
      const previous = tail;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      tail = previous.then(() => held);
      return new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => {
          release();
          reject(signal.reason as Error);
        });
        void previous.then(() => {
          if (!signal.aborted) resolve(release);
        });
      });
    },
  };
}

/** A journal that counts the outbox entries committed through it. */
function countingOutbox(journal: MirrorJournal): MirrorJournal & { outboxPuts: number } {
  const counted = {
    outboxPuts: 0,
    entries: (prefix?: string) => journal.entries(prefix),
    get: (key: string) => journal.get(key),
    commit: async (change: JournalCommit) => {
      counted.outboxPuts += (change.put ?? []).filter(([key]) => key.startsWith('out/')).length;
      await journal.commit(change);
    },
    close: () => journal.close(),
  };
  return counted;
}

describe('mirrorTo: live', () => {
  it('points reach the server while they are logged; the server ends with exactly the local data', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'alice' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
    const seen = states(mirror);

    const experimentId = await client.createExperiment('live');
    const { runId } = (await client.createRun(experimentId, { runName: 'train', tags: { variant: 'a' } })).info;
    client.logParam(runId, 'lr', 0.01);
    await client.logInputs(runId, { datasets: [{ dataset: datasetFromArrays({ name: 'mnist', features: [[1, 2], [3, 4]] }), tags: [{ key: 'mlflow.data.context', value: 'training' }] }] });
    await client.logText(runId, 'hello', 'notes/readme.md');

    // Lag: when each point first appears on the server, from the server store's own change events.
    const lags: number[] = [];
    let arrived = 0;
    const unsubscribe = tenant.store.subscribe((change) => {
      if (change.kind !== 'run-data' || !change.metricKeys.includes('loss')) return;
      void tenant.store.getMetricHistory(change.runId, 'loss').then((history) => {
        const now = Date.now();
        for (let i = arrived; i < history.values.length; i++) lags.push(now - history.timestamps[i]!);
        arrived = Math.max(arrived, history.values.length);
      });
    });
    const started = Date.now();
    let step = 0;
    while (Date.now() - started < 3000) {
      client.logMetric(runId, 'loss', 1 / (step + 1), { step, timestamp: Date.now() });
      if (step % 5 === 0) client.logMetric(runId, 'acc', step / 1000, { step, timestamp: Date.now() });
      step++;
      await sleep(10);
    }
    await client.flush();
    const onServerWhileLogging = arrived;
    await client.setTerminated(runId, 'FINISHED');
    await mirror.flush({ timeoutMs: 10_000 });
    unsubscribe();
    await mirror.stop();

    expect(onServerWhileLogging).toBeGreaterThan(0);
    const sorted = [...lags].sort((a, b) => a - b);
    console.log(`mirror lag over ${lags.length} points (maxLagMs 300): median ${sorted[Math.floor(sorted.length / 2)]} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]} ms, max ${sorted.at(-1)} ms`);
    expect(await expectMirrored(local, rest(tenant), journal)).toBe(step + Math.ceil(step / 5));
    // Batches keep to MLflow's limits and carry several keys.
    const bodies = logBatchBodies(tenant);
    expect(bodies.every((b) => (b.metrics?.length ?? 0) <= 1000)).toBe(true);
    expect(bodies.some((b) => new Set(b.metrics?.map((m) => m.key)).size > 1)).toBe(true);
    expect(seen).toEqual(['starting', 'online', 'stopped']);
    expect(mirror.status.pending).toBe(0);
    expect(await journal.entries('out/')).toEqual([]);
    expect(await journal.entries('flight/')).toEqual([]);
  });

  it('a burst of changes is one push with one outbox write, not one per change', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'hana' });
    const tenant = server.tenant();
    const journal = countingOutbox(new MemoryMirrorJournal());
    const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
    const experimentId = await client.createExperiment('burst');
    const { runId } = (await client.createRun(experimentId, { runName: 'burst', startTime: 1_700_000_000_000 })).info;
    await mirror.flush({ timeoutMs: 10_000 });
    const batchesBefore = logBatchBodies(tenant).length;
    const outboxBefore = journal.outboxPuts;
    const sent: number[] = [];
    mirror.addEventListener('sent', (event) => sent.push((event as CustomEvent<{ points: number }>).detail.points));
    // 40 change events in one tick, over two keys.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => local.logBatch(runId as RunId, {
          metrics: [{ key: i % 2 === 0 ? 'a' : 'b', steps: Float64Array.of(i), timestamps: Float64Array.of(1_700_000_000_000 + i), values: Float64Array.of(i) }],
        })),
    );
    await mirror.flush({ timeoutMs: 10_000 });
    await mirror.stop();
    expect(logBatchBodies(tenant).length - batchesBefore).toBe(1);
    expect(journal.outboxPuts - outboxBefore).toBe(1);
    expect(sent).toEqual([40]);
    await expectMirrored(local, rest(tenant), journal);
  });

  it('nested runs: the parent first, the child’s mlflow.parentRunId names the parent’s server id; two runs interleaved keep their order', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'bob' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
    const experimentId = await client.createExperiment('nested');
    const parent = (await client.createRun(experimentId, { runName: 'parent' })).info.runId;
    const child = (await client.createRun(experimentId, { runName: 'child', tags: { 'mlflow.parentRunId': parent } })).info.runId;
    const other = (await client.createRun(experimentId, { runName: 'other' })).info.runId;
    for (let i = 0; i < 400; i++) {
      client.logMetric(i % 2 === 0 ? child : other, 'm', i, { step: i, timestamp: 1_700_000_000_000 + i });
      if (i % 50 === 0) await sleep(40);
    }
    await client.setTerminated(child, 'FINISHED', 1_700_000_100_000);
    await client.setTerminated(other, 'KILLED', 1_700_000_100_001);
    await client.setTerminated(parent, 'FINISHED', 1_700_000_100_002);
    await mirror.flush({ timeoutMs: 10_000 });
    await mirror.stop();
    await expectMirrored(local, rest(tenant), journal);
    const serverChild = await tenant.store.getRun((await targetIdOf(journal, child)) as RunId);
    expect(serverChild.data.tags['mlflow.parentRunId']).toBe(await targetIdOf(journal, parent));
    const prefix = new URL(tenant.url).pathname;
    const created = server.requests.filter((r) => r.tenant === prefix && r.path.endsWith('/runs/create')).map((r) => (r.json as { run_name: string }).run_name);
    expect(created.indexOf('parent')).toBeLessThan(created.indexOf('child'));
  });

  it('stop() mid-push settles the push in progress; a new mirror over the same journal resumes and sends nothing twice', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'carol' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const experimentId = await client.createExperiment('resume');
    for (let r = 0; r < 3; r++) {
      const { runId } = (await client.createRun(experimentId, { runName: `r${r}` })).info;
      await client.logBatch(runId, {
        metrics: Array.from({ length: 3 }, (_, k) => ({ key: `k${k}`, value: 0, timestamp: 0, step: 0 })),
      });
      for (let i = 0; i < 2500; i++) client.logMetric(runId, `k${i % 3}`, i, { step: i, timestamp: 1_700_000_000_000 + i });
      await client.logText(runId, `text ${r}`, 'a.txt');
      await client.setTerminated(runId, 'FINISHED', 1_700_000_200_000 + r);
    }
    await client.flush();
    // Slow the server down so that stop() lands mid-push.
    server.fault({ kind: 'delay', delayMs: 30, times: Infinity, match: /runs\/log-batch$/u });
    const first = mirrorTo(local, rest(tenant), { ...FAST, journal });
    await new Promise<void>((resolve) => first.addEventListener('sent', () => resolve(), { once: true }));
    await sleep(60);
    await first.stop();
    server.clearFaults();
    expect(first.status.state).toBe('stopped');
    expect(await journal.entries('flight/')).toEqual([]);
    expect((await journal.entries('out/')).length).toBeGreaterThan(0);

    const second = mirrorTo(local, rest(tenant), { ...FAST, journal });
    await second.flush({ timeoutMs: 10_000 });
    await second.stop();
    await expectMirrored(local, rest(tenant), journal);
  });
});

describe('mirrorTo: the server’s copy gone', () => {
  it('a copy purged on the server while points are logged is made again, with every point once', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'gus' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
    const experimentId = await client.createExperiment('purged');
    const { runId } = (await client.createRun(experimentId, { runName: 'again', startTime: 1_700_000_000_000 })).info;
    for (let i = 0; i < 100; i++) client.logMetric(runId, 'loss', i, { step: i, timestamp: 1_700_000_000_000 + i });
    await client.flush();
    await mirror.flush({ timeoutMs: 10_000 });
    const first = (await targetIdOf(journal, runId)) as RunId;
    await tenant.store.purgeRun(first);
    for (let i = 100; i < 200; i++) client.logMetric(runId, 'loss', i, { step: i, timestamp: 1_700_000_000_000 + i });
    await client.flush();
    await mirror.flush({ timeoutMs: 10_000 });
    await mirror.stop();
    expect(await targetIdOf(journal, runId)).not.toBe(first);
    expect(await expectMirrored(local, rest(tenant), journal)).toBe(200);
  });
});

describe('mirrorTo: leadership and restarts', () => {
  it('with a lock, one mirror sends and the other stands by recording the outbox; when the holder stops, the other takes over', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'erin' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const lock = memoryLock();
    const sender = (name: string) => new RestStore({ baseUrl: tenant.url, retries: 0, headers: () => ({ 'x-mirror': name }) });
    const first = mirrorTo(local, sender('first'), { ...FAST, lock, journal });
    const secondJournal = countingOutbox(journal);
    const second = mirrorTo(local, sender('second'), { ...FAST, lock, journal: secondJournal });
    const experimentId = await client.createExperiment('two-tabs');
    const { runId } = (await client.createRun(experimentId, { runName: 'shared', startTime: 1_700_000_000_000 })).info;
    for (let i = 0; i < 300; i++) client.logMetric(runId, 'loss', i, { step: i, timestamp: 1_700_000_000_000 + i });
    await first.flush({ timeoutMs: 10_000 });
    expect(second.status.state).toBe('standby');
    // The standby records the outbox after its own debounce.
    await vi.waitFor(() => expect(secondJournal.outboxPuts).toBeGreaterThan(0));
    const senders = () => new Set(server.requests.filter((r) => r.tenant === new URL(tenant.url).pathname).map((r) => r.headers['x-mirror']));
    expect(senders()).toEqual(new Set(['first']));

    await first.stop();
    for (let i = 300; i < 600; i++) client.logMetric(runId, 'loss', i, { step: i, timestamp: 1_700_000_000_000 + i });
    await client.setTerminated(runId, 'FINISHED', 1_700_000_010_000);
    await until(second, 'online');
    await second.flush({ timeoutMs: 10_000 });
    await second.stop();
    expect(senders()).toEqual(new Set(['first', 'second']));
    expect(await expectMirrored(local, rest(tenant), journal)).toBe(600);
  });

  it('a change still in its debounce when stop() is called goes to the outbox, and the next mirror sends it', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'ida' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const experimentId = await client.createExperiment('stop-early');
    const { runId } = (await client.createRun(experimentId, { runName: 'done', startTime: 1_700_000_000_000 })).info;
    await client.setTerminated(runId, 'FINISHED', 1_700_000_001_000);
    const first = mirrorTo(local, rest(tenant), { ...FAST, maxLagMs: 60_000, journal });
    await first.flush({ timeoutMs: 10_000 });
    await client.logBatch(runId, { tags: [{ key: 'late', value: 'yes' }] });
    await first.stop();
    expect((await journal.entries('out/')).map(([key]) => key)).toEqual([`out/run/${runId}`]);

    const second = mirrorTo(local, rest(tenant), { ...FAST, journal });
    await second.flush({ timeoutMs: 10_000 });
    await second.stop();
    await expectMirrored(local, rest(tenant), journal);
  });

  it('resync() finds a change made to a run that was already complete on the server while no mirror ran', async () => {
    const local = new MemoryStore();
    const client = new TrackingClient(local, { userId: 'finn' });
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    const experimentId = await client.createExperiment('resync');
    const { runId } = (await client.createRun(experimentId, { runName: 'done', startTime: 1_700_000_000_000 })).info;
    await client.setTerminated(runId, 'FINISHED', 1_700_000_001_000);
    const first = mirrorTo(local, rest(tenant), { ...FAST, journal });
    await first.flush({ timeoutMs: 10_000 });
    await first.stop();
    await client.logBatch(runId, { tags: [{ key: 'late', value: 'yes' }] });

    const second = mirrorTo(local, rest(tenant), { ...FAST, journal });
    await second.flush({ timeoutMs: 10_000 });
    const target = (await targetIdOf(journal, runId)) as RunId;
    expect((await tenant.store.getRun(target)).data.tags['late']).toBeUndefined();
    await second.resync();
    await second.flush({ timeoutMs: 10_000 });
    await second.stop();
    await expectMirrored(local, rest(tenant), journal);
  });
});

describe('mirrorTo: options', () => {
  const local = new MemoryStore();
  const remote = (): Store => new RestStore({ baseUrl: 'http://127.0.0.1:9' });
  it.each([
    ['an unknown option', { lag: 5 }],
    ['a lag below 50 ms', { maxLagMs: 10 }],
    ['a lag that is not a number', { maxLagMs: '2000' }],
    ['a backoff that starts above its cap', { backoff: { initialMs: 5000, maxMs: 1000 } }],
    ['a journal without commit', { journal: { get() {}, entries() {}, close() {} } }],
    ['a lock that is true', { lock: true }],
    ['an empty id', { id: '' }],
    ['experiment ids that are not strings', { experimentIds: [1] }],
  ])('refuses %s with INVALID_PARAMETER_VALUE', (_, options) => {
    expect(() => mirrorTo(local, remote(), options as never)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });

  it('refuses a read-only store on either side, and something that is no store', () => {
    const readOnly = Object.assign(Object.create(local) as MemoryStore, { capabilities: { ...local.capabilities, readOnly: true } });
    expect(() => mirrorTo(readOnly, remote(), { lock: false })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', details: { field: 'store' } }));
    expect(() => mirrorTo(local, readOnly, { lock: false })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', details: { field: 'remote' } }));
    expect(() => mirrorTo(local, {} as Store)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', details: { field: 'remote' } }));
  });

  it('refuses registry: true when a store has no registry; flush refuses a negative timeout', async () => {
    const noRegistry = Object.assign(Object.create(local) as MemoryStore, { registry: undefined });
    expect(() => mirrorTo(noRegistry, remote(), { lock: false, registry: true })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    const mirror = mirrorTo(local, remote(), { lock: false, journal: new MemoryMirrorJournal() });
    await expect(mirror.flush({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await mirror.stop();
    await expect(mirror.flush()).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
