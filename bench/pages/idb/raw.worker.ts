/**
 * The raw baselines, with no edgeflow code: chunked columnar `put`s in transactions of the same
 * size and durability as the store uses, and a chunk read + concat + transfer.
 */
import { CHUNK_POINTS } from '../../../src/storage/idb/schema.js';
import type { RawRequest, RawResponse } from './protocol.js';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error);
  });
}

const connections = new Map<string, Promise<IDBDatabase>>();

/** One cached connection per database, so that no baseline pays for opening (the store's is open too). */
function open(name: string, version?: number): Promise<IDBDatabase> {
  let db = connections.get(name);
  if (db === undefined) {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => req.result.createObjectStore('chunks', { keyPath: ['runId', 'key', 'chunk'] });
    db = request(req);
    connections.set(name, db);
  }
  return db;
}

async function write(message: Extract<RawRequest, { kind: 'write' }>): Promise<RawResponse> {
  const db = await open(message.db, 1);
  const start = performance.now();
  const { steps, timestamps, values, pointsPerTx } = message;
  let chunk = 0;
  for (let txStart = 0; txStart < values.length; txStart += pointsPerTx) {
    const tx = db.transaction('chunks', 'readwrite', { durability: 'relaxed' });
    const store = tx.objectStore('chunks');
    const txEnd = Math.min(txStart + pointsPerTx, values.length);
    for (let at = txStart; at < txEnd; at += CHUNK_POINTS) {
      const end = Math.min(at + CHUNK_POINTS, txEnd);
      store.put({ runId: 'r', key: 'loss', chunk: chunk++, steps: steps.slice(at, end), timestamps: timestamps.slice(at, end), values: values.slice(at, end) });
    }
    await done(tx);
  }
  const flush = db.transaction('chunks', 'readwrite', { durability: 'strict' });
  flush.objectStore('chunks').put({ runId: 'flush', key: 'flush', chunk: 0 });
  await done(flush);
  return { kind: 'written', ms: performance.now() - start };
}

async function read(message: Extract<RawRequest, { kind: 'read' }>): Promise<[RawResponse, Transferable[]]> {
  const db = await open(message.db);
  const chunks = await request(
    db.transaction('chunks').objectStore('chunks').getAll(IDBKeyRange.bound([message.runId, message.key, 0], [message.runId, message.key, Infinity])),
  ) as { steps: Float64Array; timestamps: Float64Array; values: Float64Array }[];
  let total = 0;
  for (const c of chunks) total += c.values.length;
  const steps = new Float64Array(total);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const c of chunks) {
    steps.set(c.steps, at);
    timestamps.set(c.timestamps, at);
    values.set(c.values, at);
    at += c.values.length;
  }
  return [{ kind: 'read', steps, timestamps, values }, [steps.buffer, timestamps.buffer, values.buffer]];
}

self.onmessage = async (event: MessageEvent<RawRequest>) => {
  const message = event.data;
  if (message.kind === 'open') {
    await open(message.db, 1);
    self.postMessage({ kind: 'written', ms: 0 });
  } else if (message.kind === 'write') self.postMessage(await write(message));
  else {
    const [response, transfers] = await read(message);
    self.postMessage(response, { transfer: transfers });
  }
};
