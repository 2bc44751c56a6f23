/**
 * The dataset-input part of the conformance suite (mlflow3-models-and-inputs.md §1.2–§1.3, §3.3,
 * §5.4), run through the public client on every store that holds inputs. The fixture part rebuilds
 * the runs MLflow read back from its own mlruns tree (test/fixtures/mlflow3/mlruns-mlflow3.json) and
 * replays the 7 run searches and the dataset summaries MLflow answered.
 */
import { describe, expect, it } from 'vitest';
import type { TrackingClient } from '../../src/core/client.js';
import type { Dataset, DatasetInput } from '../../src/core/datasets/entities.js';
import { datasetFromArrays, localSource } from '../../src/core/datasets/builders.js';
import type { Run } from '../../src/core/entities.js';
import { expectCode } from './expect-error.js';
import type { OpenClient } from './registry-conformance.js';
import fixtureJson from '../fixtures/mlflow3/mlruns-mlflow3.json' with { type: 'json' };

interface FixtureInputs {
  readonly datasets: (Dataset & { readonly tags: Record<string, string> })[];
  readonly models: string[];
}
interface FixtureRun {
  readonly name: string;
  readonly startTime: number;
  readonly params: Record<string, string>;
  readonly inputs: FixtureInputs;
}
interface Fixture {
  readonly experiments: { readonly name: string; readonly runs: FixtureRun[] }[];
  readonly searches: { readonly runs: { filter: string; orderBy: string[]; result: string[] | { error: string } }[] };
  readonly datasetSummaries: { name: string; digest: string; context: string | null }[];
}

const fixture = fixtureJson as unknown as Fixture;
const demo = fixture.experiments.find((e) => e.name === 'mlflow3-demo')!;

function inputsOf(run: FixtureRun): DatasetInput[] {
  return run.inputs.datasets.map(({ tags, ...dataset }) => ({ dataset, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }));
}

/** Inputs as a comparable value: datasets sorted by (name, digest), tags as a record. */
function comparable(run: Run): FixtureInputs {
  const datasets = (run.inputs?.datasetInputs ?? []).map((i) => ({ ...i.dataset, tags: Object.fromEntries(i.tags.map((t) => [t.key, t.value])) }));
  datasets.sort((a, b) => (a.name + a.digest < b.name + b.digest ? -1 : 1));
  // Input order is not kept by every store (MLflow's file store lists input folders), so compare sorted.
  return { datasets, models: (run.inputs?.modelInputs ?? []).map((m) => m.modelId).sort() };
}

/** Seeds the fixture's runs (names, params, inputs) into a new experiment; returns its id. */
async function seedFixture(client: TrackingClient): Promise<string> {
  const experimentId = await client.createExperiment('mlflow3-demo');
  for (const run of demo.runs) {
    const created = await client.createRun(experimentId, { runName: run.name, startTime: run.startTime });
    const runId = created.info.runId;
    await client.logBatch(runId, { params: Object.entries(run.params).map(([key, value]) => ({ key, value })) });
    await client.logInputs(runId, { datasets: inputsOf(run), models: run.inputs.models.map((modelId) => ({ modelId })) });
    await client.setTerminated(runId, 'FINISHED');
  }
  return experimentId;
}

const irisTrain = (): Dataset =>
  datasetFromArrays({ name: 'iris_train', features: [[5.1, 3.5], [4.9, 3.0], [6.2, 3.4]], targets: BigInt64Array.of(0n, 0n, 1n), source: localSource('data/iris_train.csv') });

