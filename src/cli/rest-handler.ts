/**
 * MLflow's REST API (spec §9) over any {@link Store}: the server side of `RestStore`, so the
 * `edgeflow ui` page talks to a local folder or bundle exactly as it would talk to an MLflow
 * tracking server. Platform-neutral: it takes a parsed request and returns status, headers and
 * body; `ui-server.ts` adapts it to `node:http`.
 *
 * Runs are reported with `artifact_uri: mlflow-artifacts:/<experiment>/<run>/artifacts` (what a
 * server with `--serve-artifacts` reports) and their files are served by the artifact proxy
 * below `/api/2.0/mlflow-artifacts/artifacts/`.
 * @module
 */
import type { Experiment, KeyValue, Metric, Run, RunInfo, RunStatus, ViewType } from '../core/entities.js';
import { EdgeflowError, HTTP_STATUS_OF_CODE, isEdgeflowError } from '../core/errors.js';
import type { ExperimentId, RunId } from '../core/ids.js';
import type { ModelVersion, RegisteredModel } from '../core/registry/entities.js';
import { decodePageToken, encodePageToken } from '../core/search/index.js';
import type { Store } from '../core/store.js';
import { stringifyJson } from '../storage/rest/wire.js';

/** A request as the handler reads it. */
export interface RestRequest {
  readonly method: string;
  /** URL path, e.g. `/api/2.0/mlflow/runs/get`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Uint8Array;
}

/** What the handler answers. */
export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** Options of {@link createRestHandler}. */
export interface RestHandlerOptions {
  /** Refuse every mutation with `PERMISSION_DENIED` (403). */
  readonly readOnly: boolean;
}

type Json = Record<string, unknown>;
type Endpoint = (store: Store, args: Args) => Promise<Json>;

/** Request fields: query-string values for GET, JSON body fields otherwise. */
class Args {
  constructor(
    private readonly __query: URLSearchParams,
    private readonly __json: Json,
  ) {}

  str(name: string): string | undefined {
    const value = this.__json[name] ?? this.__query.get(name) ?? undefined;
    return value === undefined || value === null ? undefined : String(value);
  }

  need(name: string): string {
    const value = this.str(name);
    if (value === undefined || value === '') throw EdgeflowError.invalidParameterValue(`Missing value for required parameter '${name}'.`, { field: name });
    return value;
  }

  num(name: string): number | undefined {
    const value = this.str(name);
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw EdgeflowError.invalidParameterValue(`Parameter '${name}' must be a number, got '${value}'.`, { field: name });
    return n;
  }

  list(name: string): string[] {
    const value = this.__json[name];
    if (Array.isArray(value)) return value.map(String);
    return this.__query.getAll(name);
  }

  raw(name: string): unknown {
    return this.__json[name];
  }

  runId(): RunId {
    return (this.str('run_id') ?? this.need('run_uuid')) as RunId;
  }
}

const API = '/api/2.0/mlflow';
const AJAX_API = '/ajax-api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';
const HISTORY_MAX = 25_000;

// ------------------------------------------------------------------------------------- encoders

function kv(dict: Record<string, string>): KeyValue[] {
  return Object.keys(dict).map((key) => ({ key, value: dict[key]! }));
}

function experimentJson(e: Experiment): Json {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    ...(e.lastUpdateTime === null ? {} : { last_update_time: e.lastUpdateTime }),
    ...(e.creationTime === null ? {} : { creation_time: e.creationTime }),
    tags: kv(e.tags),
  };
}

function runInfoJson(info: RunInfo): Json {
  return {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime === null ? {} : { end_time: info.endTime }),
    artifact_uri: `mlflow-artifacts:/${info.experimentId}/${info.runId}/artifacts`,
    lifecycle_stage: info.lifecycleStage,
  };
}

