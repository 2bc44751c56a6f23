/**
 * The Node file store keeps a run's artifacts where its `artifact_uri` says, as MLflow does
 * (`<experiment artifact_location>/<run_id>/artifacts`): another local folder (a `file:` URI or an
 * absolute path) is written and read there; a location it cannot reach (`s3:`, `http:`,
 * `mlflow-artifacts:`, a `file:` URI of another host) is refused at the artifact operation; an
 * `mlruns/` tree moved or copied here keeps its artifacts in its own run folders.
 */
import { cp, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { FileStore } from '../../src/node/file-store.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { errorOf, freshFileStore, tempFolders } from '../support/temp-folders.js';

const tempFolder = tempFolders('edgeflow-location-');

let dir: string;
let root: string;
let store: FileStore;
let client: TrackingClient;

beforeEach(async () => {
  ({ dir, root, store, client } = await freshFileStore(tempFolder));
});

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('an experiment with its own local artifact location', () => {
  it.each([
    ['a file: URI', (folder: string) => pathToFileURL(folder).href],
    ['a plain absolute path', (folder: string) => folder],
  ])('%s: artifacts are written, listed, read and deleted there', async (_kind, location) => {
    const elsewhere = join(dir, 'elsewhere');
    const experimentId = await client.createExperiment('ext', { artifactLocation: location(elsewhere) });
    const run = await client.createRun(experimentId);
    const runId = run.info.runId;
    expect(run.info.artifactUri).toBe(`${location(elsewhere)}/${runId}/artifacts`);
    await client.logArtifact(runId, 'model/MLmodel', 'flavors: {}\n');
    await client.logArtifact(runId, 'notes.txt', 'hello');
    const folder = join(elsewhere, runId, 'artifacts');
    expect(await readFile(join(folder, 'model', 'MLmodel'), 'utf8')).toBe('flavors: {}\n');
    expect(await readdir(join(root, experimentId, runId, 'artifacts'))).toEqual([]);
    expect((await client.listArtifacts(runId)).map((f) => f.path)).toEqual(['model', 'notes.txt']);
    expect(text(await client.downloadArtifact(runId, 'notes.txt'))).toBe('hello');
    await client.deleteArtifact(runId, 'model');
    expect(await readdir(folder)).toEqual(['notes.txt']);
  });

  it('an existing tree whose meta.yaml names another folder is read there', async () => {
    const runId = (await client.createRun('0')).info.runId;
    const elsewhere = join(dir, 'written-by-mlflow', runId, 'artifacts');
    await mkdir(join(elsewhere, 'sub'), { recursive: true });
    await writeFile(join(elsewhere, 'sub', 'data.csv'), 'a,b\n1,2\n');
    const metaFile = join(root, '0', runId, 'meta.yaml');
    const meta = await readFile(metaFile, 'utf8');
    await writeFile(metaFile, meta.replace(/^artifact_uri: .*$/mu, `artifact_uri: ${pathToFileURL(elsewhere).href}`));
    const reader = new TrackingClient(await FileStore.open(root));
    expect((await reader.listArtifacts(runId, 'sub')).map((f) => f.path)).toEqual(['sub/data.csv']);
    expect(text(await reader.downloadArtifact(runId, 'sub/data.csv'))).toBe('a,b\n1,2\n');
  });

  it('symbolic links are not followed out of that folder', async () => {
    const elsewhere = join(dir, 'elsewhere');
    const experimentId = await client.createExperiment('ext', { artifactLocation: pathToFileURL(elsewhere).href });
    const runId = (await client.createRun(experimentId)).info.runId;
    await client.logArtifact(runId, 'ok.txt', 'ok');
    await mkdir(join(dir, 'secret'));
    await symlink(join(dir, 'secret'), join(elsewhere, runId, 'artifacts', 'link'));
    const error = await errorOf(client.logArtifact(runId, 'link/planted.txt', 'x'));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(await readdir(join(dir, 'secret'))).toEqual([]);
  });
});

describe('locations the file store cannot reach', () => {
  it.each(['s3://bucket/path', 'mlflow-artifacts:/5', 'https://example.com/artifacts', 'file://fileserver/share/x'])(
    '%s is refused at the artifact operation, naming the scheme, and nothing is written',
    async (location) => {
      const experimentId = await client.createExperiment('remote', { artifactLocation: location });
      const runId = (await client.createRun(experimentId)).info.runId;
      const scheme = location.slice(0, location.indexOf(':') + 1);
      // One at a time: each is awaited as it starts, so no refusal waits unobserved.
      for (const operation of [() => client.logArtifact(runId, 'a.txt', 'x'), () => client.listArtifacts(runId), () => client.downloadArtifact(runId, 'a.txt'), () => client.deleteArtifact(runId, 'a.txt')]) {
        const error = await errorOf(operation());
        expect(error.code).toBe('NOT_IMPLEMENTED');
        expect(error.message).toContain(`not '${scheme}'`);
      }
      expect(await readdir(join(root, experimentId, runId, 'artifacts'))).toEqual([]);
      // The run itself is fine.
      await client.logBatch(runId, { params: [{ key: 'p', value: '1' }] });
      expect((await client.getRun(runId)).data.params['p']).toBe('1');
    },
  );
});

describe('mlruns/ trees moved or copied here keep their artifacts in their run folders', () => {
  it('a tree whose meta.yaml files name a root that is not on this machine (moved here)', async () => {
    const experimentId = await client.createExperiment('moved');
    const runId = (await client.createRun(experimentId)).info.runId;
    const gone = `/no-such-root-${Date.now()}/mlruns`;
    for (const [file, field, value] of [
      [join(root, experimentId, 'meta.yaml'), 'artifact_location', `file://${gone}/${experimentId}`],
      [join(root, experimentId, runId, 'meta.yaml'), 'artifact_uri', `file://${gone}/${experimentId}/${runId}/artifacts`],
    ] as const) {
      await writeFile(file, (await readFile(file, 'utf8')).replace(new RegExp(`^${field}: .*$`, 'mu'), `${field}: ${value}`));
    }
    const moved = new TrackingClient(await FileStore.open(root));
    expect((await moved.getRun(runId)).info.artifactUri).toContain(gone);
    await moved.logArtifact(runId, 'a.txt', 'here');
    expect(await readFile(join(root, experimentId, runId, 'artifacts', 'a.txt'), 'utf8')).toBe('here');
    expect(text(await moved.downloadArtifact(runId, 'a.txt'))).toBe('here');
  });

  it('a copy of a tree that is still there: each copy uses its own run folders', async () => {
    const runId = (await client.createRun('0')).info.runId;
    await client.logArtifact(runId, 'a.txt', 'original');
    const copy = join(dir, 'copy');
    await cp(root, copy, { recursive: true });
    const copyClient = new TrackingClient(await FileStore.open(copy));
    await copyClient.logArtifact(runId, 'a.txt', 'changed in the copy');
    expect(text(await copyClient.downloadArtifact(runId, 'a.txt'))).toBe('changed in the copy');
    expect(text(await client.downloadArtifact(runId, 'a.txt'))).toBe('original');
  });

  it('URIs made from the artifactRoot option stay in the run folders', async () => {
    const other = await FileStore.open(join(dir, 'served'), { artifactRoot: 'mlflow-artifacts:' });
    const otherClient = new TrackingClient(other);
    const experimentId = await otherClient.createExperiment('served');
    const run = await otherClient.createRun(experimentId);
    expect(run.info.artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${run.info.runId}/artifacts`);
    await otherClient.logArtifact(run.info.runId, 'a.txt', 'kept');
    expect(await readFile(join(dir, 'served', experimentId, run.info.runId, 'artifacts', 'a.txt'), 'utf8')).toBe('kept');
  });
});

describe('imports never direct writes outside the store', () => {
  it('a bundle whose experiment and run name another local folder is imported into the run folders', async () => {
    const victim = join(dir, 'victim');
    await mkdir(victim);
    const source = new MemoryStore();
    const sourceClient = new TrackingClient(source);
    const experimentId = await sourceClient.createExperiment('hostile', { artifactLocation: pathToFileURL(victim).href });
    const runId = (await sourceClient.createRun(experimentId)).info.runId;
    await sourceClient.logArtifact(runId, 'planted.txt', 'x');
    const bundle = await exportBundle(source, { artifactRoot: null, output: 'bytes' });
    await importBundle(store, bundle);
    expect(await readdir(victim)).toEqual([]);
    expect(await readFile(join(root, experimentId, runId, 'artifacts', 'planted.txt'), 'utf8')).toBe('x');
    expect((await client.getExperiment(experimentId)).artifactLocation).toBe(`${pathToFileURL(root).href}/${experimentId}`);
    expect(text(await client.downloadArtifact(runId, 'planted.txt'))).toBe('x');
  });
});
