/**
 * Node side of the mirror's scenario tests: what the loopback server holds against a local
 * {@link StoreDigest} — read from the server's own store, and again through `RestStore` (MLflow's
 * REST API, as any MLflow client reads it) — and how many metric points its `log-batch` requests
 * applied, so a point sent twice shows even where the server would keep both.
 */
import { expect } from 'vitest';
import { RestStore } from '../../src/storage/rest/rest-store.js';
import type { MlflowRestServer, Tenant } from './mlflow-rest-server.js';
import { storeDigest, type StoreDigest } from './store-digest.js';

/** A digest with history lengths instead of histories: a readable first difference. */
function outline(digest: StoreDigest): unknown {
  return digest.runs.map(({ metrics, artifacts, ...run }) => ({
    ...run,
    metrics: Object.fromEntries(Object.entries(metrics).map(([key, points]) => [key, points.length])),
    artifacts: Object.keys(artifacts),
  }));
}

/** Metric points of `log-batch` requests to `tenant` that the server processed with 200 (answered or not). */
export function appliedPoints(server: MlflowRestServer, tenant: Tenant): number {
  const prefix = new URL(tenant.url).pathname.replace(/\/$/u, '');
  let points = 0;
  for (const request of server.requests) {
    if (request.tenant !== prefix || request.status !== 200 || !request.path.endsWith('/runs/log-batch')) continue;
    const metrics = request.json?.['metrics'];
    if (Array.isArray(metrics)) points += metrics.length;
  }
  return points;
}

/**
 * Asserts that `tenant` holds exactly `local`'s runs — every history point for point, params, tags,
 * status, each run once — in its store, the same and the artifacts through `RestStore`, and that
 * its `log-batch` requests applied each point once.
 */
export async function expectServerHolds(server: MlflowRestServer, tenant: Tenant, local: StoreDigest): Promise<void> {
  expect(local.points).toBeGreaterThan(0);
  // The server's own store (its artifact proxy keeps files apart, as MLflow's artifact repository does).
  const direct = await storeDigest(tenant.store);
  expect(direct.runs.map((r) => r.origin)).toEqual(local.runs.map((r) => r.origin));
  const withoutFiles = (digest: StoreDigest): StoreDigest => ({ ...digest, runs: digest.runs.map((run) => ({ ...run, artifacts: {} })) });
  expect(outline(withoutFiles(direct)), 'runs, status, params, tags and history lengths').toEqual(outline(withoutFiles(local)));
  expect(withoutFiles(direct)).toEqual(withoutFiles(local));
  const rest = new RestStore({ baseUrl: tenant.url });
  try {
    const read = await storeDigest(rest);
    expect(outline(read), 'through RestStore').toEqual(outline(local));
    expect(read).toEqual(local);
  } finally {
    await rest.close();
  }
  expect(appliedPoints(server, tenant)).toBe(local.points);
}
