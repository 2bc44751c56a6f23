/**
 * The live mirror under faults of the loopback MLflow server: a network drop mid-run (offline, then
 * online again), a 429 with Retry-After (the next attempt waits for it), an acknowledgement lost
 * and the process gone between the server's ack and the journal commit (the in-flight marker makes
 * the next mirror read the offsets back), and auth refusals (failed until `retry()`). In every case
 * the server ends with exactly the local data, nothing duplicated. Each test has its own tenant.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { EdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { JournalCommit, MirrorJournal } from '../../src/storage/mirror/contract.js';
import { MemoryMirrorJournal, mirrorTo } from '../../src/storage/mirror/index.js';
import { RestStore } from '../../src/storage/rest/index.js';
import { expectMirrored, next, states, targetIdOf, until } from '../support/mirror-checks.js';
import { startMlflowRestServer, type MlflowRestServer, type RecordedRequest, type Tenant } from '../support/mlflow-rest-server.js';

let server: MlflowRestServer;
beforeAll(async () => {
  server = await startMlflowRestServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => server.clearFaults());

const FAST = { lock: false, maxLagMs: 300, backoff: { initialMs: 50, maxMs: 400 }, inFlightSettleMs: 300 } as const;
const T0 = 1_700_000_000_000;

function rest(tenant: Tenant): RestStore {
  return new RestStore({ baseUrl: tenant.url, retries: 0 });
}

function requestsOf(tenant: Tenant): RecordedRequest[] {
  const prefix = new URL(tenant.url).pathname;
  return server.requests.filter((r) => r.tenant === prefix);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A local store with one experiment and a running run. */
async function running(name: string): Promise<{ local: MemoryStore; client: TrackingClient; runId: string }> {
  const local = new MemoryStore();
  const client = new TrackingClient(local, { userId: 'dana' });
  const experimentId = await client.createExperiment(name);
  const { runId } = (await client.createRun(experimentId, { runName: name, startTime: T0 })).info;
  client.logParam(runId, 'optimizer', 'adam');
  return { local, client, runId };
}

