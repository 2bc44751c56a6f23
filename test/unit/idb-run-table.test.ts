/**
 * The IndexedDB store's packed run index (`run-index.ts`, `run-table.ts`): runs packed and read
 * back are the runs given, whatever their values (NaN, -0, null times, huge numbers, many keys and
 * strings); rows copied from a packed set are those rows; a search over the rows answers as a
 * search over the runs.
 */
import { describe, expect, it } from 'vitest';
import { dict, type Metric, type Run } from '../../src/core/entities.js';
import type { ExperimentId, RunId } from '../../src/core/ids.js';
import { searchRows, searchRunList } from '../../src/core/search/index.js';
import { compactBuffers, packRuns, RunPacker } from '../../src/storage/idb/run-index.js';
import { RunTable, unpackRuns } from '../../src/storage/idb/run-table.js';

const T0 = 1_700_000_000_000;

function makeRun(r: number, extra: { metrics?: Metric[]; params?: [string, string][]; endTime?: number | null; inputs?: boolean } = {}): Run {
  const runId = r.toString(16).padStart(32, '0') as RunId;
  const metrics: Metric[] = extra.metrics ?? [
    { key: 'acc', value: (r * 37) % 101 / 100, timestamp: T0 + r, step: r % 5 },
    { key: 'loss', value: r % 3 === 0 ? Number.NaN : 1 / (r + 1), timestamp: T0 + 2 * r, step: 0 },
  ];
  const params = extra.params ?? [['lr', String(r % 4)], ['model', r % 2 === 0 ? 'cnn' : 'rnn']];
  return {
    info: {
      runId,
      runName: `run-${r}`,
      experimentId: (r % 2 === 0 ? '1' : '2') as ExperimentId,
      userId: 'u',
      status: r % 4 === 0 ? 'FINISHED' : 'RUNNING',
      startTime: T0 + (r % 7),
      endTime: extra.endTime === undefined ? (r % 4 === 0 ? T0 + 100 : null) : extra.endTime,
      artifactUri: `idb://db/${runId}/artifacts`,
      lifecycleStage: r % 9 === 8 ? 'deleted' : 'active',
      deletedTime: r % 9 === 8 ? T0 + 5 : null,
    },
    data: {
      metrics: dict(metrics.map((m) => [m.key, m.value] as const)),
      latestMetrics: dict(metrics.map((m) => [m.key, m] as const)),
      params: dict(params),
      tags: dict([['mlflow.runName', `run-${r}`], ['team', r % 3 === 0 ? 'a' : 'b']]),
    },
    ...(extra.inputs
      ? { inputs: { datasetInputs: [{ dataset: { name: 'train', digest: 'd1', sourceType: 'local', source: '{}', schema: null, profile: null }, tags: [] }], modelInputs: [] } }
      : {}),
  };
}

/** A run as plain comparable values (NaN and -0 compare exactly with toEqual/Object.is). */
const plain = (run: Run): unknown => [run.info, { ...run.data.metrics }, { ...run.data.latestMetrics }, { ...run.data.params }, { ...run.data.tags }, run.inputs ?? null, run.outputs ?? null];

