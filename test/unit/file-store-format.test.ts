/**
 * The Node file store writes what MLflow writes (spec §1.2/§1.3 examples, modulo ids and times),
 * reads what MLflow wrote (mlruns-small, checked against MLflow's own reading of it), and survives
 * a crash in the middle of meta.yaml rewrites.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { isTempName } from '../../src/node/fs-helpers.js';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { readFileStoreTree } from '../../src/core/formats/file-store/index.js';
import { FileStore } from '../../src/node/file-store.js';
import { openFileStoreUri } from '../../src/node/index.js';
import { fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';
import { expectStoreMatchesTruth, truth } from '../support/mlruns-small-truth.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-fsf-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const text = async (path: string): Promise<string> => readFile(path, 'utf8');

describe('FileStore writes MLflow’s bytes', () => {
  it('a new experiment and a fresh run (spec §1.2, §1.3)', async () => {
    const root = join(await tempDir(), 'mlruns');
    const store = await FileStore.open(root);
    const rootUri = pathToFileURL(root).href;
    expect((await stat(join(root, '.trash'))).isDirectory()).toBe(true);
    const defaultMeta = await text(join(root, '0', 'meta.yaml'));
    expect(defaultMeta).toMatch(new RegExp(`^artifact_location: ${rootUri}/0\ncreation_time: \\d+\nexperiment_id: '0'\nlast_update_time: \\d+\nlifecycle_stage: active\nname: Default\n$`, 'u'));

    const id = await store.createExperiment({ name: 'demo-exp', creationTime: 1732200000159 });
    expect(id).toMatch(/^[1-9]\d{17}$/u);
    expect(await text(join(root, id, 'meta.yaml'))).toBe(
      `artifact_location: ${rootUri}/${id}\ncreation_time: 1732200000159\nexperiment_id: '${id}'\nlast_update_time: 1732200000159\nlifecycle_stage: active\nname: demo-exp\n`,
    );

    const run = await store.createRun({ experimentId: id, userId: 'alice', runName: 'run-1', startTime: 1732200000184, tags: [] });
    const runId = run.info.runId;
    expect(runId).toMatch(/^[0-9a-f]{32}$/u);
    const runDir = join(root, id, runId);
    // Byte for byte what MLflow writes for a new run (spec §1.3), `deleted_time: null` included.
    expect(await text(join(runDir, 'meta.yaml'))).toBe(
      [
        `artifact_uri: ${rootUri}/${id}/${runId}/artifacts`,
        'deleted_time: null',
        'end_time: null',
        "entry_point_name: ''",
        `experiment_id: '${id}'`,
        'lifecycle_stage: active',
        `run_id: ${runId}`,
        'run_name: run-1',
        "source_name: ''",
        'source_type: 4',
        "source_version: ''",
        'start_time: 1732200000184',
        'status: 1',
        'tags: []',
        'user_id: alice',
        '',
      ].join('\n'),
    );
    expect((await readdir(runDir)).sort()).toEqual(['artifacts', 'meta.yaml', 'metrics', 'params', 'tags']);
    expect(await text(join(runDir, 'tags', 'mlflow.runName'))).toBe('run-1');

    const client = new TrackingClient(store, { userId: 'alice' });
    await client.logBatch(runId, {
      metrics: [
        { key: 'loss', value: 5, step: 0, timestamp: 1732200000200 },
        { key: 'loss', value: 0.1, step: 1, timestamp: 1732200000201 },
        { key: 'loss', value: 1e20, step: -2, timestamp: 1732200000202 },
        { key: 'loss', value: NaN, step: 2 ** 40, timestamp: 1732200000203 },
      ],
      params: [{ key: 'model/depth', value: 3 }, { key: 'note', value: 'line1\nline2' }],
      tags: [{ key: 'team', value: 'vision' }],
    });
    expect(await text(join(runDir, 'metrics', 'loss'))).toBe(
      '1732200000200 5.0 0\n1732200000201 0.1 1\n1732200000202 1e+20 -2\n1732200000203 nan 1099511627776\n',
    );
    expect(await text(join(runDir, 'params', 'model', 'depth'))).toBe('3');
    expect(await text(join(runDir, 'params', 'note'))).toBe('line1\nline2');
    expect(await text(join(runDir, 'tags', 'team'))).toBe('vision');

    await client.setTerminated(runId, 'FINISHED', 1732200000999);
    const rewritten = await text(join(runDir, 'meta.yaml'));
    expect(rewritten).toContain('end_time: 1732200000999\n');
    expect(rewritten).toContain('status: 3\n');
    expect(rewritten).not.toContain('deleted_time');
  });

  it('moves deleted experiments to .trash with MLflow’s rewritten meta (stale tags mapping), and back', async () => {
    const root = join(await tempDir(), 'mlruns');
    const store = await FileStore.open(root);
    const id = await store.createExperiment({ name: 'to-delete', tags: [{ key: 'team', value: 'nlp' }] });
    const run = await store.createRun({ experimentId: id, userId: 'u', runName: 'r', startTime: 1, tags: [] });
    await store.deleteExperiment(id, { deletedTime: 1732200000500 });
    await expect(stat(join(root, id))).rejects.toThrow();
    const meta = await text(join(root, '.trash', id, 'meta.yaml'));
    expect(meta).toContain('last_update_time: 1732200000500\nlifecycle_stage: deleted\nname: to-delete\ntags:\n  team: nlp\n');
    expect(await text(join(root, '.trash', id, run.info.runId, 'meta.yaml'))).toContain('deleted_time: 1732200000500\n');
    expect((await store.getRun(run.info.runId)).info.lifecycleStage).toBe('deleted');
    await store.restoreExperiment(id);
    expect((await store.getExperiment(id)).lifecycleStage).toBe('active');
    expect((await stat(join(root, id, 'meta.yaml'))).isFile()).toBe(true);
    expect(await text(join(root, id, run.info.runId, 'meta.yaml'))).not.toContain('deleted_time');
  });

  it('writes the registry as MLflow’s file registry', async () => {
    const root = join(await tempDir(), 'mlruns');
    const store = await FileStore.open(root);
    await store.registry.createRegisteredModel({ name: 'DemoModel', description: 'A demo model', tags: [{ key: 'owner', value: 'alice' }] });
    await store.registry.createModelVersion({ name: 'DemoModel', source: 'runs:/3fe9700cc9e44baf97054938a1be4dfd/model', runId: '3fe9700cc9e44baf97054938a1be4dfd', description: 'first' });
    await store.registry.setRegisteredModelAlias('DemoModel', 'champion', 1);
    const model = join(root, 'models', 'DemoModel');
    expect(await text(join(model, 'aliases', 'champion'))).toBe('1');
    expect(await text(join(model, 'tags', 'owner'))).toBe('alice');
    expect(await text(join(model, 'meta.yaml'))).toMatch(
      /^aliases:\n {2}champion: '1'\ncreation_timestamp: \d+\ndeployment_job_id: null\ndeployment_job_state: null\ndescription: A demo model\nlast_updated_timestamp: \d+\nname: DemoModel\n$/u,
    );
    expect(await text(join(model, 'version-1', 'meta.yaml'))).toMatch(/\ncurrent_stage: None\n[^]*\nsource: runs:\/3fe9700cc9e44baf97054938a1be4dfd\/model\nstatus: READY\n[^]*\nversion: 1\n$/u);
    await store.registry.deleteRegisteredModelAlias('DemoModel', 'champion');
    await expect(stat(join(model, 'aliases', 'champion'))).rejects.toThrow();
    const reopened = await FileStore.open(root);
    expect((await reopened.registry.getRegisteredModel('DemoModel')).tags).toEqual({ owner: 'alice' });
  });
});

// ------------------------------------------------------------------------------------ mlruns-small

async function unzipTo(dir: string): Promise<string> {
  for (const [name, bytes] of Object.entries(unzipSync(fixtureBytes('mlflow/mlruns-small.zip')))) {
    if (name.endsWith('/')) continue;
    const path = join(dir, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  return join(dir, 'mlruns');
}

describe('FileStore reads folders MLflow wrote', () => {

  it('reads mlruns-small exactly as MLflow reads it, registry included', async () => {
    const root = await unzipTo(await tempDir());
    const store = await FileStore.open(root);
    await expectStoreMatchesTruth(store);
    const models = (await store.registry.searchRegisteredModels({})).items;
    expect(models.map((m) => m.name)).toEqual(truth.registeredModels.map((m) => m.name));
    for (const m of truth.registeredModels) {
      const model = await store.registry.getRegisteredModel(m.name);
      expect(model.description).toBe(m.description);
      expect({ ...model.tags }).toEqual(m.tags);
      expect(Object.fromEntries(Object.entries(model.aliases).map(([k, v]) => [k, String(v)]))).toEqual(m.aliases);
      for (const v of m.versions) {
        const version = await store.registry.getModelVersion(m.name, Number(v.version));
        expect([version.description, version.runId, version.source, version.currentStage, { ...version.tags }]).toEqual([v.description, v.runId, v.source, v.stage, v.tags]);
      }
    }
  });

  it('writes into an MLflow folder and sees writes made behind its back (mtime cache)', async () => {
    const root = await unzipTo(await tempDir());
    const store = await FileStore.open(root);
    const [experiment] = truth.experiments.filter((e) => e.lifecycleStage === 'active' && e.runs.some((r) => r.lifecycleStage === 'active'));
    const runId = experiment!.runs.find((r) => r.lifecycleStage === 'active')!.id as RunId;
    const before = await store.getRun(runId);
    await store.logBatch(runId, { tags: [{ key: 'added', value: 'by edgeflow' }] });
    expect((await store.getRun(runId)).data.tags['added']).toBe('by edgeflow');
    // Another process appends a point and writes a param.
    const folder = join(root, experiment!.id, runId);
    const { appendFile } = await import('node:fs/promises');
    await appendFile(join(folder, 'metrics', 'acc'), '1795966270999 0.99 100\n');
    await writeFile(join(folder, 'params', 'external'), 'yes');
    const after = await store.getRun(runId);
    expect(after.data.metrics['acc']).toBe(0.99);
    expect(after.data.params['external']).toBe('yes');
    expect(after.data.params).not.toBe(before.data.params);
  });

  it('opens file: URIs (module API, MLFLOW_TRACKING_URI=file:./mlruns)', async () => {
    const dir = await tempDir();
    const store = await openFileStoreUri(`file:${relative(process.cwd(), join(dir, 'mlruns'))}`);
    expect((await store.getExperiment('0' as ExperimentId)).name).toBe('Default');
    const again = await openFileStoreUri(pathToFileURL(join(dir, 'mlruns')).href);
    expect((await again.searchExperiments({})).items.map((e) => e.name)).toEqual(['Default']);
  });
});

// ------------------------------------------------------------------------------------ crash safety

describe('FileStore crash safety', () => {
  it('a process killed in the middle of meta.yaml rewrites leaves a folder that reads cleanly', async () => {
    const root = join(await tempDir(), 'mlruns');
    const moduleUrl = new URL('../../src/node/file-store.ts', import.meta.url).href;
    const script = `
      const { FileStore } = await import(${JSON.stringify(moduleUrl)});
      const store = await FileStore.open(${JSON.stringify(root)});
      const experimentId = await store.createExperiment({ name: 'crash' });
      const run = await store.createRun({ experimentId, userId: 'u', runName: 'r', startTime: 1, tags: [] });
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) {
        const long = 'word '.repeat(50 + (i % 200));
        await store.updateRun(run.info.runId, { runName: 'name ' + i + ' ' + long, status: i % 2 ? 'RUNNING' : 'FINISHED' });
        await store.renameExperiment(experimentId, 'crash ' + i + ' ' + long);
        await store.logBatch(run.info.runId, { metrics: [{ key: 'm', steps: new Float64Array([i]), timestamps: new Float64Array([i]), values: new Float64Array([i]) }] });
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 400));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    // Every meta.yaml is complete, MLflow's tree reader accepts the folder, and the store reads it.
    const files: { path: string; size: number }[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else files.push({ path: relative(root, full).split(sep).join('/'), size: (await stat(full)).size });
      }
    };
    await walk(root);
    const tree = await readFileStoreTree(
      // A write the kill interrupted leaves its temp file (`.#<hex>.tmp`), which the FileStore skips.
      files.filter((f) => !isTempName(f.path.slice(f.path.lastIndexOf('/') + 1))),
      async (p) => new Uint8Array(await readFile(join(root, ...p.split('/')))),
    );
    const crash = tree.experiments.find((e) => e.meta.name.startsWith('crash'))!;
    expect(crash.runs).toHaveLength(1);
    expect(crash.runs[0]!.meta.runName).toMatch(/^(r|name \d+ (word ){50,})$/u);
    expect(crash.meta.name).toMatch(/^(crash|crash \d+ (word ){50,})$/u);
    const store = await FileStore.open(root);
    const run = await store.getRun(crash.runs[0]!.meta.runId);
    expect(run.info.experimentId).toBe(crash.meta.experimentId);
    const history = await store.getMetricHistory(run.info.runId, 'm');
    expect(history.values.length).toBeGreaterThan(0);
  }, 30_000);
});
