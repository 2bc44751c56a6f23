import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Run } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { FileStore } from '../../src/node/file-store.js';
import { loadProject, runProject } from '../../src/node/projects/index.js';
import { runCommand } from '../../src/cli/run-command.js';
import { main } from '../../src/cli/main.js';

const PROJECT = fileURLToPath(new URL('../fixtures/projects/js-project/', import.meta.url));
const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const TSX = import.meta.resolve('tsx');
const CHILD_ENV = { EDGEFLOW_SRC: SRC, EDGEFLOW_TSX: TSX };
const temps: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-project-test-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function projectZip(prefix = ''): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(PROJECT)) files[prefix + name] = new Uint8Array(readFileSync(join(PROJECT, name)));
  return zipSync(files);
}

const tagsOf = (run: Run): Record<string, string> => ({ ...run.data.tags });
const paramsOf = (run: Run): Record<string, string> => ({ ...run.data.params });

async function expectRejects(promise: Promise<unknown>, re: RegExp): Promise<Error & { details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    expect(isEdgeflowError(error)).toBe(true);
    expect((error as Error).message).toMatch(re);
    return error as Error & { details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('loadProject (Node)', () => {
  it('loads a folder: spec, name, source', async () => {
    const project = await loadProject(PROJECT);
    expect(project.name).toBe('fixture-js');
    expect(project.mlprojectFile).toBe('MLproject');
    expect(project.directory).toBe(PROJECT.replace(/\/$/u, ''));
    expect(project.source).toBe(project.directory);
    expect(Object.keys(project.spec.entryPoints)).toContain('cli');
  });

  it("falls back as MLflow does without an MLproject (name from the folder, scripts runnable)", async () => {
    const dir = join(temp(), 'plain-project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'python_env.yaml'), 'python: "3.11"\n');
    const project = await loadProject(dir);
    expect(project).toMatchObject({ name: 'plain-project', mlprojectFile: undefined, environment: { kind: 'python_env', path: 'python_env.yaml' } });
    await expectRejects(runProject(project, { store: new MemoryStore() }), /Could not find entry point "main"/u);
  });

  it('reads a zip whose files sit in one top folder', async () => {
    const project = await loadProject(projectZip('fixture-js-main/'), { name: 'zipped' });
    expect(project.name).toBe('fixture-js');
    expect(await project.files.readText('helper.js')).toContain('helper');
  });

  it('requires a declared python_env file to exist', async () => {
    await expectRejects(loadProject({ MLproject: 'python_env: env.yaml\nentry_points: {main: {command: x}}\n' }), /python_env names "env.yaml"/u);
  });
});

describe('runProject (Node): module entry points in-process', () => {
  it('runs, tags the run as MLflow does, logs quoted params and typed values', async () => {
    const store = new MemoryStore();
    const client = new TrackingClient(store);
    const project = await loadProject(PROJECT);
    const result = await runProject(project, { client, experimentName: 'projects', runName: 'in-process', parameters: { alpha: '0.25', extra: 'x y' }, version: '1.2.3' });
    expect(result).toMatchObject({ status: 'FINISHED', entryPoint: 'main' });
    const run = await client.getRun(result.runId);
    expect(run.info).toMatchObject({ status: 'FINISHED', runName: 'in-process' });
    expect(tagsOf(run)).toMatchObject({
      'mlflow.source.type': 'PROJECT',
      'mlflow.source.name': project.source,
      'mlflow.project.entryPoint': 'main',
      'mlflow.project.env': 'local',
      'mlflow.project.backend': 'local',
      'edgeflow.project.name': 'fixture-js',
      'edgeflow.project.version': '1.2.3',
      param_types: 'alpha:number,epochs:number,extra:string,flag:boolean,label:string',
    });
    expect(paramsOf(run)).toEqual({ alpha: '0.25', epochs: '3', flag: 'True', label: "'my label'", extra: "'x y'" });
    expect(run.data.metrics['alpha_seen']).toBe(0.25);
    expect((await client.getMetricHistory(result.runId, 'loss')).values.length).toBe(3);
    expect(await client.loadText(result.runId, 'notes/label.txt')).toBe('label=my label');
  });

  it('runs a default export from an object project', async () => {
    const store = new MemoryStore();
    const files = { MLproject: readFileSync(join(PROJECT, 'MLproject'), 'utf8'), 'train.js': readFileSync(join(PROJECT, 'train.js'), 'utf8') };
    const result = await runProject(await loadProject(files), { store, entryPoint: 'default_export' });
    expect(result.status).toBe('FINISHED');
    expect(tagsOf(await new TrackingClient(store).getRun(result.runId))['ran']).toBe('default');
  });

  it('ends FAILED with the error recorded when the function throws', async () => {
    const client = new TrackingClient(new MemoryStore());
    const result = await runProject(await loadProject(PROJECT), { client, entryPoint: 'throws', parameters: { message: 'oops' } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'failed on purpose: oops' });
    const run = await client.getRun(result.runId);
    expect(run.info.status).toBe('FAILED');
    expect(tagsOf(run)['edgeflow.project.error']).toBe('failed on purpose: oops');
  });

  it.each([
    ['bad export', { entryPoint: 'bad_export' }, /export "nope" is not a function \(number\)/u],
    ['unknown entry point', { entryPoint: 'nope' }, /Could not find entry point "nope" among entry points 'main'/u],
    ['bad type', { parameters: { alpha: 'fast' } }, /alpha must be a float/u],
    ['bad int', { parameters: { epochs: '2.5' } }, /epochs must be an int/u],
    ['command with a memory store', { entryPoint: 'cli' }, /cannot be opened by another process/u],
  ] as const)('rejects %s before any run exists', async (_name, options, re) => {
    const client = new TrackingClient(new MemoryStore());
    await expectRejects(runProject(await loadProject(PROJECT), { client, trackingUri: 'memory:', ...options }), re);
    expect((await client.searchRuns('0')).items).toHaveLength(0);
  });

  it('rejects missing required parameters, listing all', async () => {
    const project = await loadProject({ MLproject: 'entry_points:\n  main:\n    parameters: {a: int, b: path, c: {type: int, default: 1}}\n    module: m.js\n', 'm.js': '' });
    const error = await expectRejects(runProject(project, { store: new MemoryStore() }), /missing parameters of entry point "main": 'a', 'b'/u);
    expect(error.details?.['missing']).toEqual(['a', 'b']);
  });

  it('makes local path parameters absolute and checks they exist', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'data.csv'), '1\n');
    const project = await loadProject({
      MLproject: 'entry_points:\n  main:\n    parameters: {data: path}\n    module: m.js\n',
      'm.js': 'export default (p, run) => run.setTag("data", p.data);',
    });
    const client = new TrackingClient(new MemoryStore());
    const result = await runProject(project, { client, cwd: dir, parameters: { data: 'data.csv' } });
    const run = await client.getRun(result.runId);
    expect(tagsOf(run)['data']).toBe(join(dir, 'data.csv'));
    expect(paramsOf(run)['data']).toBe('data.csv');
    await expectRejects(runProject(project, { client, cwd: dir, parameters: { data: 'missing.csv' } }), /no such file or directory/u);
  });
});

