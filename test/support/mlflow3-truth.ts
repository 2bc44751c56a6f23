/**
 * What real MLflow 3.6 reads from `test/fixtures/mlflow3/mlruns-mlflow3.zip`
 * (`mlruns-mlflow3.json`), typed for the tests that compare edgeflow's reading with it.
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
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

export interface TruthDatasetInput {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema: string | null;
  readonly profile: string | null;
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

/** Dataset inputs in the order the truth lists them: by (name, digest). */
export function byNameDigest<T extends { readonly name: string; readonly digest: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.name === b.name ? (a.digest < b.digest ? -1 : 1) : a.name < b.name ? -1 : 1));
}
