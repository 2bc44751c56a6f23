/**
 * The HTTP layer of the REST store: one `fetch` per attempt with a timeout, retries with
 * exponential backoff and full jitter (honouring `Retry-After`), auth headers from a hook, and
 * MLflow's error bodies (`{"error_code", "message"}`) mapped to {@link EdgeflowError} with the
 * same code.
 *
 * Retries depend on what the failure says about the request:
 * - a clear refusal before any processing (408, 429, 503, a refused connection or unknown host) is
 *   retried for every request;
 * - an ambiguous failure, after which the server may or may not have applied the request (a
 *   timeout, a connection dropped after sending, 502, 504, a 500 without an MLflow error body), is
 *   retried only for requests that are safe to repeat (`idempotency.ts`). Others fail at once with
 *   `details.ambiguous: true`, for the caller to check what the server holds.
 * @module
 */
import { EdgeflowError, ErrorCode, type ErrorDetails } from '../../core/errors.js';
import { isRepeatable } from './idempotency.js';
import { stringifyJson, type Json } from './wire.js';

/** A `fetch` implementation (the global one by default; injectable for tests and proxies). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Headers added to every request, e.g. `{Authorization: 'Bearer …'}`; called before each attempt. */
export type HeadersHook = () => Record<string, string> | Promise<Record<string, string>>;

/** Transport options (a subset of `RestStoreOptions`). */
export interface HttpOptions {
  readonly baseUrl: string;
  readonly headers?: HeadersHook;
  readonly fetch?: FetchLike;
  /** Per attempt, ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Extra attempts after the first for failures that are safe to retry (see the module notes). Default 3. */
  readonly retries?: number;
  /** First backoff delay, ms (doubled per retry, full jitter). Default 250. */
  readonly backoffMs?: number;
  /** Upper bound of one backoff or `Retry-After` wait, ms. Default 30 000. */
  readonly maxBackoffMs?: number;
  /** `fetch`'s credentials mode in browsers (e.g. `'include'` for a cookie-authenticated proxy). */
  readonly credentials?: RequestCredentials;
}

/** One request. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Path below the base URL, starting with `/`. */
  readonly path: string;
  /** Query parameters; arrays become repeated keys; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | readonly string[] | undefined>>;
  /** A JSON body (serialized with MLflow's non-finite encoding) or raw bytes / prepared JSON text. */
  readonly json?: unknown;
  readonly jsonText?: string;
  readonly bytes?: Uint8Array | Blob;
  /** Retry a 500 without an MLflow error body (default true; false where a 500 is an answer, e.g. a missing artifact). */
  readonly retry500?: boolean;
  /**
   * Whether the request may be sent again after an ambiguous failure; default from the endpoint
   * (`isRepeatable`). `runs/log-batch` depends on its body (metrics are appended), so the REST
   * store says.
   */
  readonly repeatable?: boolean;
}

/** MLflow error codes that are not edgeflow's, mapped to the closest one. */
const FOREIGN_CODES: Readonly<Record<string, ErrorCode>> = {
  BAD_REQUEST: 'INVALID_PARAMETER_VALUE',
  MALFORMED_REQUEST: 'INVALID_PARAMETER_VALUE',
  INVALID_REQUEST: 'INVALID_PARAMETER_VALUE',
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  ENDPOINT_NOT_FOUND: 'NOT_IMPLEMENTED',
  FEATURE_DISABLED: 'NOT_IMPLEMENTED',
  UNAUTHENTICATED: 'PERMISSION_DENIED',
  CUSTOMER_UNAUTHORIZED: 'PERMISSION_DENIED',
  REQUEST_LIMIT_EXCEEDED: 'RESOURCE_EXHAUSTED',
  RESOURCE_CONFLICT: 'RESOURCE_ALREADY_EXISTS',
  ABORTED: 'INVALID_STATE',
  TEMPORARILY_UNAVAILABLE: 'INTERNAL_ERROR',
  DEADLINE_EXCEEDED: 'INTERNAL_ERROR',
};

function codeOfStatus(status: number): ErrorCode {
  if (status === 400) return 'INVALID_PARAMETER_VALUE';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'RESOURCE_DOES_NOT_EXIST';
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 501) return 'NOT_IMPLEMENTED';
  return 'INTERNAL_ERROR';
}

