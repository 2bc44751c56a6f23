/**
 * `edgeflow ui` answers MLflow 3's REST calls as a real MLflow server did: the 57 recorded exchanges
 * (test/fixtures/mlflow3/rest-exchanges.json) are replayed in order against the handler over a memory
 * store and over the Node file store (`edgeflow ui` on an `mlruns/` folder), and each answer's status
 * and body are compared with the recorded one — ids mapped as they are learned from answers, server
 * times, artifact roots and generated names left out. The few exchanges where edgeflow deliberately
 * differs are listed with their reason and checked for edgeflow's own answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { FileStore } from '../../src/node/file-store.js';
import { createMlflowRestApi } from '../../src/node/mlflow-rest-handler.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { tempFolders } from '../support/temp-folders.js';

interface Exchange {
  readonly n: number;
  readonly method: string;
  readonly path: string;
  readonly request: Record<string, unknown> | null;
  readonly status: number;
  readonly response: Record<string, unknown>;
}

const { exchanges } = JSON.parse(readFileSync('test/fixtures/mlflow3/rest-exchanges.json', 'utf8')) as { exchanges: Exchange[] };

/** Exchanges where edgeflow answers otherwise on purpose: n → [status edgeflow answers, error code, reason]. */
const DIFFERENT: Readonly<Record<number, readonly [number, string, string]>> = {
  34: [404, 'RESOURCE_DOES_NOT_EXIST', 'a metric linked to an unknown model is refused (MLflow writes a ghost model folder; spec §1.6 recommends refusing)'],
  43: [200, '', 'creation_time is taken as creation_timestamp (spec §5.1 allows it; MLflow fails with an HTML 500)'],
  51: [415, 'INVALID_PARAMETER_VALUE', 'a write without application/json is refused with 415 before the body is read (MLflow: 400), the guard against cross-site form posts'],
  54: [200, '', 'a model of a deleted experiment stays readable by id (MLflow’s file store stops finding it, §1.7)'],
  55: [200, '', 'models of a deleted experiment: search answers them as MLflow does, with nothing else to compare'],
};

/**
 * Fields left out of one exchange's comparison, with the reason: n → [keys, reason]. Besides, the
 * dataset of a run's latest metric is not kept by edgeflow's runs, so `dataset_name`/`dataset_digest`
 * of run metrics are not compared (see {@link withoutRunMetricDatasets}).
 */
const LEFT_OUT: Readonly<Record<number, readonly [readonly string[], string]>> = {
  32: [['run_link'], 'MLflow stores "" for an absent run link and sends it; edgeflow leaves it out'],
};

/** A body with `dataset_name`/`dataset_digest` left out of run metrics (those without `model_id`; see above). */
function withoutRunMetricDatasets(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !('step' in value) || 'model_id' in value) return value;
    const { dataset_name: _name, dataset_digest: _digest, ...rest } = value as Record<string, unknown>;
    return rest;
  });
}

/** Keys whose values the server generates (times, folders) or draws at random (names of exchange 5). */
const GENERATED = new Set(['creation_timestamp_ms', 'last_updated_timestamp_ms', 'creation_timestamp', 'last_updated_timestamp', 'artifact_uri', 'root_uri', 'end_time', 'storage_location']);
const ID = /^(?:\d{18}|[0-9a-f]{28}a\d{3}|m-[0-9a-f]{28}b\d{3})$/u;

