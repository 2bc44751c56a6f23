import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { describeRunScopedErrors } from '../support/run-scoped-errors.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('run handles and MLflow value limits', () => {
  it('ends a run FINISHED when disposed (await using), once', async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    run.logMetric('m', 1);
    await run[Symbol.asyncDispose]();
    const ended = await client.getRun(run.runId);
    expect(ended.info.status).toBe('FINISHED');
    expect(ended.data.metrics['m']).toBe(1);
    await run[Symbol.asyncDispose]();
    expect((await client.getRun(run.runId)).info.endTime).toBe(ended.info.endTime);
  });

  it('cuts param values to 6000 and tag values to 8000 characters with one warning per key, as MLflow does', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    run.logParam('long_param', 'p'.repeat(7000));
    run.setTag('long_tag', 't'.repeat(9000));
    run.setTag('long_tag', 'u'.repeat(9000));
    const stored = await run.getRun();
    expect(stored.data.params['long_param']).toBe('p'.repeat(6000));
    expect(stored.data.tags['long_tag']).toBe('u'.repeat(8000));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]![0])).toContain('truncated to 6000');
  });

  it('logs encoded image bytes and Blobs as they are and tags the run', async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await run.logImage(png, 'plots/a.png');
    await run.logImage(new Blob([png]), 'plots/b.png');
    expect([...(await client.downloadArtifact(run.runId, 'plots/a.png'))]).toEqual([...png]);
    expect([...(await client.downloadArtifact(run.runId, 'plots/b.png'))]).toEqual([...png]);
    expect((await run.getRun()).data.tags['mlflow.loggedImages']).toBe('True');
    await expect(run.logImage({ width: 1, height: 1, data: new Uint8ClampedArray(4) }, 'x.png')).rejects.toThrow(/OffscreenCanvas/u);
    await expect(run.logImage('not an image' as unknown as Blob, 'y.png')).rejects.toThrow(/expected a Blob, Uint8Array, ImageData or canvas/u);
  });
});

describeRunScopedErrors('MemoryStore', async () => new MemoryStore());
