/**
 * Paging of file-store searches (spec §6.3): offset page tokens and `max_results` bounds.
 * @module
 */
import type { Page } from '../entities.js';
import { EdgeflowError, describeValue } from '../errors.js';

function invalidToken(token: string, why: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(`Invalid page token ${describeValue(token)}: ${why}`, { details: {
    field: 'page_token',
    value: token,
  } });
}

/**
 * Encodes an offset as MLflow's file store does: standard padded base64 of the JSON text
 * `{"offset": N}` (Python spacing). Works without `Buffer`.
 *
 * @example
 * ```ts
 * encodePageToken(1000) // 'eyJvZmZzZXQiOiAxMDAwfQ=='
 * ```
 * @throws `INVALID_PARAMETER_VALUE` unless `offset` is a positive safe integer (0 is never a token).
 */
export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset <= 0) {
    const message = `Invalid page offset ${describeValue(offset)}: it must be a positive integer`;
    throw EdgeflowError.invalidParameterValue(message, { details: { field: 'page_token', value: offset } });
  }
  return btoa(`{"offset": ${offset}}`);
}

/**
 * Decodes a page token into an offset; an absent or empty token is offset 0.
 * Accepts tokens from MLflow's file store (`{"offset": N}`, N a positive integer or a string of
 * digits, as Python's `int()` takes it).
 * @throws `INVALID_PARAMETER_VALUE` for a token that is not base64 of such JSON, or an offset ≤ 0.
 */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(token));
  } catch {
    throw invalidToken(token, 'it is not base64-encoded JSON');
  }
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  const offset = isObject && Object.prototype.hasOwnProperty.call(parsed, 'offset') ? (parsed as { offset: unknown }).offset : undefined;
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidToken(token, 'it must hold {"offset": N} with N a positive integer');
  }
  return value;
}

/**
 * Checks `max_results` (an integer in 1..`max`) and applies the default.
 * @throws `INVALID_PARAMETER_VALUE` naming the bound that was broken.
 */
export function checkMaxResults(maxResults: number | undefined, defaultValue: number, max: number): number {
  if (maxResults === undefined) return defaultValue;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
    throw EdgeflowError.invalidParameterValue(
      `Invalid value ${describeValue(maxResults)} for parameter 'max_results': it must be an integer from 1 to ${max}`,
      { details: { field: 'max_results', value: maxResults, min: 1, max } },
    );
  }
  return maxResults;
}

/**
 * One page of a fully sorted result: `maxResults` items from `offset`, with `nextPageToken` only
 * when more items follow (the property is absent on the last page).
 */
export function pageOf<T>(sorted: readonly T[], offset: number, maxResults: number): Page<T> {
  const end = offset + maxResults;
  const items = sorted.slice(offset, end);
  return end < sorted.length ? { items, nextPageToken: encodePageToken(end) } : { items };
}
