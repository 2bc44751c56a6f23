/**
 * Answers shared by the parts of the MLflow REST handler: JSON bodies and "no such endpoint".
 * @module
 */
import { EdgeflowError } from '../core/errors.js';
import { stringifyJson, type Json } from '../storage/rest/wire.js';
import type { MlflowRestResponse } from './mlflow-rest-handler.js';

export function json(status: number, body: Json): MlflowRestResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: stringifyJson(body) };
}

export function endpointNotFound(method: string, path: string, status = 404): EdgeflowError {
  return new EdgeflowError('RESOURCE_DOES_NOT_EXIST', `No endpoint ${method} ${path}.`, { details: { mlflowErrorCode: 'ENDPOINT_NOT_FOUND', httpStatus: status } });
}
