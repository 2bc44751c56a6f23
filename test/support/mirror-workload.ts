/**
 * The training-like workload of the mirror's scenario tests, written once for the page (IndexedDB)
 * and the Node child process (file store): runs found or created by name with params and tags,
 * points of several keys per step (one NaN, one +Infinity per key), tags and text artifacts.
 * Values depend on the step only, so a run continued after a reload or a restart is the same run.
 */
import type { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';

/** Steps whose value is not finite (each key once NaN, once +Infinity). */
const NAN_STEP = 7;
const INFINITE_STEP = 8;

/** The value of key `k` at `step`. */
export function workloadValue(k: number, step: number): number {
  if (step === NAN_STEP) return Number.NaN;
  if (step === INFINITE_STEP) return Number.POSITIVE_INFINITY;
  return Math.round((1 / (step + 1 + k)) * 1e6) / 1e6 + k;
}

/** The id of run `name` of experiment `experiment`, created with params and tags when missing. */
export async function workloadRun(client: TrackingClient, experiment: string, name: string): Promise<string> {
  let experimentId = (await client.getExperimentByName(experiment))?.experimentId;
  if (experimentId === undefined) {
    try {
      experimentId = await client.createExperiment(experiment, { tags: { purpose: 'mirror e2e' } });
    } catch (error) {
      if (!isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
      experimentId = (await client.getExperimentByName(experiment))!.experimentId;
    }
  }
  const existing = (await client.searchRuns(experimentId, { filter: `attributes.run_name = '${name}'`, maxResults: 10 })).items[0];
  if (existing !== undefined) return existing.info.runId;
  const run = await client.createRun(experimentId, { runName: name, tags: { team: 'edge', 'mlflow.source.name': 'mirror-e2e' } });
  const runId = run.info.runId;
  client.logParam(runId, 'lr', '0.01');
  client.logParam(runId, 'layers', 3);
  client.logParam(runId, 'name', name);
  await client.flush();
  return runId;
}

/** Logs steps `from`..`to`-1 of keys `m0`…`m<keys-1>` to `runId`, then flushes the local store. */
export async function workloadLog(client: TrackingClient, runId: string, from: number, to: number, keys: number): Promise<void> {
  for (let step = from; step < to; step++) {
    for (let k = 0; k < keys; k++) client.logMetric(runId, `m${k}`, workloadValue(k, step), { step });
  }
  await client.flush();
}

/** Sets tag `stage` to `label` and writes `notes/<label>.txt`. */
export async function workloadAnnotate(client: TrackingClient, runId: string, label: string): Promise<void> {
  client.setTag(runId, 'stage', label);
  await client.logText(runId, `stage ${label}\n`, `notes/${label}.txt`);
  await client.flush();
}

/**
 * Registers `runs:/<runId>/model` as a new version of model `name` (created with a description and
 * a tag when missing), tags it, moves it to Staging and points alias `newest` at it.
 */
export async function workloadRegister(client: TrackingClient, runId: string, name: string): Promise<number> {
  const existing = await client.getRegisteredModel(name).catch((error: unknown) => {
    if (isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  });
  if (existing === undefined) {
    await client.createRegisteredModel(name, { description: 'Mirrored **live**.', tags: { task: 'e2e' } });
  }
  const { version } = await client.createModelVersion(name, `runs:/${runId}/model`, { runId, tags: { stage: 'candidate' }, description: 'A candidate.' });
  await client.transitionModelVersionStage(name, version, 'Staging');
  await client.setRegisteredModelAlias(name, 'newest', version);
  return version;
}