describe('runProject (Node): command entry points as child processes', () => {
  it('runs a zip project; the child joins the run through the file store', async () => {
    const root = join(temp(), 'mlruns');
    const output: string[] = [];
    const project = await loadProject(projectZip(), { name: 'zipped' });
    const result = await runProject(project, {
      store: `file:${root}`,
      entryPoint: 'cli',
      experimentName: 'cli-runs',
      parameters: { alpha: 0.75, extra: '1 2' },
      env: CHILD_ENV,
      onOutput: (text) => output.push(text),
    });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'FINISHED', exitCode: 0 });
    expect(result.command).toBe(`node --import "$EDGEFLOW_TSX" child.mjs --alpha 0.75 --label 'my label' --extra '1 2'`);
    expect(output.join('')).toContain(`child joined run ${result.runId}`);
    const store = await FileStore.open(root);
    try {
      const run = await new TrackingClient(store).getRun(result.runId);
      expect(run.info.status).toBe('FINISHED');
      expect(tagsOf(run)).toMatchObject({ 'mlflow.source.type': 'PROJECT', 'mlflow.project.entryPoint': 'cli', child_label: 'my label', child_extra: '1 2', child_positionals: '' });
      expect(paramsOf(run)).toEqual({ alpha: '0.75', label: "'my label'", extra: "'1 2'" });
      expect(run.data.metrics['child_alpha']).toBe(0.75);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('ends FAILED when the command exits non-zero', async () => {
    const root = join(temp(), 'mlruns');
    const result = await runProject(await loadProject(PROJECT), { store: pathToFileURL(root).href, entryPoint: 'exit3' });
    expect(result).toMatchObject({ status: 'FAILED', exitCode: 3 });
    expect(result.error).toMatch(/exited with code 3/u);
    const store = await FileStore.open(root);
    try {
      const run = await new TrackingClient(store).getRun(result.runId);
      expect(run.info.status).toBe('FAILED');
      expect(tagsOf(run)['edgeflow.project.error']).toMatch(/exited with code 3/u);
    } finally {
      await store.close();
    }
  }, 30_000);
});

describe('runProject (Node): abort', () => {
  it('kills the child process and ends the run FAILED', async () => {
    const root = join(temp(), 'mlruns');
    const controller = new AbortController();
    // The child sleeps 20 s, as long as this test may take: the run can only end in time if the
    // abort killed it, and it must end after the abort, FAILED (a child that exits by itself ends FINISHED).
    const order: string[] = [];
    controller.signal.addEventListener('abort', () => order.push('aborted'));
    setTimeout(() => controller.abort(), 300);
    const result = await runProject(await loadProject(PROJECT), { store: `file:${root}`, entryPoint: 'sleep', signal: controller.signal });
    order.push('run ended');
    expect(order).toEqual(['aborted', 'run ended']);
    expect(result.command).toBe('node -e "setTimeout(() => {}, 20000)"');
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/abort/iu);
  }, 20_000);
});

