import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { FileStore } from '../../src/node/file-store.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';

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
