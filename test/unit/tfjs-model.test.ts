import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import type { ResolvedModelUri } from '../../src/core/registry/registry-client.js';
import { parseMLmodel } from '../../src/core/formats/mlmodel.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { checkInput, inferTensorSignature, loadModel, logModel, trackingCallback } from '../../src/tfjs/index.js';
import { graphModel } from '../fixtures/tfjs/graph-model.js';
import { xorData, xorModel } from '../fixtures/tfjs/xor.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

async function trained(): Promise<{ client: TrackingClient; model: tf.Sequential; xs: tf.Tensor2D; runId: string; run: Awaited<ReturnType<TrackingClient['startRun']>> }> {
  const client = new TrackingClient(new MemoryStore(), { userId: 'tfjs-test' });
  const run = await client.startRun({ runName: 'xor' });
  const model = xorModel(tf);
  const { xs, ys } = xorData(tf, 32);
  await model.fit(xs, ys, { epochs: 3, batchSize: 8, shuffle: false, callbacks: trackingCallback(run, { model, logSummary: false }) });
  return { client, model, xs, runId: run.runId, run };
}

const SIGNATURE_INPUTS = `'[{"name": "hidden_input", "type": "tensor", "tensor-spec": {"dtype": "float32",
    "shape": [-1, 2]}}]'`;
const SIGNATURE_OUTPUTS = `'[{"name": "out", "type": "tensor", "tensor-spec": {"dtype": "float32",
    "shape": [-1, 1]}}]'`;

