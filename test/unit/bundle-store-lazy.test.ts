import { afterEach, describe, expect, it, vi } from 'vitest';
import { isEdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import { GuardedZip } from '../../src/core/formats/zip-guard.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { buildZip, controlEntries, type RawEntry } from '../fixtures/hostile-zips/make-corpus.js';

const RUN = '0123456789abcdef0123456789abcdef' as RunId;
const metricEntry = (key: string): string => `mlruns/5/${RUN}/metrics/${key}`;

/** The control tree with metric files of its run added (each replaces one of the same name). */
function tree(metrics: Record<string, string>): Uint8Array {
  const extra: RawEntry[] = Object.entries(metrics).map(([key, data]) => ({ name: metricEntry(key), data }));
  const names = new Set(extra.map((e) => e.name));
  return buildZip([...controlEntries().filter((e) => !names.has(e.name)), ...extra]);
}

/** `count` lines `<ts> <value> <step>` with step i, value i / 10. */
function lines(count: number, bad?: { at: number; value: string }): string {
  let text = '';
  for (let i = 0; i < count; i++) text += `${1_700_000_000_000 + i} ${bad?.at === i ? bad.value : String(i / 10)} ${i}\n`;
  return text;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('BundleStore reads metric histories lazily', () => {
  it('gives each metric the latest point the eager import gives, for every line form MLflow reads', async () => {
    const files = {
      rising: lines(50),
      // Steps out of order: the latest is the highest step, not the last line.
      shuffled: '5 0.5 3\n6 0.6 9\n7 0.7 2\n',
      // Ties on the highest step: then the latest timestamp, then the highest value.
      tiedStep: '10 1.5 4\n30 2.5 4\n30 3.5 4\n20 9.5 4\n1 7 1\n',
      negativeSteps: '1 1 -5\n2 2 -3\n3 3 -4\n',
      specials: '1 nan 1\n2 -inf 2\n3 Infinity 2\n',
      exponents: '1 1e-05 1\n2 -2.5E+20 7\n',
      legacyTwoFields: '1 0.25\n2 0.5\n',
      fiveFields: '1 0.25 3 train abc123\n2 0.5 4 eval def456\n',
      crlf: '1 0.25 1\r\n2 0.5 2\r\n',
      underscores: '1_000 1_0.5 1_0\n',
      noFinalNewline: '1 0.25 1\n2 0.75 2',
      empty: '',
    };
    const bytes = tree(files);
    const eager = new MemoryStore();
    await importBundle(eager, bytes);
    const expected = (await eager.getRun(RUN)).data.latestMetrics;
    const store = await BundleStore.open(bytes);
    const actual = (await store.getRun(RUN)).data.latestMetrics;
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(files)) expect(actual[key], key).toEqual(expected[key]);
    expect(actual['shuffled']).toMatchObject({ step: 9, value: 0.6 });
    expect(actual['tiedStep']).toMatchObject({ step: 4, timestamp: 30, value: 3.5 });
    expect(actual['empty']).toBeUndefined();
  });

  it('opens a bundle with a corrupt metric file: reading that history says which file and line', async () => {
    const store = await BundleStore.open(tree({ good: lines(100), broken: lines(100, { at: 41, value: '1.2.3' }) }));
    // The run table's numbers are there, from the good lines.
    const run = await store.getRun(RUN);
    expect(run.data.metrics['broken']).toBe(9.9);
    expect((await store.getMetricHistory(RUN, 'good')).values).toHaveLength(100);
    const error = await store.getMetricHistory(RUN, 'broken').then(() => undefined, (e: unknown) => e);
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), String(error)).toBe(true);
    expect((error as Error).message).toBe(`${metricEntry('broken')} line 42: invalid metric value "1.2.3".`);
    // Asked again, it fails again the same way (a failure is not cached as data).
    await expect(store.getMetricHistory(RUN, 'broken')).rejects.toThrow('line 42: invalid metric value');
  });

  it('parses a metric file once however many ask for it at once, and hands out copies', async () => {
    const store = await BundleStore.open(tree({ loss: lines(1000) }));
    const read = vi.spyOn(GuardedZip.prototype, 'read');
    const readsOf = (entry: string): number => read.mock.calls.filter(([e]) => (typeof e === 'string' ? e : e.name) === entry).length;
    const histories = await Promise.all(Array.from({ length: 20 }, () => store.getMetricHistory(RUN, 'loss')));
    expect(readsOf(metricEntry('loss'))).toBe(1);
    for (const h of histories) expect(Array.from(h.values.subarray(0, 3))).toEqual([0, 0.1, 0.2]);
    histories[0]!.values[0] = 42;
    expect((await store.getMetricHistory(RUN, 'loss')).values[0]).toBe(0);
    expect(readsOf(metricEntry('loss'))).toBe(1);
  });

  it('keeps parsed histories within historyCacheBytes: a forgotten one is parsed again when asked', async () => {
    // Each history of 1000 points takes 24,000 bytes; the cache holds one.
    const store = await BundleStore.open(tree({ a: lines(1000), b: lines(1000) }), { historyCacheBytes: 30_000 });
    const read = vi.spyOn(GuardedZip.prototype, 'read');
    const readsOf = (key: string): number => read.mock.calls.filter(([e]) => (typeof e === 'string' ? e : e.name) === metricEntry(key)).length;
    await store.getMetricHistory(RUN, 'a');
    await store.getMetricHistory(RUN, 'a');
    expect(readsOf('a')).toBe(1);
    await store.getMetricHistory(RUN, 'b');
    await store.getMetricHistory(RUN, 'a');
    expect([readsOf('a'), readsOf('b')]).toEqual([2, 1]);
  });

  it('reports progress once per run, as its metric files are scanned', async () => {
    const done: number[] = [];
    const store = await BundleStore.open(tree({ loss: lines(10) }), { onProgress: (p) => done.push(p.done) });
    const experiments = (await store.searchExperiments({ viewType: 'ALL' })).items.map((e) => e.experimentId);
    const runs = (await store.searchRuns({ experimentIds: experiments, viewType: 'ALL' })).items;
    expect(runs.length).toBeGreaterThan(0);
    expect(done).toEqual(runs.map((_, i) => i + 1));
  });

  it('a history whose columns pass maxDecodedBytes is RESOURCE_EXHAUSTED from getMetricHistory, after an open that fits', async () => {
    // 60,000 lines of 6 bytes: 720 KB charged while scanned, 1.44 MB of columns.
    const store = await BundleStore.open(tree({ many: '0 0 0\n'.repeat(60_000) }), { limits: { maxDecodedBytes: 1024 * 1024 } });
    expect((await store.getRun(RUN)).data.metrics['many']).toBe(0);
    const error = await store.getMetricHistory(RUN, 'many').then(() => undefined, (e: unknown) => e);
    expect(isEdgeflowError(error, 'RESOURCE_EXHAUSTED'), String(error)).toBe(true);
    expect((error as Error).message).toContain(`${metricEntry('many')}: decoding 60000 metric points`);
  });
});
