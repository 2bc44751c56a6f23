/**
 * The params and metrics of runs as fields that the compare plots put on an axis
 * (`param:lr`, `metric:acc`), and the value of a field for one run.
 * @module
 */
import { hasKey, type Run } from '../../core/entities.js';
import { collectKeys } from '../internal/run-columns.js';

/** A param or metric that a compare plot can put on an axis. */
export interface CompareField {
  /** `param:<key>` or `metric:<key>`. */
  readonly id: string;
  readonly kind: 'param' | 'metric';
  readonly key: string;
  /** What the axis and the select say. */
  readonly label: string;
}

/** Every param, then every metric, of these runs. */
export function compareFields(runs: readonly Run[]): CompareField[] {
  const keys = collectKeys(runs);
  return [
    ...keys.params.map((key) => ({ id: `param:${key}`, kind: 'param' as const, key, label: `param: ${key}` })),
    ...keys.metrics.map((key) => ({ id: `metric:${key}`, kind: 'metric' as const, key, label: `metric: ${key}` })),
  ];
}

/** The value of `field` for `run`: a param's string, a metric's latest value, or null when missing. */
export function fieldValue(run: Run, field: CompareField): string | number | null {
  const values = field.kind === 'param' ? run.data.params : run.data.metrics;
  return hasKey(values, field.key) ? values[field.key]! : null;
}

/** The field with `id`, else the field at `fallback` (clamped), else undefined. */
export function pickField(fields: readonly CompareField[], id: string, fallback: number): CompareField | undefined {
  return fields.find((f) => f.id === id) ?? fields[Math.min(Math.max(0, fallback), fields.length - 1)];
}
