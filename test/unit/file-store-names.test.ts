/**
 * Names in the Node file store: temp files of atomic writes never share a name with a user's key or
 * artifact; names longer than the file system takes are refused before anything of the call is
 * written (also over REST, without a local path in the answer); raw file-system errors become
 * `EdgeflowError`s without absolute paths; lone surrogates are refused, never written as U+FFFD.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import { FileStore } from '../../src/node/file-store.js';
import { MAX_NAME_BYTES, toStoreError } from '../../src/node/fs-helpers.js';
import { createMlflowRestApi } from '../../src/node/mlflow-rest-handler.js';
import { errorOf, freshFileStore, tempFolders } from '../support/temp-folders.js';

const tempFolder = tempFolders('edgeflow-names-');

let dir: string;
let root: string;
let store: FileStore;
let client: TrackingClient;
let runId: RunId;
let runFolder: string;

beforeEach(async () => {
  ({ dir, root, store, client } = await freshFileStore(tempFolder));
  runId = (await client.createRun('0')).info.runId as RunId;
  runFolder = join(root, '0', runId);
});

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
/** Every file below `folder`, as relative paths. */
const filesIn = async (folder: string): Promise<string[]> =>
  (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(folder.length + 1)).sort();

describe('keys and artifacts that look like temp files', () => {
  const tempLike = ['p.tmp-0123456789ab', 'nested/m.tmp-abcdefabcdef', 'meta.yaml.tmp-aaaaaaaaaaaa'];

  it('params, metrics and tags round-trip, also through a freshly opened store', async () => {
    await client.logBatch(runId, {
      params: tempLike.map((key) => ({ key, value: `param ${key}` })),
      metrics: tempLike.map((key, i) => ({ key, value: i, step: 0, timestamp: 1 })),
      tags: tempLike.map((key) => ({ key, value: `tag ${key}` })),
    });
    for (const reader of [store, await FileStore.open(root)]) {
      const run = await reader.getRun(runId);
      for (const key of tempLike) {
        expect(run.data.params[key]).toBe(`param ${key}`);
        expect(run.data.tags[key]).toBe(`tag ${key}`);
        expect(run.data.metrics[key]).toBe(tempLike.indexOf(key));
      }
    }
  });

  it('experiment tags and artifacts round-trip and are listed', async () => {
    await client.setExperimentTag('0', 'e.tmp-0123456789ab', 'kept');
    expect((await client.getExperiment('0')).tags['e.tmp-0123456789ab']).toBe('kept');
    await client.logArtifact(runId, 'model.tmp-0123456789ab', 'one');
    await client.logArtifact(runId, 'dir/x.tmp-abcdefabcdef', 'two');
    expect((await client.listArtifacts(runId)).map((f) => f.path)).toEqual(['dir', 'model.tmp-0123456789ab']);
    expect((await client.listArtifacts(runId, 'dir')).map((f) => f.path)).toEqual(['dir/x.tmp-abcdefabcdef']);
    expect(text(await client.downloadArtifact(runId, 'dir/x.tmp-abcdefabcdef'))).toBe('two');
  });

  it('writes leave no temp files, and a temp file left by a crash is not read as a key', async () => {
    await client.logBatch(runId, { params: [{ key: 'a', value: '1' }], tags: [{ key: 'b', value: '2' }] });
    expect(await filesIn(join(runFolder, 'params'))).toEqual(['a']);
    await writeFile(join(runFolder, 'params', '.#0123456789ab.tmp'), 'half-written');
    await writeFile(join(runFolder, 'artifacts', '.#0123456789ab.tmp'), 'half-written');
    const reopened = await FileStore.open(root);
    expect({ ...(await reopened.getRun(runId)).data.params }).toEqual({ a: '1' });
    expect(await reopened.listArtifacts(runId, '')).toEqual([]);
  });
});

