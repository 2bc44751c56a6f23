/** Experiment search (spec §6.4): filter grammar, ordering, defaults, view types and paging. */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../src/core/entities.js';
import { dict } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { ExperimentId } from '../../src/core/ids.js';
import {
  compileExperimentFilter,
  encodePageToken,
  parseExperimentFilter,
  parseOrderBy,
  searchExperimentList,
  sortExperiments,
} from '../../src/core/search/index.js';

interface ExperimentSpec {
  readonly id: string;
  readonly name: string;
  readonly created?: number | null;
  readonly updated?: number | null;
  readonly tags?: Record<string, string>;
  readonly deleted?: boolean;
}

function makeExperiment(spec: ExperimentSpec): Experiment {
  return {
    experimentId: spec.id as ExperimentId,
    name: spec.name,
    artifactLocation: `file:///mlruns/${spec.id}`,
    lifecycleStage: spec.deleted ? 'deleted' : 'active',
    creationTime: spec.created === undefined ? 1000 : spec.created,
    lastUpdateTime: spec.updated === undefined ? 1000 : spec.updated,
    tags: dict(Object.entries(spec.tags ?? {})),
  };
}

const experiments = [
  makeExperiment({ id: '0', name: 'Default', created: 100, updated: 100 }),
  makeExperiment({ id: '11', name: 'bert-base', created: 300, updated: 900, tags: { owner: 'ana', 'team/area': 'nlp' } }),
  makeExperiment({ id: '2', name: 'BERT-large', created: 300, updated: 400, tags: { owner: 'bo' } }),
  makeExperiment({ id: '3', name: 'resnet', created: 200, updated: null }),
  makeExperiment({ id: '4', name: 'legacy', created: null, updated: null }),
  makeExperiment({ id: '5', name: 'old-bert', created: 50, updated: 60, deleted: true }),
];
const ids = (items: readonly Experiment[]): string[] => items.map((e) => e.experimentId);

function invalid(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected INVALID_PARAMETER_VALUE');
}

describe('parseExperimentFilter', () => {
  it('parses name, times and tags', () => {
    expect(parseExperimentFilter("name LIKE 'bert%' and creation_time >= 1.5e2 AND tags.owner = 'ana' and tag.x != 'y'").clauses).toEqual([
      { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'bert%', position: 0 },
      { type: 'attribute', key: 'creation_time', comparator: '>=', value: 150, position: 22 },
      { type: 'tag', key: 'owner', comparator: '=', value: 'ana', position: 49 },
      { type: 'tag', key: 'x', comparator: '!=', value: 'y', position: 72 },
    ]);
    expect(parseExperimentFilter("attribute.name = 'x'").clauses[0]).toMatchObject({ type: 'attribute', key: 'name' });
  });

  it.each([
    ["name IN ('a')", /Invalid comparator 'IN' for attribute 'name'/],
    ["tags.owner IN ('a')", /Invalid comparator 'IN' for tag 'owner'/],
    ["experiment_id = '1'", /Attribute 'experiment_id' cannot be used in an experiment filter/],
    ["lifecycle_stage = 'active'", /Attribute 'lifecycle_stage' cannot be used/],
    ["attributes.name = 'x'", /Unknown prefix 'attributes'/],
    ["params.x = 'x'", /Unknown prefix 'params'/],
    ["creation_time > '5'", /Expected a number for attribute 'creation_time'/],
    ['name > 5', /Invalid comparator '>' for attribute 'name'/],
    ["name = 'a' or name = 'b'", /OR is not supported/],
  ])('rejects %j', (filter, message) => {
    expect(invalid(() => parseExperimentFilter(filter))).toMatch(message);
  });
});

describe('compileExperimentFilter', () => {
  const match = (filter: string): string[] => ids(experiments.filter(compileExperimentFilter(filter)));

  it('filters by name', () => {
    expect(match("name = 'resnet'")).toEqual(['3']);
    expect(match("name != 'resnet'")).toEqual(['0', '11', '2', '4', '5']);
    expect(match("name LIKE '%bert%'")).toEqual(['11', '5']);
    expect(match("name ILIKE '%bert%'")).toEqual(['11', '2', '5']);
  });

  it('filters by times as numbers; null times never match', () => {
    expect(match('creation_time = 300')).toEqual(['11', '2']);
    expect(match('creation_time != 300')).toEqual(['0', '3', '5']);
    expect(match('creation_time < 150.5')).toEqual(['0', '5']);
    expect(match('last_update_time >= 400')).toEqual(['11', '2']);
    expect(match('last_update_time > 0')).toEqual(['0', '11', '2', '5']);
  });

  it('filters by tags; missing tags never match', () => {
    expect(match("tags.owner = 'ana'")).toEqual(['11']);
    expect(match("tags.owner != 'ana'")).toEqual(['2']);
    expect(match("tag.`team/area` LIKE 'n%'")).toEqual(['11']);
    expect(match("tags.constructor != 'x'")).toEqual([]);
  });

  it('matches everything with an empty filter', () => {
    expect(match('')).toHaveLength(experiments.length);
  });
});

