/**
 * Attribute converters shared by the elements.
 * @module
 */
import type { ComplexAttributeConverter } from 'lit';

/**
 * A comma-separated list (`run-ids="a,b"`). Metric, param and tag keys cannot contain commas
 * (MLflow's key rule), run ids are hex, so a comma is an unambiguous separator.
 */
export const listConverter: ComplexAttributeConverter<string[]> = {
  fromAttribute: (value: string | null) =>
    value === null
      ? []
      : value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
  toAttribute: (value: readonly string[]) => value.join(','),
};
