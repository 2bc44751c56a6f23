import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { TrackingClient } from '../../src/core/client.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { describeInputsConformance } from '../conformance/inputs-conformance.js';
import { describeLoggedModelConformance } from '../conformance/logged-model-conformance.js';

describeStoreConformance('MemoryStore (Node)', {
  registry: true,
  async open(seed) {
    const store = new MemoryStore();
    if (seed) await seed(new TrackingClient(store, { userId: 'conformance' }));
    return store;
  },
});

describeInputsConformance('MemoryStore (Node)', async (seed) => {
  const client = new TrackingClient(new MemoryStore(), { userId: 'conformance' });
  if (seed) await seed(client);
  return client;
});

describeLoggedModelConformance('MemoryStore (Node)', async (seed) => {
  const client = new TrackingClient(new MemoryStore(), { userId: 'conformance' });
  if (seed) await seed(client);
  return client;
});
