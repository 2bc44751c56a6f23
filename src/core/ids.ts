/**
 * Branded identifiers and their generators, made as MLflow makes them.
 * @module
 */
import { EdgeflowError, describeValue } from './errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** An experiment id: MLflow's file store uses 18 random decimal digits; `0` is the default. */
export type ExperimentId = Brand<string, 'ExperimentId'>;
/** A run id: 32 lowercase hex characters (UUID4 without dashes) for new runs. */
export type RunId = Brand<string, 'RunId'>;

/** The id of the `Default` experiment every store has. */
export const DEFAULT_EXPERIMENT_ID = '0' as ExperimentId;
/** The name of the default experiment. */
export const DEFAULT_EXPERIMENT_NAME = 'Default';

const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/u;
const EXPERIMENT_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,63}$/u;

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** A new run id: `uuid4().hex`. */
export function newRunId(): RunId {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let hex = '';
  for (const byte of b) hex += byte.toString(16).padStart(2, '0');
  return hex as RunId;
}

/** A new logged-model id: `m-` + `uuid4().hex`, as MLflow 3 makes them. */
export function newLoggedModelId(): string {
  return `m-${newRunId()}`;
}

/** A new experiment id: 18 random decimal digits, first digit non-zero (MLflow's file store). */
export function newExperimentId(): ExperimentId {
  const b = randomBytes(18);
  let id = String(1 + (b[0]! % 9));
  for (let i = 1; i < 18; i++) id += String(b[i]! % 10);
  return id as ExperimentId;
}

/** Validates and brands a run id. */
export function parseRunId(value: unknown): RunId {
  if (typeof value !== 'string' || !RUN_ID_PATTERN.test(value)) {
    throw EdgeflowError.invalidParameterValue(`Invalid run ID: ${describeValue(value)}`, { details: { field: 'run_id' } });
  }
  return value as RunId;
}

/** Validates and brands an experiment id. */
export function parseExperimentId(value: unknown): ExperimentId {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) value = String(value);
  if (typeof value !== 'string' || !EXPERIMENT_ID_PATTERN.test(value)) {
    throw EdgeflowError.invalidParameterValue(`Invalid experiment ID: ${describeValue(value)}`, { details: {
      field: 'experiment_id',
    } });
  }
  return value as ExperimentId;
}
