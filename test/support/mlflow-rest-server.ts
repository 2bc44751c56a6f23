/**
 * A loopback MLflow tracking server for tests: node:http on 127.0.0.1 (port 0) serving the REST
 * endpoints `RestStore` uses exactly as spec §9 describes — snake_case protobuf JSON, int64 as
 * numbers, enums as names, non-finite doubles as "NaN"/"Infinity"/"-Infinity", error bodies
 * `{"error_code", "message"}` with MLflow's HTTP status per code, opaque offset page tokens, the
 * server quirks (`experiments/search` without `max_results` fails, `metrics/get-history` without it
 * returns an empty page, `runs/create` takes `user_id` only from the request), request bodies over
 * 1 000 000 bytes rejected — and the `mlflow-artifacts` proxy (list answers basenames; a missing file
 * is a 500 with an HTML body, as MLflow's artifact repository raises).
 *
 * Rules come from a `MemoryStore` behind a `TrackingClient`, so behaviour matches the conformance
 * suite. Several independent backends ("tenants") can share one server under `/t/<n>`.
 * Faults can be injected: fail the Nth matching request with a status (503, 429 + Retry-After…),
 * drop the connection before or after processing, or delay the answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrackingClient } from '../../src/core/client.js';
import type { Experiment, Run } from '../../src/core/entities.js';
import { EdgeflowError, HTTP_STATUS_OF_CODE, isEdgeflowError } from '../../src/core/errors.js';
import type { RunId } from '../../src/core/ids.js';
import type { ModelVersion, RegisteredModel } from '../../src/core/registry/entities.js';
import { decodePageToken, encodePageToken } from '../../src/core/search/index.js';
import { ArtifactTree } from '../../src/storage/artifact-tree.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

type Json = Record<string, unknown>;

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly tenant: string;
  readonly method: string;
  /** Path below the tenant, e.g. `/api/2.0/mlflow/runs/log-batch`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined for none or non-JSON). */
  readonly json: Json | undefined;
  readonly bodyBytes: number;
  /** The fault applied to it, if any. */
  fault?: FaultKind;
  status?: number;
}

/** What a fault does. */
export type FaultKind = 'status' | 'drop' | 'drop-after' | 'delay';

/** A fault to inject. */
export interface Fault {
  readonly kind: FaultKind;
  /** Which requests count (tested on `METHOD /path`); default all. */
  readonly match?: RegExp;
  /** Matching requests to let through before the first failure (the Nth request = skip N-1). Default 0. */
  readonly skip?: number;
  /** How many matching requests fail; default 1, `Infinity` until cleared. */
  readonly times?: number;
  /** For `status`: default 503. */
  readonly status?: number;
  /** For `status`: the Retry-After header value. */
  readonly retryAfter?: string;
  /** For `status`: the body (default an MLflow `TEMPORARILY_UNAVAILABLE` error, or `REQUEST_LIMIT_EXCEEDED` for 429). */
  readonly body?: string;
  /** For `delay`: ms before processing. */
  readonly delayMs?: number;
}

interface ActiveFault {
  readonly spec: Fault;
  skip: number;
  remaining: number;
}

/** One backend of the server. */
export interface Tenant {
  /** Base URL for `RestStore` (`http://127.0.0.1:<port>[/t/<n>]`). */
  readonly url: string;
  /** The store behind it (read it directly to check what arrived). */
  readonly store: MemoryStore;
  /** The artifact proxy's files, by proxy path (`<experiment>/<run>/artifacts/<path>`). */
  readonly artifacts: ArtifactTree;
}

/** A running loopback server. */
export interface MlflowRestServer extends Tenant {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Adds a fault; faults apply in the order added. */
  fault(fault: Fault): void;
  clearFaults(): void;
  /** A fresh, empty backend on the same server. */
  tenant(): Tenant;
  close(): Promise<void>;
}

/** Options of {@link startMlflowRestServer}. */
export interface MlflowRestServerOptions {
  /** Largest JSON body accepted (MLflow: 1 000 000 bytes). */
  readonly maxBodyBytes?: number;
  /** Headers added to every response (e.g. CORS for browser tests). */
  readonly responseHeaders?: Record<string, string>;
}

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';
const MAX_HISTORY_PAGE = 25_000;

interface Backend extends Tenant {
  readonly client: TrackingClient;
}

