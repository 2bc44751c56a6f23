/**
 * `<ef-run-details>` with what MLflow 3 and the system-metrics sampler add to a run: `system/…`
 * metrics in a section of their own, and the datasets and logged models of the run (through
 * `<ef-run-lineage>`), shown only for runs that have them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { datasetFromArrays } from '../../src/core/datasets/builders.js';
import { mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const keysOf = (table: Element): string[] => [...table.querySelectorAll('td.key')].map((td) => td.textContent!);

describe('<ef-run-details> and MLflow 3', () => {
  it('shows system metrics apart from the run’s own, and the datasets and models it read and produced', async () => {
    const { client, store, runIds, experimentId } = await seed();
    const runId = runIds[0]!;
    client.logMetric(runId, 'system/js_heap_used_megabytes', 41.5, 0);
    client.logMetric(runId, 'system/tfjs_num_tensors', 12, 0);
    const dataset = datasetFromArrays({ name: 'spirals-train', features: [[0.1, 0.2], [0.3, 0.4]], targets: [0, 1] });
    await client.logInputs(runId, { datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }] });
    const model = await client.createLoggedModel(experimentId, { name: 'spiral-mlp', sourceRunId: runId });
    await client.logOutputs(runId, [{ modelId: model.modelId, step: 3 }]);
    await client.flush();

    const el = await mount('ef-run-details', { store, runId });
    await el.loaded();
    const root = shadow(el);
    const [own, system] = [...root.querySelectorAll('table.metrics')];
    expect(keysOf(own!)).toEqual(['acc', 'loss']);
    expect(system!.closest('section')!.querySelector('h3')!.textContent).toBe('System metrics (2)');
    expect(keysOf(system!)).toEqual(['system/js_heap_used_megabytes', 'system/tfjs_num_tensors']);

    const lineage = root.querySelector('ef-run-lineage')!;
    await lineage.loaded();
    await until(() => shadow(lineage).textContent!.includes('spiral-mlp'), 5000, 'the logged model');
    const text = shadow(lineage).textContent!;
    expect(text).toContain('spirals-train');
    expect(text).toContain(dataset.digest);
    expect(text).toContain('training');

    // A run with neither: no lineage section, no system section.
    const other = await mount('ef-run-details', { store, runId: runIds[1]! });
    await other.loaded();
    expect(shadow(other).querySelector('ef-run-lineage')).toBeNull();
    expect(shadow(other).querySelectorAll('table.metrics')).toHaveLength(1);
  });
});
