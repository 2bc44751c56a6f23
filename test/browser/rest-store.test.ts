/**
 * RestStore from a Chromium page against the loopback MLflow server on another origin (CORS):
 * the page is served by vitest on one port, the server (`test/harness/rest-server-setup.ts`)
 * listens on another, so every request is cross-origin — preflights included (JSON bodies,
 * Authorization, PATCH/DELETE/PUT).
 */
import { describe, expect, inject, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { openStore } from '../../src/storage/open-store.js';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';

const serverUrl = inject('mlflowRestUrl');
/** `TENANTS_PATH` of test/support/mlflow-rest-server.ts (a Node module: not importable from the page). */
const TENANTS_PATH = '/_test/tenants';
const AUTH = { Authorization: `Basic ${btoa('conformance:secret')}` };

/** A fresh, empty backend on the server (its base URL). */
async function tenant(): Promise<string> {
  const response = await fetch(`${serverUrl}${TENANTS_PATH}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await response.json()) as { url: string }).url;
}

describeStoreConformance('RestStore (Chromium page → MLflow server on another origin)', {
  registry: true,
  serverArtifacts: true,
  async open(seed) {
    const store = new RestStore({ baseUrl: await tenant(), headers: () => AUTH, backoffMs: 1, timeoutMs: 10_000 });
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});

describe('openStore(url) from a page', () => {
  it('gives a working RestStore across origins', async () => {
    expect(new URL(serverUrl).origin).not.toBe(location.origin);
    const store = await openStore(await tenant());
    expect(store).toBeInstanceOf(RestStore);
    const client = new TrackingClient(store, { userId: 'page' });
    const experimentId = await client.createExperiment('from-page');
    const run = await client.createRun(experimentId);
    client.logMetric(run.info.runId, 'loss', 0.5);
    await client.flush();
    await client.logArtifact(run.info.runId, 'notes.txt', 'hi');
    expect((await client.getRun(run.info.runId)).data.metrics).toEqual({ loss: 0.5 });
    expect(new TextDecoder().decode(await client.downloadArtifact(run.info.runId, 'notes.txt'))).toBe('hi');
    expect((await client.getExperimentByName('from-page'))?.experimentId).toBe(experimentId);
  });
});
