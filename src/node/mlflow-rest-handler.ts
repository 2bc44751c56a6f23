/**
 * MLflow's REST API (spec §9) over any {@link Store}: the server side of `RestStore`. It serves
 * `edgeflow ui` (a folder or bundle seen exactly as an MLflow tracking server would show it) and the
 * loopback server of the tests.
 *
 * - Tracking and registry endpoints below `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`: GET reads
 *   the query string, other methods a JSON body; snake_case protobuf JSON written by the serializers
 *   of `storage/rest/wire.ts`; page tokens; MLflow's error bodies `{error_code, message}` with the
 *   HTTP status of each code (unknown endpoints: 404 `ENDPOINT_NOT_FOUND`).
 * - The server quirks of §9: `experiments/search` without `max_results` fails;
 *   `metrics/get-history` without it answers an empty page; `runs/create` takes `user_id` only from
 *   the request. API bodies over 1 000 000 bytes are refused, as MLflow does (413
 *   `RESOURCE_EXHAUSTED`), and artifact uploads over `maxBodyBytes`.
 * - The artifact proxy `/api/2.0/mlflow-artifacts/artifacts/<path>` (GET, PUT, DELETE; a listing
 *   with `?path=` answers basenames). By default it serves the store's own run artifacts, and runs
 *   report `artifact_uri: mlflow-artifacts:/<experiment>/<run>/artifacts` and experiments
 *   `artifact_location: mlflow-artifacts:/<experiment>` (what a server with `--serve-artifacts`
 *   reports; the server's folders are never shown); an {@link ArtifactProxy} can keep the files
 *   elsewhere.
 * - Read-only mode refuses every write with `PERMISSION_DENIED` (403).
 * - Against other web pages (`node/http-guard.ts`): only loopback Hosts and `allowedHosts`; a
 *   request with an `Origin` must come from the server's own origin or a CORS one; the optional
 *   `token`; `POST`/`PATCH`/`DELETE` to the API must be `application/json` (else 415). All of it,
 *   and the size caps, is decided by {@link MlflowRestApi.admit} before the body is read.
 * - CORS, when asked for ({@link MlflowRestCorsOptions}): preflight `OPTIONS` answers 204, and
 *   every answer to an allowed origin carries `Access-Control-Allow-Origin`, so a page on another
 *   origin can use `RestStore`. Requests from other origins are refused with 403.
 *
 * Inputs are validated by a `TrackingClient` over the store, as for any other caller.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { TrackingClient } from '../core/client.js';
import type { Experiment, FileInfo, RunInfo } from '../core/entities.js';
import type { LoggedModel } from '../core/logged-models/entities.js';
import { EdgeflowError, isEdgeflowError } from '../core/errors.js';
import { ModelRegistryClient } from '../core/registry/registry-client.js';
import { decodePageToken, encodePageToken } from '../core/search/index.js';
import { checkRequest, hasBody, isJsonContentType, parseRequestTarget, readCappedBody, requestPath, type RequestGuardOptions } from './http-guard.js';
import type { Store } from '../core/store.js';
import {
  experimentToJson,
  metricToJson,
  modelVersionToJson,
  registeredModelToJson,
  runInfoToJson,
  runToJson,
  type Json,
} from '../storage/rest/wire.js';
import { runIoToJson } from '../storage/rest/wire-mlflow3.js';
import { artifactRoute, artifactTarget, fileAnswer, storeArtifactProxy, type ArtifactProxy } from './mlflow-artifact-proxy.js';
import { endpointNotFound, json } from './mlflow-rest-answers.js';
import { GET, Input, done, metricOf, paged, read, write, type Endpoint } from './mlflow-rest-input.js';
import { resolveMlflow3Endpoint } from './mlflow3-endpoints.js';

export { storeArtifactProxy, type ArtifactProxy } from './mlflow-artifact-proxy.js';

/** A request as the API reads it (the body already read). */
export interface MlflowRestRequest {
  readonly method: string;
  /** URL path including any base path, e.g. `/api/2.0/mlflow/runs/get`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

/** What the API answers. */
export interface MlflowRestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** Cross-origin access for browser pages (see {@link MlflowRestHandlerOptions.cors}). */
export interface MlflowRestCorsOptions {
  /** Origins allowed, exactly as browsers send them (`http://localhost:5173`), or `'*'` for any. */
  readonly origins: readonly string[] | '*';
}

/** Options of {@link createMlflowRestHandler}. */
export interface MlflowRestHandlerOptions {
  /**
   * Let pages on other origins call the API (default: no CORS headers). Preflight `OPTIONS` answers
   * 204; answers to an allowed origin echo it in `Access-Control-Allow-Origin` (with `Vary: Origin`).
   */
  readonly cors?: MlflowRestCorsOptions;
  /** Refuse every write with `PERMISSION_DENIED` (403). Default false. */
  readonly readOnly?: boolean;
  /** Path the API is mounted below, e.g. `/t/1` (no trailing slash). Default `''`. */
  readonly basePath?: string;
  /**
   * Files of the artifact proxy. Default: the store's run artifacts, with runs reporting
   * `mlflow-artifacts:/<experiment>/<run>/artifacts` and experiments `mlflow-artifacts:/<experiment>`;
   * with a proxy given, runs and experiments report the locations the store holds.
   */
  readonly artifacts?: ArtifactProxy;
  /** Largest body of an API request (MLflow: 1 000 000 bytes); larger ones answer 413 `RESOURCE_EXHAUSTED`. */
  readonly maxJsonBodyBytes?: number;
  /** Largest artifact upload (a `PUT` to the artifact proxy). Default 256 MiB; larger ones answer 413. */
  readonly maxBodyBytes?: number;
  /**
   * Host header values accepted besides `127.0.0.1`, `localhost` and `[::1]` (DNS rebinding):
   * `name` or `name:port`, or `'*'` for any (behind a proxy that checks Host). Default: loopback only.
   */
  readonly allowedHosts?: readonly string[] | '*';
  /**
   * A secret every request must carry (`Authorization: Bearer <token>`, `?token=` or the cookie
   * `edgeflow ui` sets); without it, 403 `PERMISSION_DENIED`. Default: none asked.
   */
  readonly token?: string;
  /** Local folders (e.g. the store's root) written as `<local path>` in error messages sent over HTTP. */
  readonly localPaths?: readonly string[];
  /** Called with the error behind each 500 (whose body says only "internal error"), e.g. to log it. */
  readonly onInternalError?: (error: unknown) => void;
}

/** What {@link MlflowRestApi.admit} decides from a request's method, path and headers alone. */
export type MlflowRestAdmission =
  | { readonly refusal: MlflowRestResponse }
  /** Go on: read at most `maxBodyBytes` of body, then {@link MlflowRestApi.respond}. */
  | { readonly refusal?: undefined; readonly maxBodyBytes: number };

/** The platform-neutral core of {@link createMlflowRestHandler}. */
export interface MlflowRestApi {
  /** Whether `path` is below the API or the artifact proxy (else the caller serves it). */
  handles(path: string): boolean;
  /**
   * Everything that can refuse a request before its body is read: Host, Origin, token, endpoint,
   * method, Content-Type, read-only mode, and the declared body size against the route's cap.
   */
  admit(head: Omit<MlflowRestRequest, 'body'>): MlflowRestAdmission;
  /** Answers a request (admitting it first). */
  respond(request: MlflowRestRequest): Promise<MlflowRestResponse>;
}

const AJAX_PREFIX = '/ajax-api/2.0/mlflow/';
const API_PREFIXES = ['/api/2.0/mlflow/', AJAX_PREFIX];
const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'];
const MAX_HISTORY_PAGE = 25_000;
const DEFAULT_MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
const CORS_MAX_AGE_SECONDS = 600;

// ------------------------------------------------------------------------------------------ cors

/**
 * The CORS headers of an answer to a request with `headers` (none without `cors`): `Vary: Origin`,
 * plus `Access-Control-Allow-Origin` echoing an allowed origin and exposing `Retry-After`.
 */
export function mlflowCorsHeaders(cors: MlflowRestCorsOptions | undefined, headers: IncomingHttpHeaders): Record<string, string> {
  if (cors === undefined) return {};
  const origin = headers.origin;
  const allowed = typeof origin === 'string' && origin !== '' && (cors.origins === '*' || cors.origins.includes(origin));
  return allowed ? { vary: 'Origin', 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After' } : { vary: 'Origin' };
}

/** The answer to a preflight `OPTIONS` request. */
function preflight(cors: MlflowRestCorsOptions, headers: IncomingHttpHeaders): MlflowRestResponse {
  const base = mlflowCorsHeaders(cors, headers);
  const allowed: Record<string, string> =
    base['access-control-allow-origin'] === undefined
      ? {}
      : {
          'access-control-allow-methods': 'GET, POST, PATCH, DELETE, PUT',
          'access-control-allow-headers': 'content-type, authorization',
          'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        };
  return { status: 204, headers: { ...base, ...allowed }, body: '' };
}

function withHeaders(answer: MlflowRestResponse, headers: Record<string, string>): MlflowRestResponse {
  return Object.keys(headers).length === 0 ? answer : { ...answer, headers: { ...answer.headers, ...headers } };
}

// ---------------------------------------------------------------------------------------- errors

/**
 * An MLflow error answer for `error` (`details.mlflowErrorCode` and `details.httpStatus` override).
 * Errors that are not {@link EdgeflowError}s (a file system's `ENAMETOOLONG`, a bug) answer 500
 * with their code only, since their messages name local files; `localPaths` are hidden in the others.
 */
export function mlflowErrorResponse(error: unknown, localPaths: readonly string[] = []): MlflowRestResponse {
  if (!isEdgeflowError(error)) {
    const code = (error as { code?: unknown } | null)?.code;
    return json(500, { error_code: 'INTERNAL_ERROR', message: `Internal server error${typeof code === 'string' ? ` (${code})` : ''}.` });
  }
  const code = error.details?.['mlflowErrorCode'];
  const status = error.details?.['httpStatus'];
  let message = error.message;
  for (const path of localPaths) if (path !== '') message = message.replaceAll(path, '<local path>');
  return json(typeof status === 'number' ? status : error.httpStatus, { error_code: typeof code === 'string' ? code : error.code, message });
}

function denied(): EdgeflowError {
  return new EdgeflowError('PERMISSION_DENIED', 'This server is read-only: writes are refused (edgeflow ui: start it with --write).');
}

function basicUser(header: string | undefined): string | null {
  const match = /^Basic\s+(.+)$/iu.exec(header ?? '');
  if (match === null) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

function registrySearch(input: Input): { filter?: string; maxResults?: number; orderBy: string[]; pageToken?: string } {
  return {
    ...input.opt('filter', 'filter', input.str),
    ...input.opt('max_results', 'maxResults', input.int),
    orderBy: input.strings('order_by'),
    ...input.opt('page_token', 'pageToken', input.str),
  };
}

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  // experiments
  'experiments/create': write('POST', async ({ client, input }) => ({
    experiment_id: await client.createExperiment(input.required('name'), {
      ...input.opt('artifact_location', 'artifactLocation', input.str),
      tags: Object.fromEntries(input.keyValues('tags').map((t) => [t.key, t.value])),
    }),
  })),
  'experiments/search': read(['GET', 'POST'], async ({ client, input, experimentJson }) => {
    // Quirk: without max_results (or with 0) the server fails.
    const maxResults = input.int('max_results') ?? 0;
    if (maxResults <= 0) throw EdgeflowError.invalidParameterValue(`Invalid value ${maxResults} for parameter 'max_results' supplied.`, { details: { field: 'max_results' } });
    const page = await client.searchExperiments({
      maxResults,
      ...input.opt('filter', 'filter', input.str),
      ...input.opt('page_token', 'pageToken', input.str),
      orderBy: input.strings('order_by'),
      ...(input.has('view_type') ? { viewType: input.str('view_type') as 'ALL' } : {}),
    });
    return paged('experiments', page.items.map(experimentJson), page.nextPageToken);
  }),
  'experiments/get': read(GET, async ({ client, input, experimentJson }) => ({ experiment: experimentJson(await client.getExperiment(input.required('experiment_id'))) })),
  'experiments/get-by-name': read(GET, async ({ client, input, experimentJson }) => {
    const name = input.required('experiment_name');
    const experiment = await client.getExperimentByName(name);
    if (experiment === null) throw EdgeflowError.resourceDoesNotExist(`Could not find experiment with name '${name}'`, { details: { name } });
    return { experiment: experimentJson(experiment) };
  }),
  'experiments/delete': write('POST', ({ client, input }) => done(client.deleteExperiment(input.required('experiment_id')))),
  'experiments/restore': write('POST', ({ client, input }) => done(client.restoreExperiment(input.required('experiment_id')))),
  'experiments/update': write('POST', async ({ client, input }) => {
    const id = input.required('experiment_id');
    if (input.has('new_name')) await client.renameExperiment(id, input.required('new_name'));
    else await client.getExperiment(id);
    return {};
  }),
  'experiments/set-experiment-tag': write('POST', ({ client, input }) =>
    done(client.setExperimentTag(input.required('experiment_id'), input.required('key'), input.str('value') ?? '')),
  ),
  'experiments/delete-experiment-tag': write('POST', ({ client, input }) => done(client.deleteExperimentTag(input.required('experiment_id'), input.required('key')))),

  // runs
  'runs/create': write('POST', async ({ client, input, artifactUri }) => {
    // Quirk: user_id comes from the request only, never from the tags.
    const run = await client.createRun(input.str('experiment_id') || '0', {
      userId: input.str('user_id') ?? '',
      ...input.opt('run_name', 'runName', input.str),
      ...input.opt('start_time', 'startTime', input.int),
      tags: Object.fromEntries(input.keyValues('tags').map((t) => [t.key, t.value])),
    });
    return { run: { ...runToJson(run, artifactUri(run.info)), ...runIoToJson(run) } };
  }),
  'runs/update': write('POST', async ({ client, input, artifactUri }) => {
    const info = await client.updateRun(input.runId(), {
      ...(input.has('status') ? { status: input.str('status') as RunInfo['status'] } : {}),
      ...input.opt('end_time', 'endTime', input.int),
      ...input.opt('run_name', 'runName', input.str),
    });
    return { run_info: runInfoToJson(info, artifactUri(info)) };
  }),
  'runs/delete': write('POST', ({ client, input }) => done(client.deleteRun(input.runId()))),
  'runs/restore': write('POST', ({ client, input }) => done(client.restoreRun(input.runId()))),
  'runs/get': read(GET, async ({ client, input, artifactUri }) => {
    const run = await client.getRun(input.runId());
    return { run: { ...runToJson(run, artifactUri(run.info)), ...runIoToJson(run) } };
  }),
  'runs/log-metric': write('POST', ({ client, input }) => done(client.logBatch(input.runId(), { metrics: [metricOf((name) => input.raw(name))] }))),
  'runs/log-parameter': write('POST', ({ client, input }) => done(client.logBatch(input.runId(), { params: [{ key: input.required('key'), value: input.str('value') ?? '' }] }))),
  'runs/set-tag': write('POST', ({ client, input }) => done(client.logBatch(input.runId(), { tags: [{ key: input.required('key'), value: input.str('value') ?? '' }] }))),
  'runs/delete-tag': write('POST', ({ client, input }) => done(client.deleteTag(input.runId(), input.required('key')))),
  'runs/log-batch': write('POST', ({ client, input }) =>
    done(
      client.logBatch(input.runId(), {
        metrics: input.objects('metrics').map((m) => metricOf((name) => m[name])),
        params: input.keyValues('params'),
        tags: input.keyValues('tags'),
      }),
    ),
  ),
  'runs/search': read(['POST', 'GET'], async ({ client, input, artifactUri }) => {
    const page = await client.searchRuns(input.strings('experiment_ids'), {
      ...input.opt('filter', 'filter', input.str),
      ...(input.has('run_view_type') ? { viewType: input.str('run_view_type') as 'ALL' } : {}),
      maxResults: input.int('max_results') ?? 1000,
      orderBy: input.strings('order_by'),
      ...input.opt('page_token', 'pageToken', input.str),
    });
    return paged('runs', page.items.map((run) => ({ ...runToJson(run, artifactUri(run.info)), ...runIoToJson(run) })), page.nextPageToken);
  }),
  'metrics/get-history': read(GET, async ({ client, input }) => {
    const runId = input.runId();
    const key = input.required('metric_key');
    const history = await client.getMetricHistory(runId, key);
    const maxResults = input.int('max_results');
    // Quirk: without max_results the server answers an empty page.
    if (maxResults === undefined) return { metrics: [] };
    if (maxResults < 1 || maxResults > MAX_HISTORY_PAGE) {
      throw EdgeflowError.invalidParameterValue(`Invalid value ${maxResults} for parameter 'max_results': it must be from 1 to ${MAX_HISTORY_PAGE}.`, { details: { field: 'max_results' } });
    }
    const from = decodePageToken(input.str('page_token') || undefined);
    const to = Math.min(history.values.length, from + maxResults);
    const metrics: Json[] = [];
    for (let i = from; i < to; i++) metrics.push(metricToJson({ key, value: history.values[i]!, timestamp: history.timestamps[i]!, step: history.steps[i]! }));
    return paged('metrics', metrics, to < history.values.length ? encodePageToken(to) : undefined);
  }),

  // registered models
  'registered-models/create': write('POST', async ({ client, input }) => ({
    registered_model: registeredModelToJson(
      await client.createRegisteredModel(input.required('name'), {
        tags: Object.fromEntries(input.keyValues('tags').map((t) => [t.key, t.value])),
        ...input.opt('description', 'description', input.str),
      }),
    ),
  })),
  'registered-models/get': read(GET, async ({ client, input }) => ({ registered_model: registeredModelToJson(await client.getRegisteredModel(input.required('name'))) })),
  'registered-models/rename': write('POST', async ({ client, input }) => ({
    registered_model: registeredModelToJson(await client.renameRegisteredModel(input.required('name'), input.required('new_name'))),
  })),
  'registered-models/update': write('PATCH', async ({ client, input }) => ({
    registered_model: registeredModelToJson(await client.updateRegisteredModel(input.required('name'), { description: input.str('description') || null })),
  })),
  'registered-models/delete': write('DELETE', ({ client, input }) => done(client.deleteRegisteredModel(input.required('name')))),
  'registered-models/search': read(GET, async ({ client, input }) => {
    const page = await client.searchRegisteredModels(registrySearch(input));
    return paged('registered_models', page.items.map(registeredModelToJson), page.nextPageToken);
  }),
  'registered-models/get-latest-versions': read(['GET', 'POST'], async ({ client, input }) => {
    const stages = input.strings('stages');
    const versions = await client.getLatestVersions(input.required('name'), stages.length > 0 ? stages : undefined);
    return { model_versions: versions.map(modelVersionToJson) };
  }),
  'registered-models/set-tag': write('POST', ({ client, input }) =>
    done(client.setRegisteredModelTag(input.required('name'), input.required('key'), input.str('value') ?? '')),
  ),
  'registered-models/delete-tag': write('DELETE', ({ client, input }) => done(client.deleteRegisteredModelTag(input.required('name'), input.required('key')))),
  'registered-models/alias': {
    methods: ['GET', 'POST', 'DELETE'],
    write: (method) => method !== 'GET',
    run: async ({ method, client, input }) => {
      if (method === 'POST') return done(client.setRegisteredModelAlias(input.required('name'), input.required('alias'), input.required('version')));
      if (method === 'DELETE') return done(client.deleteRegisteredModelAlias(input.required('name'), input.required('alias')));
      return { model_version: modelVersionToJson(await client.getModelVersionByAlias(input.required('name'), input.required('alias'))) };
    },
  },

  // model versions
  'model-versions/create': write('POST', async ({ store, input, headers }) => {
    // The server records the authenticated user (HTTP basic auth), not a field of the request.
    const asUser = new ModelRegistryClient(store, basicUser(headers.authorization) ?? '');
    const version = await asUser.createModelVersion(input.required('name'), input.required('source'), {
      ...input.opt('run_id', 'runId', input.str),
      tags: Object.fromEntries(input.keyValues('tags').map((t) => [t.key, t.value])),
      ...input.opt('run_link', 'runLink', input.str),
      ...input.opt('description', 'description', input.str),
      ...input.opt('model_id', 'modelId', input.str),
    });
    return { model_version: modelVersionToJson(version) };
  }),
  'model-versions/get': read(GET, async ({ client, input }) => ({ model_version: modelVersionToJson(await client.getModelVersion(input.required('name'), input.required('version'))) })),
  'model-versions/update': write('PATCH', async ({ client, input }) => ({
    model_version: modelVersionToJson(await client.updateModelVersion(input.required('name'), input.required('version'), { description: input.str('description') || null })),
  })),
  'model-versions/transition-stage': write('POST', async ({ client, input }) => ({
    model_version: modelVersionToJson(
      await client.transitionModelVersionStage(input.required('name'), input.required('version'), input.required('stage'), {
        archiveExistingVersions: input.bool('archive_existing_versions') ?? false,
      }),
    ),
  })),
  'model-versions/delete': write('DELETE', ({ client, input }) => done(client.deleteModelVersion(input.required('name'), input.required('version')))),
  'model-versions/search': read(GET, async ({ client, input }) => {
    const page = await client.searchModelVersions(registrySearch(input));
    return paged('model_versions', page.items.map(modelVersionToJson), page.nextPageToken);
  }),
  'model-versions/get-download-uri': read(GET, async ({ client, input }) => ({
    artifact_uri: await client.getModelVersionDownloadUri(input.required('name'), input.required('version')),
  })),
  'model-versions/set-tag': write('POST', ({ client, input }) =>
    done(client.setModelVersionTag(input.required('name'), input.required('version'), input.required('key'), input.str('value') ?? '')),
  ),
  'model-versions/delete-tag': write('DELETE', ({ client, input }) =>
    done(client.deleteModelVersionTag(input.required('name'), input.required('version'), input.required('key'))),
  ),
};

// --------------------------------------------------------------------------------------- handler

/** Methods that change state: over the JSON API they must send `application/json` (no "simple" cross-site POST). */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function tooLarge(size: number | string, limit: number): EdgeflowError {
  return new EdgeflowError('RESOURCE_EXHAUSTED', `Request body of ${size} bytes exceeds the limit of ${limit} bytes.`, { details: { httpStatus: 413 } });
}

/** MLflow's REST API and artifact proxy over `store`, platform-neutral (see {@link createMlflowRestHandler}). */
export function createMlflowRestApi(store: Store, options: MlflowRestHandlerOptions = {}): MlflowRestApi {
  const readOnly = options.readOnly ?? false;
  const basePath = (options.basePath ?? '').replace(/\/+$/u, '');
  const maxJson = options.maxJsonBodyBytes ?? 1_000_000;
  const maxArtifact = options.maxBodyBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  const proxy = options.artifacts ?? storeArtifactProxy(store);
  const proxied = options.artifacts === undefined;
  const artifactUri = (info: RunInfo): string => (proxied ? `mlflow-artifacts:/${info.experimentId}/${info.runId}/artifacts` : info.artifactUri);
  const experimentJson = (experiment: Experiment): Json =>
    experimentToJson(proxied ? { ...experiment, artifactLocation: `mlflow-artifacts:/${experiment.experimentId}` } : experiment);
  const modelArtifactUri = (model: LoggedModel): string =>
    proxied ? `mlflow-artifacts:/${model.experimentId}/models/${model.modelId}/artifacts` : model.artifactLocation;
  const client = new TrackingClient(store, { userId: '' });
  /** The proxy path of a model's files when its reported location is the proxy's (`mlflow-artifacts:`). */
  const modelProxyRoot = (model: LoggedModel): string | undefined => /^mlflow-artifacts:\/*(.*?)\/*$/u.exec(modelArtifactUri(model))?.[1];
  const modelFiles = {
    async list(model: LoggedModel, path: string): Promise<FileInfo[]> {
      const root = modelProxyRoot(model);
      if (root === undefined) return client.listLoggedModelArtifacts(model.modelId, path);
      const files = await proxy.list(path === '' ? root : `${root}/${path}`);
      return files.map((f) => ({ ...f, path: `${path === '' ? '' : `${path}/`}${f.path.slice(f.path.lastIndexOf('/') + 1)}` }));
    },
    async get(model: LoggedModel, path: string): Promise<Uint8Array> {
      const root = modelProxyRoot(model);
      return root === undefined ? client.downloadLoggedModelArtifact(model.modelId, path) : proxy.get(`${root}/${path}`);
    },
  };
  const guard: RequestGuardOptions = {
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
    ...(options.cors === undefined ? {} : { corsOrigins: options.cors.origins }),
    ...(options.token === undefined ? {} : { token: options.token }),
  };
  const failure = (error: unknown, headers: IncomingHttpHeaders): MlflowRestResponse => {
    const answer = mlflowErrorResponse(error, options.localPaths);
    if (answer.status === 500) options.onInternalError?.(error);
    return withHeaders(answer, mlflowCorsHeaders(options.cors, headers));
  };

  const local = (path: string): string | undefined => (path === basePath || path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined);
  const artifactRest = (path: string): string | undefined => {
    for (const prefix of ARTIFACT_PREFIXES) if (path === prefix || path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
    return undefined;
  };
  const endpointName = (path: string): string | undefined => {
    for (const prefix of API_PREFIXES) if (path.startsWith(prefix)) return path.slice(prefix.length);
    return undefined;
  };
  /** The endpoint at `below` (fixed names first, then MLflow 3's routes with path parameters). */
  const endpointAt = (below: string): { endpoint: Endpoint; params: readonly string[] } | undefined => {
    const name = endpointName(below);
    if (name === undefined) return undefined;
    const fixed = ENDPOINTS[name];
    return fixed === undefined ? resolveMlflow3Endpoint(name, below.startsWith(AJAX_PREFIX)) : { endpoint: fixed, params: [] };
  };

  /** The body cap of the route, or throws the refusal. */
  function admitRoute(head: Omit<MlflowRestRequest, 'body'>): number {
    const { method, path, headers } = head;
    const below = local(path) ?? '';
    const rest = artifactRest(below);
    if (rest !== undefined) {
      const target = artifactTarget(method, path, rest);
      if (!(target.list ? ['GET'] : ['GET', 'HEAD', 'PUT', 'DELETE']).includes(method)) throw endpointNotFound(method, path, 405);
      // PUT and DELETE are never "simple" requests: a browser preflights them across origins, so
      // uploads keep their own Content-Type; the Origin check and the token guard them.
      if (readOnly && (method === 'PUT' || method === 'DELETE')) throw denied();
      return method === 'PUT' ? maxArtifact : maxJson;
    }
    const endpoint = endpointAt(below)?.endpoint;
    if (endpoint === undefined) throw endpointNotFound(method, path);
    if (!endpoint.methods.includes(method)) throw endpointNotFound(method, path, 405);
    const writes = typeof endpoint.write === 'function' ? endpoint.write(method) : endpoint.write;
    if (readOnly && writes) throw denied();
    if (STATE_CHANGING.has(method) && !isJsonContentType(headers['content-type'])) {
      throw new EdgeflowError('INVALID_PARAMETER_VALUE', `Bad Request. Content-Type must be application/json, got ${JSON.stringify(headers['content-type'] ?? '')}.`, {
        details: { httpStatus: 415 },
      });
    }
    return maxJson;
  }

  function admit(head: Omit<MlflowRestRequest, 'body'>): MlflowRestAdmission {
    try {
      const preflight = options.cors !== undefined && head.method === 'OPTIONS';
      checkRequest(guard, head, preflight);
      if (preflight) return { maxBodyBytes: 0 };
      const limit = admitRoute(head);
      const declared = Number(head.headers['content-length'] ?? 0);
      if (declared > limit) throw tooLarge(declared, limit);
      return { maxBodyBytes: limit };
    } catch (error) {
      return { refusal: failure(error, head.headers) };
    }
  }

  return {
    handles(path) {
      const below = local(path);
      return below !== undefined && (artifactRest(below) !== undefined || endpointName(below) !== undefined);
    },
    admit,
    async respond(request) {
      const admission = admit(request);
      if (admission.refusal !== undefined) return admission.refusal;
      if (request.body.byteLength > admission.maxBodyBytes) return failure(tooLarge(request.body.byteLength, admission.maxBodyBytes), request.headers);
      if (options.cors !== undefined && request.method === 'OPTIONS') return preflight(options.cors, request.headers);
      try {
        return withHeaders(await answer(request), mlflowCorsHeaders(options.cors, request.headers));
      } catch (error) {
        return failure(error, request.headers);
      }
    },
  };

  async function answer(request: MlflowRestRequest): Promise<MlflowRestResponse> {
    const below = local(request.path) ?? '';
    const rest = artifactRest(below);
    if (rest !== undefined) return artifactRoute(proxy, request, artifactTarget(request.method, request.path, rest));
    const { endpoint, params } = endpointAt(below)!;
    let body: Json = {};
    if (request.method !== 'GET' && request.body.byteLength > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(request.body));
      } catch {
        throw EdgeflowError.invalidParameterValue('The request body is not valid JSON.');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw EdgeflowError.invalidParameterValue('The request body must be a JSON object.');
      body = parsed as Json;
    }
    const input = new Input(body, request.query);
    const answered = await endpoint.run({ method: request.method, store, client, input, headers: request.headers, artifactUri, experimentJson, modelArtifactUri, modelFiles, params });
    return answered instanceof Uint8Array ? fileAnswer(answered) : json(200, answered);
  }
}

/**
 * A `node:http` request handler serving MLflow's REST API and artifact proxy over `store`. It
 * resolves true when it answered the request, false for other paths (left for the caller).
 * Refusals (Host, Origin, token, method, Content-Type, read-only, size) are answered before the
 * body is read, with `Connection: close` when a body was coming; bodies are read up to the
 * route's cap, counting streamed bytes, and refused with 413 beyond it.
 */
export function createMlflowRestHandler(store: Store, options: MlflowRestHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const api = createMlflowRestApi(store, options);
  return async (req, res) => {
    if (!api.handles(requestPath(req.url))) return false;
    const method = req.method ?? 'GET';
    let answer: MlflowRestResponse;
    try {
      const { path, query } = parseRequestTarget(req.url);
      const head = { method, path, query, headers: req.headers };
      const admission = api.admit(head);
      const body = admission.refusal === undefined ? await readCappedBody(req, admission.maxBodyBytes) : undefined;
      answer =
        admission.refusal ??
        (body === undefined
          ? withHeaders(mlflowErrorResponse(tooLarge(`over ${admission.maxBodyBytes}`, admission.maxBodyBytes)), mlflowCorsHeaders(options.cors, req.headers))
          : await api.respond({ ...head, body }));
    } catch (error) {
      answer = withHeaders(mlflowErrorResponse(error, options.localPaths), mlflowCorsHeaders(options.cors, req.headers));
    }
    await sendAnswer(req, res, answer);
    return true;
  };
}

/** A refused body this small is read (and dropped) first, so the connection stays usable. */
const DRAINED_BODY_BYTES = 64 * 1024;

/**
 * Writes `answer`. A request body still coming is dropped when small; a larger one is left unread
 * and the connection closed (`Connection: close`), so refusing it costs no more than the socket's buffers.
 */
export async function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: MlflowRestResponse): Promise<void> {
  let unread = !req.complete && hasBody(req.headers);
  // Only a body nobody has started reading (one read up to a cap stays paused, unread past it).
  if (unread && req.readableFlowing === null && Number(req.headers['content-length'] ?? 0) <= DRAINED_BODY_BYTES) {
    unread = (await readCappedBody(req, DRAINED_BODY_BYTES).catch(() => undefined)) === undefined;
  }
  res.writeHead(answer.status, unread ? { ...answer.headers, connection: 'close' } : answer.headers);
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}
