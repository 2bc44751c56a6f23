/**
 * The bundle of the viewer benchmark: one experiment of `runs` runs × `keys` metrics × `points`
 * steps each (random walks), exported by `exportBundle` from a MemoryStore.
 */
import { TrackingClient } from '../../../src/core/client.js';
import type { RunId } from '../../../src/core/ids.js';
import { exportBundle } from '../../../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../../../src/storage/memory/memory-store.js';

/** The zip bytes. */
export async function makeBenchBundle(runs: number, keys: number, points: number): Promise<Uint8Array> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'bench' });
  const experimentId = await client.createExperiment('viewer-bench');
  const steps = Float64Array.from({ length: points }, (_, i) => i);
  const timestamps = Float64Array.from(steps, (s) => 1_700_000_000_000 + s * 100);
  for (let r = 0; r < runs; r++) {
    const run = await client.createRun(experimentId, { runName: `run-${String(r).padStart(3, '0')}` });
    const metrics = Array.from({ length: keys }, (_, k) => {
      const values = new Float64Array(points);
      let v = 1 + k;
      for (let i = 0; i < points; i++) values[i] = v += (Math.random() - 0.52) * 0.01;
      return { key: `metric_${k}`, steps, timestamps, values };
    });
    await store.logBatch(run.info.runId as RunId, { metrics, params: [{ key: 'seed', value: String(r) }] });
    await client.setTerminated(run.info.runId, 'FINISHED');
  }
  return exportBundle(store, { output: 'bytes' });
}
