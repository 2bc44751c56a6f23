/**
 * The rules of run inputs that every backend shares (mlflow3-models-and-inputs.md §1.3, §3.3, §5.4):
 * write-once per (run, dataset name+digest) and (run, model), first tags win; one dataset summary per
 * distinct (experiment, name, digest, context).
 * @module
 */
import type { Run } from '../entities.js';
import type { ExperimentId } from '../ids.js';
import { MAX_SEARCH_MAX_RESULTS } from '../limits.js';
import type { Store } from '../store.js';
import { DATASET_CONTEXT_TAG, type DatasetInput, type DatasetSummary, type LogInputsInput, type ModelInput, type RunInputs } from './entities.js';

const datasetKey = (input: DatasetInput): string => JSON.stringify([input.dataset.name, input.dataset.digest]);

/**
 * `current` with the new inputs of `add` appended: a dataset (by name and digest) or model already
 * there keeps its first record, as MLflow's file store does. Returns `current` itself when nothing
 * is new, and undefined when the run has no inputs at all.
 */
export function addRunInputs(current: RunInputs | undefined, add: LogInputsInput): RunInputs | undefined {
  const datasets = new Map<string, DatasetInput>((current?.datasetInputs ?? []).map((d) => [datasetKey(d), d]));
  const models = new Map<string, ModelInput>((current?.modelInputs ?? []).map((m) => [m.modelId, m]));
  const before = datasets.size + models.size;
  for (const input of add.datasets ?? []) {
    const key = datasetKey(input);
    if (!datasets.has(key)) datasets.set(key, Object.freeze({ dataset: Object.freeze({ ...input.dataset }), tags: Object.freeze(input.tags.map((t) => ({ ...t }))) }));
  }
  for (const model of add.models ?? []) if (!models.has(model.modelId)) models.set(model.modelId, Object.freeze({ modelId: model.modelId }));
  if (datasets.size + models.size === before) return current;
  return Object.freeze({ datasetInputs: Object.freeze([...datasets.values()]), modelInputs: Object.freeze([...models.values()]) });
}

/** The context tag of an input, if any. */
export function contextOf(input: DatasetInput): string | undefined {
  return input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value;
}

/** Runs as `datasetSummaries` reads them. */
interface RunWithInputs {
  readonly info: { readonly experimentId: string };
  readonly inputs?: RunInputs;
}

/** At most this many summaries, as MLflow's file store answers. */
export const MAX_DATASET_SUMMARIES = 1000;

/**
 * MLflow's `search-datasets` over `runs`: one summary per distinct (experiment, name, digest,
 * context), sorted by those fields (no context first), at most {@link MAX_DATASET_SUMMARIES}.
 */
export function datasetSummaries(runs: Iterable<RunWithInputs>): DatasetSummary[] {
  const found = new Map<string, DatasetSummary>();
  for (const run of runs) {
    for (const input of run.inputs?.datasetInputs ?? []) {
      const context = contextOf(input);
      const summary: DatasetSummary = {
        experimentId: run.info.experimentId,
        name: input.dataset.name,
        digest: input.dataset.digest,
        ...(context === undefined ? {} : { context }),
      };
      found.set(JSON.stringify([summary.experimentId, summary.name, summary.digest, context ?? null]), summary);
    }
  }
  const order = (s: DatasetSummary): string[] => [s.experimentId, s.name, s.digest, s.context === undefined ? '' : `+${s.context}`];
  return [...found.values()]
    .sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      const i = x.findIndex((v, k) => v !== y[k]);
      return i < 0 ? 0 : x[i]! < y[i]! ? -1 : 1;
    })
    .slice(0, MAX_DATASET_SUMMARIES);
}

/**
 * The dataset summaries of the active runs of `experimentIds`: the store's own answer when it has
 * one (REST), otherwise derived from every page of its run search.
 */
export async function searchDatasetsOf(store: Store, experimentIds: readonly ExperimentId[]): Promise<DatasetSummary[]> {
  if (store.searchDatasets) return store.searchDatasets(experimentIds);
  const runs: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.searchRuns({ experimentIds, maxResults: MAX_SEARCH_MAX_RESULTS, ...(pageToken ? { pageToken } : {}) });
    runs.push(...page.items);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return datasetSummaries(runs);
}