function metricJson(m: Metric): Json {
  return { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
}

function runJson(run: Run): Json {
  return {
    info: runInfoJson(run.info),
    data: {
      metrics: Object.keys(run.data.latestMetrics).map((k) => metricJson(run.data.latestMetrics[k]!)),
      params: kv(run.data.params),
      tags: kv(run.data.tags),
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
    ...(v.userId === null ? {} : { user_id: v.userId }),
    current_stage: v.currentStage,
    description: v.description ?? '',
    source: v.source,
    run_id: v.runId ?? '',
    status: v.status,
    ...(v.statusMessage === null ? {} : { status_message: v.statusMessage }),
    tags: kv(v.tags),
    run_link: v.runLink ?? '',
    aliases: [...v.aliases],
    ...(v.modelId === null ? {} : { model_id: v.modelId }),
  };
}

function modelJson(m: RegisteredModel): Json {
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    description: m.description ?? '',
    latest_versions: m.latestVersions.map(versionJson),
    tags: kv(m.tags),
    aliases: Object.keys(m.aliases).map((alias) => ({ alias, version: String(m.aliases[alias]) })),
  };
}

function tagsOf(value: unknown): KeyValue[] {
  if (!Array.isArray(value)) return [];
  return value.map((t: { key?: unknown; value?: unknown }) => ({ key: String(t.key), value: t.value === undefined || t.value === null ? '' : String(t.value) }));
}

function doubleOf(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value).toLowerCase();
  if (text === 'nan') return NaN;
  if (text === 'infinity' || text === 'inf') return Infinity;
  if (text === '-infinity' || text === '-inf') return -Infinity;
  return Number(value);
}

function page(items: Json[], token: string | undefined, field: string): Json {
  return token === undefined ? { [field]: items } : { [field]: items, next_page_token: token };
}

function registry(store: Store): NonNullable<Store['registry']> {
  if (store.registry === undefined) throw new EdgeflowError('NOT_IMPLEMENTED', 'This store has no model registry.');
  return store.registry;
}

// ------------------------------------------------------------------------------------ endpoints

const READS: Record<string, Endpoint> = {
  'experiments/get': async (s, a) => ({ experiment: experimentJson(await s.getExperiment(a.need('experiment_id') as ExperimentId)) }),
  'experiments/get-by-name': async (s, a) => {
    const name = a.need('experiment_name');
    const e = await s.getExperimentByName(name);
    if (e === null) throw EdgeflowError.resourceDoesNotExist(`Could not find experiment with name '${name}'`, { name });
    return { experiment: experimentJson(e) };
  },
  'experiments/search': async (s, a) => {
    const result = await s.searchExperiments({
      filter: a.str('filter'),
      orderBy: a.list('order_by'),
      viewType: (a.str('view_type') ?? 'ACTIVE_ONLY') as ViewType,
      maxResults: a.num('max_results'),
      pageToken: a.str('page_token') || undefined,
    });
    return page(result.items.map(experimentJson), result.nextPageToken, 'experiments');
  },
  'runs/get': async (s, a) => ({ run: runJson(await s.getRun(a.runId())) }),
  'runs/search': async (s, a) => {
    const result = await s.searchRuns({
      experimentIds: a.list('experiment_ids') as ExperimentId[],
      filter: a.str('filter'),
      orderBy: a.list('order_by'),
      viewType: (a.str('run_view_type') ?? 'ACTIVE_ONLY') as ViewType,
      maxResults: a.num('max_results'),
      pageToken: a.str('page_token') || undefined,
    });
    return page(result.items.map(runJson), result.nextPageToken, 'runs');
  },
  'metrics/get-history': async (s, a) => {
    const key = a.need('metric_key');
    const series = await s.getMetricHistory(a.runId(), key);
    const max = Math.min(a.num('max_results') ?? HISTORY_MAX, HISTORY_MAX);
    const from = decodePageToken(a.str('page_token') || undefined);
    const to = Math.min(series.values.length, from + max);
    const metrics: Json[] = [];
    for (let i = from; i < to; i++) metrics.push({ key, value: series.values[i], timestamp: series.timestamps[i], step: series.steps[i] });
    return page(metrics, to < series.values.length ? encodePageToken(to) : undefined, 'metrics');
  },
  'registered-models/get': async (s, a) => ({ registered_model: modelJson(await registry(s).getRegisteredModel(a.need('name'))) }),
  'registered-models/search': async (s, a) => {
    const r = await registry(s).searchRegisteredModels({ filter: a.str('filter'), orderBy: a.list('order_by'), maxResults: a.num('max_results'), pageToken: a.str('page_token') || undefined });
    return page(r.items.map(modelJson), r.nextPageToken, 'registered_models');
  },
  'registered-models/get-latest-versions': async (s, a) => {
    const stages = a.list('stages');
    const versions = await registry(s).getLatestVersions(a.need('name'), stages.length > 0 ? (stages as ModelVersion['currentStage'][]) : undefined);
    return { model_versions: versions.map(versionJson) };
  },
  'model-versions/get': async (s, a) => ({ model_version: versionJson(await registry(s).getModelVersion(a.need('name'), Number(a.need('version')))) }),
  'model-versions/search': async (s, a) => {
    const r = await registry(s).searchModelVersions({ filter: a.str('filter'), orderBy: a.list('order_by'), maxResults: a.num('max_results'), pageToken: a.str('page_token') || undefined });
    return page(r.items.map(versionJson), r.nextPageToken, 'model_versions');
  },
  'model-versions/get-download-uri': async (s, a) => {
    const v = await registry(s).getModelVersion(a.need('name'), Number(a.need('version')));
    return { artifact_uri: v.storageLocation ?? v.source };
  },
};