/** Registers the inputs conformance tests against `open`. */
export function describeInputsConformance(name: string, open: OpenClient): void {
  describe(`Dataset inputs conformance: ${name}`, () => {
    it('reads back the fixture runs with MLflow’s inputs, in getRun and searchRuns', async () => {
      const client = await open();
      const experimentId = await seedFixture(client);
      const page = await client.searchRuns(experimentId, { orderBy: ['attributes.start_time ASC'] });
      expect(page.items.map((r) => r.info.runName)).toEqual(demo.runs.map((r) => r.name));
      for (const [i, run] of page.items.entries()) {
        const expected = { datasets: [...demo.runs[i]!.inputs.datasets], models: demo.runs[i]!.inputs.models };
        expect(comparable(run)).toEqual(expected);
        expect(comparable(await client.getRun(run.info.runId))).toEqual(expected);
      }
    });

    it('answers the 7 run searches with dataset clauses as MLflow did', async () => {
      const client = await open();
      const experimentId = await seedFixture(client);
      expect(fixture.searches.runs).toHaveLength(7);
      for (const search of fixture.searches.runs) {
        const query = client.searchRuns(experimentId, { filter: search.filter, orderBy: search.orderBy });
        if (Array.isArray(search.result)) {
          expect((await query).items.map((r) => r.info.runName), search.filter).toEqual(search.result);
        } else {
          await expectCode(query, search.result.error as 'INVALID_PARAMETER_VALUE');
        }
      }
    });

    it('summarizes datasets as MLflow’s search-datasets did', async () => {
      const client = await open();
      const experimentId = await seedFixture(client);
      const expected = fixture.datasetSummaries.map(({ name: n, digest, context }) => ({ experimentId, name: n, digest, ...(context === null ? {} : { context }) }));
      expect(await client.searchDatasets([experimentId])).toEqual(expected);
      await expectCode(client.searchDatasets([]), 'INVALID_PARAMETER_VALUE');
    });

    it('writes an input once per (name, digest): the first context stays; runs without inputs have none', async () => {
      const client = await open();
      const run = await client.startRun({ runName: 'writer' });
      const other = await client.createRun('0', { runName: 'no-inputs' });
      await run.logInput(irisTrain(), { context: 'training', tags: { split: 'a' } });
      await run.logInput(irisTrain(), { context: 'eval' });
      await client.logInputs(run.runId, { models: [{ modelId: 'm-1' }, { modelId: 'm-1' }] });
      const read = await client.getRun(run.runId);
      // Tag order is not kept by every store (MLflow's file store writes them as a sorted YAML mapping).
      expect(read.inputs?.datasetInputs.map((i) => Object.fromEntries(i.tags.map((t) => [t.key, t.value])))).toEqual([{ split: 'a', 'mlflow.data.context': 'training' }]);
      expect(read.inputs?.datasetInputs[0]!.dataset).toEqual(irisTrain());
      expect(read.inputs?.modelInputs).toEqual([{ modelId: 'm-1' }]);
      expect((await client.getRun(other.info.runId)).inputs).toBeUndefined();
    });

    it('accepts inputs on finished runs, refuses deleted runs and values over MLflow’s limits (writing nothing)', async () => {
      const client = await open();
      const run = await client.createRun('0', { runName: 'done' });
      await client.setTerminated(run.info.runId, 'FINISHED');
      await client.logInputs(run.info.runId, { datasets: [{ dataset: irisTrain(), tags: [] }] });
      expect((await client.getRun(run.info.runId)).inputs?.datasetInputs).toHaveLength(1);
      const tooLong: Dataset = { ...irisTrain(), name: 'n'.repeat(501) };
      await expectCode(client.logInputs(run.info.runId, { datasets: [{ dataset: tooLong, tags: [] }] }), 'INVALID_PARAMETER_VALUE');
      const longKey = { key: 'k'.repeat(256), value: 'v' };
      await expectCode(client.logInputs(run.info.runId, { datasets: [{ dataset: { ...irisTrain(), name: 'x' }, tags: [longKey] }] }), 'INVALID_PARAMETER_VALUE');
      expect((await client.getRun(run.info.runId)).inputs?.datasetInputs).toHaveLength(1);
      await client.deleteRun(run.info.runId);
      await expectCode(client.logInputs(run.info.runId, { models: [{ modelId: 'm-2' }] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(client.logInputs('0123456789abcdef0123456789abcdef', { models: [{ modelId: 'm-2' }] }), 'RESOURCE_DOES_NOT_EXIST');
    });
  });
}