describe('edgeflow run (CLI)', () => {
  const cli = (argv: readonly string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), interrupted: new Promise<void>(() => undefined) };
    return main(['run', ...argv], io, [runCommand]).then((code) => ({ code, out: out.join(''), err: err.join('') }));
  };

  it('prints help', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: edgeflow run <dir|zip>');
    expect(out).toContain('-P, --param-list');
  });

  it('runs a folder project with -e and -P', async () => {
    const root = join(temp(), 'mlruns');
    const { code, err } = await cli([PROJECT, '-e', 'main', '-P', 'alpha=0.5', '-P', 'label=a b', '--experiment-name', 'cli', '--run-name', 'r1', '--tracking-uri', `file:${root}`]);
    expect(err).toMatch(/=== Run \(ID '[0-9a-f]{32}'\) succeeded ===/u);
    expect(code).toBe(0);
    const store = await FileStore.open(root);
    try {
      const client = new TrackingClient(store);
      const experiment = await client.getExperimentByName('cli');
      const runs = (await client.searchRuns(experiment!.experimentId)).items;
      expect(runs.map((r) => [r.info.runName, paramsOf(r)['label']])).toEqual([['r1', "'a b'"]]);
    } finally {
      await store.close();
    }
  });

  it.each([
    [['-P', 'noequals', 'x'], 2, /Invalid format for -P parameter: 'noequals'/u],
    [['x', '-P', 'a=1', '-P', 'a=2'], 2, /Repeated parameter: 'a'/u],
    [[], 2, /give a project folder or zip/u],
    [['--bogus', 'x'], 2, /Unknown option '--bogus'/u],
    [['/nonexistent/project'], 1, /No project at/u],
    [[PROJECT, '-P', 'alpha=fast'], 1, /alpha must be a float/u],
  ] as const)('%j exits %i', async (argv, expected, re) => {
    const { code, err } = await cli(argv);
    expect(err).toMatch(re);
    expect(code).toBe(expected);
  });

  it('exits 1 when the run fails', async () => {
    const { code, err } = await cli([PROJECT, '-e', 'throws', '--tracking-uri', `file:${join(temp(), 'mlruns')}`]);
    expect(code).toBe(1);
    expect(err).toMatch(/failed: failed on purpose: boom/u);
  });
});

describe('demo/project', () => {
  it('its module entry point trains and logs the curve', async () => {
    const client = new TrackingClient(new MemoryStore());
    const project = await loadProject(fileURLToPath(new URL('../../demo/project/', import.meta.url)));
    expect(Object.keys(project.spec.entryPoints)).toEqual(['main', 'cli']);
    const result = await runProject(project, { client, parameters: { epochs: 200 } });
    expect(result.status).toBe('FINISHED');
    const run = await client.getRun(result.runId);
    expect(run.data.metrics['w']).toBeCloseTo(2, 1);
    expect(run.data.metrics['b']).toBeCloseTo(1, 1);
    const mse = (await client.getMetricHistory(result.runId, 'mse')).values;
    expect(mse.length).toBe(200);
    expect(mse[199]!).toBeLessThan(mse[0]! / 100);
  });
});
