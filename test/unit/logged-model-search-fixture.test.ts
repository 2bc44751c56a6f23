/**
 * Replays the 22 logged-model searches real MLflow 3.6 answered (test/fixtures/mlflow3/
 * mlruns-mlflow3.json → searches.loggedModels) on a memory store holding the models MLflow read
 * back from the same tree. Results must be MLflow's (names and order); the few cases where edgeflow
 * does the sane thing instead of an MLflow quirk (spec §5.1, §5.2) assert edgeflow's documented
 * behaviour and say why.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentId } from '../../src/core/ids.js';
import type { LoggedModelMetric, LoggedModelStatus } from '../../src/core/logged-models/entities.js';
import type { LoggedModelOrderBy, LoggedModelRecord, LoggedModelStore, SearchLoggedModelsQuery } from '../../src/core/logged-models/logged-model-store.js';
import type { Store } from '../../src/core/store.js';
import { FileStore } from '../../src/node/file-store.js';
import { writeMlflow3Tree } from '../support/mlflow3-truth.js';
import { tempFolders } from '../support/temp-folders.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { expectCode } from '../conformance/expect-error.js';

interface FixtureModel {
  modelId: string;
  experimentId: string;
  name: string;
  status: LoggedModelStatus;
  statusMessage: string | null;
  modelType: string | null;
  sourceRunId: string | null;
  artifactLocation: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: LoggedModelMetric[];
}

interface FixtureSearch {
  experimentIds: string[];
  filter?: string;
  datasets?: { dataset_name: string; dataset_digest?: string }[];
  order_by?: { field_name: string; ascending?: boolean; dataset_name?: string; dataset_digest?: string }[];
  max_results?: number;
  result: string[] | { error: string; message: string };
  nextPageToken?: string;
  page2?: string[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/mlflow3/mlruns-mlflow3.json', import.meta.url), 'utf8')) as {
  roles: Record<string, string>;
  experiments: { id: string; name: string; artifactLocation: string }[];
  loggedModels: FixtureModel[];
  searches: { loggedModels: FixtureSearch[] };
};
const demo = fixture.roles['experiment']!;
const searches = fixture.searches.loggedModels;

/**
 * Where edgeflow answers differently from MLflow on purpose (the MLflow answer is a quirk):
 * - `creation_time` is an alias of `creation_timestamp` (MLflow: Python AttributeError → HTTP 500);
 * - the `dataset.` prefix is refused, datasets go in `datasets` (MLflow looks `name` up on the model);
 * - a null `model_type` sorts last (MLflow: Python TypeError → HTTP 500).
 */
const OURS: Record<string, string[] | 'INVALID_PARAMETER_VALUE'> = {
  'creation_time > 0': ['agent-draft', 'broken-model', 'gb-model', 'rf-model'],
  "dataset.name = 'gb-model'": 'INVALID_PARAMETER_VALUE',
  'order_by model_type': ['agent-draft', 'gb-model', 'rf-model', 'broken-model'],
};

function caseName(search: FixtureSearch): string {
  if (search.filter !== undefined) return search.filter;
  if (search.order_by !== undefined) return `order_by ${search.order_by.map((o) => o.field_name).join(', ')}`;
  return JSON.stringify(search);
}

function queryOf(search: FixtureSearch, pageToken?: string): SearchLoggedModelsQuery {
  const orderBy = search.order_by?.map(
    (o): LoggedModelOrderBy => ({
      fieldName: o.field_name,
      ...(o.ascending === undefined ? {} : { ascending: o.ascending }),
      ...(o.dataset_name === undefined ? {} : { datasetName: o.dataset_name }),
      ...(o.dataset_digest === undefined ? {} : { datasetDigest: o.dataset_digest }),
    }),
  );
  return {
    experimentIds: search.experimentIds.map((id) => (id === '<demo>' ? demo : id)),
    ...(search.filter === undefined ? {} : { filter: search.filter }),
    ...(search.datasets === undefined
      ? {}
      : { datasets: search.datasets.map((d) => ({ datasetName: d.dataset_name, ...(d.dataset_digest === undefined ? {} : { datasetDigest: d.dataset_digest }) })) }),
    ...(orderBy === undefined ? {} : { orderBy }),
    ...(search.max_results === undefined ? {} : { maxResults: search.max_results }),
    ...(pageToken === undefined ? {} : { pageToken }),
  };
}

