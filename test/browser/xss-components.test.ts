/**
 * Hostile data in every user-controlled string the elements show: nothing may execute. Each
 * payload sets `window.__pwned` if it ever runs; the test renders every element, opens every
 * artifact preview, and also checks the DOM for live event handlers, `javascript:` URLs and
 * active elements. Registered models carry the payloads in names, Markdown descriptions, tags and
 * version sources. The same data is then exported to a zip bundle, imported into a fresh store
 * and opened read-only through `openStore('bundle:…')`, and rendered again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { exportBundle, importBundle } from '../../src/storage/bundle/index.js';
import { parseDelimited } from '../../src/components/internal/csv.js';
import type { ArtifactBrowser } from '../../src/components/ef-artifact-browser.js';
import { frames, mount, shadow, until } from './components-fixtures.js';

declare global {
  interface Window {
    __pwned?: boolean;
  }
}

const P = 'window.__pwned=true';
const PAYLOADS: readonly string[] = [
  `<script>${P}</script>`,
  `<img src=x onerror="${P}">`,
  `<svg onload="${P}">`,
  `javascript:${P}`,
  `"><script>${P}</script>`,
  `'><img src=x onerror=${P}>`,
  `</style><script>${P}</script>`,
  `</textarea><img src=x onerror=${P}>`,
  `<iframe srcdoc="<script>parent.__pwned=true</script>"></iframe>`,
  `<iframe src="javascript:parent.__pwned=true"></iframe>`,
  `<a href="javascript:${P}">click</a>`,
  `<details open ontoggle="${P}"><summary>x</summary></details>`,
  `<body onload="${P}">`,
  `<input autofocus onfocus="${P}">`,
  `<video><source onerror="${P}"></video>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${P}>`,
  `<object data="javascript:${P}"></object>`,
  `<embed src="javascript:${P}">`,
  `{{constructor.constructor('${P}')()}}`,
  '${' + P + '}',
  `<svg><script>${P}</script></svg>`,
  `<svg><animate onbegin="${P}" attributeName="x" dur="1s"></animate></svg>`,
  `<form><button formaction="javascript:${P}">x</button></form>`,
  `=cmd|' /C calc'!A0`,
  `+HYPERLINK("javascript:${P}")`,
  `@SUM(1+1)*cmd|' /C calc'!A0`,
  `-2+3+cmd|' /C calc'!A0`,
  `[click me](javascript:${P})`,
  `![x](x" onerror="${P})`,
  `<div style="background:url(javascript:${P})">x</div>`,
  `<marquee onstart="${P}">x</marquee>`,
  `<noscript><p title="</noscript><img src=x onerror=${P}>"></noscript>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${P}">`,
  `<base href="javascript:${P}//">`,
  `<img src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='${P}'/>">`,
  `[x](data:text/html;base64,${btoa(`<script>${P}</script>`)})`,
  `<scr<script>ipt>${P}</script>`,
  `<x onclick="${P}" style="position:fixed;inset:0;display:block">cover</x>`,
  `<template><script>${P}</script></template><slot onslotchange="${P}"></slot>`,
  `<style>@import 'javascript:${P}';</style>`,
];

/** Keys of the characters key validation allows, chosen to trip naive code (prototype keys, look-alike URLs). */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'javascript:void 0', 'onerror', 'script/src', 'a:b c-d.e_f'];

/** Artifact names validation allows, with markup in them. */
const HOSTILE_ARTIFACTS: readonly [string, string][] = [
  [`<img src=x onerror=${P}>.html`, `<script>${P}</script><img src=x onerror="${P}">`],
  [`"><svg onload=${P}>.svg`, `<svg xmlns="http://www.w3.org/2000/svg" onload="${P}"><script>${P}</script></svg>`],
  ['fake.png', `<svg xmlns="http://www.w3.org/2000/svg" onload="${P}"/>`],
  ['page.htm', `<body onload="${P}">`],
  ['data.xml', `<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">${P}</x:script>`],
  ['table.csv', `name,value\n"<img src=x onerror=${P}>",=cmd|' /C calc'!A0\n`],
  ['notes.md', `[x](javascript:${P})\n<script>${P}</script>`],
  ['config.json', JSON.stringify({ html: `<script>${P}</script>` })],
  ['MLmodel', `flavors:\n  x: "<img src=x onerror=${P}>"\n`],
  ['noext', `<script>${P}</script>`],
];