describe('mirrorTo: faults', () => {
  for (const fault of [
    { kind: 'status', status: 503 },
    { kind: 'drop' },
  ] as const) {
    it(`a network drop mid-run (${fault.kind}${'status' in fault ? ` ${fault.status}` : ''}): offline, then online; the server ends equal to local, nothing twice`, async () => {
      const { local, client, runId } = await running(`drop-${fault.kind}`);
      const tenant = server.tenant();
      const journal = new MemoryMirrorJournal();
      const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
      const seen = states(mirror);
      let step = 0;
      const log = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++, step++) {
          client.logMetric(runId, 'loss', 1 / (step + 1), { step, timestamp: T0 + step });
          client.logMetric(runId, 'acc', step, { step, timestamp: T0 + step });
          if (i % 20 === 0) await sleep(10);
        }
        await client.flush();
      };
      await log(100);
      await next(mirror, 'sent');
      server.fault({ ...fault, times: Infinity });
      await log(200);
      const offline = await until(mirror, 'offline');
      expect(offline.lastError?.code).toBe('INTERNAL_ERROR');
      expect(offline.retryAt).toBeGreaterThan(offline.lastError!.at);
      await log(200);
      server.clearFaults();
      await client.setTerminated(runId, 'FINISHED', T0 + 10_000);
      await mirror.flush({ timeoutMs: 10_000 });
      await mirror.stop();
      expect(seen.slice(0, 4)).toEqual(['starting', 'online', 'offline', 'online']);
      expect(mirror.status.lastError).toBeUndefined();
      expect(await expectMirrored(local, rest(tenant), journal)).toBe(2 * step);
    });
  }

  it('429 with Retry-After: the next attempt comes no sooner than the server asked', async () => {
    const { local, client, runId } = await running('too-many');
    const tenant = server.tenant();
    const journal = new MemoryMirrorJournal();
    server.fault({ kind: 'status', status: 429, retryAfter: '1', match: /runs\/log-batch$/u });
    const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
    const errors: EdgeflowError[] = [];
    mirror.addEventListener('error', (event) => errors.push((event as CustomEvent<EdgeflowError>).detail));
    for (let i = 0; i < 50; i++) client.logMetric(runId, 'loss', i, { step: i, timestamp: T0 + i });
    await client.setTerminated(runId, 'FINISHED', T0 + 1000);
    const offline = await until(mirror, 'offline');
    await mirror.flush({ timeoutMs: 10_000 });
    await mirror.stop();

    expect(errors[0]).toMatchObject({ code: 'RESOURCE_EXHAUSTED', details: { status: 429, retryAfterMs: 1000 } });
    expect(offline.retryAt! - offline.lastError!.at).toBeGreaterThanOrEqual(1000);
    const requests = requestsOf(tenant);
    const refused = requests.findIndex((r) => r.status === 429);
    expect(refused).toBeGreaterThanOrEqual(0);
    const after = requests[refused + 1]!;
    expect(after.at - requests[refused]!.at).toBeGreaterThanOrEqual(1000);
    await expectMirrored(local, rest(tenant), journal);
  });

  it('an ack lost (drop-after) and the process gone before the journal commit: the next mirror reads the offsets back and sends nothing twice', async () => {
    const { local, client, runId } = await running('ack-lost');
    const tenant = server.tenant();
    const inner = new MemoryMirrorJournal();
    const dying = new DyingJournal(inner);
    for (let i = 0; i < 1500; i++) client.logMetric(runId, `k${i % 2}`, i, { step: i, timestamp: T0 + i });
    await client.flush();
    // The server applies the first metric batch, but its answer is lost (RestStore finds the points there).
    server.fault({ kind: 'drop-after', match: /runs\/log-batch$/u });
    const first = mirrorTo(local, rest(tenant), { ...FAST, journal: dying });
    await next(first, 'error');
    await first.stop();
    expect(dying.died).toBe(true);
    const batches = requestsOf(tenant).filter((r) => r.path.endsWith('/runs/log-batch'));
    expect(batches.map((r) => r.fault)).toEqual(['drop-after']);
    // The points of that batch are on the server, the journal still has the marker and the old offsets.
    expect((await inner.entries('flight/')).length).toBe(1);

    for (let i = 1500; i < 1600; i++) client.logMetric(runId, `k${i % 2}`, i, { step: i, timestamp: T0 + i });
    await client.setTerminated(runId, 'FINISHED', T0 + 5000);
    const second = mirrorTo(local, rest(tenant), { ...FAST, journal: inner });
    await second.flush({ timeoutMs: 10_000 });
    await second.stop();
    expect(await expectMirrored(local, rest(tenant), inner)).toBe(1600);
    expect(await inner.entries('flight/')).toEqual([]);
  });

  for (const settleMs of [3000, 0]) {
    it(`a batch the server still holds when the next mirror starts (settle ${settleMs} ms): ${settleMs > 0 ? 'it lands first, then is read back; nothing twice' : 'without the wait it is read back too early and its points go twice (the wait is what prevents it)'}`, async () => {
      const { local, client, runId } = await running(`held-${settleMs}`);
      const tenant = server.tenant();
      const journal = new MemoryMirrorJournal();
      for (let i = 0; i < 200; i++) client.logMetric(runId, 'loss', i, { step: i, timestamp: T0 + i });
      await client.flush();
      // The server holds the first batch for 1.5 s, then applies it; its sender is gone by then (a
      // reloaded page): the first mirror's fetch of it never settles.
      server.fault({ kind: 'delay', match: /runs\/log-batch$/u, delayMs: 1500 });
      const gone: typeof fetch = (url, init) => {
        const sent = fetch(url, init);
        return String(url).endsWith('/runs/log-batch') ? new Promise<Response>(() => undefined) : sent;
      };
      mirrorTo(local, new RestStore({ baseUrl: tenant.url, retries: 0, fetch: gone }), { ...FAST, journal });
      while (!requestsOf(tenant).some((r) => r.path.endsWith('/runs/log-batch'))) await sleep(20); // the held batch reached the server
      const second = mirrorTo(local, rest(tenant), { ...FAST, journal, inFlightSettleMs: settleMs });
      await second.flush({ timeoutMs: 10_000 });
      await sleep(1600); // the held batch has landed in every case
      await second.stop();
      const history = await rest(tenant).getMetricHistory((await targetIdOf(journal, runId)) as RunId, 'loss');
      expect(history.values.length).toBe(settleMs > 0 ? 200 : 400);
    });
  }

  it('the browser’s offline event makes the mirror offline at once; online tries again now', async () => {
    // Node has no window: a stand-in global event target, as pages and workers have.
    const scope = new EventTarget();
    const global = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    global.addEventListener = scope.addEventListener.bind(scope);
    global.removeEventListener = scope.removeEventListener.bind(scope);
    try {
      const { local, client, runId } = await running('browser-offline');
      const tenant = server.tenant();
      const journal = new MemoryMirrorJournal();
      const mirror = mirrorTo(local, rest(tenant), { ...FAST, backoff: { initialMs: 60_000, maxMs: 60_000 }, journal });
      await mirror.flush({ timeoutMs: 10_000 });
      scope.dispatchEvent(new Event('offline'));
      expect(mirror.status).toMatchObject({ state: 'offline', lastError: { message: 'The browser is offline.' } });
      client.logMetric(runId, 'loss', 1, { step: 0, timestamp: T0 });
      await client.flush();
      const flushed = mirror.flush({ timeoutMs: 10_000 });
      scope.dispatchEvent(new Event('online'));
      await flushed;
      expect(mirror.status.state).toBe('online');
      await mirror.stop();
      await expectMirrored(local, rest(tenant), journal);
    } finally {
      delete global.addEventListener;
      delete global.removeEventListener;
    }
  });

  for (const [status, body] of [
    [401, { error_code: 'UNAUTHENTICATED', message: 'Who are you?' }],
    [403, { error_code: 'PERMISSION_DENIED', message: 'Not yours.' }],
  ] as const) {
    it(`${status}: failed, no retry loop, flush rejects; retry() after the fix catches up`, async () => {
      const { local, client, runId } = await running(`auth-${status}`);
      const tenant = server.tenant();
      const journal = new MemoryMirrorJournal();
      server.fault({ kind: 'status', status, body: JSON.stringify(body), times: Infinity });
      const mirror = mirrorTo(local, rest(tenant), { ...FAST, journal });
      const seen = states(mirror);
      client.logMetric(runId, 'loss', 1, { step: 0, timestamp: T0 });
      await expect(mirror.flush({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      expect(mirror.status).toMatchObject({ state: 'failed', pending: 1, lastError: { code: 'PERMISSION_DENIED' } });
      expect(mirror.status.retryAt).toBeUndefined();
      const refused = requestsOf(tenant).length;
      client.logMetric(runId, 'loss', 2, { step: 1, timestamp: T0 + 1 });
      await client.flush();
      await sleep(400);
      expect(requestsOf(tenant).length, 'no request while failed').toBe(refused);

      server.clearFaults();
      mirror.retry();
      await client.setTerminated(runId, 'FINISHED', T0 + 100);
      await mirror.flush({ timeoutMs: 10_000 });
      await mirror.stop();
      expect(seen).toEqual(['starting', 'online', 'failed', 'online', 'stopped']);
      await expectMirrored(local, rest(tenant), journal);
    });
  }
});

/** A journal whose process "dies" at the commit after a metric batch was acknowledged: that commit and every later call fail. */
class DyingJournal implements MirrorJournal {
  died = false;
  #armed = false;
  readonly #inner: MirrorJournal;

  constructor(inner: MirrorJournal) {
    this.#inner = inner;
  }

  entries(prefix?: string): ReturnType<MirrorJournal['entries']> {
    this.#assertAlive();
    return this.#inner.entries(prefix);
  }

  get(key: string): ReturnType<MirrorJournal['get']> {
    this.#assertAlive();
    return this.#inner.get(key);
  }

  async commit(change: JournalCommit): Promise<void> {
    this.#assertAlive();
    if (this.#armed) {
      this.died = true;
      this.#assertAlive();
    }
    if ((change.put ?? []).some(([key]) => key.startsWith('flight/'))) this.#armed = true;
    await this.#inner.commit(change);
  }

  async close(): Promise<void> {}

  #assertAlive(): void {
    if (this.died) throw new Error('The process is gone.');
  }
}