describe('names longer than the file system takes', () => {
  const cjk = (n: number): string => '字'.repeat(n);

  it('a key of 85 three-byte characters (255 bytes) is stored; 86 are refused with a clear error', async () => {
    await client.logBatch(runId, { params: [{ key: cjk(85), value: 'v' }] });
    expect((await client.getRun(runId)).data.params[cjk(85)]).toBe('v');
    const error = await errorOf(client.logBatch(runId, { params: [{ key: cjk(86), value: 'v' }] }));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('Param key');
    expect(error.message).toContain('258 bytes');
    expect(error.message).toContain(String(MAX_NAME_BYTES));
    expect(error.message).not.toContain(dir);
  });

  it('a batch with one key too long (in a nested segment) writes nothing', async () => {
    const before = await filesIn(runFolder);
    for (const batch of [
      { params: [{ key: 'ok', value: '1' }], metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }], tags: [{ key: `deep/${cjk(100)}`, value: 'x' }] },
      { params: [{ key: 'ok', value: '1' }, { key: `${cjk(100)}/leaf`, value: '2' }] },
      { metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }, { key: cjk(100), value: 2, step: 0, timestamp: 1 }] },
    ]) {
      const error = await errorOf(client.logBatch(runId, batch));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toContain(cjk(30));
      expect(await filesIn(runFolder)).toEqual(before);
    }
    expect((await client.getRun(runId)).data.params).toEqual({});
  });

  it('experiment tags, new runs, artifacts and registered models are refused before writing', async () => {
    const refusedClearly = async (operation: Promise<unknown>): Promise<void> => {
      const error = await errorOf(operation);
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toMatch(/is 30\d bytes in UTF-8, and a file name may have at most 255/u);
    };
    const experimentEntries = (await readdir(join(root, '0'), { recursive: true })).sort();
    await refusedClearly(client.setExperimentTag('0', cjk(100), 'v'));
    await refusedClearly(client.createRun('0', { tags: { [cjk(100)]: 'v' } }));
    await refusedClearly(client.logArtifact(runId, `dir/${cjk(100)}.txt`, 'x'));
    expect((await readdir(join(root, '0'), { recursive: true })).sort()).toEqual(experimentEntries);
    await refusedClearly(client.createRegisteredModel(cjk(100)));
    await client.createRegisteredModel('m');
    await refusedClearly(client.setRegisteredModelTag('m', cjk(100), 'v'));
    expect(await filesIn(join(root, 'models'))).toEqual(['m/meta.yaml']);
  });

  it('over REST: 400 with the key named and no local path', async () => {
    const api = createMlflowRestApi(store);
    const body = new TextEncoder().encode(JSON.stringify({ run_id: runId, params: [{ key: 'fine', value: '1' }, { key: cjk(100), value: '2' }] }));
    const response = await api.respond({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/log-batch',
      query: new URLSearchParams(),
      headers: { 'content-type': 'application/json', host: '127.0.0.1' },
      body,
    });
    const answer = JSON.parse(String(response.body)) as { error_code: string; message: string };
    expect(response.status).toBe(400);
    expect(answer.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(answer.message).toContain(cjk(30));
    expect(answer.message).not.toContain(dir);
    expect((await client.getRun(runId)).data.params).toEqual({});
  });
});

describe('raw file-system errors', () => {
  it('a failed write is an EdgeflowError naming the file relative to the store root', async () => {
    await rm(join(runFolder, 'metrics'), { recursive: true });
    await writeFile(join(runFolder, 'metrics'), 'not a folder');
    const error = await errorOf(client.logBatch(runId, { metrics: [{ key: 'a/b', value: 1, step: 0, timestamp: 1 }] }));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toContain(`0/${runId}/metrics`);
    expect(error.message).not.toContain(dir);
  });

  it.each([
    ['ENAMETOOLONG', 'INVALID_PARAMETER_VALUE'],
    ['ENOSPC', 'RESOURCE_EXHAUSTED'],
    ['EDQUOT', 'RESOURCE_EXHAUSTED'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['EROFS', 'PERMISSION_DENIED'],
    ['EIO', 'INTERNAL_ERROR'],
  ])('%s becomes %s, its paths relative to the root or left out', (code, expected) => {
    const raw = (path: string): Error => Object.assign(new Error(`${code}: failed, open '${path}'`), { code, syscall: 'open', path });
    const inside = toStoreError(raw('/srv/data/mlruns/0/abc/params/p'), ['/srv/data/mlruns']) as EdgeflowError;
    expect(inside).toBeInstanceOf(EdgeflowError);
    expect(inside.code).toBe(expected);
    expect(inside.message).toBe(`The file store could not open "0/abc/params/p": ${code}.`);
    const elsewhere = toStoreError(raw('/etc/x'), ['/srv/data/mlruns']) as EdgeflowError;
    expect(elsewhere.message).not.toContain('/etc');
  });
});

describe('lone surrogates', () => {
  it('are refused in artifact paths, keys and values that reach the store, and never written as U+FFFD', async () => {
    const lone = 'x\uD800y';
    expect((await errorOf(store.putArtifact(runId, `${lone}.txt`, new Uint8Array([1])))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.logBatch(runId, { params: [{ key: 'ok', value: '1' }, { key: 'p', value: lone }] }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.logBatch(runId, { tags: [{ key: lone, value: 'v' }] }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.updateRun(runId, { runName: lone }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.createExperiment({ name: lone }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect(await readdir(join(runFolder, 'artifacts'))).toEqual([]);
    expect(await readdir(join(runFolder, 'params'))).toEqual([]);
    for (const file of await filesIn(root)) expect(await readFile(join(root, file), 'utf8')).not.toContain('\uFFFD');
    // A well-formed pair (an emoji) is fine.
    await store.logBatch(runId, { params: [{ key: 'emoji', value: 'a\uD83D\uDE00b' }] });
    expect((await store.getRun(runId)).data.params['emoji']).toBe('a😀b');
  });
});
