/**
 * Artifact names made of or starting with dots (`...`, `..a`, `a..b`, `.hidden`) are valid names:
 * only `.` and `..` segments, absolute and drive paths, backslashes and `#` are refused. The rule is
 * core's `artifactPathProblem`; the file store and the memory store both follow it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import { artifactPathProblem } from '../../src/core/validation.js';
import { FileStore } from '../../src/node/file-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { errorOf, tempFolders } from '../support/temp-folders.js';

const tempFolder = tempFolders('edgeflow-dots-');

/** Artifact files with dot names; `...` and `..a` are also folders here. */
const DOT_FILES = ['....', '.hidden', 'a..b', '.../x.txt', '..a/b..', 'dir/...', 'dir/.hidden/..x'];
const DOT_PATHS = ['...', '..a', ...DOT_FILES];

describe('artifactPathProblem (core rule)', () => {
  it.each(DOT_PATHS)('accepts %j', (path) => {
    expect(artifactPathProblem(path)).toBeUndefined();
  });

  it.each([
    ['..', '".." segments'],
    ['../a', '".." segments'],
    ['a/../b', '".." segments'],
    ['a/..', '".." segments'],
    ['.', 'normalized'],
    ['a/./b', 'normalized'],
    ['a//b', 'normalized'],
    ['/etc/passwd', 'relative'],
    ['C:/x', 'relative'],
    ['a\\b', 'backslashes'],
    ['a#b', '"#"'],
  ])('refuses %j (%s)', (path, reason) => {
    expect(artifactPathProblem(path)).toContain(reason);
  });
});

const stores: [string, () => Promise<Store>][] = [
  ['FileStore', async () => {
    return FileStore.open(join(await tempFolder(), 'mlruns'));
  }],
  ['MemoryStore', async () => new MemoryStore()],
];

describe.each(stores)('%s stores dot names', (_name, open) => {
  it('writes, lists, reads and deletes them', async () => {
    const store = await open();
    const client = new TrackingClient(store);
    const runId = (await client.createRun('0')).info.runId;
    for (const path of DOT_FILES) await client.logArtifact(runId, path, `bytes of ${path}`);
    for (const path of DOT_FILES) {
      expect(new TextDecoder().decode(await client.downloadArtifact(runId, path))).toBe(`bytes of ${path}`);
    }
    expect((await client.listArtifacts(runId)).map((f) => f.path)).toEqual(['...', '..a', 'dir', '....', '.hidden', 'a..b']);
    expect((await client.listArtifacts(runId, '...')).map((f) => f.path)).toEqual(['.../x.txt']);
    await client.deleteArtifact(runId, '..a');
    expect((await client.listArtifacts(runId)).map((f) => f.path)).not.toContain('..a');
  });

  it('still refuses ".." and "." segments with the rule’s message', async () => {
    const client = new TrackingClient(await open());
    const runId = (await client.createRun('0')).info.runId;
    for (const path of ['..', '../x', 'a/../../x', './x']) {
      const error = await errorOf(client.logArtifact(runId, path, 'x'));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toMatch(/Invalid artifact path .*(segments|normalized)/u);
    }
  });
});

describe('FileStore puts dot names inside the run folder', () => {
  it('"..." and "..a" are files in artifacts/, not above it', async () => {
    const dir = await tempFolder();
    const store = await FileStore.open(join(dir, 'mlruns'));
    const runId = (await new TrackingClient(store).createRun('0')).info.runId;
    await store.putArtifact(runId, '...', new TextEncoder().encode('three'));
    await store.putArtifact(runId, '..a', new TextEncoder().encode('a'));
    expect(await readFile(join(dir, 'mlruns', '0', runId, 'artifacts', '...'), 'utf8')).toBe('three');
    expect(await readFile(join(dir, 'mlruns', '0', runId, 'artifacts', '..a'), 'utf8')).toBe('a');
  });

  it('reads a name MLflow may write but edgeflow would refuse, and refuses paths that leave the folder', async () => {
    const dir = await tempFolder();
    const store = await FileStore.open(join(dir, 'mlruns'));
    const runId = (await new TrackingClient(store).createRun('0')).info.runId;
    await writeFile(join(dir, 'mlruns', '0', runId, 'artifacts', 'a#b.txt'), 'hash');
    await writeFile(join(dir, 'mlruns', '0', 'outside.txt'), 'outside');
    expect((await store.listArtifacts(runId, '')).map((f) => f.path)).toEqual(['a#b.txt']);
    expect(new TextDecoder().decode(await store.getArtifact(runId, 'a#b.txt'))).toBe('hash');
    for (const path of ['../../outside.txt', 'x/../../../outside.txt', '/etc/passwd']) {
      const error = await errorOf(store.getArtifact(runId, path));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toContain('leaves the run');
    }
    expect((await errorOf(store.putArtifact(runId, 'c#d.txt', new Uint8Array([1])))).message).toContain('"#"');
  });
});
