import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { FileStore } from '../../src/node/file-store.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { describeLoggedModelConformance } from '../conformance/logged-model-conformance.js';
import { describeInputsConformance } from '../conformance/inputs-conformance.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describeStoreConformance('FileStore (Node, mlruns/ folder)', {
  registry: true,
  async open(seed) {
    const dir = await mkdtemp(join(tmpdir(), 'edgeflow-fs-'));
    dirs.push(dir);
    const store = await FileStore.open(join(dir, 'mlruns'));
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});

async function openClient(seed?: (client: TrackingClient) => Promise<void>): Promise<TrackingClient> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-fs-'));
  dirs.push(dir);
  const client = new TrackingClient(await FileStore.open(join(dir, 'mlruns')), { userId: 'conformance' });
  if (seed) await seed(client);
  return client;
}

describeLoggedModelConformance('FileStore (Node, mlruns/ folder)', openClient);

describeInputsConformance('FileStore (Node, mlruns/ folder)', openClient);