describe('IndexedDB packed run index', () => {
  it('reads back every run as given, in order, frozen', () => {
    const runs = Array.from({ length: 50 }, (_, r) => makeRun(r, { inputs: r === 7 }));
    runs.push(makeRun(50, { metrics: [{ key: 'zero', value: -0, timestamp: T0, step: -0 }], endTime: null }));
    const back = unpackRuns(packRuns(runs))!;
    expect(back.map(plain)).toEqual(runs.map(plain));
    expect(Object.is(back[50]!.data.latestMetrics['zero']!.step, -0)).toBe(true);
    // Timestamps and steps that are not integers within 2^32 of each other are stored as they are.
    const far = [makeRun(1), makeRun(2, { metrics: [{ key: 'far', value: 1e300, timestamp: 8.64e15, step: -(2 ** 52) }] }), makeRun(3, { metrics: [{ key: 'frac', value: Infinity, timestamp: T0 + 0.5, step: 3 }] })];
    expect(unpackRuns(packRuns(far))!.map(plain)).toEqual(far.map(plain));
    expect(Object.isFrozen(back[0]!.data.params) && Object.isFrozen(back[0]!.info)).toBe(true);
    expect(Object.getPrototypeOf(back[0]!.data.tags)).toBeNull();
  });

  it('keeps more than 256 keys and 65,536 strings (wider index arrays)', () => {
    const keys = Array.from({ length: 300 }, (_, k) => [`k${k}`, `v${k}`] as [string, string]);
    const runs = [makeRun(0, { params: keys }), ...Array.from({ length: 700 }, (_, r) => makeRun(r + 1, { params: Array.from({ length: 100 }, (_, p) => [`p${p}`, `${r}-${p}`] as [string, string]) }))];
    const packed = packRuns(runs);
    expect(packed.strings.length).toBeGreaterThan(65_536);
    expect(packed.params.keys).toBeInstanceOf(Uint16Array);
    expect(packed.params.values).toBeInstanceOf(Uint32Array);
    expect(unpackRuns(packed)!.map(plain)).toEqual(runs.map(plain));
  });

  it('copies rows of a packed set as they are, and lists each buffer once for a transfer', () => {
    const runs = Array.from({ length: 40 }, (_, r) => makeRun(r, { inputs: r % 10 === 3 }));
    const table = new RunTable(packRuns(runs));
    const packer = new RunPacker();
    const picked = [39, 3, 0, 13, 20];
    for (const row of picked) packer.addRow(table.packed, row);
    packer.addRun(makeRun(99));
    const copied = packer.build();
    expect(unpackRuns(copied)!.map(plain)).toEqual([...picked.map((row) => runs[row]!), makeRun(99)].map(plain));
    const buffers = compactBuffers(copied);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(() => structuredClone(copied, { transfer: buffers })).not.toThrow();
  });

  it('answers searches over its rows as over the runs', () => {
    const runs = Array.from({ length: 120 }, (_, r) => makeRun(r, { inputs: r % 11 === 0 }));
    const table = new RunTable(packRuns(runs));
    const rows = Array.from({ length: table.size }, (_, row) => row);
    const queries = [
      { filter: "metrics.acc > 0.3 and params.model = 'cnn'", orderBy: ['metrics.loss DESC'] },
      { filter: "tags.team != 'a' and attributes.status = 'RUNNING'", orderBy: ['params.lr', 'run_name DESC'] },
      { filter: 'metrics.loss != 0.5 and attributes.end_time > 0', orderBy: ['attributes.end_time'] },
      { filter: "params.missing = 'x'", orderBy: [] },
      { filter: "datasets.name = 'train'", orderBy: ['metrics.acc'], viewType: 'ALL' as const },
      { filter: "attributes.run_name LIKE 'run-1%'", orderBy: ['tags.team DESC', 'metrics.nope'], viewType: 'DELETED_ONLY' as const },
    ];
    const found: number[] = [];
    for (const query of queries) {
      const full = { experimentIds: ['1' as ExperimentId, '2' as ExperimentId], maxResults: 30, ...query };
      const expected = searchRunList(runs, full);
      const page = searchRows(rows, full, table.fields);
      expect(page.items.map((row) => table.runId(row))).toEqual(expected.items.map((run) => run.info.runId));
      expect(page.nextPageToken).toEqual(expected.nextPageToken);
      found.push(page.items.length);
    }
    expect(found.filter((count) => count > 0)).toHaveLength(queries.length - 1);
  });

  it('ignores a packed set of another layout', () => {
    expect(unpackRuns({ ...packRuns([makeRun(1)]), format: 2 })).toBeUndefined();
    expect(RunTable.of({ ...packRuns([makeRun(1)]), format: 2 })).toBeUndefined();
  });
});
