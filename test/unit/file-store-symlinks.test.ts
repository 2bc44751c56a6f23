/**
 * The Node file store never follows a symbolic link out of a run's artifact folder: a file link, a
 * folder link at any depth, a link to nowhere, and a run or `artifacts/` folder that is itself a
 * link are refused with `PERMISSION_DENIED` for writing, reading, listing and deleting, and nothing
 * outside is read, written or removed. Links that stay inside the folder keep working.
 */
import { mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import { errorOf, freshFileStore, tempFolders } from '../support/temp-folders.js';

const tempFolder = tempFolders('edgeflow-links-');

let dir: string;
let outside: string;
let client: TrackingClient;
let runId: string;
let artifacts: string;

beforeEach(async () => {
  ({ dir, client } = await freshFileStore(tempFolder));
  outside = join(dir, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
  runId = (await client.createRun('0')).info.runId;
  artifacts = join(dir, 'mlruns', '0', runId, 'artifacts');
});

async function expectRefused(operation: Promise<unknown>): Promise<void> {
  const error = await errorOf(operation);
  expect(error.code).toBe('PERMISSION_DENIED');
  expect(error.message).toMatch(/symbolic link/u);
  expect(error.message).not.toContain(dir);
}

async function outsideIsUntouched(): Promise<void> {
  expect((await readdir(outside)).sort()).toEqual(['secret.txt']);
  expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
}

describe('FileStore refuses symbolic links out of the artifact folder', () => {
  it('a file link: write, read and delete are refused', async () => {
    await symlink(join(outside, 'secret.txt'), join(artifacts, 'link.txt'));
    await expectRefused(client.logArtifact(runId, 'link.txt', 'overwritten'));
    await expectRefused(client.downloadArtifact(runId, 'link.txt'));
    await expectRefused(client.deleteArtifact(runId, 'link.txt'));
    await outsideIsUntouched();
  });

  it('a folder link: write, read, list and delete through it are refused', async () => {
    await symlink(outside, join(artifacts, 'dir'));
    await expectRefused(client.logArtifact(runId, 'dir/new.txt', 'x'));
    await expectRefused(client.logArtifact(runId, 'dir/sub/new.txt', 'x'));
    await expectRefused(client.downloadArtifact(runId, 'dir/secret.txt'));
    await expectRefused(client.listArtifacts(runId, 'dir'));
    await expectRefused(client.deleteArtifact(runId, 'dir/secret.txt'));
    await expectRefused(client.deleteArtifact(runId, 'dir'));
    await outsideIsUntouched();
  });

  it('a folder link deep below the artifact folder is refused too', async () => {
    await mkdir(join(artifacts, 'a', 'b'), { recursive: true });
    await symlink(outside, join(artifacts, 'a', 'b', 'c'));
    await expectRefused(client.logArtifact(runId, 'a/b/c/new.txt', 'x'));
    await expectRefused(client.downloadArtifact(runId, 'a/b/c/secret.txt'));
    await expectRefused(client.listArtifacts(runId, 'a/b/c'));
    await expectRefused(client.deleteArtifact(runId, 'a/b/c/secret.txt'));
    await outsideIsUntouched();
    // The real folders around it still work.
    await client.logArtifact(runId, 'a/b/ok.txt', 'ok');
    expect((await client.listArtifacts(runId, 'a/b')).map((f) => f.path)).toEqual(['a/b/ok.txt']);
  });

  it('a link to nowhere is refused, and nothing is created where it points', async () => {
    await symlink(join(outside, 'planted.txt'), join(artifacts, 'ghost.txt'));
    await symlink(join(outside, 'planted-dir'), join(artifacts, 'ghost-dir'));
    await expectRefused(client.logArtifact(runId, 'ghost.txt', 'x'));
    await expectRefused(client.logArtifact(runId, 'ghost-dir/x.txt', 'x'));
    await outsideIsUntouched();
  });

  it('an artifacts/ folder that is itself a link is refused for every operation', async () => {
    await rm(artifacts, { recursive: true });
    await symlink(outside, artifacts);
    await expectRefused(client.logArtifact(runId, 'new.txt', 'x'));
    await expectRefused(client.downloadArtifact(runId, 'secret.txt'));
    await expectRefused(client.listArtifacts(runId));
    await expectRefused(client.deleteArtifact(runId, 'secret.txt'));
    await outsideIsUntouched();
  });

  it('a run folder that is a link is readable, but its artifacts are refused', async () => {
    const runFolder = join(dir, 'mlruns', '0', runId);
    const moved = join(outside, 'run');
    await rename(runFolder, moved);
    await symlink(moved, runFolder);
    expect((await client.getRun(runId)).info.runId).toBe(runId);
    await expectRefused(client.logArtifact(runId, 'new.txt', 'x'));
    await expectRefused(client.listArtifacts(runId));
    expect(await readdir(join(moved, 'artifacts'))).toEqual([]);
  });

  it('links that stay inside the artifact folder keep working', async () => {
    await client.logArtifact(runId, 'real/file.txt', 'inside');
    await symlink(join(artifacts, 'real'), join(artifacts, 'alias'));
    await symlink(join(artifacts, 'real', 'file.txt'), join(artifacts, 'alias.txt'));
    expect(new TextDecoder().decode(await client.downloadArtifact(runId, 'alias/file.txt'))).toBe('inside');
    expect(new TextDecoder().decode(await client.downloadArtifact(runId, 'alias.txt'))).toBe('inside');
    expect((await client.listArtifacts(runId, 'alias')).map((f) => f.path)).toEqual(['alias/file.txt']);
  });
});