describe('logModel → loadModel', () => {
  it('round-trips a trained layers model: identical predictions, MLmodel, files, history tag', async () => {
    const { client, model, xs, run } = await trained();
    const info = await logModel(run, model, 'model', { inputExample: [[0.25, 0.75]] });
    expect(info.modelUri).toBe(`runs:/${run.runId}/model`);
    expect(info.modelUuid).toMatch(/^[0-9a-f]{32}$/u);
    expect(info.utcTimeCreated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/u);

    const text = await client.loadText(run.runId, 'model/MLmodel');
    expect(text).toBe(
      `artifact_path: model
flavors:
  tfjs:
    model_format: layers-model
    model_json: model.json
    tfjs_version: ${tf.version.tfjs}
is_signature_from_type_hint: false
model_uuid: ${info.modelUuid}
run_id: ${run.runId}
saved_input_example_info:
  artifact_path: input_example.json
  serving_input_path: serving_input_example.json
  type: ndarray
signature:
  inputs: ${SIGNATURE_INPUTS}
  outputs: ${SIGNATURE_OUTPUTS}
  params: null
type_hint_from_example: false
utc_time_created: '${info.utcTimeCreated}'
`,
    );
    expect((await client.listArtifacts(run.runId, 'model')).map((f) => f.path)).toEqual([
      'model/MLmodel',
      'model/group1-shard1of1.bin',
      'model/input_example.json',
      'model/model.json',
      'model/serving_input_example.json',
    ]);
    expect(await client.loadText(run.runId, 'model/input_example.json')).toBe('[[0.25, 0.75]]');
    expect(JSON.parse(await client.loadText(run.runId, 'model/serving_input_example.json'))).toEqual({ inputs: [[0.25, 0.75]] });
    const modelJson = JSON.parse(await client.loadText(run.runId, 'model/model.json')) as Record<string, unknown>;
    expect(Object.keys(modelJson)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.generatedBy).toBe(`TensorFlow.js tfjs-layers v${tf.version.tfjs}`);
    expect(modelJson.weightsManifest).toEqual([
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'hidden/kernel', shape: [2, 8], dtype: 'float32' },
          { name: 'hidden/bias', shape: [8], dtype: 'float32' },
          { name: 'out/kernel', shape: [8, 1], dtype: 'float32' },
          { name: 'out/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ]);
    expect((await client.downloadArtifact(run.runId, 'model/group1-shard1of1.bin')).byteLength).toBe(33 * 4);

    const tag = (await client.getRun(run.runId)).data.tags['mlflow.log-model.history'];
    expect(tag).toBe(
      `[{"run_id": "${run.runId}", "artifact_path": "model", "utc_time_created": "${info.utcTimeCreated}", ` +
        `"model_uuid": "${info.modelUuid}", "flavors": {"tfjs": {"model_format": "layers-model", "model_json": "model.json", ` +
        `"tfjs_version": "${tf.version.tfjs}"}}}]`,
    );

    const loaded = await loadModel(client, info.modelUri, { tf });
    expect(loaded.flavor).toEqual({ modelFormat: 'layers-model', modelJson: 'model.json', tfjsVersion: tf.version.tfjs });
    expect(loaded.runId).toBe(run.runId);
    expect(loaded.artifactPath).toBe('model');
    const expected = (model.predict(xs) as tf.Tensor).arraySync();
    expect((loaded.model.predict(xs) as tf.Tensor).arraySync()).toEqual(expected);
    expect((loaded.predict([[0.25, 0.75]]) as tf.Tensor).arraySync()).toEqual((model.predict(tf.tensor2d([[0.25, 0.75]])) as tf.Tensor).arraySync());
    expect(loaded.signature?.inputs).toEqual({ kind: 'tensors', tensors: [{ kind: 'tensor', name: 'hidden_input', dtype: 'float32', shape: [-1, 2] }] });
    expect(parseMLmodel(text)).toEqual(loaded.mlmodel);
    // Without { tf }, loadModel imports @tensorflow/tfjs itself (same module instance in Node).
    const imported = await loadModel(client, info.modelUri);
    expect((imported.model.predict(xs) as tf.Tensor).arraySync()).toEqual(expected);
  });

  it('appends to the history tag, keeps other models, writes no signature on request, shards big weights', async () => {
    const { client, model, run } = await trained();
    const first = await logModel(run, model, 'first');
    const second = await logModel(run, model, 'nested/second', { signature: false, metadata: { team: 'edge' } });
    const history = JSON.parse((await client.getRun(run.runId)).data.tags['mlflow.log-model.history']!) as { artifact_path: string; model_uuid: string }[];
    expect(history.map((h) => [h.artifact_path, h.model_uuid])).toEqual([
      ['first', first.modelUuid],
      ['nested/second', second.modelUuid],
    ]);
    const text = await client.loadText(run.runId, 'nested/second/MLmodel');
    expect(text).not.toContain('signature');
    expect(text).not.toContain('is_signature_from_type_hint');
    expect(text).toContain('metadata:\n  team: edge\n');
    const loaded = await loadModel(client, `runs:/${run.runId}/nested/second/`, { tf });
    expect(loaded.signature).toBeUndefined();
    loaded.checkInput(tf.ones([1, 5])); // no signature: nothing to check

    // A wider model whose weights span several 4 MiB shards.
    const wide = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1100], units: 1100 })] });
    await logModel(run, wide, 'wide');
    const shards = (await client.listArtifacts(run.runId, 'wide')).map((f) => f.path).filter((p) => p.endsWith('.bin'));
    expect(shards).toEqual(['wide/group1-shard1of2.bin', 'wide/group1-shard2of2.bin']);
    const x = tf.ones([1, 1100]);
    const back = await loadModel(client, `runs:/${run.runId}/wide`, { tf });
    expect((back.model.predict(x) as tf.Tensor).arraySync()).toEqual((wide.predict(x) as tf.Tensor).arraySync());
  });

  it('round-trips a graph model (graph-model format, converter version, partial signature)', async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    const model = await graphModel(tf);
    const info = await logModel(run, model, 'graph');
    const text = await client.loadText(run.runId, 'graph/MLmodel');
    expect(text).toContain('flavors:\n  tfjs:\n    model_format: graph-model\n    model_json: model.json\n    tfjs_version: 4.22.0\n');
    expect(text).toContain(`signature:
  inputs: '[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape":
    [-1, 2]}}]'
  outputs: null
  params: null
`);
    const loaded = await loadModel(client, info.modelUri, { tf });
    expect(loaded.flavor.modelFormat).toBe('graph-model');
    const x = tf.tensor2d([[1, 2], [3, 1]]);
    expect((loaded.model.predict(x) as tf.Tensor).arraySync()).toEqual([[0], [5]]);
    expect(() => loaded.checkInput(tf.ones([2, 3]))).toThrow('Input "x" has shape [2, 3]; the model signature expects [-1, 2] (-1 = any size).');
  });

  it('infers int32/multi-input signatures and checks inputs with clear errors', async () => {
    const ids = tf.input({ shape: [3], dtype: 'int32', name: 'ids' });
    const dense = tf.input({ shape: [4, 2], name: 'dense' });
    const merged = tf.layers.concatenate().apply([tf.layers.flatten().apply(dense) as tf.SymbolicTensor, ids]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [ids, dense], outputs: tf.layers.dense({ units: 2, name: 'y' }).apply(merged) as tf.SymbolicTensor });
    const signature = inferTensorSignature(model);
    expect(signature.inputs).toEqual({
      kind: 'tensors',
      tensors: [
        { kind: 'tensor', name: 'ids', dtype: 'int32', shape: [-1, 3] },
        { kind: 'tensor', name: 'dense', dtype: 'float32', shape: [-1, 4, 2] },
      ],
    });
    const ok = [tf.zeros([2, 3], 'int32'), tf.zeros([2, 4, 2])];
    expect(() => checkInput(signature, ok)).not.toThrow();
    expect(() => checkInput(signature, { ids: [[1, 2, 3]], dense: [[[0, 0], [0, 0], [0, 0], [0, 0.5]]] })).not.toThrow();
    expect(() => checkInput(signature, tf.zeros([2, 3]))).toThrow('The model takes 2 inputs; got one.');
    expect(() => checkInput(signature, [tf.zeros([2, 3]), tf.zeros([2, 4, 2])])).toThrow(
      'Input "ids" has dtype "float32"; the model signature expects "int32".',
    );
    expect(() => checkInput(signature, [tf.zeros([2, 3], 'int32'), tf.zeros([2, 2, 4])])).toThrow(
      'Input "dense" has shape [2, 2, 4]; the model signature expects [-1, 4, 2] (-1 = any size).',
    );
    expect(() => checkInput(signature, { ids: [[1.5, 2, 3]], dense: [[[0, 0], [0, 0], [0, 0], [0, 0]]] })).toThrow(
      'Input "ids" holds float/int values; the model signature expects dtype "int32".',
    );
    expect(() => checkInput(signature, { ids: [[1, 2], [3]], dense: [] })).toThrow(/ragged/u);
    expect(() => checkInput(signature, { ids: [[1, 2, 3]] })).toThrow('Missing input "dense"; the model takes "ids", "dense".');

    const { client, run } = await trained();
    await logModel(run, model, 'multi');
    const loaded = await loadModel(client, `runs:/${run.runId}/multi`, { tf });
    expect(() => loaded.checkInput([tf.zeros([1, 3], 'int32'), tf.zeros([1, 4, 3])])).toThrow(/Input "dense" has shape \[1, 4, 3\]/u);
    const out = loaded.predict([[[1, 2, 3]], [[[1, 1], [1, 1], [1, 1], [1, 1]]]]) as tf.Tensor;
    expect(out.shape).toEqual([1, 2]);
  });
});

