/**
 * A table given as records (`{column: value}` rows) read as pandas would build its DataFrame: columns
 * in order of first appearance, missing values as NaN, a dtype per column (whole numbers → int64,
 * other numbers → float64, all strings → str; booleans, lists and dates kept but not hashed by
 * MLflow's digest).
 * @module
 */
import { EdgeflowError } from '../errors.js';
import type { TableColumn } from './describe.js';

/** One row of a table. */
export type DataRecord = Readonly<Record<string, unknown>>;

const isMissing = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));

function scalarType(v: unknown): string | null {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'bigint') return 'long';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (v instanceof Date) return 'datetime';
  return null;
}

function column(name: string, values: readonly unknown[]): TableColumn {
  const present = values.filter((v) => !isMissing(v));
  const required = present.length === values.length;
  const kinds = new Set(present.map((v) => (Array.isArray(v) ? 'array' : v instanceof Date ? 'date' : typeof v)));
  const kind = kinds.size === 1 ? [...kinds][0] : undefined;
  const skip = (type: TableColumn['type']): TableColumn => ({ name, array: null, isString: false, type, required });
  if (kind === 'string') {
    const array = required ? { dtype: 'str' as const, shape: [values.length], values: present as string[] } : null;
    return { name, array, isString: required, type: 'string', required };
  }
  if (kind === 'number' || kind === 'bigint') {
    const ints = required && present.every((v) => typeof v === 'bigint' || Number.isSafeInteger(v));
    if (ints) {
      const array = { dtype: 'int64' as const, shape: [values.length], values: BigInt64Array.from(values as (number | bigint)[], BigInt) };
      return { name, array, isString: false, type: 'long', required };
    }
    const floats = Float64Array.from(values, (v) => (isMissing(v) ? NaN : Number(v)));
    return { name, array: { dtype: 'float64', shape: [values.length], values: floats }, isString: false, type: 'double', required };
  }
  if (kind === 'boolean') return skip('boolean');
  if (kind === 'date') return skip('datetime');
  if (kind === 'array') {
    const first = (present as unknown[][]).flat().find((v) => !isMissing(v));
    const items = scalarType(first);
    return skip(items === null ? null : { type: 'array', items: { type: items } });
  }
  return skip(null);
}

/** Columns of `records` in order of first appearance. @throws INVALID_PARAMETER_VALUE when a row is not an object */
export function recordsToColumns(records: readonly DataRecord[]): TableColumn[] {
  const names = new Set<string>();
  records.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw EdgeflowError.invalidParameterValue(`records[${i}] must be an object of column values`);
    }
    for (const key of Object.keys(row)) names.add(key);
  });
  return [...names].map((name) => column(name, records.map((row) => row[name])));
}
