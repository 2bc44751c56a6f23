/**
 * What real MLflow 3.6 reads from `test/fixtures/mlflow3/mlruns-mlflow3.zip`
 * (`mlruns-mlflow3.json`), typed for the tests that compare edgeflow's reading with it.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { expect } from 'vitest';
import type { Dataset } from '../../src/core/datasets/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import type { Store } from '../../src/core/store.js';
import type { TreeFile } from '../../src/core/formats/file-store/index.js';
import { fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';

export interface TruthMetric {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
  readonly runId?: string;
  readonly modelId?: string;
}

export interface TruthDatasetInput extends Dataset {
  readonly tags: Record<string, string>;
}

export interface TruthRun {
  readonly id: string;
  readonly name: string;
  readonly history: Record<string, TruthMetric[]>;
  readonly inputs: { readonly datasets: TruthDatasetInput[]; readonly models: string[] };
  readonly outputs: { readonly models: { modelId: string; step: number }[] };
}

export interface TruthLoggedModel {
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly status: string;
  readonly statusMessage: string | null;
  readonly modelType: string | null;
  readonly sourceRunId: string | null;
  readonly artifactLocation: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly params: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly metrics: TruthMetric[];
}

export interface Mlflow3Truth {
  readonly roles: Record<string, string>;
  readonly experiments: { readonly id: string; readonly runs: TruthRun[] }[];
  readonly loggedModels: TruthLoggedModel[];
}

/** The parsed `mlruns-mlflow3.json`. */
export const mlflow3Truth: Mlflow3Truth = JSON.parse(
  readFileSync(new URL('../fixtures/mlflow3/mlruns-mlflow3.json', import.meta.url), 'utf8'),
) as Mlflow3Truth;

/** The fixture zip's bytes. */
export const mlflow3Zip: Uint8Array = fixtureBytes('mlflow3/mlruns-mlflow3.zip');

/** The fixture's files below `mlruns/`, as a tree to read. */
export function mlflow3Tree(): { files: TreeFile[]; read: (path: string) => Promise<Uint8Array>; bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(unzipSync(mlflow3Zip))) {
    if (name.startsWith('mlruns/') && !name.endsWith('/')) bytes.set(name.slice('mlruns/'.length), data);
  }
  const files = [...bytes].map(([path, data]) => ({ path, size: data.length }));
  return { files, read: async (path) => bytes.get(path)!, bytes };
}

/** Writes the fixture's `mlruns/` into `dir` as MLflow left it (for stores that open it in place); returns its path. */
export async function writeMlflow3Tree(dir: string): Promise<string> {
  const root = join(dir, 'mlruns');
  for (const [path, bytes] of mlflow3Tree().bytes) {
    const file = join(root, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  return root;
}

/** Dataset inputs in the order the truth lists them: by (name, digest). */
export function byNameDigest<T extends { readonly name: string; readonly digest: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.name === b.name ? (a.digest < b.digest ? -1 : 1) : a.name < b.name ? -1 : 1));
}

/** Metrics in a fixed order (MLflow lists them in directory order, which is not defined). */
function sortedMetrics<T extends { readonly key: string; readonly datasetName?: string }>(list: readonly T[]): T[] {
  const id = (m: T): string => `${m.key}\u0000${m.datasetName ?? ''}`;
  return [...list].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

/**
 * Asserts that `store` holds exactly what MLflow reads from the fixture: every logged model with
 * its fields, params, tags, per-dataset metrics and status (the deleted one hidden from get, kept in
 * the export), and every run's dataset inputs, model inputs, outputs and metric history.
 */
export async function expectStoreMatchesMlflow3Truth(store: Store): Promise<void> {
  const models = store.loggedModels!;
  for (const truth of mlflow3Truth.loggedModels) {
    const model = await models.getLoggedModel(truth.modelId);
    const { metrics, modelUri: _uri, ...fields } = truth as TruthLoggedModel & { modelUri: string };
    const { metrics: readMetrics, lifecycleStage, ...read } = model;
    expect(read, truth.name).toEqual(fields);
    expect(lifecycleStage).toBe('active');
    expect(sortedMetrics(readMetrics), truth.name).toEqual(sortedMetrics(metrics));
  }
  const deleted = mlflow3Truth.roles.m_deleted!;
  await expect(models.getLoggedModel(deleted)).rejects.toSatisfy((e: unknown) => isEdgeflowError(e, 'RESOURCE_DOES_NOT_EXIST'));
  const all = await models.exportLoggedModels([mlflow3Truth.roles.experiment!]);
  expect(all.map((r) => r.modelId).sort()).toEqual([...mlflow3Truth.loggedModels.map((m) => m.modelId), deleted].sort());
  expect(all.find((r) => r.modelId === deleted)).toMatchObject({ name: 'scratch-model', lifecycleStage: 'deleted', status: 'PENDING' });

  for (const truth of mlflow3Truth.experiments.flatMap((e) => e.runs)) {
    const run = await store.getRun(truth.id as RunId);
    const datasets = byNameDigest(
      (run.inputs?.datasetInputs ?? []).map((d) => ({ ...d.dataset, tags: Object.fromEntries(d.tags.map((t) => [t.key, t.value])) })),
    );
    expect(datasets, truth.name).toEqual(truth.inputs.datasets);
    expect((run.inputs?.modelInputs ?? []).map((m) => m.modelId).sort(), truth.name).toEqual(truth.inputs.models);
    expect(run.outputs?.modelOutputs ?? [], truth.name).toEqual(truth.outputs.models);
    for (const [key, points] of Object.entries(truth.history)) {
      const series = await store.getMetricHistory(truth.id as RunId, key);
      const read = Array.from(series.values, (value, i) => ({ value, step: series.steps[i], timestamp: series.timestamps[i] }));
      expect(read, `${truth.name} ${key}`).toEqual(points.map((p) => ({ value: p.value, step: p.step, timestamp: p.timestamp })));
    }
  }
}
