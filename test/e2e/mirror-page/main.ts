/**
 * The mirror e2e page: edgeflow's worker-backed IndexedDB store, mirrored to a loopback MLflow
 * server with `mirrorTo`, driven through `window.mirrorPage`.
 */
import { TrackingClient } from '../../../src/core/client.js';
import type { Store } from '../../../src/core/store.js';
import { openIdbStore } from '../../../src/storage/idb/open-idb-store.js';
import type { MirrorState, MirrorStatus } from '../../../src/storage/mirror/contract.js';
import { mirrorTo, type Mirror } from '../../../src/storage/mirror/mirror.js';
import { RestStore } from '../../../src/storage/rest/rest-store.js';
import { storeDigest } from '../../support/store-digest.js';
import { workloadAnnotate, workloadLog, workloadRegister, workloadRun } from '../../support/mirror-workload.js';
import type { MirrorPageApi } from './api.js';

let store: Store | undefined;
let client: TrackingClient | undefined;
let mirror: Mirror | undefined;
const seen: MirrorState[] = [];
const log: string[] = [];

function started(): { client: TrackingClient; mirror: Mirror; store: Store } {
  if (store === undefined || client === undefined || mirror === undefined) throw new Error('call start() first');
  return { store, client, mirror };
}

const api: MirrorPageApi = {
  async start({ db, baseUrl, id }) {
    store = await openIdbStore({ name: db });
    client = new TrackingClient(store, { userId: 'mirror-e2e' });
    mirror = mirrorTo(store, new RestStore({ baseUrl, retries: 1, backoffMs: 50, maxBackoffMs: 200 }), { id, backoff: { initialMs: 100, maxMs: 1000 } });
    seen.push(mirror.status.state);
    mirror.addEventListener('status', () => {
      const { state, pending, retryAt } = mirror!.status;
      if (seen.at(-1) !== state) seen.push(state);
      log.push(`${Date.now()} status ${state} ${pending}${retryAt === undefined ? '' : ` retryAt ${retryAt}`}`);
    });
    mirror.addEventListener('error', (e) => log.push(`${Date.now()} error ${(e as CustomEvent<Error>).detail.message}`));
    mirror.addEventListener('sent', (e) => log.push(`${Date.now()} sent ${JSON.stringify((e as CustomEvent).detail)}`));
  },
  status: () => started().mirror.status,
  states: () => [...seen],
  events: () => [...log],
  waitFor(states) {
    const { mirror: m } = started();
    return new Promise<MirrorStatus>((resolve) => {
      const check = (): void => {
        if (!states.includes(m.status.state)) return;
        m.removeEventListener('status', check);
        resolve(m.status);
      };
      m.addEventListener('status', check);
      check();
    });
  },
  run: (experiment, name) => workloadRun(started().client, experiment, name),
  log: (runId, from, to, keys) => workloadLog(started().client, runId, from, to, keys),
  annotate: (runId, label) => workloadAnnotate(started().client, runId, label),
  register: (runId, name) => workloadRegister(started().client, runId, name),
  async end(runId) {
    await started().client.setTerminated(runId, 'FINISHED');
  },
  async flush(timeoutMs) {
    try {
      await started().mirror.flush({ timeoutMs });
    } catch (error) {
      // What the mirror went through, for the failing test's message.
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log.join('\n')}`, { cause: error });
    }
  },
  digest: () => storeDigest(started().store),
  stop: () => started().mirror.stop(),
};

window.mirrorPage = api;
