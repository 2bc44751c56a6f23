/**
 * Shared pieces of the file-store tests: temp folders removed after the test file, a fresh file
 * store in one, and the `EdgeflowError` an operation rejects with.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { EdgeflowError } from '../../src/core/errors.js';
import { FileStore } from '../../src/node/file-store.js';

/** A maker of fresh temp folders named `<prefix>…`; call it at the top of a test file (it registers the cleanup). */
export function tempFolders(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** A new file store at `<dir>/mlruns` in a fresh folder of `tempFolder`, with a client over it. */
export async function freshFileStore(tempFolder: () => Promise<string>): Promise<{ dir: string; root: string; store: FileStore; client: TrackingClient }> {
  const dir = await tempFolder();
  const root = join(dir, 'mlruns');
  const store = await FileStore.open(root);
  return { dir, root, store, client: new TrackingClient(store) };
}

/** The `EdgeflowError` `operation` rejects with (fails the test when it resolves or throws something else). */
export async function errorOf(operation: Promise<unknown>): Promise<EdgeflowError> {
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgeflowError);
  return error as EdgeflowError;
}