describe('loadModel rejects bad models clearly', () => {
  const TFJS = 'flavors:\n  tfjs:\n    model_format: layers-model\n    model_json: model.json\n';
  const cases: [string, string, RegExp][] = [
    ['missing flavors', 'artifact_path: bad\nmodel_uuid: 0123\n', /bad\/MLmodel: missing required field "flavors"\./u],
    ['flavors not a mapping', 'flavors: tfjs\n', /"flavors" must be a mapping/u],
    ['no tfjs flavor', 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n', /has no "tfjs" flavor \(flavors: "python_function"\)/u],
    ['malformed signature JSON', `${TFJS}signature:\n  inputs: '[{"name": '\n  outputs: null\n`, /signature\.inputs is not valid JSON/u],
    ['signature not a list', `${TFJS}signature:\n  inputs: '{"a": 1}'\n`, /signature\.inputs must be a JSON array/u],
    ['tensor-spec shape of wrong type', `${TFJS}signature:\n  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": "2"}}]'\n`, /tensor-spec\.shape must be a list of integers/u],
    ['model_json of wrong type', 'flavors:\n  tfjs:\n    model_format: layers-model\n    model_json: [a, b]\n', /flavors\.tfjs\.model_json must be a relative path string \(got \["a","b"\]\)/u],
    ['unknown model_format', 'flavors:\n  tfjs:\n    model_format: saved-model\n    model_json: model.json\n', /model_format must be "layers-model" or "graph-model" \(got "saved-model"\)/u],
    ['model_json outside the model dir', 'flavors:\n  tfjs:\n    model_format: layers-model\n    model_json: ../other/model.json\n', /must be a relative path inside the model directory/u],
  ];

  for (const [name, mlmodel, message] of cases) {
    it(name, async () => {
      const client = new TrackingClient(new MemoryStore());
      const run = await client.startRun();
      await run.logArtifact('bad/MLmodel', mlmodel);
      const error = await loadModel(client, `runs:/${run.runId}/bad`, { tf }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
    });
  }

  it('a missing MLmodel, a broken model.json, a format mismatch', async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    await expect(loadModel(client, `runs:/${run.runId}/nothing`, { tf })).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining('No MLmodel file at "runs:/'),
    });
    await run.logArtifact('m/MLmodel', TFJS);
    await run.logArtifact('m/model.json', '{"modelTopology": {}, "weightsManifest": 3}');
    await expect(loadModel(client, `runs:/${run.runId}/m`, { tf })).rejects.toThrow(/m\/model\.json: "weightsManifest" must be a list of weight groups/u);
    await run.logArtifact('m/model.json', '{"modelTopology": {}, "weightsManifest": [{"paths": ["/etc/passwd"], "weights": []}]}');
    await expect(loadModel(client, `runs:/${run.runId}/m`, { tf })).rejects.toThrow(/"\/etc\/passwd" must be a relative path inside the model directory/u);
    await run.logArtifact('m/model.json', '{"modelTopology": {}, "format": "graph-model", "weightsManifest": []}');
    await expect(loadModel(client, `runs:/${run.runId}/m`, { tf })).rejects.toThrow(/model\.json has format "graph-model" but the MLmodel says "layers-model"/u);
    await run.logArtifact('m/model.json', 'not json');
    await expect(loadModel(client, `runs:/${run.runId}/m`, { tf })).rejects.toThrow(/m\/model\.json: not valid JSON/u);
  });
});