describe('experiment ordering', () => {
  it('parses attribute keys only', () => {
    expect(parseOrderBy(['name DESC', 'attribute.experiment_id', 'last_update_time'], 'experiment')).toEqual([
      { type: 'attribute', key: 'name', ascending: false },
      { type: 'attribute', key: 'experiment_id', ascending: true },
      { type: 'attribute', key: 'last_update_time', ascending: true },
    ]);
    expect(invalid(() => parseOrderBy(['tags.owner'], 'experiment'))).toMatch(/'tags' keys cannot be used/);
    expect(invalid(() => parseOrderBy(['run_name'], 'experiment'))).toMatch(/Unknown attribute 'run_name'/);
    expect(invalid(() => parseOrderBy(['name DESC NULLS LAST'], 'experiment'))).toMatch(/Expected the end/);
  });

  it('defaults to creation_time DESC, experiment_id ASC, nulls last', () => {
    expect(ids(sortExperiments(experiments, []))).toEqual(['11', '2', '3', '0', '5', '4']);
  });

  it('breaks ties with experiment_id DESC when experiment_id is not given', () => {
    expect(ids(sortExperiments(experiments, ['creation_time DESC']))).toEqual(['2', '11', '3', '0', '5', '4']);
    expect(ids(sortExperiments(experiments, ['creation_time', 'experiment_id']))).toEqual(['5', '0', '3', '11', '2', '4']);
  });

  it('compares experiment ids as strings and names by code point', () => {
    expect(ids(sortExperiments(experiments, ['experiment_id']))).toEqual(['0', '11', '2', '3', '4', '5']);
    expect(ids(sortExperiments(experiments, ['name']))).toEqual(['2', '0', '11', '4', '5', '3']);
  });

  it('puts null times last in both directions', () => {
    expect(ids(sortExperiments(experiments, ['last_update_time ASC']))).toEqual(['5', '0', '2', '11', '4', '3']);
    expect(ids(sortExperiments(experiments, ['last_update_time DESC']))).toEqual(['11', '2', '0', '5', '4', '3']);
  });
});

describe('searchExperimentList', () => {
  it('filters on the view type (default ACTIVE_ONLY)', () => {
    expect(ids(searchExperimentList(experiments, {}).items)).toEqual(['11', '2', '3', '0', '4']);
    expect(ids(searchExperimentList(experiments, { viewType: 'DELETED_ONLY' }).items)).toEqual(['5']);
    expect(searchExperimentList(experiments, { viewType: 'ALL' }).items).toHaveLength(6);
  });

  it('filters, orders and pages', () => {
    const query = { filter: "name ILIKE '%e%'", orderBy: ['name ASC'], maxResults: 2 } as const;
    const first = searchExperimentList(experiments, query);
    expect(ids(first.items)).toEqual(['2', '0']);
    expect(first.nextPageToken).toBe(encodePageToken(2));
    const second = searchExperimentList(experiments, { ...query, pageToken: first.nextPageToken });
    expect(ids(second.items)).toEqual(['11', '4']);
    const third = searchExperimentList(experiments, { ...query, pageToken: second.nextPageToken });
    expect(ids(third.items)).toEqual(['3']);
    expect(third).not.toHaveProperty('nextPageToken');
  });

  it('checks maxResults and the page token', () => {
    for (const maxResults of [0, 50_001, 2.5]) {
      expect(invalid(() => searchExperimentList(experiments, { maxResults }))).toMatch(/max_results/);
    }
    expect(searchExperimentList(experiments, { maxResults: 50_000 }).items).toHaveLength(5);
    invalid(() => searchExperimentList(experiments, { pageToken: btoa('{"offset": 0}') }));
  });
});
