/**
 * The n-dimensional arrays a JS user has (nested arrays, typed arrays, typed array + shape), read as
 * NumPy would hold them: a dtype, a shape and the flat row-major elements.
 * @module
 */
import { EdgeflowError } from '../errors.js';

/** A typed array whose elements map to one NumPy dtype. */
export type NumericTypedArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/** One element of a plain JS array: number → float64, bigint → int64, boolean → bool, string → str. */
export type ArrayScalar = number | bigint | boolean | string;

/** Nested plain arrays (rectangular), e.g. `[[5.1, 3.5], [4.9, 3.0]]`. */
export type NestedArray = readonly (ArrayScalar | NestedArray)[];

/** Flat elements with an explicit row-major shape, e.g. a `tf.Tensor`'s `dataSync()` and `shape`. */
export interface ShapedArray {
  readonly values: NumericTypedArray | readonly ArrayScalar[];
  readonly shape: readonly number[];
}

/**
 * One array: a typed array (1-D, its own dtype), nested plain arrays, or {@link ShapedArray}.
 * Plain numbers are float64 (as NumPy reads Python floats); use a `BigInt64Array` or bigints for int64.
 */
export type ArrayData = NumericTypedArray | NestedArray | ShapedArray;

/** Features or targets: one array, or named arrays (a dict of arrays in MLflow). */
export type ArraysInput = ArrayData | Readonly<Record<string, ArrayData>>;

/** NumPy dtype names edgeflow reads. */
export type NumpyDtype =
  | 'float64'
  | 'float32'
  | 'int64'
  | 'uint64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint32'
  | 'uint16'
  | 'uint8'
  | 'bool'
  | 'str';

/**
 * An array as NumPy holds it. `values` is a typed array for numbers and bools, strings otherwise;
 * it may hold only the first elements (at least the 10,000 a digest hashes) of a larger array, whose
 * size is then given by `shape` alone.
 */
export interface NdArray {
  readonly dtype: NumpyDtype;
  readonly shape: readonly number[];
  readonly values: NumericTypedArray | readonly string[];
}

const TYPED_DTYPES: readonly [new (n: number) => NumericTypedArray, NumpyDtype][] = [
  [Float64Array, 'float64'],
  [Float32Array, 'float32'],
  [BigInt64Array, 'int64'],
  [BigUint64Array, 'uint64'],
  [Int32Array, 'int32'],
  [Int16Array, 'int16'],
  [Int8Array, 'int8'],
  [Uint32Array, 'uint32'],
  [Uint16Array, 'uint16'],
  [Uint8Array, 'uint8'],
  [Uint8ClampedArray, 'uint8'],
];

function typedDtype(value: unknown): NumpyDtype | undefined {
  return TYPED_DTYPES.find(([type]) => value instanceof type)?.[1];
}

function invalid(message: string): EdgeflowError {
  return EdgeflowError.invalidParameterValue(message);
}

/** Flat plain scalars of one kind → NumPy's array. */
function fromScalars(values: readonly ArrayScalar[], shape: readonly number[], label: string): NdArray {
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size > 1) throw invalid(`${label} mixes ${[...kinds].join(' and ')} elements; use one kind per array`);
  const kind = [...kinds][0] ?? 'number';
  if (kind === 'string') return { dtype: 'str', shape, values: values as string[] };
  if (kind === 'boolean') return { dtype: 'bool', shape, values: Uint8Array.from(values as boolean[], Number) };
  if (kind === 'bigint') return { dtype: 'int64', shape, values: BigInt64Array.from(values as bigint[]) };
  if (kind === 'number') return { dtype: 'float64', shape, values: Float64Array.from(values as number[]) };
  throw invalid(`${label} holds ${kind} elements; arrays hold numbers, bigints, booleans or strings`);
}

function flattenNested(data: NestedArray, label: string): { shape: number[]; flat: ArrayScalar[] } {
  const shape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) shape.push(level.length);
  const flat: ArrayScalar[] = [];
  const walk = (node: unknown, depth: number): void => {
    const isArray = Array.isArray(node);
    if (depth === shape.length) {
      if (isArray) throw invalid(`${label} is not rectangular`);
      flat.push(node as ArrayScalar);
      return;
    }
    if (!isArray || node.length !== shape[depth]) throw invalid(`${label} is not rectangular`);
    for (const child of node) walk(child, depth + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

function isShaped(data: object): data is ShapedArray {
  return 'values' in data && 'shape' in data && Array.isArray((data as ShapedArray).shape);
}

/** Reads one array as NumPy would hold it. @throws INVALID_PARAMETER_VALUE for ragged or mixed data */
export function toNdArray(data: ArrayData, label = 'array'): NdArray {
  const dtype = typedDtype(data);
  if (dtype) return { dtype, shape: [(data as NumericTypedArray).length], values: data as NumericTypedArray };
  if (Array.isArray(data)) {
    const { shape, flat } = flattenNested(data as NestedArray, label);
    return fromScalars(flat, shape, label);
  }
  if (typeof data === 'object' && data !== null && isShaped(data)) {
    const { values, shape } = data;
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw invalid(`${label} has an invalid shape`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== values.length) throw invalid(`${label} has ${values.length} elements, its shape [${shape.join(', ')}] needs ${size}`);
    const typed = typedDtype(values);
    return typed ? { dtype: typed, shape, values: values as NumericTypedArray } : fromScalars(values as ArrayScalar[], shape, label);
  }
  throw invalid(`${label} must be an array, a typed array or {values, shape}`);
}

/** True when `input` is one array rather than a dict of named arrays. */
function isSingleArray(input: ArraysInput): input is ArrayData {
  return Array.isArray(input) || typedDtype(input) !== undefined || isShaped(input as object);
}

/** Named arrays: `name` is null for a single array. */
export type NamedArrays = readonly { readonly name: string | null; readonly array: NdArray }[];

/** Reads features or targets: one array (`null` name) or named arrays in the dict's own order. */
export function toNdArrays(input: ArraysInput, label: string): NamedArrays {
  if (isSingleArray(input)) return [{ name: null, array: toNdArray(input, label) }];
  if (typeof input !== 'object' || input === null) throw invalid(`${label} must be an array or a dict of arrays`);
  return Object.entries(input).map(([name, data]) => ({ name, array: toNdArray(data, `${label}.${name}`) }));
}

/** Number of elements. */
export function sizeOf(array: NdArray): number {
  return array.shape.reduce((a, b) => a * b, 1);
}

/** Bytes NumPy uses (`nbytes`): a `<U n` string array takes 4 bytes per character of its longest string. */
export function nbytesOf(array: NdArray): number {
  if (array.dtype === 'str') {
    const strings = array.values as readonly string[];
    const longest = strings.reduce((max, s) => Math.max(max, [...s].length), 1);
    return 4 * longest * sizeOf(array);
  }
  if (array.dtype === 'bool') return sizeOf(array);
  return sizeOf(array) * (array.values as NumericTypedArray).BYTES_PER_ELEMENT;
}
