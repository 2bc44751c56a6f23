/**
 * `<ef-run-lineage>` in Chromium: a run's dataset inputs, model inputs and the logged models it
 * produced, what a person sees of them, untrusted strings kept as text, and its empty and error states.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { datasetFromRecords, httpSource } from '../../src/core/datasets/builders.js';
import { mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('<ef-run-lineage>', () => {
  it('shows dataset inputs with context and source, schema and profile on demand, and the produced model', async () => {
    const { store, client, runIds, experimentId } = await seed();
    const runId = runIds[0]!;
    const dataset = datasetFromRecords({ name: 'iris_eval', records: [{ x: 1.5, label: 'a' }], source: httpSource('https://example.com/iris.csv') });
    const run = (await client.getRun(runId)).info;
    await client.logInputs(run.runId, { datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'eval' }] }], models: [{ modelId: 'm-input' }] });
    const model = await client.createLoggedModel(experimentId, { name: 'rf-model', modelType: 'classifier', sourceRunId: runId });
    await client.logOutputs(runId, [{ modelId: model.modelId, step: 2 }]);
    const el = await mount('ef-run-lineage', { store, runId });
    await el.loaded();
    const root = shadow(el);
    const row = root.querySelector('tr.dataset')!;
    expect(row.querySelector('.name')!.textContent).toBe('iris_eval');
    expect(row.querySelector('.digest')!.textContent).toBe(dataset.digest);
    expect(row.querySelector('.context')!.textContent).toBe('eval');
    expect(row.querySelector('.source-type')!.textContent).toBe('http');
    const schema = row.querySelector<HTMLDetailsElement>('details.schema')!;
    expect(schema.querySelector('pre')!.checkVisibility()).toBe(false);
    schema.querySelector('summary')!.click();
    expect(schema.querySelector('pre')!.checkVisibility()).toBe(true);
    expect(schema.querySelector('pre')!.textContent).toContain('"name": "label"');
    expect(root.querySelector('.model-inputs')!.textContent).toContain('m-input');
    const output = root.querySelector('tr.output')!;
    expect(output.textContent).toContain('rf-model');
    expect(output.textContent).toContain('PENDING');
    expect(output.textContent).toContain('classifier');
    const opened: string[] = [];
    el.addEventListener('ef-logged-model-open', (e) => opened.push(e.detail.modelId));
    output.querySelector<HTMLButtonElement>('button.link')!.click();
    expect(opened).toEqual([model.modelId]);
  });

  it('updates when the run gets a new input, and keeps untrusted strings as text', async () => {
    const { store, client, runIds } = await seed();
    const el = await mount('ef-run-lineage', { store, runId: runIds[1]! });
    await el.loaded();
    expect(shadow(el).querySelector('.empty')!.textContent).toContain('no dataset inputs');
    const dataset = { ...datasetFromRecords({ records: [{ a: 1 }] }), name: HOSTILE, source: HOSTILE };
    await client.logInputs(runIds[1]!, { datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: HOSTILE }] }] });
    await until(() => shadow(el).querySelector('tr.dataset') !== null, 5000, 'the new input');
    const row = shadow(el).querySelector('tr.dataset')!;
    expect(row.querySelector('.name')!.textContent).toBe(HOSTILE);
    expect(row.querySelector('.context')!.textContent).toBe(HOSTILE);
    expect(row.querySelector('img')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('shows an error for an unknown run', async () => {
    const { store } = await seed();
    const el = await mount('ef-run-lineage', { store, runId: '0123456789abcdef0123456789abcdef' });
    await el.loaded();
    expect(shadow(el).querySelector('[role=alert]')!.textContent).toMatch(/not found/u);
  });
});
