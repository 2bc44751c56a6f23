/**
 * The page side of `bench/viewer.ts`: opens the served bundle in `<ef-viewer>` and times it to
 * its first charts drawn, against `BundleStore.open` of the same bytes and the raw baseline, fflate
 * `unzipSync` of them, in the same page.
 */
import { unzipSync } from 'fflate';
import '../src/components/define.js';
import { BundleStore } from '../src/storage/bundle/bundle-store.js';
import { median } from './report.js';

/** Median ms of `rounds` raw unzips, opens of the bundle, and viewers to their first charts. */
async function timeToFirstChart(url: string, rounds: number): Promise<{ unzip: number; open: number; viewer: number; charts: number; runs: number }> {
  const blob = await (await fetch(url)).blob();
  const unzips: number[] = [];
  const opens: number[] = [];
  const viewers: number[] = [];
  let charts = 0;
  let runs = 0;
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    unzipSync(new Uint8Array(await blob.arrayBuffer()));
    unzips.push(performance.now() - t0);

    t0 = performance.now();
    const store = await BundleStore.open(blob);
    opens.push(performance.now() - t0);
    await store.close();

    const viewer = document.createElement('ef-viewer');
    viewer.noHash = true;
    document.body.replaceChildren(viewer);
    t0 = performance.now();
    viewer.src = blob;
    await viewer.loaded();
    // The charts' pixels reach the screen in the next frame.
    await new Promise((r) => requestAnimationFrame(r));
    viewers.push(performance.now() - t0);
    const root = viewer.shadowRoot!;
    charts = [...root.querySelectorAll('ef-metric-chart')].filter((c) => c.plot !== undefined).length;
    runs = root.querySelector('ef-run-table')!.runs.length;
    viewer.remove();
  }
  return { unzip: median(unzips), open: median(opens), viewer: median(viewers), charts, runs };
}

Object.assign(window, { viewerBench: { timeToFirstChart } });
document.documentElement.dataset['ready'] = 'true';
