import { afterEach, describe, expect, it } from 'vitest';
import type { ArtifactBrowser } from '../../src/components/ef-artifact-browser.js';
import type { RunDetails } from '../../src/components/ef-run-details.js';
import { frames, mount, seed, shadow, until } from './components-fixtures.js';

afterEach(() => {
  document.body.replaceChildren();
});

const PNG_1PX = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

async function browser(el: RunDetails): Promise<ArtifactBrowser> {
  const b = shadow(el).querySelector('ef-artifact-browser')!;
  await b.loaded();
  return b;
}

async function open(b: ArtifactBrowser, path: string): Promise<void> {
  const node = [...shadow(b).querySelectorAll<HTMLButtonElement>('.node')].find((n) => n.title === path || n.textContent!.includes(path));
  if (node === undefined) throw new Error(`no node ${path}`);
  node.click();
  await b.loaded();
}

describe('<ef-run-details>', () => {
  it('shows info, params, metrics with sparklines, tags, the note as Markdown and child runs', async () => {
    const { store, client, runIds, experimentId } = await seed();
    const parent = runIds[0]!;
    client.setTag(parent, 'mlflow.note.content', '# Findings\n\n**bold** and [docs](https://example.com) `code`');
    const child = await client.startRun({ experimentId, parentRunId: parent, runName: 'child-1' });
    await client.flush();
    const el = await mount('ef-run-details', { store, runId: parent });
    await el.loaded();
    const root = shadow(el);
    expect(root.querySelector('h2')!.textContent).toBe('alpha');
    expect(root.querySelector('.params')!.textContent).toContain('0.1');
    expect(root.querySelectorAll('.metrics ef-sparkline')).toHaveLength(2);
    const note = root.querySelector('.note')!;
    expect(note.querySelector('h1')!.textContent).toBe('Findings');
    expect(note.querySelector('strong')!.textContent).toBe('bold');
    expect(note.querySelector('a')!.getAttribute('rel')).toContain('noopener');
    expect(root.querySelector('.tags')!.textContent).toContain('team');
    expect(root.querySelector('.tags')!.textContent).not.toContain('mlflow.note.content');
    expect(root.querySelector('.children')!.textContent).toContain('child-1');
    const spark = root.querySelector('ef-sparkline')!;
    await spark.loaded();
    expect(spark.pointCount).toBe(20);
    const opened: string[] = [];
    el.addEventListener('ef-run-open', (e) => opened.push((e as CustomEvent<{ runId: string }>).detail.runId));
    root.querySelector<HTMLButtonElement>('.children button.link')!.click();
    expect(opened).toEqual([child.info.runId]);
  });

  it('updates live as the run logs', async () => {
    const { store, client, runIds } = await seed();
    const el = await mount('ef-run-details', { store, runId: runIds[1]! });
    await el.loaded();
    client.logParam(runIds[1]!, 'optimizer', 'adam');
    client.logMetric(runIds[1]!, 'f1', 0.77, 3);
    await client.flush();
    await until(() => shadow(el).querySelector('.params')!.textContent!.includes('adam'), 3000, 'live param');
    await until(() => shadow(el).querySelector('.metrics')!.textContent!.includes('f1'), 3000, 'live metric');
  });

  it('browses artifacts: images via blob URLs, text, JSON, CSV tables, HTML/SVG as source only', async () => {
    const { store, client, runIds } = await seed();
    const id = runIds[0]!;
    await client.logArtifact(id, 'plots/roc.png', PNG_1PX);
    await client.logText(id, 'hello\nworld', 'logs/train.log');
    await client.logDict(id, { a: 1, b: [1, 2] }, 'config.json');
    await client.logText(id, 'artifact_path: model\nflavors:\n  tfjs: {}\n', 'model/MLmodel');
    await client.logText(id, 'epoch,loss\n1,"0.5"\n2,0.25\n', 'history.csv');
    await client.logText(id, '<h1 id="live">hi</h1>', 'report.html');
    await client.logText(id, '<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>', 'plots/shape.svg');
    const el = await mount('ef-run-details', { store, runId: id });
    await el.loaded();
    const b = await browser(el);
    await open(b, 'plots');
    await until(() => shadow(b).textContent!.includes('roc.png') || shadow(b).querySelectorAll('.node').length > 6, 3000, 'folder');
    await open(b, 'plots/roc.png');
    const img = shadow(b).querySelector('img')!;
    expect(img.src).toMatch(/^blob:/u);
    await until(() => img.complete && img.naturalWidth === 1, 3000, 'image decoded');

    await open(b, 'plots/shape.svg');
    expect(shadow(b).querySelector('img')).toBeNull();
    expect(shadow(b).querySelector('svg')).toBeNull();
    expect(shadow(b).querySelector('pre.source')!.textContent).toContain('<circle');
    expect(shadow(b).querySelector('[part="notice"]')).not.toBeNull();

    await open(b, 'report.html');
    expect(shadow(b).querySelector('#live')).toBeNull();
    expect(shadow(b).querySelector('pre.source')!.textContent).toBe('<h1 id="live">hi</h1>');

    await open(b, 'config.json');
    expect(shadow(b).querySelector('pre')!.textContent).toBe(JSON.stringify({ a: 1, b: [1, 2] }, null, 2));

    await open(b, 'history.csv');
    const cells = [...shadow(b).querySelectorAll('td')].map((td) => td.textContent);
    expect(cells).toEqual(['1', '0.5', '2', '0.25']);

    await open(b, 'model');
    await until(() => shadow(b).textContent!.includes('MLmodel'), 3000, 'model folder');
    await open(b, 'model/MLmodel');
    expect(shadow(b).querySelector('pre')!.textContent).toContain('flavors:');

    // Live: a new artifact appears in the open tree.
    await client.logText(id, 'late', 'late.txt');
    await until(() => shadow(b).textContent!.includes('late.txt'), 3000, 'live artifact');
    await frames();
  });
});
