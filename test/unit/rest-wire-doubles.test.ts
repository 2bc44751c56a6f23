/**
 * Doubles on MLflow's REST wire (`storage/rest/wire.ts`): the one encoder (`jsonDouble`, with its
 * text and `stringifyJson` forms) and the one decoder (`parseJsonDouble`, behind `decodeDouble` of
 * RestStore and the handler's request reader), for NaN, ±Infinity and -0, both ways.
 */
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { createMlflowRestApi } from '../../src/node/mlflow-rest-handler.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { decodeDouble, encodeDouble, jsonDouble, parseJsonDouble, stringifyJson, type Json } from '../../src/storage/rest/wire.js';

const SPECIALS = [Number.NaN, Infinity, -Infinity, -0, 0, 1.5, -2.25, Number.MAX_VALUE, Number.MIN_VALUE];

describe('the wire encoder of doubles', () => {
  it('writes NaN, ±Infinity and -0 as strings, finite numbers as numbers', () => {
    expect(SPECIALS.map(jsonDouble)).toEqual(['NaN', 'Infinity', '-Infinity', '-0', 0, 1.5, -2.25, Number.MAX_VALUE, Number.MIN_VALUE]);
    expect(SPECIALS.map(encodeDouble)).toEqual(['"NaN"', '"Infinity"', '"-Infinity"', '"-0"', '0', '1.5', '-2.25', String(Number.MAX_VALUE), String(Number.MIN_VALUE)]);
  });

  it('writes the same in a whole body (stringifyJson) as in a body written as text (encodeDouble)', () => {
    for (const value of SPECIALS) {
      expect(stringifyJson({ value })).toBe(`{"value":${encodeDouble(value)}}`);
    }
    expect(stringifyJson({ metrics: [{ value: -0, step: 3 }], name: 'NaN' })).toBe('{"metrics":[{"value":"-0","step":3}],"name":"NaN"}');
  });
});

describe('the wire decoder of doubles', () => {
  it('reads back every double the encoder writes, the sign of zero included', () => {
    for (const value of SPECIALS) {
      expect(Object.is(decodeDouble(JSON.parse(encodeDouble(value)), 'v'), value)).toBe(true);
      expect(Object.is(decodeDouble((JSON.parse(stringifyJson({ value })) as Json)['value'], 'v'), value)).toBe(true);
    }
  });

  it('takes the spellings other servers write: any case, inf, a JSON -0, decimal strings with spaces', () => {
    expect(parseJsonDouble('nan')).toBeNaN();
    expect(parseJsonDouble('INFINITY')).toBe(Infinity);
    expect(parseJsonDouble('inf')).toBe(Infinity);
    expect(parseJsonDouble('-Inf')).toBe(-Infinity);
    expect(Object.is(parseJsonDouble(JSON.parse('-0') as number), -0)).toBe(true);
    expect(Object.is(parseJsonDouble('-0.0'), -0)).toBe(true);
    expect(parseJsonDouble(' 2.5 ')).toBe(2.5);
    expect(parseJsonDouble('1e3')).toBe(1000);
  });

  it('refuses what is not a double: undefined from the parser, a clear error from decodeDouble', () => {
    for (const bad of ['', '  ', 'abc', '1,5', null, true, {}, [], undefined]) expect(parseJsonDouble(bad)).toBeUndefined();
    let caught: unknown;
    try {
      decodeDouble('abc', 'metric.value');
    } catch (error) {
      caught = error;
    }
    expect(isEdgeflowError(caught)).toBe(true);
    expect((caught as Error).message).toContain('metric.value');
  });
});

describe('doubles through the REST handler', () => {
  const HEADERS = { host: '127.0.0.1', 'content-type': 'application/json' };
  const post = (path: string, json: Json) => ({
    method: 'POST',
    path: `/api/2.0/mlflow/${path}`,
    query: new URLSearchParams(),
    headers: HEADERS,
    body: new TextEncoder().encode(stringifyJson(json)),
  });

  it('stores NaN, ±Infinity and -0 sent by a client and answers them as it got them', async () => {
    const store = new MemoryStore();
    const runId = (await new TrackingClient(store, { userId: 'u' }).createRun('0')).info.runId;
    const api = createMlflowRestApi(store);
    const values = [Number.NaN, Infinity, -Infinity, -0, 0.5];
    for (const [step, value] of values.entries()) {
      const answer = await api.respond(post('runs/log-metric', { run_id: runId, key: 'm', value, timestamp: 1, step }));
      expect(answer.status).toBe(200);
    }
    const stored = await store.getMetricHistory(runId, 'm');
    expect([...stored.values].every((v, i) => Object.is(v, values[i]))).toBe(true);
    const answer = await api.respond({ ...post('metrics/get-history', {}), method: 'GET', query: new URLSearchParams({ run_id: runId, metric_key: 'm', max_results: '10' }), body: new Uint8Array() });
    expect(answer.status).toBe(200);
    const metrics = (JSON.parse(String(answer.body)) as { metrics: Json[] }).metrics;
    expect(metrics.map((m) => m['value'])).toEqual(['NaN', 'Infinity', '-Infinity', '-0', 0.5]);
    expect(metrics.every((m, i) => Object.is(decodeDouble(m['value'], 'value'), values[i]))).toBe(true);
  });
});
