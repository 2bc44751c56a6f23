/**
 * `datasetFromTensors`: a dataset input from `tf.Tensor`s, with MLflow's NumPy digest, profile and
 * schema (a tensor reads as the NumPy array of its dtype: float32, int32, bool, str). Only the
 * first 10,000 elements are copied off the backend (all the digest hashes); the size comes from the
 * shape.
 * @module
 */
import type * as tfjs from '@tensorflow/tfjs';
import { datasetFromNdArrays, type DatasetSource } from '../core/datasets/builders.js';
import { MAX_HASHED_ROWS } from '../core/datasets/digest.js';
import type { Dataset } from '../core/datasets/entities.js';
import type { NamedArrays, NdArray, NumpyDtype } from '../core/datasets/ndarray.js';
import { EdgeflowError } from '../core/errors.js';
import { numpyDtype } from './signature.js';

/** One tensor, several (named `0`, `1`, … unless `names` are given), or tensors by name. */
export type TensorsInput = tfjs.Tensor | readonly tfjs.Tensor[] | Readonly<Record<string, tfjs.Tensor>>;

/** Options of {@link datasetFromTensors}. */
export interface TensorsDatasetOptions {
  /** `dataset` when absent. */
  readonly name?: string;
  readonly features: TensorsInput;
  readonly targets?: TensorsInput;
  readonly source?: DatasetSource;
  readonly digest?: string;
  /** Names of a list of feature tensors (e.g. the model's `inputNames`); default `0`, `1`, … */
  readonly featureNames?: readonly string[];
  /** Names of a list of target tensors (e.g. the model's `outputNames`). */
  readonly targetNames?: readonly string[];
}

const DIGESTIBLE: readonly string[] = ['float32', 'int32', 'bool', 'str'];

function isTensor(value: unknown): value is tfjs.Tensor {
  return typeof value === 'object' && value !== null && typeof (value as tfjs.Tensor).dataSync === 'function' && Array.isArray((value as tfjs.Tensor).shape);
}

/** The tensor as NumPy holds it, with only its first {@link MAX_HASHED_ROWS} elements read. */
function toNdArray(tensor: tfjs.Tensor, label: string): NdArray {
  const dtype = numpyDtype(tensor.dtype) as NumpyDtype;
  if (!DIGESTIBLE.includes(dtype)) throw EdgeflowError.invalidParameterValue(`${label}: tensors of dtype ${tensor.dtype} have no NumPy digest`);
  const head = tensor.size > MAX_HASHED_ROWS ? tensor.reshape([-1]).slice(0, MAX_HASHED_ROWS) : tensor;
  try {
    const data = head.dataSync() as unknown;
    const values =
      dtype === 'str' ? (data as (string | Uint8Array)[]).map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s)))
      : dtype === 'bool' ? Uint8Array.from(data as Uint8Array)
      : (data as Float32Array | Int32Array);
    return { dtype, shape: [...tensor.shape], values };
  } finally {
    if (head !== tensor) head.dispose();
  }
}

function toNamed(input: TensorsInput, label: string, names?: readonly string[]): NamedArrays {
  if (isTensor(input)) return [{ name: null, array: toNdArray(input, label) }];
  const entries = Array.isArray(input) ? input.map((t, i) => [names?.[i] ?? String(i), t] as const) : Object.entries(input);
  return entries.map(([name, tensor]) => {
    if (!isTensor(tensor)) throw EdgeflowError.invalidParameterValue(`${label}.${name} is not a tf.Tensor`);
    return { name, array: toNdArray(tensor, `${label}.${name}`) };
  });
}

/**
 * A dataset of tensors, as `mlflow.data.from_numpy` describes the same arrays. A list of tensors
 * is a dict named by position (or by `featureNames`/`targetNames`).
 * @throws INVALID_PARAMETER_VALUE for a tensor that is not float32, int32, bool or string
 */
export function datasetFromTensors(options: TensorsDatasetOptions): Dataset {
  const { name, features, targets, source, digest, featureNames, targetNames } = options;
  return datasetFromNdArrays({
    ...(name === undefined ? {} : { name }),
    ...(source === undefined ? {} : { source }),
    ...(digest === undefined ? {} : { digest }),
    features: toNamed(features, 'features', featureNames),
    ...(targets === undefined ? {} : { targets: toNamed(targets, 'targets', targetNames) }),
  });
}