const ok = async (p: Promise<unknown>): Promise<Json> => {
  await p;
  return {};
};

const WRITES: Record<string, Endpoint> = {
  'experiments/create': async (s, a) => ({
    experiment_id: await s.createExperiment({ name: a.need('name'), artifactLocation: a.str('artifact_location') || undefined, tags: tagsOf(a.raw('tags')) }),
  }),
  'experiments/delete': (s, a) => ok(s.deleteExperiment(a.need('experiment_id') as ExperimentId)),
  'experiments/restore': (s, a) => ok(s.restoreExperiment(a.need('experiment_id') as ExperimentId)),
  'experiments/update': (s, a) => ok(s.renameExperiment(a.need('experiment_id') as ExperimentId, a.need('new_name'))),
  'experiments/set-experiment-tag': (s, a) => ok(s.setExperimentTag(a.need('experiment_id') as ExperimentId, { key: a.need('key'), value: a.str('value') ?? '' })),
  'experiments/delete-experiment-tag': (s, a) => ok(s.deleteExperimentTag(a.need('experiment_id') as ExperimentId, a.need('key'))),
  'runs/create': async (s, a) => {
    const tags = tagsOf(a.raw('tags'));
    const runName = a.str('run_name') || tags.find((t) => t.key === 'mlflow.runName')?.value || `run-${Date.now()}`;
    const run = await s.createRun({
      experimentId: (a.str('experiment_id') ?? '0') as ExperimentId,
      userId: a.str('user_id') ?? '',
      runName,
      startTime: a.num('start_time') ?? Date.now(),
      tags: tags.filter((t) => t.key !== 'mlflow.runName'),
    });
    return { run: runJson(run) };
  },
  'runs/update': async (s, a) => {
    const info = await s.updateRun(a.runId(), {
      status: a.str('status') as RunStatus | undefined,
      endTime: a.num('end_time'),
      runName: a.str('run_name') || undefined,
    });
    return { run_info: runInfoJson(info) };
  },
  'runs/delete': (s, a) => ok(s.deleteRun(a.runId())),
  'runs/restore': (s, a) => ok(s.restoreRun(a.runId())),
  'runs/log-batch': (s, a) => {
    const metrics = (Array.isArray(a.raw('metrics')) ? (a.raw('metrics') as Json[]) : []).map((m) => ({
      key: String(m['key']),
      steps: new Float64Array([Number(m['step'] ?? 0)]),
      timestamps: new Float64Array([Number(m['timestamp'] ?? Date.now())]),
      values: new Float64Array([doubleOf(m['value'])]),
    }));
    return ok(s.logBatch(a.runId(), { metrics, params: tagsOf(a.raw('params')), tags: tagsOf(a.raw('tags')) }));
  },
  'runs/log-metric': (s, a) =>
    ok(
      s.logBatch(a.runId(), {
        metrics: [{ key: a.need('key'), steps: new Float64Array([a.num('step') ?? 0]), timestamps: new Float64Array([a.num('timestamp') ?? Date.now()]), values: new Float64Array([doubleOf(a.raw('value') ?? a.need('value'))]) }],
      }),
    ),
  'runs/log-parameter': (s, a) => ok(s.logBatch(a.runId(), { params: [{ key: a.need('key'), value: a.str('value') ?? '' }] })),
  'runs/set-tag': (s, a) => ok(s.logBatch(a.runId(), { tags: [{ key: a.need('key'), value: a.str('value') ?? '' }] })),
  'runs/delete-tag': (s, a) => ok(s.deleteTag(a.runId(), a.need('key'))),
};