/** A value with ids replaced through `map`, generated fields dropped and key/value and dataset-input lists sorted, for comparing. */
function normal(value: unknown, map: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return [...map].reduce((text, [from, to]) => text.replaceAll(from, to), value);
  if (Array.isArray(value)) {
    const items = value.map((v) => normal(v, map));
    // Dataset inputs too: a file store lists them in directory order, which MLflow does not define.
    return items.every((i) => typeof i === 'object' && i !== null && ('key' in i || 'name' in i || 'dataset' in i))
      ? [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
      : items;
  }
  if (typeof value === 'object' && value !== null) {
    // Empty lists are left out, as protobuf JSON leaves them out.
    const kept = Object.entries(value).filter(([k, v]) => !GENERATED.has(k) && !(Array.isArray(v) && v.length === 0));
    return Object.fromEntries(kept.map(([k, v]) => [k, normal(v, map)]));
  }
  return value;
}

/** Learns recorded id → actual id from an answer of the same shape. */
function learn(recorded: unknown, actual: unknown, ids: Map<string, string>): void {
  if (typeof recorded === 'string' && typeof actual === 'string' && ID.test(recorded) && !ids.has(recorded)) ids.set(recorded, actual);
  else if (Array.isArray(recorded) && Array.isArray(actual)) recorded.forEach((r, i) => learn(r, actual[i], ids));
  else if (typeof recorded === 'object' && recorded !== null && typeof actual === 'object' && actual !== null) {
    for (const [k, v] of Object.entries(recorded)) learn(v, (actual as Record<string, unknown>)[k], ids);
  }
}

const replace = (text: string, ids: ReadonlyMap<string, string>): string => [...ids].reduce((t, [from, to]) => t.replaceAll(from, to), text);

const tempFolder = tempFolders('edgeflow-rest3-');

/** The Node file store in a new temp folder: `edgeflow ui` over an `mlruns/` folder. */
async function fileStore(): Promise<Store> {
  return FileStore.open(join(await tempFolder(), 'mlruns'));
}

const STORES: readonly (readonly [string, () => Promise<Store>])[] = [
  ['MemoryStore', async () => new MemoryStore()],
  ['FileStore', fileStore],
];

describe.each(STORES)('edgeflow ui replays MLflow 3’s recorded REST exchanges (%s)', (_label, open) => {
  it('answers all 57 exchanges with MLflow’s status and body (ids, times and generated names aside)', async () => {
    const api = createMlflowRestApi(await open());
    const ids = new Map<string, string>();
    expect(exchanges).toHaveLength(57);
    for (const exchange of exchanges) {
      const [path, query = ''] = replace(exchange.path, ids).split('?');
      const body = exchange.request === null ? '' : replace(JSON.stringify(exchange.request), ids);
      const contentType = exchange.n === 51 ? 'text/plain' : 'application/json';
      const answer = await api.respond({
        method: exchange.method,
        path: path!,
        query: new URLSearchParams(query),
        headers: { host: '127.0.0.1', 'content-type': contentType },
        body: new TextEncoder().encode(body),
      });
      const json = JSON.parse(typeof answer.body === 'string' ? answer.body : new TextDecoder().decode(answer.body)) as Record<string, unknown>;
      const label = `exchange ${exchange.n}: ${exchange.method} ${exchange.path}`;
      const different = DIFFERENT[exchange.n];
      if (different) {
        expect.soft([answer.status, json['error_code'] ?? ''], `${label} (${different[2]})`).toEqual([different[0], different[1]]);
        continue;
      }
      learn(exchange.response, json, ids);
      if (exchange.n === 5) {
        // A random `<adjective>-<noun>-<n>` name, as MLflow draws one.
        const name = (json as { model: { info: { name: string } } }).model.info.name;
        expect.soft(name, label).toMatch(/^[a-z]+-[a-z]+-\d+$/u);
        ids.set('secretive-stag-160', name);
      }
      const back = new Map([...ids].map(([recorded, actual]) => [actual, recorded]));
      expect.soft(answer.status, label).toBe(exchange.status);
      if (exchange.status >= 400) {
        if ('error_code' in exchange.response) expect.soft(json['error_code'], label).toBe(exchange.response['error_code']);
        continue;
      }
      const leftOut = new Set(LEFT_OUT[exchange.n]?.[0] ?? []);
      const without = (body: unknown): unknown => JSON.parse(JSON.stringify(withoutRunMetricDatasets(body), (k, v: unknown) => (leftOut.has(k) ? undefined : v)));
      const expected = normal(without(exchange.response), new Map());
      const got = normal(without(json), back);
      expect.soft(got, label).toEqual(expected);
    }
  });

  it('routes GET logged-models/search to the model "search" and search-datasets below /ajax-api only, as MLflow does', async () => {
    const api = createMlflowRestApi(new MemoryStore());
    const ask = async (method: string, path: string, body = ''): Promise<[number, unknown]> => {
      const answer = await api.respond({ method, path, query: new URLSearchParams(), headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: new TextEncoder().encode(body) });
      return [answer.status, (JSON.parse(answer.body as string) as { error_code?: string }).error_code];
    };
    expect(await ask('GET', '/api/2.0/mlflow/logged-models/search')).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await ask('POST', '/api/2.0/mlflow/logged-models/search', '{"experiment_ids": ["0"]}')).toEqual([200, undefined]);
    expect(await ask('POST', '/api/2.0/mlflow/experiments/search-datasets', '{"experiment_ids": ["0"]}')).toEqual([404, 'ENDPOINT_NOT_FOUND']);
    expect(await ask('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', '{"experiment_ids": ["0"]}')).toEqual([200, undefined]);
  });
});
