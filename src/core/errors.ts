/**
 * The one error class of edgeflow, carrying an MLflow error code.
 *
 * Callers branch on {@link EdgeflowError.code}, never on subclasses. Platform errors (DOMException,
 * HTTP, zip) are mapped to this class at the edge where they happen, keeping the original as `cause`.
 * @module
 */

/** MLflow's error codes (from `databricks.proto`) that edgeflow raises. */
export const ErrorCode = {
  /** A value breaks a rule (bad key, changed param, write to a deleted run, hostile zip entry, …). */
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  /** No experiment, run, model, version, artifact, … with that key. */
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_DOES_NOT_EXIST',
  /** The name or key is taken. */
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  /** The resource's state does not allow the operation (a run in a deleted experiment, no active run). */
  INVALID_STATE: 'INVALID_STATE',
  /** A limit or the storage quota is reached. */
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  /** A failure that is not the caller's fault; the platform error is the `cause`. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** Refused by the platform or server (file permissions, a symbolic link out of a run, a missing token). */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** The store or this version cannot do it (no registry, an `s3:` artifact location, …). */
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
} as const;

/** One of MLflow's error code names. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status MLflow's server answers with for each code. @internal */
export const HTTP_STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_STATE: 500,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL_ERROR: 500,
  PERMISSION_DENIED: 403,
  NOT_IMPLEMENTED: 501,
};

/** Plain-JSON details attached to an error (offending field, zod issue paths, limits, …). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** The serialized form of an {@link EdgeflowError}, as sent across a worker boundary or HTTP. */
export interface EdgeflowErrorJSON {
  /** Always `EdgeflowError`: tells the form apart from other JSON. */
  readonly name: 'EdgeflowError';
  /** The error's {@link EdgeflowError.code}, under MLflow's field name. */
  readonly error_code: ErrorCode;
  /** The error's message. */
  readonly message: string;
  /** The error's {@link EdgeflowError.details}. */
  readonly details?: ErrorDetails;
  /** The stack where the error was made (kept across a worker boundary). */
  readonly stack?: string;
}

/**
 * The optional parts of an {@link EdgeflowError}, taken by its constructor and by every factory
 * (`EdgeflowError.invalidParameterValue(message, { details, cause })`, …).
 */
export interface EdgeflowErrorOptions {
  /** Plain-JSON details, kept in {@link EdgeflowError.details} and sent by `toJSON`. */
  readonly details?: ErrorDetails;
  /** The underlying error (a DOMException, an HTTP or fs failure, …), kept as the standard `Error.cause`. */
  readonly cause?: unknown;
}

const ERROR_BRAND = Symbol.for('edgeflow.error');

/**
 * An error with an MLflow error code. The message names the offending field and value.
 *
 * @example
 * ```ts
 * try { await client.getRun(id) }
 * catch (e) { if (isEdgeflowError(e, 'RESOURCE_DOES_NOT_EXIST')) … }
 * ```
 */
export class EdgeflowError extends Error {
  /** MLflow error code; branch on this. */
  readonly code: ErrorCode;
  /** Plain-JSON details about the failure. */
  readonly details: ErrorDetails | undefined;

  /**
   * @param code - MLflow error code.
   * @param message - Names the offending field and value.
   * @param options - Details and cause; see {@link EdgeflowErrorOptions}.
   */
  constructor(code: ErrorCode, message: string, options?: EdgeflowErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EdgeflowError';
    this.code = code;
    this.details = options?.details;
  }

  /** Works across duplicate copies of the library and across realms. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_BRAND] === true;
  }

  /** The HTTP status MLflow uses for this error's code. */
  get httpStatus(): number {
    return HTTP_STATUS_OF_CODE[this.code];
  }

  /** MLflow's JSON error body (`{error_code, message}`) plus details and stack. */
  toJSON(): EdgeflowErrorJSON {
    return {
      name: 'EdgeflowError',
      error_code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(this.stack === undefined ? {} : { stack: this.stack }),
    };
  }

  /** Rebuilds an error from {@link EdgeflowError.toJSON} output. */
  static fromJSON(json: EdgeflowErrorJSON): EdgeflowError {
    const error = new EdgeflowError(json.error_code, json.message, json.details ? { details: json.details } : undefined);
    if (json.stack !== undefined) error.stack = json.stack;
    return error;
  }

  /** `INVALID_PARAMETER_VALUE` (HTTP 400): a caller passed a value that breaks a rule. */
  static invalidParameterValue(message: string, options?: EdgeflowErrorOptions): EdgeflowError {
    return new EdgeflowError(ErrorCode.INVALID_PARAMETER_VALUE, message, options);
  }

  /** `RESOURCE_DOES_NOT_EXIST` (HTTP 404): no experiment, run, model, artifact, … with that key. */
  static resourceDoesNotExist(message: string, options?: EdgeflowErrorOptions): EdgeflowError {
    return new EdgeflowError(ErrorCode.RESOURCE_DOES_NOT_EXIST, message, options);
  }

  /** `RESOURCE_ALREADY_EXISTS` (HTTP 400): the name or key is taken. */
  static resourceAlreadyExists(message: string, options?: EdgeflowErrorOptions): EdgeflowError {
    return new EdgeflowError(ErrorCode.RESOURCE_ALREADY_EXISTS, message, options);
  }

  /** `INVALID_STATE` (HTTP 500): the resource is in a state that does not allow the operation. */
  static invalidState(message: string, options?: EdgeflowErrorOptions): EdgeflowError {
    return new EdgeflowError(ErrorCode.INVALID_STATE, message, options);
  }

  /** `RESOURCE_EXHAUSTED` (HTTP 429): a limit or the storage quota is reached. */
  static resourceExhausted(message: string, options?: EdgeflowErrorOptions): EdgeflowError {
    return new EdgeflowError(ErrorCode.RESOURCE_EXHAUSTED, message, options);
  }

  /** `INTERNAL_ERROR` (HTTP 500): a failure that is not the caller's fault, usually with the platform error as `cause`. */
  static internalError(message: string, options?: EdgeflowErrorOptions): EdgeflowError {
    return new EdgeflowError(ErrorCode.INTERNAL_ERROR, message, options);
  }
}

Object.defineProperty(EdgeflowError.prototype, ERROR_BRAND, { value: true });

/** True when `value` is an {@link EdgeflowError}, optionally with the given code. */
export function isEdgeflowError(value: unknown, code?: ErrorCode): value is EdgeflowError {
  return value instanceof EdgeflowError && (code === undefined || value.code === code);
}

/** Shows a user value in an error message: quoted, and cut when long. @internal */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
