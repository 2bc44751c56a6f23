/**
 * What a local HTTP server checks before it looks at a request, so that the web pages the user
 * visits cannot use it (`edgeflow ui`, {@link createMlflowRestHandler}):
 *
 * - **Host** (DNS rebinding): only `127.0.0.1`, `localhost` and `[::1]` (any port) and the names
 *   given; a page whose own name was re-pointed at 127.0.0.1 sends its own name and is refused.
 * - **Origin** (cross-site requests): a request that carries an `Origin` must come from the server's
 *   own origin (`http(s)://<Host>`) or from one allowed for CORS; `null` origins are refused.
 * - **Token** (optional, as Jupyter's): a secret made at launch, sent as `Authorization: Bearer` (or
 *   `Token`), as the `token` query parameter, or as the cookie the server sets when a page is opened
 *   with `?token=` (HttpOnly, SameSite=Strict, so other sites' requests never carry it).
 * - **Request targets**: a malformed percent-encoding in the path or the query is a 400, never a 500.
 *
 * Refusals are {@link EdgeflowError}s with an MLflow code and HTTP status, answered as MLflow's
 * error body by the caller.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { EdgeflowError } from '../core/errors.js';

/** The Host names every loopback server answers to (any port). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** What {@link checkRequest} enforces. */
export interface RequestGuardOptions {
  /**
   * Host header values accepted besides {@link LOOPBACK_HOSTS}: a name (`mlflow.internal`, any
   * port) or a name with a port (`mlflow.internal:8080`). `'*'` accepts any Host (behind a proxy
   * that checks it). Default: loopback only.
   */
  readonly allowedHosts?: readonly string[] | '*';
  /** Origins of other pages allowed to call (CORS), or `'*'` for any. Default: none. */
  readonly corsOrigins?: readonly string[] | '*';
  /** The per-launch secret every request must carry. Default: none asked. */
  readonly token?: string;
}

/** The parts of a request the guard reads. */
export interface RequestHead {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
}

/** A request target split and decoded: `path` as sent (still encoded), `decodedPath`, the query. */
export interface RequestTarget {
  readonly path: string;
  readonly decodedPath: string;
  readonly query: URLSearchParams;
}

function badRequest(message: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(message);
}

/** `decodeURIComponent` that throws `INVALID_PARAMETER_VALUE` (400) instead of `URIError`. */
export function decodeUrlComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest(`Malformed percent-encoding in the ${what}.`);
  }
}

/** `url` as `/path?query` (absolute URLs, as proxies send, reduced to that); undefined when neither. */
function originForm(url: string | undefined): string | undefined {
  const target = url ?? '/';
  if (target.startsWith('/')) return target;
  try {
    const absolute = new URL(target);
    return `${absolute.pathname}${absolute.search}`;
  } catch {
    return undefined;
  }
}

/** The path of a request target, still percent-encoded (`''` when the target is not a path). */
export function requestPath(url: string | undefined): string {
  return (originForm(url) ?? '').split('?')[0]!;
}

/**
 * Splits `url` (a request target: `/path?query`, or an absolute URL as proxies send) into its
 * path and query, refusing malformed percent-encoding anywhere with `INVALID_PARAMETER_VALUE`.
 */
export function parseRequestTarget(url: string | undefined): RequestTarget {
  const target = originForm(url);
  if (target === undefined) throw badRequest('The request target is not a path.');
  const mark = target.indexOf('?');
  const path = mark === -1 ? target : target.slice(0, mark);
  const rawQuery = mark === -1 ? '' : target.slice(mark + 1);
  const query = new URLSearchParams();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [name, value] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    query.append(decodeUrlComponent(name.replaceAll('+', ' '), 'query string'), decodeUrlComponent(value.replaceAll('+', ' '), 'query string'));
  }
  return { path, decodedPath: decodeUrlComponent(path, 'path'), query };
}

/** `name` and `port` of a Host header (`[::1]:5000` → `[::1]`, `5000`), lowercased; undefined when malformed. */
function splitHost(host: string): { name: string; port: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/iu.exec(host.trim());
  return match === null ? undefined : { name: match[1]!.toLowerCase(), port: match[2] ?? '' };
}

