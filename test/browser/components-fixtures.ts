/**
 * Shared fixtures of the component tests: a MemoryStore seeded through the public client, and
 * mounting helpers.
 */
import { TrackingClient } from '../../src/core/client.js';
import type { Store } from '../../src/core/store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { MetricChart } from '../../src/components/ef-metric-chart.js';
import '../../src/components/define.js';

// Chromium reports "ResizeObserver loop completed with undelivered notifications" when an
// observer's callback changes layout within a frame (the virtualizer measuring rows, a chart
// resizing); the notifications are delivered next frame. It is not an error of the code under test.
window.addEventListener('error', (event) => {
  if (event.message.includes('ResizeObserver loop')) event.stopImmediatePropagation();
});

export interface Seeded {
  readonly store: Store;
  readonly client: TrackingClient;
  readonly experimentId: string;
  readonly runIds: string[];
}

/** Three runs with params, metrics (20 steps of loss/acc) and tags. */
export async function seed(): Promise<Seeded> {
  const store = new MemoryStore();
  const client = new TrackingClient(store, { userId: 'tester' });
  const experimentId = await client.createExperiment('spirals');
  const runIds: string[] = [];
  const configs = [
    { name: 'alpha', lr: '0.1', layers: '2', model: 'mlp' },
    { name: 'beta', lr: '0.01', layers: '2', model: 'mlp' },
    { name: 'gamma', lr: '0.001', layers: '3', model: 'cnn' },
  ];
  for (const [i, c] of configs.entries()) {
    const run = await client.createRun(experimentId, { runName: c.name, startTime: 1_700_000_000_000 + i * 60_000 });
    const id = run.info.runId;
    runIds.push(id);
    client.logParam(id, 'lr', c.lr);
    client.logParam(id, 'layers', c.layers);
    client.logParam(id, 'model', c.model);
    client.setTag(id, 'team', i === 2 ? 'vision' : 'core');
    for (let step = 0; step < 20; step++) {
      client.logMetric(id, 'loss', 1 / (step + 1 + i), { step, timestamp: 1_700_000_000_000 + i * 60_000 + step * 1000 });
      client.logMetric(id, 'acc', 0.5 + (0.4 * step) / 19 - i * 0.05, { step, timestamp: 1_700_000_000_000 + i * 60_000 + step * 1000 });
    }
  }
  await client.flush();
  return { store, client, experimentId, runIds };
}

/** Appends an element to the document and waits for its first render. */
export async function mount<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]>): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  Object.assign(el, props);
  document.body.append(el);
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return el;
}

/** The shadow root of an element. */
export function shadow(el: Element): ShadowRoot {
  return el.shadowRoot!;
}

/** Waits until `check` returns true (or fails after `timeout` ms). */
export async function until(check: () => boolean, timeout = 5000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeout) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 16));
  }
}

/** Waits for n animation frames. */
export async function frames(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(() => r(undefined)));
}

/** Mounts an `<ef-metric-chart>` and waits for its first draw. */
export async function mountChart(props: Partial<MetricChart>): Promise<MetricChart> {
  const el = await mount('ef-metric-chart', props);
  await el.loaded();
  await until(() => el.chartData !== undefined && el.plot !== undefined, 5000, 'first draw');
  return el;
}

/** `store`, with `method` rejecting with `message` until `heal()` is called. */
export function failingStore(store: Store, method: keyof Store, message: string): { store: Store; heal(): void } {
  let failing = true;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === method && failing) return () => Promise.reject(new Error(message));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, heal: () => (failing = false) };
}
