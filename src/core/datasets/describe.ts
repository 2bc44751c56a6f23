/**
 * Profiles and schemas of datasets as MLflow writes them (mlflow3-models-and-inputs.md §2.3, §2.4):
 * NumPy arrays (`NumpyDataset`) and tables of records (`PandasDataset`). Both are JSON text in
 * Python's `json.dumps` form.
 * @module
 */
import { pythonJson } from '../formats/python-json.js';
import type { HashedColumn } from './digest.js';
import { nbytesOf, sizeOf, type NamedArrays, type NdArray } from './ndarray.js';

function perArray<T>(arrays: NamedArrays, value: (a: NdArray) => T): T | Record<string, T> {
  if (arrays.length === 1 && arrays[0]!.name === null) return value(arrays[0]!.array);
  return Object.fromEntries(arrays.map(({ name, array }) => [name!, value(array)]));
}

/** `NumpyDataset.profile`: shape, size and nbytes of the features (and targets). */
export function numpyProfile(features: NamedArrays, targets?: NamedArrays): string {
  const profile: Record<string, unknown> = {};
  for (const [prefix, arrays] of [['features', features], ['targets', targets]] as const) {
    if (!arrays) continue;
    profile[`${prefix}_shape`] = perArray(arrays, (a) => [...a.shape]);
    profile[`${prefix}_size`] = perArray(arrays, sizeOf);
    profile[`${prefix}_nbytes`] = perArray(arrays, nbytesOf);
  }
  return pythonJson(profile);
}

function tensorSpec(arrays: NamedArrays): string {
  return pythonJson(
    arrays.map(({ name, array }) => ({
      ...(name === null ? {} : { name }),
      type: 'tensor',
      'tensor-spec': { dtype: array.dtype, shape: [-1, ...array.shape.slice(1)] },
    })),
  );
}

/** `NumpyDataset.schema`: tensor specs (as JSON strings) with a variable first dimension. */
export function numpySchema(features: NamedArrays, targets?: NamedArrays): string {
  return pythonJson({ mlflow_tensorspec: { features: tensorSpec(features), targets: targets ? tensorSpec(targets) : null } });
}

/** A column of a table of records, with what MLflow's schema says of it. */
export interface TableColumn extends HashedColumn {
  /** MLflow's column spec type (`double`, `long`, `string`, `boolean`, `datetime`, an array spec), or null when not inferable. */
  readonly type: string | { readonly type: 'array'; readonly items: { readonly type: string } } | null;
  /** False when some rows have no value. */
  readonly required: boolean;
}

/** `PandasDataset.profile`. */
export function tableProfile(columns: readonly TableColumn[], rowCount: number): string {
  return pythonJson({ num_rows: rowCount, num_elements: rowCount * columns.length });
}

/** `PandasDataset.schema` (column specs inline), or null when a column's type cannot be inferred. */
export function tableSchema(columns: readonly TableColumn[]): string | null {
  if (columns.some((c) => c.type === null)) return null;
  const specs = columns.map(({ type, name, required }) =>
    typeof type === 'string' ? { type, name, required } : { ...type!, name, required },
  );
  return pythonJson({ mlflow_colspec: specs });
}
