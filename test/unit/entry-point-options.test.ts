/**
 * The options of the entry points that take an options object (RestStore, syncRuns, openIdbStore,
 * runProject) are checked with zod: an unknown field, a misspelled enum or a number out of range is
 * `INVALID_PARAMETER_VALUE` naming the field, before anything is sent, read or written.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import { syncRuns } from '../../src/storage/sync/sync-runs.js';
import { openIdbStore } from '../../src/storage/idb/open-idb-store.js';
import { loadProject, runProject } from '../../src/node/projects/index.js';
import { dumpStore } from '../fixtures/bundle-helpers/helpers.js';

const PROJECT = fileURLToPath(new URL('../fixtures/projects/js-project/', import.meta.url));

/** The EdgeflowError `call` throws or rejects with; fails the test when it succeeds. */
async function refusal(call: () => unknown): Promise<EdgeflowError> {
  const error: unknown = await (async () => call())().then(() => undefined, (e: unknown) => e);
  if (!(error instanceof EdgeflowError)) throw new Error(`expected an EdgeflowError, got ${String(error)}`);
  return error;
}

describe('RestStore options', () => {
  const base = { baseUrl: 'http://127.0.0.1:5000' };
  it.each([
    ['a base URL that is not http(s)', { baseUrl: 'ftp://example.com' }, 'baseUrl'],
    ['a negative retry count', { ...base, retries: -1 }, 'retries'],
    ['a timeout given as text', { ...base, timeoutMs: '5000' }, 'timeoutMs'],
    ['a timeout setTimeout cannot wait', { ...base, timeoutMs: 2 ** 31 }, 'timeoutMs'],
    ['a batch limit of 0 (no batch could ever be sent)', { ...base, batchLimits: { metrics: 0 } }, 'batchLimits.metrics'],
    ['an unknown credentials mode', { ...base, credentials: 'always' }, 'credentials'],
    ['headers that are not a function', { ...base, headers: { Authorization: 'x' } }, 'headers'],
    ['a misspelled option', { ...base, retry: 2 }, 'retry'],
  ])('refuses %s, naming the field', async (_, options, field) => {
    const error = await refusal(() => new RestStore(options as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
  });

  it('takes every documented option', () => {
    const store = new RestStore({
      ...base,
      headers: () => ({}),
      fetch: (input, init) => fetch(input, init),
      timeoutMs: 1000,
      retries: 0,
      backoffMs: 0,
      maxBackoffMs: 10,
      credentials: 'include',
      artifacts: 'proxy',
      batchLimits: { metrics: 10, params: 10, tags: 10, total: 10, bytes: 10_000 },
    });
    expect(store.retries).toBe(0);
  });
});

describe('syncRuns options', () => {
  it.each([
    ['an unknown direction', { direction: 'both' }, 'direction'],
    ['run ids that are not a list', { runIds: 'abc' }, 'runIds'],
    ['a mapping without the SyncState methods', { mapping: new Map() }, 'mapping'],
    ['a misspelled option', { artifact: false }, 'artifact'],
  ])('refuses %s and writes nothing to the target', async (_, options, field) => {
    const from = new MemoryStore();
    const run = await new TrackingClient(from).startRun({ experimentName: 'sync' });
    run.logMetric('loss', 1, 0);
    await run.end();
    const to = new MemoryStore();
    const before = await dumpStore(to);
    const error = await refusal(() => syncRuns(from, to, options as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
    expect(await dumpStore(to)).toEqual(before);
  });
});

describe('openIdbStore options', () => {
  it('refuses bad options before looking for IndexedDB', async () => {
    for (const [options, field] of [[{ name: '' }, 'name'], [{ worker: 'yes' }, 'worker'], [{ persistent: true }, 'persistent']] as const) {
      const error = await refusal(() => openIdbStore(options as never));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toContain(field);
    }
  });
});

describe('runProject options', () => {
  it.each([
    ['a store that is neither a URI nor a Store', { store: 42 }, 'store'],
    ['a misspelled option', { entrypoint: 'main' }, 'entrypoint'],
    ['environment values that are not text', { env: { SEED: 1 } }, 'env.SEED'],
    ['a parameter value that is an object', { parameters: { alpha: { value: 1 } } }, 'parameters.alpha'],
  ])('refuses %s before a run or store is made', async (_, options, field) => {
    const store = new MemoryStore();
    const before = await dumpStore(store);
    const project = await loadProject(PROJECT);
    const error = await refusal(() => runProject(project, { ...options, client: new TrackingClient(store) } as never));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(field);
    expect(await dumpStore(store)).toEqual(before);
  });
});