function byKeyAndDataset(metrics: readonly LoggedModelMetric[]): LoggedModelMetric[] {
  const id = (m: LoggedModelMetric): string => `${m.key}\u0000${m.datasetName ?? ''}`;
  return [...metrics].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

function recordOf(model: FixtureModel): LoggedModelRecord {
  const { metrics, ...rest } = model;
  return { ...rest, lifecycleStage: 'active', metricLines: metrics };
}

/** A memory store holding the models MLflow read back from the fixture tree. */
async function memoryStore(): Promise<Store> {
  const store = new MemoryStore();
  const experiment = fixture.experiments.find((e) => e.id === demo)!;
  await store.createExperiment({ name: experiment.name, experimentId: demo as ExperimentId, artifactLocation: experiment.artifactLocation });
  const deleted: LoggedModelRecord = {
    ...recordOf(fixture.loggedModels[0]!),
    modelId: fixture.roles['m_deleted']!,
    name: 'scratch-model',
    lifecycleStage: 'deleted',
    creationTimestamp: 1796287639430,
  };
  await store.loggedModels.importLoggedModels([...fixture.loggedModels.map(recordOf), deleted]);
  return store;
}

/** The Node file store opened on the fixture tree itself, as MLflow wrote it. */
const tempFolder = tempFolders('edgeflow-search3-');

async function fileStore(): Promise<Store> {
  return FileStore.open(await writeMlflow3Tree(await tempFolder()));
}

for (const [label, open] of [['MemoryStore', memoryStore], ['FileStore on the MLflow tree', fileStore]] as const) {
  let store: Store & { loggedModels: LoggedModelStore };

  beforeAll(async () => {
    store = (await open()) as Store & { loggedModels: LoggedModelStore };
  });

  describe(`logged-model search against MLflow 3.6 (mlruns-mlflow3.json): ${label}`, () => {
    it('the fixture holds the 22 searches', () => {
      expect(searches).toHaveLength(22);
    });

    for (const search of searches) {
      const name = caseName(search);
      it(`${name}${search.datasets ? ` with datasets ${JSON.stringify(search.datasets)}` : ''}`, async () => {
        const ours = OURS[name];
        if (ours === 'INVALID_PARAMETER_VALUE') {
          await expectCode(store.loggedModels.searchLoggedModels(queryOf(search)), 'INVALID_PARAMETER_VALUE');
          return;
        }
        if (ours !== undefined) {
          // MLflow fails here with a Python exception (HTTP 500) or a quirk; edgeflow's answer is documented.
          expect(Array.isArray(search.result)).toBe(false);
          const page = await store.loggedModels.searchLoggedModels(queryOf(search));
          expect(page.items.map((m) => m.name)).toEqual(ours);
          return;
        }
        if (!Array.isArray(search.result)) {
          await expectCode(store.loggedModels.searchLoggedModels(queryOf(search)), search.result.error as 'INVALID_PARAMETER_VALUE');
          return;
        }
        const page = await store.loggedModels.searchLoggedModels(queryOf(search));
        const byName = new Map(fixture.loggedModels.map((m) => [m.name, m.modelId]));
        expect(page.items.map((m) => m.modelId)).toEqual(search.result.map((n) => byName.get(n)));
        expect(page.nextPageToken).toBe(search.nextPageToken);
        if (search.page2 !== undefined) {
          const next = await store.loggedModels.searchLoggedModels(queryOf(search, page.nextPageToken));
          expect(next.items.map((m) => m.name)).toEqual(search.page2);
          expect(next.nextPageToken).toBeUndefined();
        }
      });
    }

    it('IN compares every item literally (MLflow drops items that are not all-lowercase and matches nothing here)', async () => {
      const page = await store.loggedModels.searchLoggedModels({ experimentIds: [demo], filter: "status IN ('READY')" });
      expect(page.items.map((m) => m.name)).toEqual(['gb-model', 'rf-model']);
      const notIn = await store.loggedModels.searchLoggedModels({ experimentIds: [demo], filter: "model_type NOT IN ('Agent', 'classifier')" });
      expect(notIn.items.map((m) => m.name)).toEqual(['agent-draft']);
    });

    it('never returns the deleted model, and get of it is RESOURCE_DOES_NOT_EXIST with MLflow’s message', async () => {
      const all = await store.loggedModels.searchLoggedModels({ experimentIds: [demo], filter: "name = 'scratch-model'" });
      expect(all.items).toEqual([]);
      const error = await expectCode(store.loggedModels.getLoggedModel(fixture.roles['m_deleted']!), 'RESOURCE_DOES_NOT_EXIST');
      expect(error.message).toBe(`Model '${fixture.roles['m_deleted']}' not found`);
    });

    it('reads back each model’s per-dataset metrics as MLflow does', async () => {
      for (const model of fixture.loggedModels) {
        const read = await store.loggedModels.getLoggedModel(model.modelId);
        // MLflow lists metric files in directory order (not defined): compare in a fixed order.
        expect(byKeyAndDataset(read.metrics)).toEqual(byKeyAndDataset(model.metrics));
        expect(read.params).toEqual(model.params);
      }
    });
  });
}
