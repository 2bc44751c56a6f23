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
    req.onupgradeneeded = () => {
      req.result.createObjectStore('chunks', { keyPath: ['runId', 'key', 'chunk'] });
      req.result.createObjectStore('runs', { keyPath: 'runId' });
      req.result.createObjectStore('artifacts', { keyPath: ['runId', 'path'] });
    };
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

const T0 = 1_700_000_000_000;

/** A run as the bench's seedRuns logs it, as one plain record (what a search needs, nothing else). */
interface RawRun {
  runId: string;
  runName: string;
  startTime: number;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

function rawRun(r: number): RawRun {
  const models = ['cnn', 'rnn', 'mlp', 'vit'];
  const params: Record<string, string> = {};
  const metrics: Record<string, number> = {};
  const tags: Record<string, string> = {};
  for (let p = 0; p < 20; p++) params[`p${p}`] = p === 0 ? models[r % 4]! : String((r * (p + 1)) % 97);
  for (let m = 0; m < 20; m++) metrics[`m${m}`] = ((r * 7919 + m * 104729) % 1000) / 1000;
  for (let t = 0; t < 10; t++) tags[`t${t}`] = t === 0 ? (r % 7 === 0 ? 'x' : 'y') : `tag-${r % 13}`;
  tags['mlflow.runName'] = `run-${r}`;
  return { runId: `run${String(r).padStart(28, '0')}`, runName: `run-${r}`, startTime: T0 + r, params, metrics, tags };
}

async function seedRuns(message: Extract<RawRequest, { kind: 'seedRuns' }>): Promise<RawResponse> {
  const db = await open(message.db, 1);
  const start = performance.now();
  for (let at = 0; at < message.runs; at += 400) {
    const tx = db.transaction('runs', 'readwrite', { durability: 'relaxed' });
    for (let r = at; r < Math.min(at + 400, message.runs); r++) tx.objectStore('runs').put(rawRun(r));
    await done(tx);
  }
  const flush = db.transaction('chunks', 'readwrite', { durability: 'strict' });
  flush.objectStore('chunks').put({ runId: 'flush', key: 'flush', chunk: 0 });
  await done(flush);
  return { kind: 'written', ms: performance.now() - start };
}

/** Bundle runs imported by hand: a run record, 4096-point chunks and Blob files; 100 runs per relaxed transaction, then a strict flush. */
async function importRuns(message: Extract<RawRequest, { kind: 'importRuns' }>): Promise<RawResponse> {
  const db = await open(message.db, 1);
  const start = performance.now();
  for (let at = 0; at < message.runs.length; at += 100) {
    const tx = db.transaction(['runs', 'chunks', 'artifacts'], 'readwrite', { durability: 'relaxed' });
    for (const run of message.runs.slice(at, at + 100)) {
      tx.objectStore('runs').put({ runId: run.runId, params: run.params, tags: run.tags, metrics: run.metrics.map((m) => m.key) });
      for (const { key, steps, timestamps, values } of run.metrics) {
        for (let from = 0, chunk = 0; from < values.length; from += CHUNK_POINTS, chunk++) {
          const end = Math.min(from + CHUNK_POINTS, values.length);
          tx.objectStore('chunks').put({ runId: run.runId, key, chunk, steps: steps.slice(from, end), timestamps: timestamps.slice(from, end), values: values.slice(from, end) });
        }
      }
      for (const { path, bytes } of run.artifacts) {
        tx.objectStore('artifacts').put({ runId: run.runId, path, size: bytes.length, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
      }
    }
    await done(tx);
  }
  const flush = db.transaction('chunks', 'readwrite', { durability: 'strict' });
  flush.objectStore('chunks').put({ runId: 'flush', key: 'flush', chunk: 0 });
  await done(flush);
  return { kind: 'written', ms: performance.now() - start };
}

/** A cold search by hand: a new connection, every run record, the bench's filter and order. */
async function searchRuns(message: Extract<RawRequest, { kind: 'searchRuns' }>): Promise<RawResponse> {
  const db = await request(indexedDB.open(message.db));
  const start = performance.now();
  const runs = (await request(db.transaction('runs').objectStore('runs').getAll())) as RawRun[];
  const hits = runs.filter((run) => run.metrics['m0']! > 0.5 && run.params['p0'] === 'cnn' && run.tags['t0'] !== 'x');
  hits.sort((a, b) => b.metrics['m1']! - a.metrics['m1']! || a.startTime - b.startTime);
  const found = hits.slice(0, 1000).length;
  db.close();
  return { kind: 'searched', ms: performance.now() - start, found };
}

self.onmessage = async (event: MessageEvent<RawRequest>) => {
  const message = event.data;
  if (message.kind === 'open') {
    await open(message.db, 1);
    self.postMessage({ kind: 'written', ms: 0 });
  } else if (message.kind === 'write') self.postMessage(await write(message));
  else if (message.kind === 'seedRuns') self.postMessage(await seedRuns(message));
  else if (message.kind === 'searchRuns') self.postMessage(await searchRuns(message));
  else if (message.kind === 'importRuns') self.postMessage(await importRuns(message));
  else {
    const [response, transfers] = await read(message);
    self.postMessage(response, { transfer: transfers });
  }
};