/** Starts a server on 127.0.0.1 with a free port. */
export async function startMlflowRestServer(options: MlflowRestServerOptions = {}): Promise<MlflowRestServer> {
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  const backends = new Map<string, Backend>();
  const requests: RecordedRequest[] = [];
  let faults: ActiveFault[] = [];
  let origin = '';
  const newBackend = (prefix: string): Backend => {
    const store = new MemoryStore({ artifactRoot: 'mlflow-artifacts:' });
    const backend: Backend = { url: origin + prefix, store, artifacts: new ArtifactTree(), client: new TrackingClient(store, { userId: '' }) };
    backends.set(prefix, backend);
    return backend;
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) }, options.responseHeaders);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const tenantMatch = /^\/t\/(\d+)(\/.*)$/u.exec(url.pathname);
    const prefix = tenantMatch ? `/t/${tenantMatch[1]}` : '';
    const path = tenantMatch ? tenantMatch[2]! : url.pathname;
    const raw = await readBody(req);
    let json: Json | undefined;
    if (raw.byteLength > 0 && (req.headers['content-type'] ?? '').includes('json')) {
      try {
        json = JSON.parse(raw.toString('utf8')) as Json;
      } catch {
        json = undefined;
      }
    }
    const record: RecordedRequest = { tenant: prefix, method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, json, bodyBytes: raw.byteLength };
    requests.push(record);
    if (req.method === 'OPTIONS') {
      send(res, 204, undefined, options.responseHeaders);
      return;
    }

    const fault = takeFault(`${record.method} ${path}`);
    if (fault !== undefined) {
      record.fault = fault.kind;
      if (fault.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
      if (fault.kind === 'status') {
        const status = fault.status ?? 503;
        const body =
          fault.body ??
          JSON.stringify(
            status === 429
              ? { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests.' }
              : { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The server is temporarily unavailable.' },
          );
        record.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json', ...(fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }), ...options.responseHeaders });
        res.end(body);
        return;
      }
    }

    const backend = backends.get(prefix);
    let status = 200;
    let out: Json | Uint8Array | string;
    try {
      if (backend === undefined) throw notFound(path);
      if (path.startsWith(ARTIFACTS)) {
        out = artifactRoute(backend, record.method, path.slice(ARTIFACTS.length), url.searchParams, raw);
      } else if (path.startsWith(`${API}/`)) {
        if (raw.byteLength > maxBody) {
          throw EdgeflowError.invalidParameterValue(`Request body of ${raw.byteLength} bytes exceeds the limit of ${maxBody} bytes.`);
        }
        const input = new Input(json, url.searchParams);
        out = await apiRoute(backend, `${record.method} ${path.slice(API.length)}`, input, path, basicUser(req.headers.authorization));
      } else throw notFound(path);
    } catch (error) {
      if (error instanceof MissingArtifact) {
        status = 500;
        out = '<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>';
      } else {
        const e = isEdgeflowError(error) ? error : EdgeflowError.internalError(String(error));
        status = HTTP_STATUS_OF_CODE[e.code];
        out = { error_code: e.details?.['mlflowErrorCode'] ?? e.code, message: e.message };
      }
    }
    record.status = status;
    if (fault?.kind === 'drop-after') {
      req.socket.destroy();
      return;
    }
    send(res, status, out, options.responseHeaders);
  }

  function takeFault(line: string): Fault | undefined {
    for (const fault of faults) {
      if (fault.remaining <= 0 || (fault.spec.match !== undefined && !fault.spec.match.test(line))) continue;
      if (fault.skip > 0) {
        fault.skip--;
        continue;
      }
      fault.remaining--;
      return fault.spec;
    }
    return undefined;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const main = newBackend('');
  let tenants = 0;
  return {
    url: main.url,
    store: main.store,
    artifacts: main.artifacts,
    requests,
    fault(spec) {
      faults.push({ spec, skip: spec.skip ?? 0, remaining: spec.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    tenant() {
      tenants++;
      const { url, store, artifacts } = newBackend(`/t/${tenants}`);
      return { url, store, artifacts };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ------------------------------------------------------------------------------------------ http

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Json | Uint8Array | string | undefined, extra: Record<string, string> | undefined): void {
  if (body === undefined) {
    res.writeHead(status, { ...extra });
    res.end();
  } else if (body instanceof Uint8Array) {
    res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.byteLength, ...extra });
    res.end(body);
  } else if (typeof body === 'string') {
    res.writeHead(status, { 'Content-Type': 'text/html', ...extra });
    res.end(body);
  } else {
    res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
    res.end(toJsonText(body));
  }
}

/** JSON with MLflow's encoding of non-finite doubles. */
function toJsonText(body: unknown): string {
  return JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity') : value,
  );
}

function notFound(path: string): EdgeflowError {
  const error = new EdgeflowError('RESOURCE_DOES_NOT_EXIST', `No endpoint ${path}.`, { details: { mlflowErrorCode: 'ENDPOINT_NOT_FOUND' } });
  return error;
}

function basicUser(header: string | undefined): string | null {
  const match = /^Basic\s+(.+)$/iu.exec(header ?? '');
  if (match === null) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

/** Request fields from a JSON body (POST/PATCH/DELETE) or the query string (GET). */
class Input {
  constructor(
    private readonly __json: Json | undefined,
    private readonly __query: URLSearchParams,
  ) {}

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  raw(name: string): unknown {
    if (this.__json !== undefined) {
      const value = this.__json[name];
      return value === null ? undefined : value;
    }
    const all = this.__query.getAll(name);
    return all.length === 0 ? undefined : all.length === 1 ? all[0] : all;
  }

  str(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: it must be a string.`);
  }

  required(name: string): string {
    const value = this.str(name);
    if (value === undefined || value === '') {
      throw EdgeflowError.invalidParameterValue(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    }
    return value;
  }

  int(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/u.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${name}': it must be an integer.`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : value === true || value === 'true';
  }

  list(name: string): unknown[] {
    const value = this.raw(name);
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  }

  strings(name: string): string[] {
    return this.list(name).map((v) => String(v));
  }

  keyValues(name: string): Record<string, string> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const item of this.list(name) as Json[]) out[String(item['key'])] = item['value'] === undefined ? '' : String(item['value']);
    return out;
  }
}

function doubleOf(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: it must be a number.`);
}

function intOf(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/u.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${field}': it must be an integer.`);
  return n;
}

// ---------------------------------------------------------------------------------------- wire out

function experimentJson(e: Experiment): Json {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    ...(e.lastUpdateTime === null ? {} : { last_update_time: e.lastUpdateTime }),
    ...(e.creationTime === null ? {} : { creation_time: e.creationTime }),
    tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
  };
}

function runJson(run: Run): Json {
  const info = run.info;
  return {
    info: {
      run_id: info.runId,
      run_uuid: info.runId,
      run_name: info.runName,
      experiment_id: info.experimentId,
      user_id: info.userId,
      status: info.status,
      start_time: info.startTime,
      ...(info.endTime === null ? {} : { end_time: info.endTime }),
      artifact_uri: info.artifactUri,
      lifecycle_stage: info.lifecycleStage,
    },
    data: {
      metrics: Object.values(run.data.latestMetrics).map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step })),
      params: Object.entries(run.data.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(run.data.tags).map(([key, value]) => ({ key, value })),
    },
    inputs: {},
  };
}

