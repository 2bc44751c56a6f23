/**
 * What an endpoint of the MLflow REST handler works with: the request's fields ({@link Input}: the
 * JSON body, then the query string), its context, and the helpers that declare endpoints.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TrackingClient } from '../core/client.js';
import type { Experiment, FileInfo, RunInfo } from '../core/entities.js';
import type { LoggedModel } from '../core/logged-models/entities.js';
import { EdgeflowError } from '../core/errors.js';
import type { Store } from '../core/store.js';
import { parseJsonDouble, type Json } from '../storage/rest/wire.js';

export function missing(name: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`, { details: { field: name } });
}

/** Request fields: the JSON body (POST/PATCH/DELETE), then the query string (GET). */
export class Input {
  readonly #json: Json;
  readonly #query: URLSearchParams;

  constructor(
    json: Json,
    query: URLSearchParams,
  ) {
    this.#json = json;
    this.#query = query;
  }

  raw(name: string): unknown {
    const value = this.#json[name];
    if (value !== undefined && value !== null) return value;
    const all = this.#query.getAll(name);
    return all.length === 0 ? undefined : all.length === 1 ? all[0] : all;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  str(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: it must be a string.`, { details: { field: name } });
  }

  required(name: string): string {
    const value = this.str(name);
    if (value === undefined || value === '') throw missing(name);
    return value;
  }

  int(name: string): number | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : intOf(value, name);
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
    return this.list(name).map(String);
  }

  objects(name: string): Json[] {
    return this.list(name).map((item) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(item)} in parameter '${name}': it must be an object.`, { details: { field: name } });
      }
      return item as Json;
    });
  }

  keyValues(name: string): { key: string; value: string }[] {
    return this.objects(name).map((item) => ({ key: String(item['key']), value: item['value'] === undefined || item['value'] === null ? '' : String(item['value']) }));
  }

  /** `run_id`, or `run_uuid` for old clients. */
  runId(): string {
    return this.str('run_id') || this.required('run_uuid');
  }

  /** Optional fields as `{[to]: value}` when present, for spreading. */
  opt<K extends string, T>(name: string, to: K, read: (name: string) => T | undefined): Partial<Record<K, T>> {
    const value = read.call(this, name);
    return value === undefined ? {} : ({ [to]: value } as Record<K, T>);
  }
}

export function intOf(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/u.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: it must be an integer.`, { details: { field } });
  return n;
}

/** A double of a request ({@link parseJsonDouble}); anything else is `INVALID_PARAMETER_VALUE`. */
export function doubleOf(value: unknown, field: string): number {
  const n = parseJsonDouble(value);
  if (n === undefined) {
    throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: it must be a number.`, { details: { field } });
  }
  return n;
}

/** A metric as `runs/log-metric` and `runs/log-batch` take it, with MLflow 3's links. */
export interface MetricFields {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
  readonly modelId?: string;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/**
 * One metric of `runs/log-metric` or `runs/log-batch` (`key`, `value`, `timestamp` required), with
 * its `model_id`, `dataset_name` and `dataset_digest` when given (checked by the client).
 */
export function metricOf(field: (name: string) => unknown): MetricFields {
  for (const name of ['key', 'value', 'timestamp']) if (field(name) === undefined || field(name) === null) throw missing(name);
  const step = field('step');
  const text = (name: string): string | undefined => {
    const value = field(name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const [modelId, datasetName, datasetDigest] = [text('model_id'), text('dataset_name'), text('dataset_digest')];
  return {
    key: String(field('key')),
    value: doubleOf(field('value'), 'value'),
    timestamp: intOf(field('timestamp'), 'timestamp'),
    step: step === undefined || step === null ? 0 : intOf(step, 'step'),
    ...(modelId === undefined ? {} : { modelId }),
    ...(datasetName === undefined ? {} : { datasetName }),
    ...(datasetDigest === undefined ? {} : { datasetDigest }),
  };
}

export function paged(field: string, items: Json[], token: string | undefined): Json {
  return token === undefined ? { [field]: items } : { [field]: items, next_page_token: token };
}

export interface Context {
  readonly method: string;
  readonly store: Store;
  readonly client: TrackingClient;
  readonly input: Input;
  readonly headers: IncomingHttpHeaders;
  readonly artifactUri: (info: RunInfo) => string;
  /** Experiment JSON with the artifact location this server reports. */
  readonly experimentJson: (experiment: Experiment) => Json;
  /** The artifact location this server reports for a logged model. */
  readonly modelArtifactUri: (model: LoggedModel) => string;
  /** A logged model's files where this server keeps them (the artifact proxy for `mlflow-artifacts:` locations). */
  readonly modelFiles: {
    list(model: LoggedModel, path: string): Promise<readonly FileInfo[]>;
    get(model: LoggedModel, path: string): Promise<Uint8Array>;
  };
  /** Decoded path parameters of a routed endpoint (e.g. the model id of `logged-models/{id}`). */
  readonly params: readonly string[];
}

export interface Endpoint {
  readonly methods: readonly string[];
  /** Changes something (for this method): refused in read-only mode. */
  readonly write: boolean | ((method: string) => boolean);
  /** A JSON answer, or the bytes of a file. */
  readonly run: (ctx: Context) => Promise<Json | Uint8Array>;
}

export const read = (methods: readonly string[], run: Endpoint['run']): Endpoint => ({ methods, write: false, run });
export const write = (method: string, run: Endpoint['run']): Endpoint => ({ methods: [method], write: true, run });
export const GET = ['GET'];
export const done = async (p: Promise<unknown>): Promise<Json> => {
  await p;
  return {};
};
