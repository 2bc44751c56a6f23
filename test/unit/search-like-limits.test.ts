/** LIKE / ILIKE patterns in every search grammar: long patterns work, over-long ones are a clear error. */
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { MAX_LIKE_PATTERN_LENGTH } from '../../src/core/limits.js';
import { compileExperimentFilter, likeToMatcher, parseRunFilter } from '../../src/core/search/index.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

async function seeded(): Promise<{ client: TrackingClient; runId: string; experimentId: string }> {
  const client = new TrackingClient(new MemoryStore());
  const name = 'n'.repeat(400);
  const experimentId = await client.createExperiment(name);
  const run = await client.startRun({ experimentId, runName: 'r'.repeat(200) });
  run.logParam('p1', 'v'.repeat(6000));
  await run.end();
  await client.createRegisteredModel(name.slice(0, 250), { tags: { t: 'x'.repeat(5000) } });
  await client.createModelVersion(name.slice(0, 250), `runs:/${run.runId}/model`);
  return { client, runId: run.runId, experimentId };
}

/** Every grammar that has LIKE, as `(filter) => what it finds` (count of matches). */
function searches(client: TrackingClient, experimentId: string): Record<string, (filter: string) => Promise<number>> {
  return {
    'runs (param)': async (f) => (await client.searchRuns(experimentId, { filter: `params.p1 ${f}` })).items.length,
    'runs (run_name)': async (f) => (await client.searchRuns(experimentId, { filter: `attributes.run_name ${f}` })).items.length,
    experiments: async (f) => (await client.searchExperiments({ filter: `name ${f}` })).items.length,
    'registered models': async (f) => (await client.searchRegisteredModels({ filter: `tags.t ${f}` })).items.length,
    'model versions': async (f) => (await client.searchModelVersions({ filter: `name ${f}` })).items.length,
  };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('LIKE pattern length', () => {
  it('refuses a 100,000-character pattern with INVALID_PARAMETER_VALUE in every grammar, LIKE and ILIKE', async () => {
    const { client, experimentId } = await seeded();
    const huge = '_'.repeat(100_000);
    for (const [grammar, search] of Object.entries(searches(client, experimentId))) {
      for (const comparator of ['LIKE', 'ILIKE']) {
        const error = await errorOf(search(`${comparator} '${huge}'`));
        expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), `${grammar} ${comparator}: ${String(error)}`).toBe(true);
        expect((error as Error).message).toContain(`at most ${MAX_LIKE_PATTERN_LENGTH}`);
        expect((error as Error).message.length).toBeLessThan(1000);
      }
    }
  });

  it('points at the pattern in the filter, so a filter box can underline it', () => {
    const filter = `params.a = 'x' AND params.p1 ILIKE '${'%'.repeat(MAX_LIKE_PATTERN_LENGTH + 1)}'`;
    let caught: unknown;
    try {
      parseRunFilter(filter);
    } catch (error) {
      caught = error;
    }
    expect(isEdgeflowError(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
    const details = (caught as { details: { position: number; length: number } }).details;
    expect(filter.slice(details.position, details.position + details.length)).toBe(`'${'%'.repeat(MAX_LIKE_PATTERN_LENGTH + 1)}'`);
    expect(() => compileExperimentFilter(`name LIKE '${'a'.repeat(MAX_LIKE_PATTERN_LENGTH + 1)}'`)).toThrow(/at most 10000/u);
    expect(() => likeToMatcher('a'.repeat(MAX_LIKE_PATTERN_LENGTH + 1), false)).toThrow(/at most 10000/u);
  });

  it('accepts patterns up to the limit and matches them in every grammar', async () => {
    const { client, experimentId } = await seeded();
    const find = searches(client, experimentId);
    const atLimit = (fill: string) => `%${fill.repeat(MAX_LIKE_PATTERN_LENGTH - 2)}%`;
    expect(await find['runs (param)']!(`LIKE '${'_'.repeat(6000)}'`)).toBe(1);
    expect(await find['runs (param)']!(`ILIKE '${'V'.repeat(6000)}'`)).toBe(1);
    expect(await find['runs (param)']!(`LIKE '${'_'.repeat(6001)}'`)).toBe(0);
    expect(await find['runs (param)']!(`LIKE '${atLimit('_')}'`)).toBe(0);
    expect(await find['runs (run_name)']!(`ILIKE '%${'R_'.repeat(100)}'`)).toBe(1);
    expect(await find['experiments']!(`LIKE '${'_'.repeat(400)}'`)).toBe(1);
    expect(await find['experiments']!(`LIKE '${atLimit('n')}'`)).toBe(0);
    expect(await find['registered models']!(`ILIKE '%${'X'.repeat(5000)}%'`)).toBe(1);
    expect(await find['model versions']!(`LIKE '${'_'.repeat(250)}'`)).toBe(1);
    expect(await find['model versions']!(`LIKE '${'_'.repeat(249)}'`)).toBe(0);
  });
});