function hostAllowed(header: string | undefined, allowed: readonly string[] | '*'): boolean {
  // Browsers always send Host (node:http refuses HTTP/1.1 requests without it); a request without
  // one is a program's, called in-process or over HTTP/1.0, which DNS rebinding cannot produce.
  if (allowed === '*' || header === undefined) return true;
  const host = splitHost(header);
  if (host === undefined) return false;
  if (LOOPBACK_HOSTS.includes(host.name)) return true;
  return allowed.some((entry) => {
    const wanted = splitHost(entry);
    return wanted !== undefined && wanted.name === host.name && (wanted.port === '' || wanted.port === host.port);
  });
}

function originAllowed(origin: string, host: string, cors: readonly string[] | '*'): boolean {
  const own = host.trim().toLowerCase();
  if (origin.toLowerCase() === `http://${own}` || origin.toLowerCase() === `https://${own}`) return true;
  return cors === '*' ? origin !== 'null' : cors.includes(origin);
}

/** Compares without stopping at the first difference, so timing tells nothing about the token. */
function sameSecret(given: string, token: string): boolean {
  let diff = given.length ^ token.length;
  for (let i = 0; i < token.length; i++) diff |= token.charCodeAt(i) ^ given.charCodeAt(i % Math.max(1, given.length));
  return diff === 0;
}

/** The cookie name of the token for the server reached through `host` (cookies ignore ports). */
function cookieName(host: string | undefined): string {
  const port = splitHost(host ?? '')?.port;
  return `edgeflow-ui-token-${port === undefined || port === '' ? '80' : port}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Where a request's token came from (`'none'` when it carries none). */
export type TokenSource = 'header' | 'query' | 'cookie' | 'none';

function tokenOf(head: RequestHead): { token: string; source: TokenSource } {
  const auth = /^(?:bearer|token)\s+(\S+)\s*$/iu.exec(head.headers.authorization ?? '');
  if (auth !== null) return { token: auth[1]!, source: 'header' };
  const query = head.query.get('token');
  if (query !== null) return { token: query, source: 'query' };
  const cookie = cookieValue(head.headers.cookie, cookieName(head.headers.host));
  return cookie === undefined ? { token: '', source: 'none' } : { token: cookie, source: 'cookie' };
}

function refused(message: string, status = 403): EdgeflowError {
  return new EdgeflowError('PERMISSION_DENIED', message, { details: { httpStatus: status } });
}

/**
 * Checks Host, then Origin, then (unless `skipToken`, for CORS preflights that never carry one) the
 * token. Resolves where the token came from, or throws the refusal: `PERMISSION_DENIED` 403.
 */
export function checkRequest(options: RequestGuardOptions, head: RequestHead, skipToken = false): TokenSource {
  const host = head.headers.host;
  if (!hostAllowed(host, options.allowedHosts ?? [])) {
    throw refused(`Host ${JSON.stringify(host ?? '')} is not allowed: this server answers to ${LOOPBACK_HOSTS.join(', ')} and the names given with --allowed-host.`);
  }
  const origin = head.headers.origin;
  if (origin !== undefined && !originAllowed(origin, host ?? '', options.corsOrigins ?? [])) {
    throw refused(`Requests from origin ${JSON.stringify(origin)} are refused: only this server's own pages and the origins given with --cors-origin may call it.`);
  }
  if (options.token === undefined || skipToken) return 'none';
  const given = tokenOf(head);
  if (given.source === 'none' || !sameSecret(given.token, options.token)) {
    throw refused('This server needs its token: open the URL it printed (…/?token=…), or send the header Authorization: Bearer <token>.');
  }
  return given.source;
}

/** The `Set-Cookie` value that keeps `token` for pages of the server reached through `host`. */
export function tokenCookie(host: string | undefined, token: string): string {
  return `${cookieName(host)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Whether a `Content-Type` header names JSON (`application/json`, parameters allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Whether the request announces a body (a `Content-Length` above 0, or chunked). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

/**
 * Reads a request body of at most `limit` bytes, counting what arrives (chunked bodies declare no
 * size). Resolves undefined as soon as the count passes `limit`, leaving the rest unread (the
 * stream paused): the caller answers 413 and closes the connection.
 */
export function readCappedBody(request: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      settle();
      request.pause();
      resolve(undefined);
    };
    const onEnd = (): void => {
      settle();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    const onClose = (): void => onError(new Error('The client closed the connection before sending the whole body.'));
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
