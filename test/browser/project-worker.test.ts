import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { loadProject, runProject } from '../../src/projects/index.js';

const MLPROJECT = `name: browser-demo
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      epochs: {type: int, default: 4}
      flag: {type: bool, default: false}
      label: {type: string, default: "my label"}
    module: ./train.js
    export: train
  throws:
    module: ./train.js
    export: fail
  bad_export:
    module: ./train.js
    export: missing
  relative:
    module: ./uses-helper.js
  broken:
    module: ./broken.js
  shell:
    command: "echo hi"
`;

const TRAIN = `
// A comment mentioning import('./not-an-import.js') is fine.
const ignored = "import x from './nor-this.js'";
export async function train(params, run) {
  run.setTag('param_types', Object.keys(params).sort().map((k) => k + ':' + typeof params[k]).join(','));
  run.setTag('in_worker', String(typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope));
  let loss = 1;
  for (let step = 0; step < params.epochs; step++) {
    loss *= 1 - params.alpha / 2;
    run.logMetric('loss', loss, step);
  }
  await run.logText('label=' + params.label, 'notes/label.txt');
  await run.flush();
}
export function fail() {
  throw new RangeError('worker failure');
}
export default function main(_params, run) {
  run.setTag('ran', 'default:' + run.runId);
}
`;

function zip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
}

const PROJECT_ZIP = zip({
  MLproject: MLPROJECT,
  'train.js': TRAIN,
  'uses-helper.js': "import { helper } from './helper.js';\nexport default () => helper();",
  'helper.js': 'export const helper = () => 1;',
  'broken.js': 'export default function ( {',
});

async function setup(): Promise<{ client: TrackingClient; project: Awaited<ReturnType<typeof loadProject>> }> {
  const client = new TrackingClient(new MemoryStore());
  const project = await loadProject(new Blob([PROJECT_ZIP as BlobPart]), { name: 'my-zip' });
  return { client, project };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    expect(isEdgeflowError(error)).toBe(true);
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('runProject in Chromium (module entry points in a Worker)', () => {
  it('runs a zip project module in a Worker and logs into the page run', async () => {
    const { client, project } = await setup();
    const result = await runProject(project, { client, experimentName: 'browser', parameters: { alpha: '0.25', extra: 'x y' } });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('FINISHED');
    const run = await client.getRun(result.runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.tags).toMatchObject({
      'mlflow.source.type': 'PROJECT',
      'mlflow.source.name': 'my-zip',
      'mlflow.project.entryPoint': 'main',
      'mlflow.project.env': 'local',
      'mlflow.project.backend': 'local',
      'edgeflow.project.name': 'browser-demo',
      param_types: 'alpha:number,epochs:number,extra:string,flag:boolean,label:string',
      in_worker: 'true',
    });
    expect({ ...run.data.params }).toEqual({ alpha: '0.25', epochs: '4', flag: 'False', label: "'my label'", extra: "'x y'" });
    expect((await client.getMetricHistory(result.runId, 'loss')).values.length).toBe(4);
    expect(await client.loadText(result.runId, 'notes/label.txt')).toBe('label=my label');
  });

  it('loads a zip from a URL and runs a script name as the default export', async () => {
    const client = new TrackingClient(new MemoryStore());
    const url = URL.createObjectURL(new Blob([zip({ 'train.js': TRAIN }) as BlobPart]));
    try {
      const project = await loadProject(new URL(url));
      expect(project.mlprojectFile).toBeUndefined();
      const result = await runProject(project, { client, entryPoint: 'train.js' });
      expect(result.status).toBe('FINISHED');
      expect((await client.getRun(result.runId)).data.tags['ran']).toBe(`default:${result.runId}`);
    } finally {
      URL.revokeObjectURL(url);
    }
  });

  it('ends FAILED with the error when the module throws', async () => {
    const { client, project } = await setup();
    const result = await runProject(project, { client, entryPoint: 'throws' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'RangeError: worker failure' });
    const run = await client.getRun(result.runId);
    expect(run.info.status).toBe('FAILED');
    expect(run.data.tags['edgeflow.project.error']).toBe('RangeError: worker failure');
  });

  it.each([
    ['relative', /uses-helper\.js:1: an import of "\.\/helper\.js" cannot be resolved in a browser Worker/u, 'INVALID_PARAMETER_VALUE'],
    ['bad_export', /export "missing" is missing; the module exports "default", "fail", "train"/u, 'INVALID_PARAMETER_VALUE'],
    ['broken', /broken\.js: cannot run export "default"/u, 'INVALID_PARAMETER_VALUE'],
    ['shell', /browsers can run module entry points only/u, 'NOT_IMPLEMENTED'],
    ['nope', /Could not find entry point "nope"/u, 'INVALID_PARAMETER_VALUE'],
  ])('rejects entry point %s before any run exists', async (entryPoint, re, code) => {
    const { client, project } = await setup();
    const error = await rejection(runProject(project, { client, entryPoint }));
    expect(error.message).toMatch(re);
    expect(error.code).toBe(code);
    expect((await client.searchRuns('0')).items).toHaveLength(0);
  });

  it('rejects ill-typed parameters before any run exists', async () => {
    const { client, project } = await setup();
    const error = await rejection(runProject(project, { client, parameters: { epochs: 'many', flag: 'maybe' } }));
    expect(error.details?.['invalid']).toEqual(['epochs', 'flag']);
  });
});