interface Seeded {
  store: Store;
  experimentId: string;
  runIds: string[];
}

async function seedHostile(): Promise<Seeded> {
  const store = new MemoryStore();
  const client = new TrackingClient(store);
  const experimentId = await client.createExperiment(`<img src=x onerror="${P}"> main`);
  for (const [i, payload] of PAYLOADS.entries()) await client.createExperiment(`${payload} #${i}`);
  const runIds: string[] = [];
  for (const [i, payload] of PAYLOADS.entries()) {
    const run = await client.startRun({ experimentId, runName: payload.slice(0, 250), description: payload });
    const id = run.info.runId;
    runIds.push(id);
    client.logParam(id, 'p', payload);
    client.setTag(id, 't', payload);
    client.setTag(id, HOSTILE_KEYS[i % HOSTILE_KEYS.length]!, payload);
    client.logParam(id, HOSTILE_KEYS[(i + 1) % HOSTILE_KEYS.length]!, payload);
    client.logMetric(id, HOSTILE_KEYS[i % HOSTILE_KEYS.length]!, i, 0);
    client.logMetric(id, 'loss', 1 / (i + 1), 0);
    client.logMetric(id, 'loss', 0.5 / (i + 1), 1);
    if (i < 3) for (const [name, content] of HOSTILE_ARTIFACTS) await client.logArtifact(id, `dir ${i}/${name}`, content);
    if (i < 3) for (const [name, content] of HOSTILE_ARTIFACTS) await client.logArtifact(id, name, content);
  }
  await client.flush();
  // The model registry: names (validation forbids "/", "%" and "\\"), Markdown descriptions, tags
  // and sources of versions; aliases allow only letters, digits, "_" and "-", so they are hostile keys.
  for (const [i, payload] of PAYLOADS.entries()) {
    const name = registryName(payload, i);
    await client.createRegisteredModel(name, { description: payload, tags: { t: payload, [HOSTILE_KEYS[i % HOSTILE_KEYS.length]!]: payload } });
    await client.createModelVersion(name, `runs:/${runIds[i]!}/model`, { description: payload });
    await client.createModelVersion(name, payload, { runId: runIds[i]! });
    await client.setRegisteredModelAlias(name, HOSTILE_ALIASES[i % HOSTILE_ALIASES.length]!, 1);
    await client.setRegisteredModelAlias(name, 'javascript', 2);
  }
  return { store, experimentId, runIds };
}

/** Aliases validation allows that trip naive code (prototype keys, handler names). */
const HOSTILE_ALIASES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'onerror', 'script', 'valueOf'];

/** A registered model name from a payload (validation forbids "/", "%", "\\" and control characters). */
function registryName(payload: string, i: number): string {
  return `${payload.replace(/[/%\\\u0000-\u001f\u007f]/gu, '\u2215')} #${i}`.slice(0, 256);
}

/** Every element of a composed tree (shadow roots included). */
function* walk(root: Node): Generator<Element> {
  const children = root instanceof Element && root.shadowRoot ? [...root.shadowRoot.children, ...(root instanceof HTMLElement ? [...root.children] : [])] : root instanceof Element || root instanceof DocumentFragment ? [...(root as ParentNode).children] : [];
  for (const child of children) {
    yield child;
    yield* walk(child);
  }
}

/** Asserts nothing ran and nothing dangerous is live in the DOM. */
async function assertInert(): Promise<void> {
  await frames(3);
  await new Promise((r) => setTimeout(r, 60));
  expect(window.__pwned).toBeUndefined();
  for (const el of walk(document.body)) {
    const tag = el.tagName.toLowerCase();
    expect(['script', 'iframe', 'object', 'embed', 'base', 'meta', 'form', 'marquee', 'math']).not.toContain(tag);
    for (const attr of el.getAttributeNames()) {
      expect(attr.startsWith('on'), `${tag}[${attr}]`).toBe(false);
      const value = el.getAttribute(attr) ?? '';
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(attr)) {
        expect(value.trim().toLowerCase().startsWith('javascript:'), `${tag}[${attr}]=${value}`).toBe(false);
        expect(/^data:(text|image\/svg)/iu.test(value.trim()), `${tag}[${attr}]=${value}`).toBe(false);
      }
    }
    // Images only from blob URLs we made with a raster MIME type (a sanitized note image has no src).
    if (tag === 'img' && el.hasAttribute('src')) expect((el as HTMLImageElement).src).toMatch(/^(blob:|data:image\/(png|jpeg|gif|webp);)/u);
  }
}

