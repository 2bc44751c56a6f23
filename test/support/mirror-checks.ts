/**
 * Checks for live-mirror tests: the server holds exactly the local runs — one copy each, found
 * through the mirror's journal mapping — with the same params, tags, metric histories (step,
 * timestamp, value, order), artifacts, dataset inputs, status and end time.
 */
import { expect } from 'vitest';
import type { Run } from '../../src/core/entities.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import { SystemTag } from '../../src/core/system-tags.js';
import type { MirrorJournal, MirrorStatus } from '../../src/storage/mirror/contract.js';
import type { Mirror } from '../../src/storage/mirror/mirror.js';
import { ORIGIN_RUN_ID_TAG } from '../../src/storage/sync/run-pusher.js';

/** Every active run of every active experiment of a store. */
export async function allRuns(store: Store): Promise<Run[]> {
  const runs: Run[] = [];
  for (const experiment of (await store.searchExperiments({ maxResults: 1000 })).items) {
    runs.push(...(await store.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 1000 })).items);
  }
  return runs;
}

/** The server's id of a local run, from the mirror's journal. */
export async function targetIdOf(journal: MirrorJournal, localRunId: string): Promise<string | undefined> {
  const record = (await journal.get(`map/${localRunId}`)) as { targetRunId?: string } | undefined;
  return record?.targetRunId;
}

async function files(store: Store, runId: string, path = ''): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const entry of await store.listArtifacts(runId as RunId, path)) {
    if (entry.isDir) Object.assign(out, await files(store, runId, entry.path));
    else out[entry.path] = [...(await store.getArtifact(runId as RunId, entry.path))];
  }
  return out;
}

function inputsOf(run: Run): string[] {
  return (run.inputs?.datasetInputs ?? []).map((i) => JSON.stringify([i.dataset, [...i.tags].sort((a, b) => (a.key < b.key ? -1 : 1))])).sort();
}

/**
 * Asserts that `server` holds exactly the active runs of `local`, each once, with identical data.
 * @returns the number of metric points compared
 */
export async function expectMirrored(local: Store, server: Store, journal: MirrorJournal): Promise<number> {
  const localRuns = await allRuns(local);
  const serverRuns = await allRuns(server);
  expect(serverRuns.length, 'runs on the server').toBe(localRuns.length);
  let points = 0;
  for (const x of localRuns) {
    const targetId = await targetIdOf(journal, x.info.runId);
    expect(targetId, `mapping of ${x.info.runName}`).toBeDefined();
    const y = await server.getRun(targetId as RunId);
    const name = x.info.runName;
    expect(y.data.tags[ORIGIN_RUN_ID_TAG], `${name} origin`).toBe(x.info.runId);
    const info = (run: Run) => ({ runName: run.info.runName, status: run.info.status, startTime: run.info.startTime, endTime: run.info.endTime, userId: run.info.userId });
    expect(info(y), `${name} info`).toEqual(info(x));
    expect({ ...y.data.params }, `${name} params`).toEqual({ ...x.data.params });
    const expectedTags: Record<string, string> = { ...x.data.tags, [ORIGIN_RUN_ID_TAG]: x.info.runId };
    const parent = x.data.tags[SystemTag.PARENT_RUN_ID];
    if (parent !== undefined) expectedTags[SystemTag.PARENT_RUN_ID] = (await targetIdOf(journal, parent))!;
    expect({ ...y.data.tags }, `${name} tags`).toEqual(expectedTags);
    expect(Object.keys(y.data.metrics).sort(), `${name} metric keys`).toEqual(Object.keys(x.data.metrics).sort());
    for (const key of Object.keys(x.data.metrics)) {
      const hx = await local.getMetricHistory(x.info.runId, key);
      const hy = await server.getMetricHistory(y.info.runId, key);
      expect(Array.from(hy.steps), `${name}/${key} steps`).toEqual(Array.from(hx.steps));
      expect(Array.from(hy.timestamps), `${name}/${key} timestamps`).toEqual(Array.from(hx.timestamps));
      expect(Array.from(hy.values), `${name}/${key} values`).toEqual(Array.from(hx.values));
      points += hx.values.length;
    }
    expect(await files(server, y.info.runId), `${name} artifacts`).toEqual(await files(local, x.info.runId));
    expect(inputsOf(y), `${name} inputs`).toEqual(inputsOf(x));
  }
  return points;
}

/** The states a mirror goes through from now on, each change once (a live array). */
export function states(mirror: Mirror): MirrorStatus['state'][] {
  const seen: MirrorStatus['state'][] = [mirror.status.state];
  mirror.addEventListener('status', (event) => {
    const { state } = (event as CustomEvent<MirrorStatus>).detail;
    if (seen.at(-1) !== state) seen.push(state);
  });
  return seen;
}

/** The mirror's status once it is in `state` (now, or at its next status event in that state). */
export function until(mirror: Mirror, state: MirrorStatus['state']): Promise<MirrorStatus> {
  return new Promise((resolve) => {
    if (mirror.status.state === state) {
      resolve(mirror.status);
      return;
    }
    const listener = (event: Event): void => {
      const status = (event as CustomEvent<MirrorStatus>).detail;
      if (status.state !== state) return;
      mirror.removeEventListener('status', listener);
      resolve(status);
    };
    mirror.addEventListener('status', listener);
  });
}

/** The next event of a kind from a mirror. */
export function next(mirror: Mirror, event: 'sent' | 'error' | 'status'): Promise<Event> {
  return new Promise((resolve) => mirror.addEventListener(event, resolve, { once: true }));
}
