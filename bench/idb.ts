/**
 * IndexedDB store benchmark, in Chromium on an on-disk profile: edgeflow's worker store against
 * raw IndexedDB baselines measured in the same run. Prints one JSON line per figure:
 * {"name","value","unit"}.
 *
 * Run: npx tsx bench/idb.ts
 */
import { openIdbBenchPage } from './idb-page.js';
import { median, report } from './report.js';

const POINTS = 1_000_000;
const REPS = 5;
const SEARCH_RUNS = 10_000;


const bench = await openIdbBenchPage();
try {
  const { page } = bench;

  // BENCH_ONLY=logging (or search) runs that part only.
  const only = process.env['BENCH_ONLY'];
  // End-to-end logging vs raw chunked puts, alternated, medians of REPS.
  const edgeflowMs: number[] = [];
  const loopMs: number[] = [];
  const rawMs: number[] = [];
  const storeMs: number[] = [];
  const steppedMs: number[] = [];
  let longestTaskMs = 0;
  let longTasks = 0;
  let history: { db: string; runId: string } | undefined;
  for (let i = 0; i < (only === 'search' ? 1 : REPS); i++) {
    const logged = await page.evaluate((n) => window.bench.logging(n), POINTS);
    edgeflowMs.push(logged.totalMs);
    loopMs.push(logged.loopMs);
    history ??= logged;
    rawMs.push((await page.evaluate((n) => window.bench.rawWrite(n), POINTS)).totalMs);
    storeMs.push((await page.evaluate((n) => window.bench.storeBatches(n), POINTS)).totalMs);
    const stepped = await page.evaluate((n) => window.bench.loggingInSteps(n, 1000), POINTS);
    steppedMs.push(stepped.totalMs);
    longestTaskMs = Math.max(longestTaskMs, stepped.longestTaskMs);
    longTasks += stepped.longTasks;
  }
  const edgeflowRate = POINTS / (median(edgeflowMs) / 1000);
  const rawRate = POINTS / (median(rawMs) / 1000);
  const steppedRate = POINTS / (median(steppedMs) / 1000);
  const storeRate = POINTS / (median(storeMs) / 1000);
  report('idb.logging.raw_chunked_put', rawRate, 'points/s');
  // One synchronous loop of 1M logMetric calls, then flush(): the loop holds the main thread, so
  // shipping starts only when it ends (no overlap with the worker's writes).
  report('idb.logging.end_to_end_tight_loop', edgeflowRate, 'points/s');
  report('idb.logging.end_to_end_tight_loop.ratio_to_raw', edgeflowRate / rawRate, 'x');
  // A training loop: 1000 points per task, then yield; shipping overlaps with logging.
  report('idb.logging.end_to_end_stepped', steppedRate, 'points/s');
  report('idb.logging.end_to_end_stepped.ratio_to_raw', steppedRate / rawRate, 'x');
  // The store alone: 100k-point columns through RemoteStore → worker → IndexedDB, then flush().
  report('idb.logging.store_logBatch', storeRate, 'points/s');
  report('idb.logging.store_logBatch.ratio_to_raw', storeRate / rawRate, 'x');
  report('idb.logging.main_thread_per_call', (median(loopMs) * 1000) / POINTS, 'µs');
  report('idb.logging.longest_main_thread_task', longestTaskMs, 'ms');
  report('idb.logging.long_tasks_over_50ms', longTasks, 'count');

  const read = await page.evaluate(({ db, runId, reps }) => window.bench.readHistory(db, runId, reps), { ...history!, reps: REPS + 1 });
  const storeRead = median(read.storeMs.slice(1));
  const rawRead = median(read.rawMs.slice(1));
  report('idb.history_1M.store', storeRead, 'ms');
  report('idb.history_1M.raw_read_transfer', rawRead, 'ms');
  report('idb.history_1M.ratio_to_raw', storeRead / rawRead, 'x');

  if (only !== 'logging') {
    // Creating 10,000 runs × (20 params, 20 one-point metrics, 10 tags) through the worker store,
    // against raw puts of one plain record per run (400 per transaction) in a worker.
    // Also in CPU time of the browser's processes, which varies less with the machine's load.
    const cpuBefore = bench.cpuMs();
    const seeded = await page.evaluate((n) => window.bench.seedRuns(n), SEARCH_RUNS);
    const cpuSeeded = bench.cpuMs();
    const rawSeeded = await page.evaluate((n) => window.bench.rawSeedRuns(n), SEARCH_RUNS);
    const cpuRaw = bench.cpuMs() - cpuSeeded;
    report('idb.search.seed_10k_runs', seeded.ms, 'ms');
    report('idb.search.seed_10k_runs.raw_run_records', rawSeeded.ms, 'ms');
    report('idb.search.seed_10k_runs.ratio_to_raw', seeded.ms / rawSeeded.ms, 'x');
    report('idb.search.seed_10k_runs.cpu', cpuSeeded - cpuBefore, 'ms');
    report('idb.search.seed_10k_runs.raw_run_records.cpu', cpuRaw, 'ms');
    report('idb.search.seed_10k_runs.cpu_ratio_to_raw', (cpuSeeded - cpuBefore) / cpuRaw, 'x');
    const search = await page.evaluate(({ db, experimentId, reps }) => window.bench.search(db, experimentId, reps, 1000), { ...seeded, reps: REPS + 1 });
    // The cold baseline: a fresh connection reads every raw run record and filters and sorts by hand.
    const rawSearch = await page.evaluate((db) => window.bench.rawSearch(db), rawSeeded.db);
    if (rawSearch.found !== search.found) throw new Error(`raw search found ${rawSearch.found} runs, the store ${search.found}`);
    report('idb.search.10k_runs_3_clauses.cold', search.ms[0]!, 'ms');
    report('idb.search.10k_runs_3_clauses.cold.raw_getAll_filter_sort', rawSearch.ms, 'ms');
    report('idb.search.10k_runs_3_clauses.cold.ratio_to_raw', search.ms[0]! / rawSearch.ms, 'x');
    report('idb.search.10k_runs_3_clauses.warm', median(search.ms.slice(1)), 'ms');
    report('idb.search.10k_runs_3_clauses.results', search.found, 'runs');
    const small = await page.evaluate(({ db, experimentId, reps }) => window.bench.search(db, experimentId, reps, 100), { ...seeded, reps: REPS + 1 });
    report('idb.search.10k_runs_3_clauses.warm_page_of_100', median(small.ms.slice(1)), 'ms');
  }
} finally {
  await bench.close();
}