function assertCsvSafe(csv: string): void {
  for (const row of parseDelimited(csv)) {
    for (const cell of row) {
      if (cell === '' || Number.isFinite(Number(cell))) continue;
      expect(/^[=+\-@\t\r]/u.test(cell), `formula cell ${cell}`).toBe(false);
    }
  }
}

async function renderEverything(seeded: Seeded, storeProps: { store?: Store; storeUri?: string }, detailRuns = Infinity): Promise<void> {
  const { experimentId, runIds } = seeded;
  const list = await mount('ef-experiment-list', { ...storeProps, showDeleted: true });
  await until(() => list.experiments.length > PAYLOADS.length, 5000, 'experiments');
  await list.loaded();
  await assertInert();

  const table = await mount('ef-run-table', { ...storeProps, experimentIds: [experimentId] });
  await until(() => table.runs.length === PAYLOADS.length, 5000, 'runs');
  table.columns = ['attr:name', 'param:p', 'tag:t', ...HOSTILE_KEYS.flatMap((k) => [`param:${k}`, `tag:${k}`, `metric:${k}`])];
  table.groupBy = 'param:p';
  await table.updateComplete;
  await assertInert();
  table.groupBy = '';
  await table.updateComplete;
  // Scroll through every row so each payload is rendered at least once.
  const scroll = shadow(table).querySelector<HTMLElement>('.scroll')!;
  for (let y = 0; y <= scroll.scrollHeight; y += scroll.clientHeight / 2) {
    scroll.scrollTop = y;
    await frames(2);
  }
  await assertInert();
  assertCsvSafe(table.toCsv());
  const filter = shadow(table).querySelector<HTMLInputElement>('input[part="filter"]')!;
  filter.value = `params.p = '<img src=x onerror=${P}>' and <script>`;
  filter.dispatchEvent(new Event('input'));
  filter.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' })); // checked on Enter (or after a pause)
  await table.updateComplete;
  expect(shadow(table).querySelector('[part="filter-error"]')).not.toBeNull();
  await assertInert();

  const chart = await mount('ef-metric-chart', { ...storeProps, runIds, metricKeys: ['loss'] });
  await until(() => chart.chartData !== undefined, 5000, 'chart');
  const over = chart.plot!.over;
  const rect = over.getBoundingClientRect();
  over.dispatchEvent(new MouseEvent('mousemove', { clientX: rect.left + 5, clientY: rect.top + 5, bubbles: true }));
  await frames(2);
  await assertInert();
  assertCsvSafe(chart.toCsv());

  const registry = await mount('ef-model-registry', storeProps);
  await until(() => registry.models.length === PAYLOADS.length, 5000, 'registered models');
  await registry.loaded();
  expect(shadow(registry).querySelectorAll('tr[data-version]')).toHaveLength(PAYLOADS.length * 2);
  expect(shadow(registry).querySelectorAll('[part="alias-badge"]')).toHaveLength(PAYLOADS.length * 2);
  await assertInert();
  registry.remove();

  const compare = await mount('ef-compare-runs', { ...storeProps, runIds });
  await compare.loaded();
  await until(() => shadow(compare).querySelector('table') !== null, 5000, 'compare');
  await assertInert();

  for (const runId of runIds.slice(0, detailRuns)) {
    const details = await mount('ef-run-details', { ...storeProps, runId });
    await details.loaded();
    await until(() => shadow(details).querySelector('h2') !== null, 5000, 'details');
    details.remove();
  }
  await assertInert();

  const withArtifacts: string[] = [];
  for (const runId of runIds) if ((await seeded.store.listArtifacts(runId as never, '')).length > 0) withArtifacts.push(runId);
  expect(withArtifacts).toHaveLength(3);
  for (const runId of withArtifacts) {
    const details = await mount('ef-run-details', { ...storeProps, runId });
    await until(() => shadow(details).querySelector('ef-artifact-browser') !== null, 5000, 'artifact browser');
    const browser = shadow(details).querySelector<ArtifactBrowser>('ef-artifact-browser')!;
    await browser.loaded();
    const opened = new Set<string>();
    for (let round = 0; round < 4; round++) {
      for (const node of [...shadow(browser).querySelectorAll<HTMLButtonElement>('.node')]) {
        const key = node.title || node.textContent!;
        if (opened.has(key)) continue;
        opened.add(key);
        node.click();
        await browser.loaded();
        await assertInert();
      }
    }
    expect(opened.size).toBeGreaterThanOrEqual(HOSTILE_ARTIFACTS.length * 2);
    details.remove();
  }
}

