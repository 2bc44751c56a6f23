import { afterEach, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { exportBundle } from '../../src/storage/bundle/export-bundle.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { readLinkState, writeLinkState } from '../../src/components/internal/viewer-state.js';
import { mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
  history.replaceState(null, '', location.pathname + location.search.replace(/[?&](experiment|runs|run|tab)=[^&]*/gu, ''));
});

async function seededZip(): Promise<{ zip: Blob; experimentId: string; runIds: string[] }> {
  const { store, experimentId, runIds } = await seed();
  const zip = (await exportBundle(store, { output: 'blob' })) as Blob;
  return { zip, experimentId, runIds };
}

function chartsOf(viewer: HTMLElementTagNameMap['ef-viewer']): HTMLElementTagNameMap['ef-metric-chart'][] {
  return [...shadow(viewer).querySelectorAll('ef-metric-chart')];
}

describe('<ef-viewer>', () => {
  it('opens a bundle Blob, picks its experiment and latest runs, and loaded() resolves with rows and drawn charts', async () => {
    const { zip, experimentId, runIds } = await seededZip();
    const viewer = await mount('ef-viewer', { noHash: true, src: zip });
    expect(viewer.experimentId).toBe(experimentId);
    expect([...viewer.selectedRunIds].sort()).toEqual([...runIds].sort());
    const table = shadow(viewer).querySelector('ef-run-table')!;
    expect(table.runs.map((r) => r.info.runName).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(viewer.metricKeys).toEqual(['acc', 'loss']);
    const charts = chartsOf(viewer);
    expect(charts.map((c) => c.metricKeys[0])).toEqual(['acc', 'loss']);
    for (const chart of charts) {
      expect(chart.plot).toBeDefined();
      expect((chart.chartData?.[0] as ArrayLike<number>).length).toBe(20);
    }
    expect(shadow(viewer).querySelector('header small')!.textContent).toBe('read-only');
    expect(location.hash).toBe('');
  });

  it('shows what to do when given nothing, and the error of a source that cannot be opened', async () => {
    const viewer = await mount('ef-viewer', { noHash: true });
    expect(shadow(viewer).textContent).toContain('Drop an experiment zip here');
    viewer.src = new Blob([new Uint8Array([1, 2, 3])]);
    await viewer.loaded();
    const alert = shadow(viewer).querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('Could not open');
  });

  it('keeps the experiment, runs and tab in the hash, and a new viewer on that link reopens the same view', async () => {
    const { store, experimentId, runIds } = await seed();
    const viewer = await mount('ef-viewer', { store });
    const table = shadow(viewer).querySelector('ef-run-table')!;
    table.dispatchEvent(new CustomEvent('ef-selection-change', { detail: { runIds: [runIds[0]!, runIds[2]!] }, bubbles: true, composed: true }));
    viewer.tab = 'compare';
    await viewer.loaded();
    expect(readLinkState(location.href)).toEqual({ experimentId, runIds: [runIds[0], runIds[2]], tab: 'compare' });
    viewer.remove();

    const again = await mount('ef-viewer', { store });
    expect(again.experimentId).toBe(experimentId);
    expect(again.selectedRunIds).toEqual([runIds[0], runIds[2]]);
    expect(again.tab).toBe('compare');
    expect(shadow(again).querySelector('ef-compare-runs')!.runIds).toEqual([runIds[0], runIds[2]]);
    // loaded() waited for the open tab too: the comparison is there.
    expect(shadow(again).querySelector('ef-compare-runs')!.rows.find((r) => r.key === 'lr')!.values).toEqual(['0.1', '0.001']);
  });

  it('reads the state from the query too and ignores ids that are not in the store', () => {
    expect(readLinkState('http://x/p?experiment=7&runs=a1,b2,%3Cscript%3E&tab=evil')).toEqual({ experimentId: '7', runIds: ['a1', 'b2'] });
    expect(writeLinkState('http://x/p?q=1&tab=models#old', { experimentId: '7', runIds: ['a'], tab: 'models' })).toBe('http://x/p?q=1#experiment=7&runs=a&tab=models');
  });

  it('opens a zip dropped on it', async () => {
    const { zip } = await seededZip();
    const viewer = await mount('ef-viewer', { noHash: true });
    const data = new DataTransfer();
    data.items.add(new File([zip], 'spirals.zip', { type: 'application/zip' }));
    viewer.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    await viewer.updateComplete;
    expect(shadow(viewer).querySelector('.drop')).not.toBeNull();
    viewer.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    await until(() => viewer.resolvedStore !== undefined, 10_000, 'the dropped bundle');
    await viewer.loaded();
    expect(shadow(viewer).querySelector('.drop')).toBeNull();
    expect(shadow(viewer).querySelector('ef-run-table')!.runs).toHaveLength(3);
    expect(chartsOf(viewer)).toHaveLength(2);
  });

  it('opens a bundle whose shown run has a corrupt metric file: its chart says which file and line, the rest is drawn', async () => {
    const { zip, runIds } = await seededZip();
    const { strFromU8, strToU8, unzipSync, zipSync } = await import('fflate');
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const entry = Object.keys(files).find((name) => name.endsWith(`/${runIds[0]}/metrics/loss`))!;
    const lines = strFromU8(files[entry]!).split('\n');
    lines[5] = lines[5]!.replace(/ \S+ /u, ' 1.2.3 ');
    files[entry] = strToU8(lines.join('\n'));
    const viewer = await mount('ef-viewer', { noHash: true, src: new Blob([zipSync(files)]) });
    expect(shadow(viewer).querySelector('ef-run-table')!.runs).toHaveLength(3);
    expect(viewer.metricKeys).toEqual(['acc', 'loss']);
    const [acc, loss] = chartsOf(viewer);
    expect(acc!.plot).toBeDefined();
    expect((acc!.chartData?.[0] as ArrayLike<number>).length).toBe(20);
    const alert = shadow(loss!).querySelector('[part="error"]')!;
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain(`Could not read the metrics: ${entry} line 6: invalid metric value "1.2.3".`);
    expect(alert.getBoundingClientRect().height).toBeGreaterThan(0);
  });

  it('shows the runs read while a big zip opens, then what it opened; a zip that fails says why and keeps the view', async () => {
    const { zip } = await seededZip();
    const viewer = await mount('ef-viewer', { noHash: true, src: zip });
    const table = shadow(viewer).querySelector('ef-run-table')!;
    expect(table.runs).toHaveLength(3);

    const big = new MemoryStore();
    const client = new TrackingClient(big);
    const bigExperiment = await client.createExperiment('sweep');
    for (let i = 0; i < 60; i++) {
      const run = await client.createRun(bigExperiment, { runName: `trial-${i}` });
      client.logParam(run.info.runId, 'seed', String(i));
      client.logMetric(run.info.runId, 'loss', 1 / (i + 1), { step: 0 });
    }
    await client.flush();
    const bigZip = (await exportBundle(big, { output: 'blob' })) as Blob;

    const seen: string[] = [];
    const watch = new MutationObserver((records) => {
      for (const r of records) seen.push(r.type === 'characterData' ? (r.target.textContent ?? '') : [...r.addedNodes].map((n) => n.textContent ?? '').join(' '));
    });
    watch.observe(shadow(viewer), { childList: true, subtree: true, characterData: true });
    viewer.openFile(new File([bigZip], 'sweep.zip', { type: 'application/zip' }));
    await viewer.loaded();
    watch.disconnect();
    const counts = seen.join(' ').match(/\d+(?= runs? read)/gu)?.map(Number) ?? [];
    expect(counts.length).toBeGreaterThan(1);
    expect(Math.max(...counts)).toBe(60);
    expect(viewer.experimentId).toBe(bigExperiment);
    expect(shadow(viewer).querySelector('ef-run-table')!.runs).toHaveLength(60);
    const outcome = shadow(viewer).querySelector('[part="outcome"]')!;
    expect(outcome.getAttribute('role')).toBe('status');
    expect(outcome.textContent).toMatch(/Opened sweep\.zip: 2 experiments, 60 runs\./u);

    const shown = viewer.resolvedStore;
    viewer.openFile(new File([new Uint8Array([80, 75, 3, 4, 1, 2, 3])], 'broken.zip'));
    await viewer.loaded();
    const alert = shadow(viewer).querySelector('[role="alert"]')!;
    expect(alert.textContent).toMatch(/Could not open broken\.zip: .+ The view is unchanged\./u);
    expect(viewer.resolvedStore).toBe(shown);
    expect(viewer.experimentId).toBe(bigExperiment);
    expect(shadow(viewer).querySelector('ef-run-table')!.runs).toHaveLength(60);
    expect(viewer.metricKeys).toEqual(['loss']);
  });
});
