/**
 * `<ef-artifact-browser>` shows an `MLmodel` as a model: flavors, the signature as tables, the
 * input example, and "Register model" on a writable store (disabled, with the reason, on a
 * read-only one). Strings from the file are text, never markup.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { TrackingClient } from '../../src/core/client.js';
import type { ArtifactBrowser, ModelRegisteredDetail } from '../../src/components/ef-artifact-browser.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { mount, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

/** The MLmodel of MLflow's own UI fixtures (run-page artifact-fixtures), plus an input example and params. */
const MLMODEL = `artifact_path: model
flavors:
  python_function:
    cloudpickle_version: 2.2.1
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.pyfunc.model
    python_model: python_model.pkl
    python_version: 3.10.12
  '<img src=x onerror="window.__pwned=1">':
    note: <b>bold</b>
mlflow_version: 2.7.1
model_uuid: test-model-uuid
run_id: test-run-uuid
saved_input_example_info:
  artifact_path: input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "test_model_input"}, {"type": "array", "items": {"type": "string"}, "name": "tokens", "required": false}]'
  outputs: '[{"type": "tensor", "name": "test_model_output", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
  params: '[{"name": "temperature", "type": "double", "default": 0.5, "shape": null}]'
utc_time_created: '2023-01-01 10:57:16.077123'
`;

async function seedModel(): Promise<{ store: MemoryStore; runId: string }> {
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const run = await client.createRun('0', { runName: 'trained' });
  const runId = run.info.runId;
  await client.logArtifact(runId, 'model/MLmodel', new TextEncoder().encode(MLMODEL));
  await client.logArtifact(runId, 'model/input_example.json', new TextEncoder().encode('{"columns":["test_model_input"],"data":[[1.5]]}'));
  return { store, runId };
}

async function openModel(store: MemoryStore | BundleStore, runId: string): Promise<ArtifactBrowser> {
  const el = await mount('ef-artifact-browser', { store, runId, selected: 'model/MLmodel' });
  await el.loaded();
  await until(() => shadow(el).querySelector('.mlmodel') !== null, 5000, 'the model view');
  return el;
}

const cells = (table: Element): string[][] => [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()));

describe('<ef-artifact-browser> on an MLmodel', () => {
  it('shows flavors, the signature as tables and the input example; untrusted names stay text', async () => {
    const { store, runId } = await seedModel();
    const el = await openModel(store, runId);
    const root = shadow(el);
    const flavors = root.querySelector('.flavors')!.textContent!;
    expect(flavors).toContain('python_function');
    expect(flavors).toContain('mlflow.pyfunc.model');
    expect(flavors).toContain('<img src=x onerror="window.__pwned=1">');
    expect(root.querySelector('.mlmodel img, .mlmodel b')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();

    const [inputs, outputs, params] = [...root.querySelectorAll('table.spec')];
    expect(cells(inputs!)).toEqual([
      ['test_model_input', 'double', 'yes'],
      ['tokens', 'array<string>', 'no'],
    ]);
    expect(cells(outputs!)).toEqual([['test_model_output', 'float64', '(-1)']]);
    expect(cells(params!)).toEqual([['temperature', 'double', '0.5', '—']]);
    expect(root.querySelector('[part="input-example"]')!.textContent).toBe(JSON.stringify({ columns: ['test_model_input'], data: [[1.5]] }, null, 2));
    expect(root.querySelector('.facts')!.textContent).toContain('test-run-uuid');
    // The file itself is one click away.
    expect(root.querySelector('details.yaml pre')!.textContent).toBe(MLMODEL);
  });

  it('registers the model folder from a writable store, and says why it cannot on a read-only one', async () => {
    const { store, runId } = await seedModel();
    const el = await openModel(store, runId);
    const events: ModelRegisteredDetail[] = [];
    el.addEventListener('ef-model-registered', (e) => events.push((e as CustomEvent<ModelRegisteredDetail>).detail));
    const form = shadow(el).querySelector<HTMLFormElement>('form.register')!;
    form.querySelector('input')!.value = 'wine-quality';
    form.querySelector('button')!.click();
    await until(() => form.querySelector('[role="status"]') !== null, 5000, 'the registration outcome');
    expect(form.querySelector('[role="status"]')!.textContent).toBe('Registered as wine-quality version 1.');
    expect(events).toEqual([{ name: 'wine-quality', version: 1, source: `runs:/${runId}/model` }]);
    const version = await store.registry.getModelVersion('wine-quality', 1);
    expect(version.runId).toBe(runId);
    expect(version.source).toBe(`${(await store.getRun(runId as never)).info.artifactUri}/model`);

    // A second registration under a name that is not allowed shows the registry's error in place.
    form.querySelector('input')!.value = 'bad/name';
    form.querySelector('button')!.click();
    await until(() => form.querySelector('[role="status"].error') !== null, 5000, 'the error');
    expect(form.querySelector('[role="status"]')!.textContent).toMatch(/name/iu);

    const bundle = await BundleStore.open((await exportBundle(store, { output: 'bytes', includeModels: true })) as Uint8Array);
    const readOnly = await openModel(bundle, runId);
    const readOnlyForm = shadow(readOnly).querySelector('form.register')!;
    expect(readOnlyForm.querySelector('button')!.disabled).toBe(true);
    expect(readOnlyForm.textContent).toContain('This store is read-only.');
  });

  it('puts the tree above the preview at phone width, each the full width, nothing overlapping', async () => {
    const { store, runId } = await seedModel();
    await page.viewport(390, 844);
    try {
      const el = await openModel(store, runId);
      const host = el.getBoundingClientRect();
      const tree = shadow(el).querySelector('.tree')!.getBoundingClientRect();
      const preview = shadow(el).querySelector('.preview')!.getBoundingClientRect();
      expect(preview.top).toBeGreaterThanOrEqual(tree.bottom - 0.5);
      for (const box of [tree, preview]) {
        expect(box.width).toBeGreaterThan(host.width - 4);
        expect(box.height).toBeGreaterThan(100);
      }
    } finally {
      await page.viewport(414, 896); // vitest's default
    }
  });
});