// ---------------------------------------------------------------------------------------- handler

function json(status: number, body: Json): RestResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: stringifyJson(body) };
}

/** The MLflow error body for an error. */
export function errorResponse(error: unknown): RestResponse {
  const e = isEdgeflowError(error) ? error : EdgeflowError.internalError(error instanceof Error ? error.message : String(error));
  return json(HTTP_STATUS_OF_CODE[e.code] ?? 500, { error_code: e.code, message: e.message });
}

function denied(): EdgeflowError {
  return new EdgeflowError('PERMISSION_DENIED', 'This edgeflow ui is read-only; start it with --write to allow changes.');
}

/**
 * A handler of MLflow's REST API and artifact proxy over `store`, or undefined for paths it does
 * not serve (so the caller can serve static files).
 */
export function createRestHandler(store: Store, options: RestHandlerOptions): (request: RestRequest) => Promise<RestResponse | undefined> {
  return async (request) => {
    try {
      if (request.path === ARTIFACTS || request.path.startsWith(`${ARTIFACTS}/`)) return await artifacts(store, request, options);
      const prefix = request.path.startsWith(`${API}/`) ? API : request.path.startsWith(`${AJAX_API}/`) ? AJAX_API : undefined;
      if (prefix === undefined) return undefined;
      const name = request.path.slice(prefix.length + 1);
      let body: Json = {};
      if (request.method !== 'GET' && request.body.length > 0) {
        try {
          body = JSON.parse(new TextDecoder().decode(request.body)) as Json;
        } catch {
          throw EdgeflowError.invalidParameterValue('The request body is not valid JSON.');
        }
      }
      const args = new Args(request.query, body);
      const read = READS[name];
      const write = WRITES[name];
      if (read !== undefined) return json(200, await read(store, args));
      if (write !== undefined) {
        if (request.method === 'GET') throw new EdgeflowError('INVALID_PARAMETER_VALUE', `${name} takes POST.`);
        if (options.readOnly) throw denied();
        return json(200, await write(store, args));
      }
      throw new EdgeflowError('NOT_IMPLEMENTED', `edgeflow ui does not serve ${request.method} ${request.path}.`);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The artifact proxy: `GET …/artifacts?path=<exp>/<run>/artifacts/<dir>` lists, `GET|PUT|DELETE …/artifacts/<path>`. */
async function artifacts(store: Store, request: RestRequest, options: RestHandlerOptions): Promise<RestResponse> {
  const listing = request.path === ARTIFACTS;
  const proxyPath = listing ? (request.query.get('path') ?? '') : request.path.slice(ARTIFACTS.length + 1).split('/').map(decodeURIComponent).join('/');
  const match = /^[^/]+\/([^/]+)\/artifacts(?:\/(.*))?$/u.exec(proxyPath);
  if (match === null) throw EdgeflowError.resourceDoesNotExist(`No artifacts at '${proxyPath}'.`);
  const runId = match[1] as RunId;
  const path = (match[2] ?? '').replace(/\/+$/u, '');
  if (listing) {
    const files = await store.listArtifacts(runId, path);
    return json(200, { files: files.map((f) => ({ path: f.path.slice(f.path.lastIndexOf('/') + 1), is_dir: f.isDir, ...(f.isDir ? {} : { file_size: f.fileSize ?? 0 }) })) });
  }
  switch (request.method) {
    case 'GET':
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: await store.getArtifact(runId, path) };
    case 'PUT':
      if (options.readOnly) throw denied();
      await store.putArtifact(runId, path, request.body);
      return json(200, {});
    case 'DELETE':
      if (options.readOnly) throw denied();
      await store.deleteArtifact(runId, path);
      return json(200, {});
    default:
      throw new EdgeflowError('NOT_IMPLEMENTED', `Method ${request.method} is not supported on artifacts.`);
  }
}
