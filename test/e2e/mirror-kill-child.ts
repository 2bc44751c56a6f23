/**
 * The child process of `mirror-kill.test.ts`: logs the mirror workload to a file store and mirrors
 * it to the loopback server through `fileMirrorJournal`, until killed or done.
 *
 * `node --import tsx mirror-kill-child.ts <mlruns> <journal> <baseUrl> <log|finish> <steps> <keys>`
 * Each start also registers a new version of the model `kill-model` from `kill-a`.
 * - `log`: continues both runs (each key from where its local history ends) up to `steps` steps of
 *   `keys` keys, printing `step <n>` after each chunk, then stays alive (the mirror sends) until killed.
 * - `finish`: continues up to `steps`, ends both runs, waits for `mirror.flush()`, prints `done`.
 */
import { TrackingClient } from '../../src/core/client.js';
import { FileStore } from '../../src/node/file-store.js';
import { fileMirrorJournal } from '../../src/node/file-mirror-journal.js';
import { mirrorTo } from '../../src/storage/mirror/mirror.js';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import { workloadAnnotate, workloadLog, workloadRegister, workloadRun, workloadValue } from '../support/mirror-workload.js';

/** The runs the child logs, in the experiment `kill`. */
const KILL_RUNS = ['kill-a', 'kill-b'] as const;
const CHUNK = 10;
const NOTE_EVERY = 100;

async function main(): Promise<void> {
  const [root, journalPath, baseUrl, mode, stepsText, keysText] = process.argv.slice(2) as [string, string, string, 'log' | 'finish', string, string];
  const steps = Number(stepsText);
  const keys = Number(keysText);
  const store = await FileStore.open(root);
  const client = new TrackingClient(store, { userId: 'kill-child' });
  const mirror = mirrorTo(store, new RestStore({ baseUrl, retries: 1, backoffMs: 20, maxBackoffMs: 200 }), {
    id: 'kill',
    journal: fileMirrorJournal(journalPath),
    backoff: { initialMs: 50, maxMs: 500 },
  });
  const runIds: string[] = [];
  const next: number[] = [];
  for (const name of KILL_RUNS) {
    const runId = await workloadRun(client, 'kill', name);
    runIds.push(runId);
    next.push(await evenUp(client, runId, keys));
  }
  // Each start registers one more version of a model, from the first run.
  await workloadRegister(client, runIds[0]!, 'kill-model');
  for (let done = false; !done; ) {
    done = true;
    for (const [i, runId] of runIds.entries()) {
      const from = next[i]!;
      if (from >= steps) continue;
      const to = Math.min(steps, from + CHUNK);
      await workloadLog(client, runId, from, to, keys);
      if (Math.floor(to / NOTE_EVERY) > Math.floor(from / NOTE_EVERY)) await workloadAnnotate(client, runId, `at-${to}`);
      next[i] = to;
      done = false;
    }
    process.stdout.write(`step ${Math.min(...next)}\n`);
  }
  if (mode === 'log') {
    setInterval(() => undefined, 60_000); // stays alive until killed
    return;
  }
  for (const runId of runIds) await client.setTerminated(runId, 'FINISHED');
  await client.flush();
  await mirror.flush({ timeoutMs: 60_000 });
  await mirror.stop();
  await store.close();
  process.stdout.write('done\n');
}

/**
 * Logs the steps some keys of `runId` miss (a kill may land between two keys' writes) and returns
 * how many steps every key now has.
 */
async function evenUp(client: TrackingClient, runId: string, keys: number): Promise<number> {
  const lengths: number[] = [];
  for (let k = 0; k < keys; k++) lengths.push((await client.getMetricHistory(runId, `m${k}`).catch(() => undefined))?.values.length ?? 0);
  const top = Math.max(...lengths);
  for (const [k, length] of lengths.entries()) {
    for (let step = length; step < top; step++) client.logMetric(runId, `m${k}`, workloadValue(k, step), { step });
  }
  await client.flush();
  return top;
}

await main();
