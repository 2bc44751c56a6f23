/**
 * `file:` URIs through `openStore` and the module-level API. The storage layer does not know the
 * scheme: the Node entry (`edgeflow/node`) registers it, and the root entry as Node resolves it
 * (`src/index.node.ts`) loads the Node entry.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStore } from '../../src/node/file-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh `file:./…/mlruns` URI relative to the working directory, and its folder. */
async function mlrunsUri(): Promise<{ uri: string; folder: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-scheme-'));
  dirs.push(dir);
  const folder = join(dir, 'mlruns');
  return { uri: `file:./${relative(process.cwd(), folder)}`, folder };
}

describe('file: store URIs', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('are unknown to the storage layer alone, and opened once edgeflow/node is imported', async () => {
    const { openStore } = await import('../../src/storage/open-store.js');
    const { uri } = await mlrunsUri();
    await expect(openStore(uri)).rejects.toThrow(/"file:" scheme is registered by importing "edgeflow\/node"/u);
    await import('../../src/node/index.js');
    const store = await openStore(uri);
    expect(store.constructor.name).toBe(FileStore.name);
    await store.close();
  });

  it('MLFLOW_TRACKING_URI=file:./mlruns logs into an mlruns folder through the root entry in Node', async () => {
    const edgeflow = await import('../../src/index.node.js');
    const { uri, folder } = await mlrunsUri();
    edgeflow.setTrackingUri(uri);
    const experiment = await edgeflow.setExperiment('from-env');
    const run = await edgeflow.startRun({ runName: 'fluent' });
    edgeflow.logMetric('loss', 0.5);
    edgeflow.logParam('lr', 0.1);
    await edgeflow.endRun();
    expect(await readdir(join(folder, experiment.experimentId))).toContain(run.runId);
    const reopened = await FileStore.open(folder);
    const stored = await reopened.getRun(run.runId as never);
    expect([stored.info.status, stored.data.metrics['loss'], stored.data.params['lr']]).toEqual(['FINISHED', 0.5, '0.1']);
    await reopened.close();
  });
});

describe('package entry points', () => {
  it('resolve the root entry to the one that registers file: in Node, and to the plain one elsewhere', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(pkg.exports['.']).toMatchObject({ node: './dist/index.node.js', default: './dist/index.js' });
    expect(Object.keys(pkg.exports['.']!)).toEqual(['types', 'node', 'default']);
  });
});