describe('model URIs and the registry', () => {
  it('loadModel resolves URIs through client.resolveModelUri', async () => {
    const { client, model, xs, run } = await trained();
    await logModel(run, model, 'model');
    const calls: string[] = [];
    // A client whose resolver maps any URI to this run's model: loadModel must go through it.
    class ShimmedClient extends TrackingClient {
      override async resolveModelUri(uri: string): Promise<ResolvedModelUri> {
        calls.push(uri);
        return { runId: run.runId, path: 'model' };
      }
    }
    const shimmed = new ShimmedClient(client.store);
    const loaded = await loadModel(shimmed, 'models:/xor@champion', { tf });
    expect(calls).toEqual(['models:/xor@champion']);
    expect((loaded.model.predict(xs) as tf.Tensor).arraySync()).toEqual((model.predict(xs) as tf.Tensor).arraySync());
  });

  it('without a registry in the store: registeredModelName fails clearly and nothing is logged', async () => {
    const { client, model, run } = await trained();
    const bare = new TrackingClient(Object.assign(Object.create(client.store) as Store, { registry: undefined }));
    await expect(logModel({ client: bare, runId: run.runId }, model, 'model', { registeredModelName: 'xor' })).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
      message: expect.stringContaining('nothing was logged'),
    });
    await expect(loadModel(bare, 'models:/xor/1', { tf })).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
    expect((await client.listArtifacts(run.runId)).map((f) => f.path)).not.toContain('model');
  });

  it('registers the logged model and loads it by version, alias, stage and latest', async () => {
    const { client, model, xs, run } = await trained();
    const info = await logModel(run, model, 'model', { registeredModelName: 'xor-tfjs' });
    const version = info.registeredModelVersion!.version;
    const { artifactUri } = (await client.getRun(run.runId)).info;
    // As mlflow.register_model: the run's artifact location, not the runs:/ URI.
    expect(info.registeredModelVersion).toMatchObject({ name: 'xor-tfjs', runId: run.runId, source: `${artifactUri}/model` });
    await client.setRegisteredModelAlias('xor-tfjs', 'champion', version);
    await client.transitionModelVersionStage('xor-tfjs', version, 'Production');
    const expected = (model.predict(xs) as tf.Tensor).arraySync();
    for (const uri of [`models:/xor-tfjs/${version}`, 'models:/xor-tfjs@champion', 'models:/xor-tfjs/Production', 'models:/xor-tfjs/latest']) {
      const loaded = await loadModel(client, uri, { tf });
      expect(loaded.runId).toBe(run.runId);
      expect((loaded.model.predict(xs) as tf.Tensor).arraySync()).toEqual(expected);
    }
  });
});