describe('hostile data in every element', () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedHostile();
  });
  afterEach(() => {
    document.body.replaceChildren();
    expect(window.__pwned).toBeUndefined();
  });
  afterAll(() => {
    delete window.__pwned;
  });

  it(`has at least 30 payloads (${PAYLOADS.length})`, () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(30);
  });

  it('the detector works: a payload inserted as HTML does set the flag', async () => {
    const probe = document.createElement('div');
    probe.innerHTML = PAYLOADS[1]!;
    document.body.append(probe);
    await until(() => window.__pwned === true, 3000, 'control payload');
    delete window.__pwned;
  });

  it('logged through the client: nothing executes in any element or preview', { timeout: 180_000 }, async () => {
    await renderEverything(seeded, { store: seeded.store });
  });

  it('arriving in an imported bundle, and read straight from a bundle: nothing executes', { timeout: 240_000 }, async () => {
    const zip = (await exportBundle(seeded.store, { output: 'bytes', includeModels: true })) as Uint8Array;
    const imported = new MemoryStore();
    await importBundle(imported, zip, { onConflict: 'replace' });
    const client = new TrackingClient(imported);
    const experiment = await client.getExperimentByName(`<img src=x onerror="${P}"> main`);
    expect(experiment).not.toBeNull();
    const runs = await client.searchRuns(experiment!.experimentId, { maxResults: 1000 });
    expect(runs.items).toHaveLength(PAYLOADS.length);
    await renderEverything({ store: imported, experimentId: experiment!.experimentId, runIds: runs.items.map((r) => r.info.runId) }, { store: imported }, 12);
    document.body.replaceChildren();

    const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
    try {
      await renderEverything({ store: imported, experimentId: experiment!.experimentId, runIds: runs.items.map((r) => r.info.runId) }, { storeUri: `bundle:${url}` }, 12);
    } finally {
      URL.revokeObjectURL(url);
    }
  });

  it('in <ef-viewer> opened from a bundle Blob, with every tab and a hostile link: nothing executes', { timeout: 120_000 }, async () => {
    const zip = (await exportBundle(seeded.store, { output: 'bytes', includeModels: true })) as Uint8Array;
    history.replaceState(null, '', `#experiment=${encodeURIComponent(PAYLOADS[0]!)}&runs=${encodeURIComponent(PAYLOADS[1]!)}&tab=${encodeURIComponent(PAYLOADS[2]!)}`);
    try {
      const viewer = await mount('ef-viewer', { heading: PAYLOADS[4]!, src: new Blob([zip as Uint8Array<ArrayBuffer>]) });
      expect(viewer.experimentId).toMatch(/^\d+$/u);
      expect(viewer.tab).toBe('details');
      await assertInert();
      for (const tab of ['compare', 'models', 'details'] as const) {
        viewer.tab = tab;
        await viewer.loaded();
        await until(() => shadow(viewer).querySelector(tab === 'compare' ? 'ef-compare-runs' : tab === 'models' ? 'ef-model-registry' : 'ef-run-details') !== null, 5000, tab);
        await assertInert();
      }
      expect(shadow(viewer).querySelector('h1')!.textContent).toBe(PAYLOADS[4]);
    } finally {
      history.replaceState(null, '', location.pathname + location.search);
    }
  });
});
