import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { expectStoreMatchesMlflow3Truth, mlflow3Truth, mlflow3Zip } from '../support/mlflow3-truth.js';

const MLFLOW3_RECORD = /^mlruns\/\d+\/(models\/m-[^/]+\/.+|datasets\/.+|[0-9a-f]{32}\/(inputs|outputs)\/.+)$/u;

describe('exporting MLflow 3 data in the mlruns layout', () => {
  it('writes the fixture\'s logged models, datasets, inputs and outputs byte for byte', async () => {
    const store = new MemoryStore();
    await importBundle(store, mlflow3Zip);
    const exported = unzipSync(await exportBundle(store, { output: 'bytes', artifactRoot: null }));
    const fixture = unzipSync(mlflow3Zip);
    const records = Object.keys(fixture).filter((name) => MLFLOW3_RECORD.test(name) && !name.endsWith('/'));
    // 5 model metas, 7 params, 8 tags, 5 metric files, 2 model files; 4 datasets, 10 inputs, 2 outputs.
    expect(records.length).toBe(5 + 7 + 8 + 5 + 2 + 4 + 10 + 2);
    for (const name of records) {
      expect(exported[name], name).toBeDefined();
      expect(new TextDecoder().decode(exported[name]), name).toBe(new TextDecoder().decode(fixture[name]));
    }
    expect(Object.keys(exported).filter((name) => MLFLOW3_RECORD.test(name) && !name.endsWith('/')).sort()).toEqual(records.sort());
  });

  it('round-trips: the exported zip imports to exactly what MLflow reads from the fixture', async () => {
    const first = new MemoryStore();
    await importBundle(first, mlflow3Zip);
    const second = new MemoryStore();
    await importBundle(second, await exportBundle(first, { output: 'bytes', artifactRoot: null }));
    await expectStoreMatchesMlflow3Truth(second);
  });

  it('with an artifact root, model locations follow the experiment\'s; without deleted items, the deleted model is left out', async () => {
    const store = new MemoryStore();
    await importBundle(store, mlflow3Zip);
    const exp = mlflow3Truth.roles.experiment!;
    const exported = unzipSync(await exportBundle(store, { output: 'bytes', includeDeleted: false }));
    const rf = mlflow3Truth.roles.m_rf!;
    expect(new TextDecoder().decode(exported[`mlruns/${exp}/models/${rf}/meta.yaml`])).toContain(`artifact_location: mlruns/${exp}/models/${rf}/artifacts\n`);
    expect(exported[`mlruns/${exp}/models/${mlflow3Truth.roles.m_deleted!}/meta.yaml`]).toBeUndefined();
  });

  it('refuses, before writing, a model whose keys cannot coexist as files', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const exp = await client.createExperiment('e');
    const model = await client.createLoggedModel(exp, { name: 'm', params: { a: '1', 'a/b': '2' } });
    const chunks: Uint8Array[] = [];
    await expect(
      import('../../src/storage/bundle/export-bundle.js').then((m) => m.exportBundleTo(store, (c) => chunks.push(c))),
    ).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE') && String(e).includes(model.modelId));
    expect(chunks).toEqual([]);
  });
});
