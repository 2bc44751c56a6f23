/** Queued write errors belong to their run, in Chromium: memory and IndexedDB through the worker. */
import { afterAll } from 'vitest';
import { deleteDB } from 'idb';
import { openIdbStore } from '../../src/storage/idb/open-idb-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { describeRunScopedErrors } from '../support/run-scoped-errors.js';

const names: string[] = [];
afterAll(async () => {
  for (const name of names) await deleteDB(name).catch(() => undefined);
});

describeRunScopedErrors('MemoryStore in a page', async () => new MemoryStore());
describeRunScopedErrors('IndexedDB through the worker', async () => {
  const name = `edgeflow-run-errors-${Date.now().toString(36)}-${names.length}`;
  names.push(name);
  return openIdbStore({ name });
});