function versionJson(v: ModelVersion): Json {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    ...(v.userId ? { user_id: v.userId } : {}),
    current_stage: v.currentStage,
    ...(v.description === null ? {} : { description: v.description }),
    source: v.source,
    ...(v.runId === null ? {} : { run_id: v.runId }),
    status: v.status,
    ...(v.statusMessage === null ? {} : { status_message: v.statusMessage }),
    tags: Object.entries(v.tags).map(([key, value]) => ({ key, value })),
    ...(v.runLink === null ? {} : { run_link: v.runLink }),
    aliases: [...v.aliases],
    ...(v.modelId === null ? {} : { model_id: v.modelId }),
  };
}

function modelJson(m: RegisteredModel): Json {
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    ...(m.description === null ? {} : { description: m.description }),
    latest_versions: m.latestVersions.map(versionJson),
    tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  };
}

function paged(field: string, items: Json[], token: string | undefined): Json {
  return token === undefined ? { [field]: items } : { [field]: items, next_page_token: token };
}

// ------------------------------------------------------------------------------------- endpoints

async function apiRoute(backend: Backend, route: string, input: Input, path: string, user: string | null): Promise<Json> {
  const { client, store } = backend;
  const runId = (): string => input.str('run_id') ?? input.required('run_uuid');
  switch (route) {
    // experiments
    case 'POST /experiments/create':
      return {
        experiment_id: await client.createExperiment(input.required('name'), {
          ...(input.has('artifact_location') ? { artifactLocation: input.required('artifact_location') } : {}),
          tags: input.keyValues('tags'),
        }),
      };
    case 'GET /experiments/search':
    case 'POST /experiments/search': {
      const maxResults = input.int('max_results') ?? 0;
      if (maxResults <= 0) throw EdgeflowError.invalidParameterValue(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
      const page = await client.searchExperiments({
        maxResults,
        ...(input.has('filter') ? { filter: input.str('filter')! } : {}),
        ...(input.has('page_token') ? { pageToken: input.str('page_token')! } : {}),
        orderBy: input.strings('order_by'),
        ...(input.has('view_type') ? { viewType: input.str('view_type') as 'ALL' } : {}),
      });
      return paged('experiments', page.items.map(experimentJson), page.nextPageToken);
    }
    case 'GET /experiments/get':
      return { experiment: experimentJson(await client.getExperiment(input.required('experiment_id'))) };
    case 'GET /experiments/get-by-name': {
      const name = input.required('experiment_name');
      const experiment = await client.getExperimentByName(name);
      if (experiment === null) throw EdgeflowError.resourceDoesNotExist(`Could not find experiment with name '${name}'`);
      return { experiment: experimentJson(experiment) };
    }
    case 'POST /experiments/delete':
      await client.deleteExperiment(input.required('experiment_id'));
      return {};
    case 'POST /experiments/restore':
      await client.restoreExperiment(input.required('experiment_id'));
      return {};
    case 'POST /experiments/update': {
      const id = input.required('experiment_id');
      if (input.has('new_name')) await client.renameExperiment(id, input.required('new_name'));
      return {};
    }
    case 'POST /experiments/set-experiment-tag':
      await client.setExperimentTag(input.required('experiment_id'), input.required('key'), input.str('value') ?? '');
      return {};
    case 'POST /experiments/delete-experiment-tag':
      await client.deleteExperimentTag(input.required('experiment_id'), input.required('key'));
      return {};

    // runs
    case 'POST /runs/create': {
      // Quirk: user_id is taken from the request only, never derived from the tags.
      const run = await client.createRun(input.str('experiment_id') ?? '0', {
        userId: input.str('user_id') ?? '',
        ...(input.has('run_name') ? { runName: input.str('run_name')! } : {}),
        ...(input.has('start_time') ? { startTime: input.int('start_time')! } : {}),
        tags: input.keyValues('tags'),
      });
      return { run: runJson(run) };
    }
    case 'POST /runs/update': {
      const info = await client.updateRun(runId(), {
        ...(input.has('status') ? { status: input.str('status') as 'FINISHED' } : {}),
        ...(input.has('end_time') ? { endTime: input.int('end_time')! } : {}),
        ...(input.has('run_name') ? { runName: input.str('run_name')! } : {}),
      });
      return { run_info: (runJson({ info, data: { metrics: {}, latestMetrics: {}, params: {}, tags: {} } })['info']) as Json };
    }
    case 'POST /runs/delete':
      await client.deleteRun(input.required('run_id'));
      return {};
    case 'POST /runs/restore':
      await client.restoreRun(input.required('run_id'));
      return {};
    case 'GET /runs/get':
      return { run: runJson(await client.getRun(runId())) };
    case 'POST /runs/log-metric':
      await client.logBatch(runId(), { metrics: [metricOf(input.raw.bind(input))] });
      return {};
    case 'POST /runs/log-parameter':
      await client.logBatch(runId(), { params: [{ key: input.required('key'), value: input.str('value') ?? '' }] });
      return {};
    case 'POST /runs/set-tag':
      await client.logBatch(runId(), { tags: [{ key: input.required('key'), value: input.str('value') ?? '' }] });
      return {};
    case 'POST /runs/delete-tag':
      await client.deleteTag(input.required('run_id'), input.required('key'));
      return {};
    case 'POST /runs/log-batch': {
      const metrics = (input.list('metrics') as Json[]).map((m) => metricOf((name) => m[name]));
      const params = (input.list('params') as Json[]).map((p) => ({ key: String(p['key']), value: p['value'] === undefined ? '' : String(p['value']) }));
      const tags = (input.list('tags') as Json[]).map((t) => ({ key: String(t['key']), value: t['value'] === undefined ? '' : String(t['value']) }));
      await client.logBatch(input.required('run_id'), { metrics, params, tags });
      return {};
    }
    case 'POST /runs/search': {
      const page = await client.searchRuns(input.strings('experiment_ids'), {
        ...(input.has('filter') ? { filter: input.str('filter')! } : {}),
        ...(input.has('run_view_type') ? { viewType: input.str('run_view_type') as 'ALL' } : {}),
        maxResults: input.int('max_results') ?? 1000,
        orderBy: input.strings('order_by'),
        ...(input.has('page_token') ? { pageToken: input.str('page_token')! } : {}),
      });
      return paged('runs', page.items.map(runJson), page.nextPageToken);
    }
    case 'GET /metrics/get-history': {
      const id = runId();
      const key = input.required('metric_key');
      const history = await client.getMetricHistory(id, key);
      const maxResults = input.int('max_results');
      // Quirk: without max_results the server answers an empty page.
      if (maxResults === undefined) return { metrics: [] };
      if (maxResults < 1 || maxResults > MAX_HISTORY_PAGE) {
        throw EdgeflowError.invalidParameterValue(`Invalid value ${maxResults} for parameter 'max_results': it must be from 1 to ${MAX_HISTORY_PAGE}.`);
      }
      const offset = decodePageToken(input.str('page_token'));
      const end = Math.min(history.values.length, offset + maxResults);
      const metrics: Json[] = [];
      for (let i = offset; i < end; i++) {
        metrics.push({ key, value: history.values[i]!, timestamp: history.timestamps[i]!, step: history.steps[i]! });
      }
      return paged('metrics', metrics, end < history.values.length ? encodePageToken(end) : undefined);
    }

    // registry
    case 'POST /registered-models/create':
      return {
        registered_model: modelJson(
          await client.createRegisteredModel(input.required('name'), {
            tags: input.keyValues('tags'),
            ...(input.has('description') ? { description: input.str('description')! } : {}),
          }),
        ),
      };
    case 'GET /registered-models/get':
      return { registered_model: modelJson(await client.getRegisteredModel(input.required('name'))) };
    case 'POST /registered-models/rename':
      return { registered_model: modelJson(await client.renameRegisteredModel(input.required('name'), input.required('new_name'))) };
    case 'PATCH /registered-models/update':
      return { registered_model: modelJson(await client.updateRegisteredModel(input.required('name'), { description: input.str('description') || null })) };
    case 'DELETE /registered-models/delete':
      await client.deleteRegisteredModel(input.required('name'));
      return {};
    case 'GET /registered-models/search': {
      const page = await client.searchRegisteredModels(registrySearch(input));
      return paged('registered_models', page.items.map(modelJson), page.nextPageToken);
    }
    case 'GET /registered-models/get-latest-versions':
    case 'POST /registered-models/get-latest-versions': {
      const stages = input.strings('stages');
      const versions = await client.getLatestVersions(input.required('name'), stages.length > 0 ? stages : undefined);
      return { model_versions: versions.map(versionJson) };
    }
    case 'POST /registered-models/set-tag':
      await client.setRegisteredModelTag(input.required('name'), input.required('key'), input.str('value') ?? '');
      return {};
    case 'DELETE /registered-models/delete-tag':
      await client.deleteRegisteredModelTag(input.required('name'), input.required('key'));
      return {};
    case 'POST /registered-models/alias':
      await client.setRegisteredModelAlias(input.required('name'), input.required('alias'), input.required('version'));
      return {};
    case 'DELETE /registered-models/alias':
      await client.deleteRegisteredModelAlias(input.required('name'), input.required('alias'));
      return {};
    case 'GET /registered-models/alias':
      return { model_version: versionJson(await client.getModelVersionByAlias(input.required('name'), input.required('alias'))) };
    case 'POST /model-versions/create': {
      // The server records the authenticated user (basic auth), not a field of the request.
      const asUser = new TrackingClient(store, { userId: user ?? '' });
      const version = await asUser.createModelVersion(input.required('name'), input.required('source'), {
        ...(input.has('run_id') ? { runId: input.str('run_id')! } : {}),
        tags: input.keyValues('tags'),
        ...(input.has('run_link') ? { runLink: input.str('run_link')! } : {}),
        ...(input.has('description') ? { description: input.str('description')! } : {}),
        ...(input.has('model_id') ? { modelId: input.str('model_id')! } : {}),
      });
      return { model_version: versionJson(version) };
    }
    case 'PATCH /model-versions/update':
      return {
        model_version: versionJson(
          await client.updateModelVersion(input.required('name'), input.required('version'), { description: input.str('description') || null }),
        ),
      };
    case 'POST /model-versions/transition-stage':
      return {
        model_version: versionJson(
          await client.transitionModelVersionStage(input.required('name'), input.required('version'), input.required('stage'), {
            archiveExistingVersions: input.bool('archive_existing_versions') ?? false,
          }),
        ),
      };
    case 'DELETE /model-versions/delete':
      await client.deleteModelVersion(input.required('name'), input.required('version'));
      return {};
    case 'GET /model-versions/get':
      return { model_version: versionJson(await client.getModelVersion(input.required('name'), input.required('version'))) };
    case 'GET /model-versions/search': {
      const page = await client.searchModelVersions(registrySearch(input));
      return paged('model_versions', page.items.map(versionJson), page.nextPageToken);
    }
    case 'GET /model-versions/get-download-uri':
      return { artifact_uri: await client.getModelVersionDownloadUri(input.required('name'), input.required('version')) };
    case 'POST /model-versions/set-tag':
      await client.setModelVersionTag(input.required('name'), input.required('version'), input.required('key'), input.str('value') ?? '');
      return {};
    case 'DELETE /model-versions/delete-tag':
      await client.deleteModelVersionTag(input.required('name'), input.required('version'), input.required('key'));
      return {};
    default:
      throw notFound(path);
  }
}

function metricOf(field: (name: string) => unknown): { key: string; value: number; timestamp: number; step: number } {
  for (const name of ['key', 'value', 'timestamp']) {
    if (field(name) === undefined || field(name) === null) {
      throw EdgeflowError.invalidParameterValue(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    }
  }
  return {
    key: String(field('key')),
    value: doubleOf(field('value'), 'value'),
    timestamp: intOf(field('timestamp'), 'timestamp'),
    step: field('step') === undefined ? 0 : intOf(field('step'), 'step'),
  };
}

function registrySearch(input: Input): { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string } {
  return {
    ...(input.has('filter') ? { filter: input.str('filter')! } : {}),
    ...(input.has('max_results') ? { maxResults: input.int('max_results')! } : {}),
    orderBy: input.strings('order_by'),
    ...(input.has('page_token') ? { pageToken: input.str('page_token')! } : {}),
  };
}

// ------------------------------------------------------------------------------------ artifacts

class MissingArtifact extends Error {}

/** MLflow's `validate_path_is_safe`: no `..`, no absolute paths, no backslashes or `#`. */
function safePath(path: string): string {
  if (path.includes('\\') || path.includes('#') || path.startsWith('/') || /^[A-Za-z]:/u.test(path) || path.split('/').includes('..')) {
    throw EdgeflowError.invalidParameterValue(`Invalid path: ${JSON.stringify(path)}`);
  }
  return path;
}

function artifactRoute(backend: Backend, method: string, rest: string, query: URLSearchParams, body: Buffer): Json | Uint8Array {
  const tree = backend.artifacts;
  if (rest === '' || rest === '/') {
    if (method !== 'GET') throw notFound(ARTIFACTS);
    const path = safePath((query.get('path') ?? '').replace(/\/+$/u, ''));
    const files = tree.list(path).map((f) => ({
      path: f.path.slice(f.path.lastIndexOf('/') + 1),
      is_dir: f.isDir,
      ...(f.isDir ? {} : { file_size: f.fileSize }),
    }));
    return files.length === 0 ? {} : { files };
  }
  const path = safePath(rest.slice(1).split('/').map(decodeURIComponent).join('/'));
  switch (method) {
    case 'GET':
      try {
        return tree.get('', path).slice();
      } catch {
        throw new MissingArtifact(path);
      }
    case 'PUT':
      tree.put(path, new Uint8Array(body));
      return {};
    case 'DELETE':
      try {
        tree.delete('', path);
      } catch {
        // MLflow's local repository deletes nothing, silently, when the path is absent.
      }
      return {};
    default:
      throw notFound(ARTIFACTS);
  }
}

/** Reads the whole history of a metric straight from a tenant's store (test helper). */
export async function storedHistoryLength(store: MemoryStore, runId: string, key: string): Promise<number> {
  return (await store.getMetricHistory(runId as RunId, key)).values.length;
}
