/** The e2e test page: edgeflow's worker-backed IndexedDB store driven through `window.e2e`. */
import { TrackingClient } from '../../../src/core/client.js';
import { isEdgeflowError } from '../../../src/core/errors.js';
import type { StoreChange } from '../../../src/core/store.js';
import { openIdbStore } from '../../../src/storage/idb/open-idb-store.js';
import type { E2eApi } from './api.js';

const clients = new Map<string, TrackingClient>();
const recorded = new Map<string, StoreChange[]>();

function client(db: string): TrackingClient {
  const found = clients.get(db);
  if (found === undefined) throw new Error(`store ${db} is not open`);
  return found;
}

const api: E2eApi = {
  async open(db) {
    if (!clients.has(db)) clients.set(db, new TrackingClient(await openIdbStore({ name: db }), { userId: 'e2e' }));
  },

  async experiment(db, name) {
    const c = client(db);
    const existing = await c.getExperimentByName(name);
    if (existing) return existing.experimentId;
    try {
      return await c.createExperiment(name);
    } catch (error) {
      if (!isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
      return (await c.getExperimentByName(name))!.experimentId;
    }
  },

  async logRuns(db, { experiment, runs, points, key, prefix }) {
    const c = client(db);
    const experimentId = await api.experiment(db, experiment);
    const ids: string[] = [];
    for (let r = 0; r < runs; r++) {
      const run = await c.startRun({ experimentId, runName: `${prefix}-${r}` });
      for (let step = 0; step < points; step++) run.logMetric(key, step * 0.5, step);
      ids.push(run.runId);
      await run.end();
    }
    await c.flush();
    return ids;
  },

  async logUntilFailure(db, { runId, key, points, round }) {
    const c = client(db);
    let flushed = 0;
    while (flushed < points) {
      for (let i = 0; i < round; i++) c.logMetric(runId, key, Math.random(), flushed + i);
      try {
        await c.flush();
      } catch (error) {
        return {
          flushed,
          error: { code: isEdgeflowError(error) ? error.code : 'none', message: String((error as Error).message), isEdgeflowError: isEdgeflowError(error) },
        };
      }
      flushed += round;
    }
    return { flushed };
  },

  async census(db, experiment) {
    const c = client(db);
    const experimentId = await api.experiment(db, experiment);
    const out: Awaited<ReturnType<E2eApi['census']>> = [];
    let pageToken: string | undefined;
    do {
      const page = await c.searchRuns(experimentId, { viewType: 'ALL', maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
      for (const run of page.items) {
        const keys = Object.keys(run.data.latestMetrics);
        const key = keys[0];
        const history = key === undefined ? undefined : await c.getMetricHistory(run.info.runId, key);
        let sum = 0;
        for (const v of history?.values ?? []) sum += v;
        out.push({
          runId: run.info.runId,
          runName: run.info.runName,
          points: history?.values.length ?? 0,
          lastStep: history && history.steps.length > 0 ? history.steps[history.steps.length - 1]! : -1,
          sum,
          latestStep: key === undefined ? null : run.data.latestMetrics[key]!.step,
        });
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return out.sort((a, b) => (a.runName < b.runName ? -1 : a.runName > b.runName ? 1 : 0));
  },

  async series(db, runId, key) {
    const c = client(db);
    const history = await c.getMetricHistory(runId, key);
    const latest = (await c.getRun(runId)).data.latestMetrics[key];
    const n = history.steps.length;
    return { points: n, lastStep: n > 0 ? history.steps[n - 1]! : -1, latestStep: latest === undefined ? null : latest.step };
  },

  async record(db) {
    const changes: StoreChange[] = [];
    recorded.set(db, changes);
    client(db).subscribe((change) => changes.push(change));
  },

  recordedRunData(db) {
    return (recorded.get(db) ?? []).flatMap((c) => (c.kind === 'run-data' ? [c.runId] : []));
  },

  upgradeRaw(db, version, store, minVersion) {
    return new Promise((resolve, reject) => {
      let blocked = false;
      const request = indexedDB.open(db, version);
      request.onblocked = () => {
        blocked = true;
      };
      request.onupgradeneeded = () => {
        request.result.createObjectStore(store);
        if (minVersion !== undefined) request.transaction!.objectStore('meta').put({ key: 'minVersion', value: minVersion });
      };
      request.onsuccess = () => {
        const opened = request.result;
        const result = { version: opened.version, blocked };
        opened.close();
        resolve(result);
      };
      request.onerror = () => reject(request.error);
    });
  },

  inspectRaw(db) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(db);
      request.onsuccess = () => {
        const opened = request.result;
        const result = { version: opened.version, stores: [...opened.objectStoreNames].sort() };
        opened.close();
        resolve(result);
      };
      request.onerror = () => reject(request.error);
    });
  },

  async estimate(db) {
    const store = client(db).store as unknown as { storageEstimate(): Promise<{ usage?: number; quota?: number }> };
    return store.storageEstimate();
  },

  async close(db) {
    await clients.get(db)?.close();
    clients.delete(db);
  },
};

window.e2e = api;
