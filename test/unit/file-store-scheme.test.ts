/**
 * `file:` URIs through `openStore` and the module-level API, registered exactly as the proposed
 * `open-store.ts` entry does it (a non-literal dynamic import, so browser bundles leave it out).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as edgeflow from '../../src/index.js';
import { openStore, registerStoreScheme } from '../../src/storage/open-store.js';
import { FileStore } from '../../src/node/file-store.js';
import type { openFileStoreUri } from '../../src/node/index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('file: store URIs', () => {
  it('MLFLOW_TRACKING_URI=file:./mlruns logs into an mlruns folder', async () => {
    const specifier = '../../src/node/index.js';
    registerStoreScheme('file', async (uri) => ((await import(/* @vite-ignore */ specifier)) as { openFileStoreUri: typeof openFileStoreUri }).openFileStoreUri(uri));
    const dir = await mkdtemp(join(tmpdir(), 'edgeflow-scheme-'));
    dirs.push(dir);
    const uri = `file:./${relative(process.cwd(), join(dir, 'mlruns'))}`;
    expect(await openStore(uri)).toBeInstanceOf(FileStore);
    edgeflow.setTrackingUri(uri);
    const experiment = await edgeflow.setExperiment('from-env');
    const run = await edgeflow.startRun({ runName: 'fluent' });
    edgeflow.logMetric('loss', 0.5);
    edgeflow.logParam('lr', 0.1);
    await edgeflow.endRun();
    expect(await readdir(join(dir, 'mlruns', experiment.experimentId))).toContain(run.runId);
    const reopened = await FileStore.open(join(dir, 'mlruns'));
    const stored = await reopened.getRun(run.runId as never);
    expect([stored.info.status, stored.data.metrics['loss'], stored.data.params['lr']]).toEqual(['FINISHED', 0.5, '0.1']);
  });
});
