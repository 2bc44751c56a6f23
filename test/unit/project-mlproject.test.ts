import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMLproject, type MLProjectSpec } from '../../src/core/formats/mlproject.js';
import { isEdgeflowError } from '../../src/core/errors.js';

const SAMPLES = new URL('../fixtures/projects/samples/', import.meta.url).pathname;

function parseError(text: string): { message: string; key: unknown } {
  try {
    parseMLproject(text, 'MLproject');
  } catch (error) {
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    const e = error as Error & { details?: Record<string, unknown> };
    return { message: e.message, key: e.details?.['key'] };
  }
  throw new Error('expected a parse error');
}

describe('parseMLproject: MLflow sample files', () => {
  const files = readdirSync(SAMPLES);
  it('finds the samples', () => expect(files.length).toBeGreaterThanOrEqual(4));
  it.each(files)('parses %s', (file) => {
    const spec = parseMLproject(readFileSync(SAMPLES + file, 'utf8'), file);
    expect(Object.keys(spec.entryPoints).length).toBeGreaterThan(0);
    for (const entry of Object.values(spec.entryPoints)) expect(typeof entry.command).toBe('string');
  });

  it('reads the multistep example, folded command included', () => {
    const spec = parseMLproject(readFileSync(`${SAMPLES}examples__multistep_workflow__MLproject`, 'utf8'));
    expect(spec.name).toBe('multistep_example');
    expect(spec.environment).toEqual({ kind: 'python_env', path: 'python_env.yaml' });
    const als = spec.entryPoints['als']!;
    expect(als.parameters.map((p) => [p.name, p.type, p.defaultText, p.required])).toEqual([
      ['ratings_data', 'path', undefined, true],
      ['max_iter', 'int', '10', false],
      ['reg_param', 'float', '0.1', false],
      ['rank', 'int', '12', false],
    ]);
    expect(spec.entryPoints['main']!.command).toBe(
      'python main.py --als-max-iter {als_max_iter} --keras-hidden-units {keras_hidden_units} --max-row-limit {max_row_limit}',
    );
  });

  it('reads docker_env and conda_env projects', () => {
    const docker = parseMLproject(readFileSync(`${SAMPLES}tests__resources__example_docker_project__MLproject`, 'utf8'));
    expect(docker.environment).toMatchObject({ kind: 'docker_env', image: 'mlflow-docker-example', volumes: [], environment: [] });
    expect(docker.entryPoints['test_tracking']!.parameters[0]).toMatchObject({ name: 'use_start_run', type: 'bool', required: true });
    const conda = parseMLproject(readFileSync(`${SAMPLES}tests__resources__example_project__MLproject`, 'utf8'));
    expect(conda.name).toBeUndefined();
    expect(conda.environment).toEqual({ kind: 'conda_env', path: 'conda.yaml' });
    expect(conda.entryPoints['test_artifact_path']!.parameters[0]).toMatchObject({ name: 'model', type: 'path', required: true });
    expect(conda.entryPoints['greeter']!.parameters.map((p) => p.defaultText)).toEqual(['hi', undefined]);
  });
});

describe('parseMLproject: parameters and defaults', () => {
  const spec: MLProjectSpec = parseMLproject(`
name: types
entry_points:
  main:
    parameters:
      s: string
      f: float
      i: int
      p: path
      u: uri
      b: bool
      sd: {type: string, default: "my label"}
      fd: {type: float, default: 0.5}
      f1: {type: float, default: 1.0}
      fe: {type: float, default: 1.0e-5}
      id: {type: int, default: 100000}
      bd: {type: bool, default: true}
      pd: {type: path, default: data/train.csv}
      ud: {type: uri, default: "s3://bucket/key"}
      untyped: {default: 7}
      custom: {type: list, default: [1, 'a']}
      nodefault: {type: int}
    command: "python x.py"
`);
  const params = Object.fromEntries(spec.entryPoints['main']!.parameters.map((p) => [p.name, p]));

  it('keeps declaration order', () => {
    expect(Object.keys(params)).toEqual(['s', 'f', 'i', 'p', 'u', 'b', 'sd', 'fd', 'f1', 'fe', 'id', 'bd', 'pd', 'ud', 'untyped', 'custom', 'nodefault']);
  });
  it('bare type strings are required, with no default', () => {
    for (const name of ['s', 'f', 'i', 'p', 'u', 'b']) expect(params[name]).toMatchObject({ type: name === 's' ? 'string' : params[name]!.type, default: null, required: true, defaultText: undefined });
    expect(params['nodefault']).toMatchObject({ type: 'int', required: true });
  });
  it("gives defaults as Python's str() does", () => {
    expect(params['sd']).toMatchObject({ default: 'my label', defaultText: 'my label', required: false });
    expect(params['fd']!.defaultText).toBe('0.5');
    expect(params['f1']!.defaultText).toBe('1.0');
    expect(params['fe']!.defaultText).toBe('1e-05');
    expect(params['id']!.defaultText).toBe('100000');
    expect(params['bd']!.defaultText).toBe('True');
    expect(params['pd']!.defaultText).toBe('data/train.csv');
    expect(params['ud']!.defaultText).toBe('s3://bucket/key');
    expect(params['untyped']).toMatchObject({ type: 'string', defaultText: '7' });
    expect(params['custom']).toMatchObject({ type: 'list', defaultText: "[1, 'a']" });
  });
});

