/**
 * A loopback MLflow tracking server for tests: node:http on 127.0.0.1 (port 0) around the
 * production handler (`createMlflowRestApi`, `src/node/mlflow-rest-handler.ts`) over a
 * `MemoryStore`, plus what only tests need: several independent backends ("tenants") under
 * `/t/<n>`, every request recorded, and faults injected — fail the Nth matching request with a
 * status (503, 429 + Retry-After…), drop the connection before or after processing, delay the answer.
 *
 * The artifact proxy keeps files in an {@link ArtifactTree} per tenant, apart from the store (as an
 * MLflow server's artifact repository is), and answers a missing file with a 500 and an HTML body, as
 * MLflow's artifact repository raises.
 *
 * Pages (browser tests) reach it across origins with `cors`, and get a fresh tenant with
 * `POST /_test/tenants` (answers `{url}`), as Node tests do with `tenant()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileInfo } from '../../src/core/entities.js';
import type { RunId } from '../../src/core/ids.js';
import {
  createMlflowRestApi,
  mlflowCorsHeaders,
  mlflowErrorResponse,
  type ArtifactProxy,
  type MlflowRestApi,
  type MlflowRestCorsOptions,
} from '../../src/node/mlflow-rest-handler.js';
import { EdgeflowError } from '../../src/core/errors.js';
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
  /** When it arrived (ms since the epoch, after its body was read). */
  readonly at: number;
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
  /** CORS of the production handler (preflight and `Access-Control-Allow-Origin`), for pages on other origins. */
  readonly cors?: MlflowRestCorsOptions;
}

/** Path of the endpoint that creates a tenant (`POST`, answers `{url}`). */
export const TENANTS_PATH = '/_test/tenants';

const ARTIFACT_FILE = /^\/api\/2\.0\/mlflow-artifacts\/artifacts\/./u;
const MISSING_ARTIFACT_HTML = '<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>';

interface Backend extends Tenant {
  readonly api: MlflowRestApi;
}

/** The artifact proxy over an {@link ArtifactTree} keyed by proxy path. */
function treeProxy(tree: ArtifactTree): ArtifactProxy {
  return {
    list: async (path): Promise<FileInfo[]> => tree.list(path),
    async get(path) {
      try {
        return tree.get('', path).slice();
      } catch {
        // Not an EdgeflowError: the handler answers 500, as MLflow's artifact repository raises.
        throw new Error(`No such file: ${path}`);
      }
    },
    put: async (path, bytes) => tree.put(path, new Uint8Array(bytes)),
    async delete(path) {
      try {
        tree.delete('', path);
      } catch {
        // MLflow's local repository deletes nothing, silently, when the path is absent.
      }
    },
  };
}

/** Starts a server on 127.0.0.1 with a free port. */
export async function startMlflowRestServer(options: MlflowRestServerOptions = {}): Promise<MlflowRestServer> {
  const backends = new Map<string, Backend>();
  const requests: RecordedRequest[] = [];
  const extra = options.responseHeaders ?? {};
  let faults: ActiveFault[] = [];
  let origin = '';
  const newBackend = (prefix: string): Backend => {
    const store = new MemoryStore({ artifactRoot: 'mlflow-artifacts:' });
    const artifacts = new ArtifactTree();
    const api = createMlflowRestApi(store, {
      basePath: prefix,
      artifacts: treeProxy(artifacts),
      maxJsonBodyBytes: options.maxBodyBytes ?? 1_000_000,
      ...(options.cors === undefined ? {} : { cors: options.cors }),
    });
    const backend: Backend = { url: origin + prefix, store, artifacts, api };
    backends.set(prefix, backend);
    return backend;
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json', ...mlflowCorsHeaders(options.cors, req.headers), ...extra });
      res.end(JSON.stringify({ error_code: 'INTERNAL_ERROR', message: String(error) }));
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
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { tenant: prefix, method, path, query: url.searchParams, headers: req.headers, json, bodyBytes: raw.byteLength, at: Date.now() };
    requests.push(record);
    const cors = mlflowCorsHeaders(options.cors, req.headers);
    if (method === 'OPTIONS') {
      // Preflight: the production handler answers it when CORS is on; never a fault.
      const backend = backends.get(prefix);
      const answer =
        options.cors !== undefined && backend !== undefined && backend.api.handles(url.pathname)
          ? await backend.api.respond({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body: raw })
          : { status: 204, headers: cors, body: '' };
      res.writeHead(answer.status, { ...answer.headers, ...extra });
      res.end(answer.body);
      return;
    }
    if (method === 'POST' && url.pathname === TENANTS_PATH) {
      res.writeHead(200, { 'Content-Type': 'application/json', ...cors, ...extra });
      res.end(JSON.stringify({ url: addTenant().url }));
      return;
    }

    const fault = takeFault(`${method} ${path}`);
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
        res.writeHead(status, { 'Content-Type': 'application/json', ...(fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }), ...cors, ...extra });
        res.end(body);
        return;
      }
    }

    const backend = backends.get(prefix);
    let answer =
      backend !== undefined && backend.api.handles(url.pathname)
        ? await backend.api.respond({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body: raw })
        : mlflowErrorResponse(new EdgeflowError('RESOURCE_DOES_NOT_EXIST', `No endpoint ${path}.`, { details: { mlflowErrorCode: 'ENDPOINT_NOT_FOUND' } }));
    if (answer.status === 500 && method === 'GET' && ARTIFACT_FILE.test(path)) {
      answer = { status: 500, headers: { 'content-type': 'text/html' }, body: MISSING_ARTIFACT_HTML };
    }
    record.status = answer.status;
    if (fault?.kind === 'drop-after') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { ...answer.headers, ...cors, ...extra });
    res.end(answer.body);
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
  const addTenant = (): Tenant => {
    tenants++;
    const { url, store, artifacts } = newBackend(`/t/${tenants}`);
    return { url, store, artifacts };
  };
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
    tenant: addTenant,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads the whole history of a metric straight from a tenant's store (test helper). */
export async function storedHistoryLength(store: MemoryStore, runId: string, key: string): Promise<number> {
  return (await store.getMetricHistory(runId as RunId, key)).values.length;
}
