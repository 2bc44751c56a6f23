import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatUtcTimeCreated, parseMLmodel, serializeMLmodel } from '../../src/core/formats/mlmodel.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { FIXTURES } from '../fixtures/bundle-helpers/helpers.js';

const dir = `${FIXTURES}mlflow/samples/`;
const samples = readdirSync(dir).filter((f) => f.endsWith('MLmodel'));
const read = (name: string): string => readFileSync(dir + name, 'utf8');

// Spec §3 example: byte layout as MLflow writes it (folding of the long inputs JSON included).
const SPEC_EXAMPLE = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.2
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.2.1
is_signature_from_type_hint: false
mlflow_version: 3.6.1.dev0
model_id: null
model_size_bytes: 1234
model_uuid: 3359a030613a40f794a0375086022951
prompts: null
run_id: 0123456789abcdef0123456789abcdef
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "string",
    "name": "name", "required": false}]'
  outputs: '[{"type": "long", "required": true}]'
  params: '[{"name": "temperature", "default": 0.5, "shape": null, "type": "float"}]'
type_hint_from_example: false
utc_time_created: '2024-11-29 14:56:48.928177'
`;

function expectInvalid(text: string, fragment: string): void {
  try {
    parseMLmodel(text, 'model/MLmodel');
  } catch (e) {
    expect(isEdgeflowError(e, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((e as Error).message).toContain('model/MLmodel');
    expect((e as Error).message).toContain(fragment);
    return;
  }
  throw new Error('expected INVALID_PARAMETER_VALUE');
}

describe('MLmodel', () => {
  it('has samples', () => expect(samples.length).toBe(3));

  it.each(samples)('parses %s', (name) => {
    const model = parseMLmodel(read(name), name);
    expect(Object.keys(model.flavors)).toContain('python_function');
    expect(model.utcTimeCreated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/u);
  });

  it.each(samples.filter((n) => !n.includes('artifact-fixtures')))('re-emits %s byte for byte', (name) => {
    expect(serializeMLmodel(parseMLmodel(read(name), name))).toBe(read(name));
  });

  it('reads the hand-written UI fixture (no "required", unfolded line) and writes it as MLflow would', () => {
    const name = samples.find((n) => n.includes('artifact-fixtures'))!;
    const model = parseMLmodel(read(name), name);
    expect(model.signature?.inputs).toEqual({ kind: 'columns', columns: [{ kind: 'column', name: 'test_model_input', dtype: { type: 'double' }, required: true }] });
    expect(model.signature?.outputs).toEqual({ kind: 'tensors', tensors: [{ kind: 'tensor', name: 'test_model_output', dtype: 'float64', shape: [-1] }] });
    expect(model.signature?.params).toBeNull();
    const written = serializeMLmodel(model);
    expect(written).toContain(`  outputs: '[{"name": "test_model_output", "type": "tensor", "tensor-spec": {"dtype":\n    "float64", "shape": [-1]}}]'\n`);
    expect(parseMLmodel(written).signature).toEqual(model.signature);
  });

  it('round-trips the spec example byte for byte, keeping unknown keys', () => {
    const model = parseMLmodel(SPEC_EXAMPLE);
    expect(model.extra).toEqual({ is_signature_from_type_hint: false, prompts: null, type_hint_from_example: false });
    expect(model.signature?.params).toEqual([{ name: 'temperature', type: 'float', default: 0.5, shape: null }]);
    expect(serializeMLmodel(model)).toBe(SPEC_EXAMPLE);
  });

  it('escapes non-ASCII (no allow_unicode) and handles composite column types', () => {
    const model = parseMLmodel(
      `flavors:\n  js:\n    note: café\nmetadata:\n  who: 日本\nsignature:\n  inputs: '[{"type": "array", "items": {"type": "object", "properties": {"a": {"type": "long", "required": false}}}, "name": "c", "required": true}, {"type": "map", "values": {"type": "string"}, "required": true}]'\n  outputs: null\n  params: null\n`,
    );
    const text = serializeMLmodel(model);
    expect(text).toContain('note: "caf\\xE9"');
    expect(text).toContain('who: "\\u65E5\\u672C"');
    expect(parseMLmodel(text)).toEqual(model);
  });

  it('rejects missing flavors, bad signature JSON and wrong types with clear errors', () => {
    expectInvalid('artifact_path: model\n', 'flavors');
    expectInvalid('flavors: [a]\n', 'flavors');
    expectInvalid('flavors:\n  sklearn: 3\n', 'sklearn');
    expectInvalid('flavors:\n  python_function:\n    env: conda.yaml\n', 'loader_module');
    expectInvalid("flavors: {}\nsignature:\n  inputs: '[{\"type\": '\n", 'signature.inputs');
    expectInvalid("flavors: {}\nsignature:\n  inputs: '[{\"type\": \"complex128\"}]'\n", 'complex128');
    expectInvalid("flavors: {}\nsignature:\n  inputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"f4\", \"shape\": [1]}}, {\"type\": \"double\"}]'\n", 'mixes');
    expectInvalid('flavors: {}\nmodel_size_bytes: big\n', 'model_size_bytes');
    expectInvalid('flavors: {}\nrun_id: [1]\n', 'run_id');
    expectInvalid('flavors: {}\nsignature: yes\n', 'signature');
    expectInvalid('- just a list\n', 'mapping');
  });

  it('formats utc_time_created as MLflow does', () => {
    expect(formatUtcTimeCreated(Date.UTC(2024, 10, 29, 14, 56, 48, 928))).toBe('2024-11-29 14:56:48.928000');
    expect(formatUtcTimeCreated(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
  });
});