describe('parseMLproject: JS convention and unknown keys', () => {
  it('reads module entry points, defaulting the export', () => {
    const spec = parseMLproject(`
entry_points:
  main: {module: ./src/train.js, export: train}
  other: {module: other.mjs}
  both: {module: a.js, command: "python a.py"}
`);
    expect(spec.entryPoints['main']).toMatchObject({ module: 'src/train.js', export: 'train' });
    expect(spec.entryPoints['other']).toMatchObject({ module: 'other.mjs', export: 'default' });
    expect(spec.entryPoints['both']).toMatchObject({ module: 'a.js', command: 'python a.py' });
  });

  it('keeps unknown keys at every level', () => {
    const spec = parseMLproject(`
name: x
owner: team-a
docker_env: {image: img, volumes: ["/a:/b"], environment: [HOME, [K, 1]], gpus: all}
entry_points:
  main:
    description: trains
    parameters:
      a: {type: int, default: 1, help: "the a"}
    command: run
`);
    expect(spec.extra).toEqual({ owner: 'team-a' });
    expect(spec.environment).toMatchObject({ kind: 'docker_env', volumes: ['/a:/b'], environment: ['HOME', ['K', '1']], extra: { gpus: 'all' } });
    expect(spec.entryPoints['main']!.extra).toEqual({ description: 'trains' });
    expect(spec.entryPoints['main']!.parameters[0]!.extra).toEqual({ help: 'the a' });
  });

  it('an empty file is a project with nothing declared', () => {
    expect(parseMLproject('')).toMatchObject({ environment: { kind: 'none' }, entryPoints: {} });
  });
});

describe('parseMLproject: errors name the key', () => {
  it.each([
    ['two environments', 'python_env: a.yaml\nconda_env: b.yaml\n', 'python_env, conda_env'],
    ['docker without image', 'docker_env: {volumes: []}\n', 'docker_env.image'],
    ['docker volumes', 'docker_env: {image: x, volumes: [1]}\n', 'docker_env.volumes'],
    ['bad parameter type', 'entry_points:\n  main:\n    parameters:\n      alpha: {type: 5}\n    command: x\n', 'entry_points.main.parameters.alpha.type'],
    ['parameter neither type nor mapping', 'entry_points:\n  main:\n    parameters:\n      alpha: [1]\n    command: x\n', 'entry_points.main.parameters.alpha'],
    ['parameters not a mapping', 'entry_points:\n  main:\n    parameters: [a]\n    command: x\n', 'entry_points.main.parameters'],
    ['command not a string', 'entry_points:\n  main:\n    command: [x]\n', 'entry_points.main.command'],
    ['no command', 'entry_points:\n  main:\n    parameters: {}\n', 'entry_points.main'],
    ['module escaping', 'entry_points:\n  main: {module: ../x.js}\n', 'entry_points.main.module'],
    ['absolute module', 'entry_points:\n  main: {module: /x.js}\n', 'entry_points.main.module'],
    ['export without module', 'entry_points:\n  main: {command: x, export: f}\n', 'entry_points.main.export'],
    ['entry_points not a mapping', 'entry_points: [a]\n', 'entry_points'],
  ])('%s', (_name, text, key) => {
    const { message, key: detailKey } = parseError(text);
    expect(detailKey).toBe(key);
    expect(message).toContain(key);
    expect(message).toContain('MLproject');
  });

  it('malformed YAML', () => {
    expect(parseError('entry_points: {a: [}').message).toMatch(/MLproject: malformed YAML/u);
  });
});
