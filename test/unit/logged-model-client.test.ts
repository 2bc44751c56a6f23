/**
 * Client entry points of logged models: input validation before any store is touched, and the
 * NOT_IMPLEMENTED error of stores that hold no logged models.
 */
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { expectCode } from '../conformance/expect-error.js';

function withoutLoggedModels(): MemoryStore {
  const store = new MemoryStore();
  Object.defineProperty(store, 'loggedModels', { value: undefined });
  Object.defineProperty(store, 'logOutputs', { value: undefined });
  return store;
}

describe('logged-model client', () => {
  it('names the store when it holds no logged models or outputs', async () => {
    const client = new TrackingClient(withoutLoggedModels());
    const error = await expectCode(client.createLoggedModel('0'), 'NOT_IMPLEMENTED');
    expect(error.message).toContain('MemoryStore');
    await expectCode(client.searchLoggedModels('0'), 'NOT_IMPLEMENTED');
    const run = await client.createRun('0');
    await expectCode(client.logOutputs(run.info.runId, [{ modelId: 'm-1' }]), 'NOT_IMPLEMENTED');
  });

  it('validates every input with zod before the store is touched', async () => {
    const client = new TrackingClient(new MemoryStore());
    await expectCode(client.createLoggedModel('0', { colour: 'red' } as never), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.createLoggedModel('0', { modelType: 5 } as never), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.getLoggedModel(''), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.searchLoggedModels('0', { orderBy: [{ fieldName: 'name', ascending: 'yes' }] } as never), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.searchLoggedModels('0', { datasets: [{ datasetDigest: 'x' }] } as never), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.searchLoggedModels('0', { maxResults: 0 }), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.setLoggedModelTags('m-1', { 'a//b': 'x' }), 'INVALID_PARAMETER_VALUE');
    const run = await client.createRun('0');
    await expectCode(client.logOutputs(run.info.runId, []), 'INVALID_PARAMETER_VALUE');
    await expectCode(client.logOutputs(run.info.runId, [{ modelId: 'm-1', step: 1.5 }]), 'INVALID_PARAMETER_VALUE');
    await expectCode(() => client.logMetric(run.info.runId, 'acc', 1, { modelId: '' }), 'INVALID_PARAMETER_VALUE');
    await expectCode(() => client.logMetric(run.info.runId, 'acc', 1, { dataset: { name: 'eval' } as never }), 'INVALID_PARAMETER_VALUE');
    await expectCode(() => client.logMetric(run.info.runId, 'acc', 1, { step: 1, colour: 'red' } as never), 'INVALID_PARAMETER_VALUE');
  });
});
