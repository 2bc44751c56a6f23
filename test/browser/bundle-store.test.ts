/**
 * Bundles in real Chromium: the read-only BundleStore (with its model registry) passes the read
 * part of the conformance suite over a zip exported in the page, bundle URLs — `bundle:<url>`,
 * any URL ending in `.zip`, `<ef-run-table src="….zip">` — open through `openStore`, and hostile
 * zips (alias fan-out, base-60 numbers, lying end records, control characters, decoded-size
 * bombs) are refused in the page as in Node.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/components/define.js';
import { TrackingClient } from '../../src/core/client.js';
import type { ExperimentId } from '../../src/core/ids.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { openStore } from '../../src/storage/open-store.js';
import { expectCode } from '../conformance/expect-error.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { mount, shadow, until } from './components-fixtures.js';

/** MLflow's own mlruns/ (experiment 272009504367940677 "demo-exp", model DemoModel), served by Vite. */
const FIXTURE_URL = new URL('../fixtures/mlflow/mlruns-small.zip', import.meta.url).href;
const DEMO_EXPERIMENT = '272009504367940677' as ExperimentId;

const objectUrls: string[] = [];
afterEach(() => {
  document.body.replaceChildren();
  for (const url of objectUrls.splice(0)) URL.revokeObjectURL(url);
});

describeStoreConformance('BundleStore (Chromium page, exported with includeModels)', {
  readOnly: true,
  registry: true,
  async open(seed) {
    const source = new MemoryStore();
    if (seed) await seed(new TrackingClient(source, { userId: 'conformance' }));
    const blob = await exportBundle(source, { includeModels: true });
    expect(blob).toBeInstanceOf(Blob);
    return BundleStore.open(blob);
  },
});

async function expectDemoModel(store: unknown): Promise<void> {
  expect(store).toBeInstanceOf(BundleStore);
  const client = new TrackingClient(store as BundleStore);
  expect((await client.getExperiment(DEMO_EXPERIMENT)).name).toBe('demo-exp');
  const champion = await client.getModelVersionByAlias('DemoModel', 'champion');
  expect(champion).toMatchObject({ version: 1, currentStage: 'Production', runId: 'df5129c3fedd4548b171ed5b1e3f8603' });
  await expectCode(client.createRegisteredModel('new'), 'PERMISSION_DENIED');
}

describe('bundle URLs in the page', () => {
  it('opens any URL whose path ends in .zip: absolute, root-relative, with a query', async () => {
    const url = new URL(FIXTURE_URL);
    await expectDemoModel(await openStore(FIXTURE_URL));
    await expectDemoModel(await openStore(url.pathname));
    await expectDemoModel(await openStore(`${url.pathname}${url.search === '' ? '?' : `${url.search}&`}v=1#x`));
  });

  it('opens bundle:<object URL> of bytes exported in the page, registry included', async () => {
    const store = new MemoryStore();
    await importBundle(store, new Uint8Array(await (await fetch(FIXTURE_URL)).arrayBuffer()));
    const blob = await exportBundle(store, { includeModels: true });
    const objectUrl = URL.createObjectURL(blob as Blob);
    objectUrls.push(objectUrl);
    await expectDemoModel(await openStore(`bundle:${objectUrl}`));
  });

  it('reports a missing bundle clearly', async () => {
    await expectCode(openStore(new URL('../fixtures/mlflow/no-such-bundle.zip', import.meta.url).href), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('<ef-run-table src="….zip"> lists the runs of the bundle', async () => {
    const table = await mount('ef-run-table', { src: new URL(FIXTURE_URL).pathname, experimentIds: [DEMO_EXPERIMENT], viewType: 'ALL' });
    const text = (): string => shadow(table).textContent ?? '';
    await until(() => text().includes('FINISHED'), 10_000, 'the bundle runs');
    const truth = (await (await fetch(new URL('../fixtures/mlflow/mlruns-small.json', import.meta.url))).json()) as {
      experiments: { id: string; runs: { name: string }[] }[];
    };
    for (const run of truth.experiments.find((e) => e.id === DEMO_EXPERIMENT)!.runs) expect(text()).toContain(run.name);
  });
});

describe('hostile bundles in the page', () => {
  const corpus = (file: string): string => new URL(`../fixtures/hostile-zips/${file}`, import.meta.url).href;

  for (const [file, entry] of [
    ['yaml-alias-fan-out.zip', 'mlruns/5/meta.yaml: anchor'],
    ['yaml-base60.zip', 'meta.yaml: a number of'],
    ['eocd-count.zip', 'holds more entries than the 6'],
    ['c1-csi-name.zip', 'contains a control character'],
    ['bidi-name.zip', 'bidirectional override'],
    ['long-experiment-tag.zip', 'mlruns/5/tags/note'],
  ] as const) {
    it(`refuses ${file} with INVALID_PARAMETER_VALUE naming the problem, opened by URL and imported`, async () => {
      const url = corpus(file);
      expect((await expectCode(BundleStore.open(url), 'INVALID_PARAMETER_VALUE')).message).toContain(entry);
      const store = new MemoryStore();
      await expectCode(importBundle(store, new Uint8Array(await (await fetch(url)).arrayBuffer())), 'INVALID_PARAMETER_VALUE');
      expect((await store.searchRuns({ experimentIds: ['0' as ExperimentId], viewType: 'ALL' })).items).toEqual([]);
    });
  }

  it('metric text that decodes past the budget is RESOURCE_EXHAUSTED naming the entry, in Chromium too', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const files = unzipSync(new Uint8Array(await (await fetch(corpus('control.zip'))).arrayBuffer()));
    files['mlruns/5/0123456789abcdef0123456789abcdef/metrics/many'] = new TextEncoder().encode('0 0\n'.repeat(120_000));
    const error = await expectCode(BundleStore.open(zipSync(files), { limits: { maxDecodedBytes: 1024 * 1024 } }), 'RESOURCE_EXHAUSTED');
    expect(error.message).toContain('metrics/many: decoding 120000 metric points');
  });
});
