/**
 * Field readers shared by the file-store codecs: each failure is an `INVALID_PARAMETER_VALUE`
 * naming the file and the field.
 * @internal
 * @module
 */
import type { LifecycleStage } from '../../entities.js';
import { EdgeflowError, describeValue } from '../../errors.js';
import { parseExperimentId, parseRunId, type ExperimentId, type RunId } from '../../ids.js';

export function fail(entry: string, message: string): never {
  throw EdgeflowError.invalidParameterValue(`${entry}: ${message}`, { details: { entry } });
}

export function asMapping(data: unknown, entry: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Date) {
    fail(entry, 'expected a YAML mapping.');
  }
  return data as Record<string, unknown>;
}

export function field(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

export function str(map: Record<string, unknown>, key: string, entry: string): string {
  const value = field(map, key);
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string (got ${describeValue(value)}).`);
  return value;
}

/** A string, or null when missing/null/'' (the REST server writes '' for absent strings). */
export function optionalStr(map: Record<string, unknown>, key: string, entry: string): string | null {
  const value = field(map, key);
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string or null (got ${describeValue(value)}).`);
  return value;
}

export function optionalMs(map: Record<string, unknown>, key: string, entry: string): number | null {
  const value = field(map, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(entry, `field "${key}" must be a whole number of milliseconds (got ${describeValue(value)}).`);
  }
  return value;
}

export function stage(map: Record<string, unknown>, entry: string): LifecycleStage {
  const value = field(map, 'lifecycle_stage');
  if (value === undefined || value === null) return 'active';
  if (value !== 'active' && value !== 'deleted') {
    fail(entry, `field "lifecycle_stage" must be "active" or "deleted" (got ${describeValue(value)}).`);
  }
  return value;
}

export function idString(map: Record<string, unknown>, key: string, entry: string): string {
  const value = field(map, key);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string (got ${describeValue(value)}).`);
  return value;
}

export function brandExperimentId(value: string, entry: string): ExperimentId {
  try {
    return parseExperimentId(value);
  } catch {
    fail(entry, `invalid experiment id ${describeValue(value)}.`);
  }
}

export function brandRunId(value: string, entry: string): RunId {
  try {
    return parseRunId(value);
  } catch {
    fail(entry, `invalid run id ${describeValue(value)}.`);
  }
}

/** Milliseconds that must be there; a missing `last_updated_timestamp` falls back to creation. */
export function requiredMs(map: Record<string, unknown>, key: string, entry: string): number {
  const value = optionalMs(map, key, entry);
  if (value === null) fail(entry, `field "${key}" is required.`);
  return value;
}

/** A string or null, kept exactly (`''` stays `''`: MLflow's REST server stores absent strings so). */
export function nullableStr(map: Record<string, unknown>, key: string, entry: string): string | null {
  const value = field(map, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fail(entry, `field "${key}" must be a string or null (got ${describeValue(value)}).`);
  return value;
}
