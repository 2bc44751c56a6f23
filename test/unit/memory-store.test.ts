import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { TrackingClient } from '../../src/core/client.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';

describeStoreConformance('MemoryStore (Node)', {
  registry: true,
  async open(seed) {
    const store = new MemoryStore();
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});
