import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { importBundle } from '../../src/storage/bundle/import-bundle.js';
import { BundleStore } from '../../src/storage/bundle/bundle-store.js';
import { dumpStore } from '../fixtures/bundle-helpers/helpers.js';
import { buildCorpus, writeCorpus } from '../fixtures/hostile-zips/make-corpus.js';

const dir = new URL('../fixtures/hostile-zips/', import.meta.url).pathname;
if (process.env.WRITE_CORPUS === '1') await writeCorpus(dir);
const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as {
  file: string;
  entry: string;
  description: string;
  limits?: Record<string, number>;
}[];

async function populated(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const c = new TrackingClient(store);
  const run = await c.createRun('0', { runName: 'existing' });
  await c.logMetric(run.info.runId, 'm', 1);
  return store;
}

describe('hostile zip corpus', () => {
  it('has at least 20 cases, and the committed files are what make-corpus.ts builds', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(20);
    const built = buildCorpus();
    expect(new Uint8Array(readFileSync(`${dir}control.zip`))).toEqual(built.control);
    for (const x of built.cases) expect(new Uint8Array(readFileSync(dir + x.file)), x.file).toEqual(x.bytes);
  });

  it('control.zip (same builder, valid tree) imports, nested zip kept as bytes', async () => {
    const store = new MemoryStore();
    const report = await importBundle(store, new Uint8Array(readFileSync(`${dir}control.zip`)));
    expect(report.runs).toBe(1);
    expect(report.artifacts).toBe(1);
    expect(report.metricPoints).toBe(2);
  });

  for (const x of manifest) {
    it(`rejects ${x.file}: ${x.description}`, async () => {
      const store = await populated();
      const before = await dumpStore(store);
      const bytes = new Uint8Array(readFileSync(dir + x.file));
      for (const attempt of [
        () => importBundle(store, bytes, { limits: x.limits }),
        () => BundleStore.open(bytes, { limits: x.limits }).then(async (s) => {
          // Some problems (inflating artifacts) surface only when an entry is read.
          for (const e of (await s.searchExperiments({ viewType: 'ALL' })).items) {
            for (const r of (await s.searchRuns({ experimentIds: [e.experimentId], viewType: 'ALL' })).items) {
              const walk = async (p: string): Promise<void> => {
                for (const f of await s.listArtifacts(r.info.runId, p)) {
                  if (f.isDir) await walk(f.path);
                  else await s.getArtifact(r.info.runId, f.path);
                }
              };
              await walk('');
            }
          }
        }),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE'), String(error)).toBe(true);
        expect((error as Error).message).toContain(x.entry);
      }
      expect(await dumpStore(store)).toEqual(before);
    });
  }
});
