/**
 * Memory while logging into the IndexedDB store, in Chromium on an on-disk profile: the JS heap of
 * the page and of the store's worker while a training loop logs 1M points of 10 keys, against the
 * bytes of the columns (1M × (8 step + 8 timestamp + 8 value) = 24 MB). Prints JSON lines.
 *
 * Run: npx tsx bench/idb-heap.ts
 */
import type { Page } from 'playwright';
import { openIdbBenchPage } from './idb-page.js';
import { report } from './report.js';

/** Bytes of the columns of the heap bench's points: step, timestamp and value, 8 bytes each. */
const HEAP_POINTS = 1_000_000;
const HEAP_KEYS = 10;
const COLUMN_BYTES = HEAP_POINTS * 24;

/**
 * Samples the JS heap of the page and of its newest IndexedDB worker over CDP, each after a forced
 * garbage collection: the V8 heap plus ArrayBuffer contents (where metric columns live). The worker
 * is reached through the page's session (auto-attached, non-flat), so nothing is added to the
 * production worker.
 */
async function heapSampler(page: Page): Promise<() => Promise<{ page: number; worker: number }>> {
  const session = await page.context().newCDPSession(page);
  let workerSession: string | undefined;
  let nextId = 0;
  const answers = new Map<number, (result: Record<string, number>) => void>();
  session.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.url.includes('idb.worker')) workerSession = event.sessionId;
  });
  session.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as { id?: number; result?: Record<string, number> };
    if (message.id !== undefined) answers.get(message.id)?.(message.result ?? {});
  });
  const inWorker = (method: string): Promise<Record<string, number>> =>
    new Promise((resolve) => {
      const id = ++nextId;
      answers.set(id, resolve);
      void session.send('Target.sendMessageToTarget', { sessionId: workerSession!, message: JSON.stringify({ id, method, params: {} }) });
    });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const used = (usage: Record<string, number>): number => usage['usedSize']! + usage['backingStorageSize']!;
  return async () => {
    if (workerSession === undefined) throw new Error('the heap bench found no IndexedDB worker');
    await session.send('HeapProfiler.collectGarbage');
    await inWorker('HeapProfiler.collectGarbage');
    return { page: used(await session.send('Runtime.getHeapUsage')), worker: used(await inWorker('Runtime.getHeapUsage')) };
  };
}

/**
 * JS heap (page + worker) while a training loop logs {@link HEAP_POINTS} points of
 * {@link HEAP_KEYS} keys, 1,000 points per task: sampled after every 100,000 points (the queue as
 * the loop left it, batches in flight) and after the flush; the peak against the bytes of the columns.
 */
async function measureHeap(page: Page): Promise<void> {
  const sample = await heapSampler(page);
  await page.evaluate(() => window.bench.heapStart());
  const before = await sample();
  let peak = 0;
  let peakAt = { page: 0, worker: 0 };
  for (let logged = 0; logged < HEAP_POINTS; logged += 100_000) {
    await page.evaluate(({ keys }) => window.bench.heapLog(100_000, keys, 1000), { keys: HEAP_KEYS });
    const now = await sample();
    if (now.page + now.worker > peak) [peak, peakAt] = [now.page + now.worker, now];
  }
  await page.evaluate(() => window.bench.heapFlush());
  const flushed = await sample();
  await page.evaluate(() => window.bench.heapClose());
  report('idb.heap.logging_1M_10_keys.before', before.page + before.worker, 'bytes');
  report('idb.heap.logging_1M_10_keys.peak.page', peakAt.page, 'bytes');
  report('idb.heap.logging_1M_10_keys.peak.worker', peakAt.worker, 'bytes');
  report('idb.heap.logging_1M_10_keys.after_flush', flushed.page + flushed.worker, 'bytes');
  report('idb.heap.logging_1M_10_keys.column_bytes', COLUMN_BYTES, 'bytes');
  report('idb.heap.logging_1M_10_keys.peak.ratio_to_columns', peak / COLUMN_BYTES, 'x');
}

const bench = await openIdbBenchPage();
try {
  await measureHeap(bench.page);
} finally {
  await bench.close();
}