/** Statuses that refuse a request before processing it: safe to retry any request. */
const REFUSING_STATUSES: ReadonlySet<number> = new Set([408, 429, 503]);
/** Statuses after which the request may or may not have been applied (a proxy lost the answer). */
const AMBIGUOUS_STATUSES: ReadonlySet<number> = new Set([502, 504]);
/** Network error codes (Node) of a connection that never reached the server. */
const REFUSED_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The code of a network error (Node's fetch puts it on `cause`), if any. */
function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * True for an error after which the server may or may not have applied the request and which was
 * therefore not retried (`details.ambiguous`).
 */
export function isAmbiguousFailure(error: unknown): error is EdgeflowError {
  return error instanceof EdgeflowError && error.details?.['ambiguous'] === true;
}

/** True when the server may still be applying the request (a timeout or a gateway timeout): looking now proves nothing. */
export function mayStillApply(error: EdgeflowError): boolean {
  return error.details?.['reason'] === 'timeout' || error.details?.['status'] === 504;
}

/** Parses an MLflow error body, or undefined when the body is not one. */
function mlflowError(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && typeof (body as Json)['error_code'] === 'string') {
      const message = (body as Json)['message'];
      return { code: (body as Json)['error_code'] as string, message: typeof message === 'string' ? message : '' };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/**
 * Refusals MLflow reports as `INTERNAL_ERROR` although they are the caller's: its file-backed
 * server wraps every `runs/log-batch` failure, so a changed param answers 500. Recognised by the
 * message MLflow's stores give (file and SQL alike); such a 500 has an error body, so it is final.
 */
const MISREPORTED_REFUSALS: readonly { readonly messageStart: string; readonly code: ErrorCode }[] = [
  { messageStart: 'Changing param values is not allowed', code: 'INVALID_PARAMETER_VALUE' },
];

/**
 * The {@link EdgeflowError} for a failed response; `retryAfterMs` (the server's `Retry-After`) goes
 * to `details.retryAfterMs`, so a caller that retries later (the live mirror) waits as long.
 */
export function errorOfResponse(method: string, path: string, status: number, text: string, retryAfterMs?: number): EdgeflowError {
  const parsed = mlflowError(text);
  const details: ErrorDetails = { status, method, path, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (parsed === undefined) {
    const snippet = text.length > 200 ? `${text.slice(0, 197)}...` : text;
    return new EdgeflowError('INTERNAL_ERROR', `MLflow server answered ${method} ${path} with HTTP ${status}: ${JSON.stringify(snippet)}`, {
      details: { ...details, body: snippet },
    });
  }
  const own = Object.prototype.hasOwnProperty.call(ErrorCode, parsed.code) ? (parsed.code as ErrorCode) : undefined;
  const refusal = parsed.code === 'INTERNAL_ERROR' ? MISREPORTED_REFUSALS.find((r) => parsed.message.startsWith(r.messageStart)) : undefined;
  const code = refusal?.code ?? own ?? FOREIGN_CODES[parsed.code] ?? codeOfStatus(status);
  return new EdgeflowError(code, parsed.message || `${parsed.code} (HTTP ${status}) from ${method} ${path}`, {
    details: { ...details, mlflowErrorCode: parsed.code },
  });
}

/** Seconds or an HTTP date → ms to wait; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

class Transient extends Error {

  constructor(
    readonly error: EdgeflowError,
    readonly waitMs: number | undefined,
    /** The server may have applied the request. */
    readonly ambiguous: boolean,
  ) {

    super(error.message);
  }
}

/** The error of an ambiguous failure of a request that is not repeated. */
function notRepeated(request: HttpRequest, error: EdgeflowError): EdgeflowError {
  return new EdgeflowError(
    error.code,
    `${error.message} Not sent again: the server may or may not have applied ${request.method} ${request.path}, and repeating it is not safe.`,
    { details: { ...error.details, ambiguous: true }, cause: error },
  );
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Sends requests to one MLflow server. */
export class HttpClient {
  /** Attempts that were retried since creation (for diagnostics and tests). */
  retried = 0;
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #closing = new AbortController();
  readonly #options: HttpOptions;

  constructor(options: HttpOptions) {
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/u, '');
    if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
      throw new EdgeflowError('NOT_IMPLEMENTED', 'RestStore needs fetch: pass options.fetch on runtimes without a global fetch.');
    }
    // Called through globalThis: a detached `window.fetch` with another `this` is an illegal invocation.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Sends a request and parses its JSON answer (`{}` for an empty body). */
  async json(request: HttpRequest): Promise<Json> {
    const response = await this.send(request);
    const text = await response.text();
    if (text === '') return {};
    try {
      return JSON.parse(text) as Json;
    } catch (cause) {
      throw new EdgeflowError('INTERNAL_ERROR', `MLflow server answered ${request.method} ${request.path} with a body that is not JSON.`, { cause });
    }
  }

  /** Sends a request and returns the body bytes. */
  async bytes(request: HttpRequest): Promise<Uint8Array> {
    const response = await this.send(request);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Aborts requests in flight; later requests fail with `INVALID_STATE`. */
  close(): void {
    this.#closing.abort(EdgeflowError.invalidState('The RestStore was closed.'));
  }

  /** Sends a request with retries; resolves with a 2xx response (body unread). */
  async send(request: HttpRequest): Promise<Response> {
    const retries = this.#options.retries ?? 3;
    const base = this.#options.backoffMs ?? 250;
    const cap = this.#options.maxBackoffMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      if (this.#closing.signal.aborted) throw this.#closing.signal.reason as Error;
      try {
        return await this.#attempt(request);
      } catch (error) {
        if (!(error instanceof Transient)) throw error;
        if (error.ambiguous && !(request.repeatable ?? isRepeatable(request.method, request.path))) throw notRepeated(request, error.error);
        if (attempt >= retries) throw error.error;
        const backoff = Math.random() * Math.min(cap, base * 2 ** attempt);
        this.retried++;
        await sleep(Math.min(cap, error.waitMs ?? backoff), this.#closing.signal);
      }
    }
  }

  async #attempt(request: HttpRequest): Promise<Response> {
    const { method, path } = request;
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    const controller = new AbortController();
    const onClose = (): void => controller.abort(this.#closing.signal.reason);
    this.#closing.signal.addEventListener('abort', onClose, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const headers: Record<string, string> = { ...(await this.#options.headers?.()) };
      let body: BodyInit | undefined;
      if (request.jsonText !== undefined || request.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = request.jsonText ?? stringifyJson(request.json);
      } else if (request.bytes !== undefined) {
        headers['Content-Type'] ??= 'application/octet-stream';
        body = request.bytes as BodyInit;
      }
      let response: Response;
      try {
        response = await this.#fetch(this.#url(request), {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(this.#options.credentials === undefined ? {} : { credentials: this.#options.credentials }),
          signal: controller.signal,
        });
      } catch (cause) {
        if (this.#closing.signal.aborted) throw this.#closing.signal.reason as Error;
        const message = timedOut
          ? `MLflow request ${method} ${path} timed out after ${timeoutMs} ms.`
          : `MLflow request ${method} ${path} failed: ${cause instanceof Error ? cause.message : String(cause)}`;
        const refused = !timedOut && REFUSED_CONNECTION_CODES.has(networkCode(cause) ?? '');
        const details = { method, path, reason: timedOut ? 'timeout' : refused ? 'refused' : 'network' };
        throw new Transient(new EdgeflowError('INTERNAL_ERROR', message, { cause, details }), undefined, !refused);
      }
      if (response.ok) return response;
      let text = '';
      try {
        text = await response.text();
      } catch {
        // the body is lost; the status still tells
      }
      const waitMs = retryAfterMs(response.headers.get('Retry-After'));
      const error = errorOfResponse(method, path, response.status, text, waitMs);
      const ambiguous = AMBIGUOUS_STATUSES.has(response.status) || (response.status === 500 && request.retry500 !== false && mlflowError(text) === undefined);
      if (ambiguous || REFUSING_STATUSES.has(response.status)) throw new Transient(error, waitMs, ambiguous);
      throw error;
    } finally {
      clearTimeout(timer);
      this.#closing.signal.removeEventListener('abort', onClose);
    }
  }

  #url(request: HttpRequest): string {
    let url = this.#base + request.path;
    if (request.query !== undefined) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
        else params.append(key, String(value));
      }
      const query = params.toString();
      if (query !== '') url += `?${query}`;
    }
    return url;
  }
}
