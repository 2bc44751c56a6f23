/**
 * Tensor signatures of TF.js models (spec §3, tensor-based schemas): inferred from a model's
 * inputs and outputs, and used to check inputs before prediction.
 * @module
 */
import { EdgeflowError, describeValue } from '../core/errors.js';
import type { ModelSignature, Schema, TensorSpec } from '../core/formats/mlmodel.js';

/** TF.js dtype → NumPy dtype name, as MLflow's `tensor-spec` writes it. */
const NUMPY_DTYPE: Readonly<Record<string, string>> = {
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
  complex64: 'complex64',
  string: 'str',
};

/** The NumPy dtype name of a TF.js dtype (`string` → `str`); unknown names pass through. */
export function numpyDtype(tfjsDtype: string): string {
  return NUMPY_DTYPE[tfjsDtype] ?? tfjsDtype;
}

/** A symbolic tensor or graph-model tensor info: what `model.inputs`/`model.outputs` hold. */
export interface TensorInfoLike {
  readonly name?: string;
  readonly dtype?: string;
  /** `null` (layers) or `-1` (graph) for a variable dimension; absent when unknown. */
  readonly shape?: readonly (number | null)[] | undefined;
}

/** The model surface signature inference reads. */
export interface SignatureSource {
  readonly inputs: readonly TensorInfoLike[];
  readonly outputs: readonly TensorInfoLike[];
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];
}

function tensorSchema(tensors: readonly TensorInfoLike[], names: readonly string[] | undefined): Schema | null {
  const specs: TensorSpec[] = [];
  for (const [i, t] of tensors.entries()) {
    // A tensor without a known shape or dtype cannot be described; give up rather than guess.
    if (t.shape === undefined || t.dtype === undefined) return null;
    const name = names?.[i] ?? t.name;
    specs.push({
      kind: 'tensor',
      ...(name !== undefined && name !== '' ? { name } : {}),
      dtype: numpyDtype(t.dtype),
      shape: t.shape.map((d) => (d === null || d < 0 ? -1 : d)),
    });
  }
  return specs.length === 0 ? null : { kind: 'tensors', tensors: specs };
}

/**
 * The tensor signature of a model from its `inputs` and `outputs`: NumPy dtype names, `-1` for
 * the batch and other unknown dimensions, names from `inputNames`/`outputNames` (layers models)
 * or the tensor names (graph models). A side whose shapes are unknown is `null`.
 */
export function inferTensorSignature(model: SignatureSource): ModelSignature {
  return {
    inputs: tensorSchema(model.inputs, model.inputNames),
    outputs: tensorSchema(model.outputs, model.outputNames),
    params: null,
  };
}

/** A tensor as {@link checkInput} reads it (a `tf.Tensor` fits). */
export interface TensorLike {
  readonly dtype: string;
  readonly shape: readonly number[];
}

/** A nested JavaScript array of numbers, booleans or strings. */
export type NestedArray = number | boolean | string | readonly NestedArray[];

/** What a prediction takes: one tensor/array, a list (one per input), or a map by input name. */
export type ModelInput = TensorLike | NestedArray | readonly (TensorLike | NestedArray)[] | Readonly<Record<string, TensorLike | NestedArray>>;

function isTensorLike(value: unknown): value is TensorLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as TensorLike).dtype === 'string' &&
    Array.isArray((value as TensorLike).shape);
}

function bad(message: string, details?: Record<string, unknown>): never {
  throw EdgeflowError.invalidParameterValue(message, { details });
}

/** Shape and element kind of a nested array; throws on ragged arrays. */
function describeArray(value: NestedArray, label: string): { shape: number[]; kinds: Set<string> } {
  const shape: number[] = [];
  let level: NestedArray[] = [value];
  while (level.length > 0 && Array.isArray(level[0])) {
    const size = (level[0] as readonly NestedArray[]).length;
    const next: NestedArray[] = [];
    for (const item of level) {
      if (!Array.isArray(item) || item.length !== size) bad(`${label}: the nested array is ragged (expected ${size} items at depth ${shape.length}).`);
      next.push(...(item as readonly NestedArray[]));
    }
    shape.push(size);
    level = next;
  }
  const kinds = new Set<string>();
  for (const item of level) {
    if (Array.isArray(item)) bad(`${label}: the nested array is ragged.`);
    kinds.add(typeof item === 'number' ? (Number.isInteger(item) ? 'int' : 'float') : typeof item);
  }
  return { shape, kinds };
}

function dtypeAccepts(dtype: string, kinds: Set<string>): boolean {
  for (const kind of kinds) {
    const ok =
      kind === 'int' ? /^(float|int|uint|complex)/u.test(dtype) :
      kind === 'float' ? /^(float|complex)/u.test(dtype) :
      kind === 'boolean' ? dtype === 'bool' :
      kind === 'string' ? dtype === 'str' || dtype === 'object' :
      false;
    if (!ok) return false;
  }
  return true;
}

function checkOne(value: TensorLike | NestedArray, spec: TensorSpec, label: string): void {
  let shape: readonly number[];
  if (isTensorLike(value)) {
    shape = value.shape;
    const dtype = numpyDtype(value.dtype);
    if (dtype !== spec.dtype) {
      bad(`${label} has dtype ${describeValue(dtype)}; the model signature expects ${describeValue(spec.dtype)}.`, { field: 'input' });
    }
  } else if (Array.isArray(value)) {
    const described = describeArray(value as NestedArray, label);
    shape = described.shape;
    if (!dtypeAccepts(spec.dtype, described.kinds)) {
      bad(`${label} holds ${[...described.kinds].join('/')} values; the model signature expects dtype ${describeValue(spec.dtype)}.`, { field: 'input' });
    }
  } else {
    bad(`${label} must be a tensor or a nested array (got ${describeValue(value)}).`, { field: 'input' });
  }
  const fits = shape.length === spec.shape.length && spec.shape.every((d, i) => d === -1 || d === shape[i]);
  if (!fits) {
    bad(`${label} has shape [${shape.join(', ')}]; the model signature expects [${spec.shape.join(', ')}] (-1 = any size).`, {
      field: 'input',
      expected: spec.shape,
      actual: [...shape],
    });
  }
}

/**
 * Checks a prediction input against the signature's tensor inputs: count, dtype and shape
 * (`-1` matches any size). No-op when the signature has no tensor inputs.
 * @throws `INVALID_PARAMETER_VALUE` naming the input, what it got and what the signature expects
 */
export function checkInput(signature: ModelSignature | undefined, input: ModelInput): void {
  const schema = signature?.inputs;
  if (!schema || schema.kind !== 'tensors') return;
  const specs = schema.tensors;
  const labelOf = (spec: TensorSpec, i: number): string => `Input ${spec.name !== undefined ? describeValue(spec.name) : `#${i}`}`;
  const single = isTensorLike(input) || typeof input !== 'object' || input === null ||
    (Array.isArray(input) && specs.length === 1 && !input.some(isTensorLike));
  if (single) {
    if (specs.length !== 1) bad(`The model takes ${specs.length} inputs; got one. Pass a list or a map by input name.`, { field: 'input' });
    checkOne(input as TensorLike | NestedArray, specs[0]!, labelOf(specs[0]!, 0));
    return;
  }
  if (Array.isArray(input)) {
    if (input.length !== specs.length) bad(`The model takes ${specs.length} inputs; got a list of ${input.length}.`, { field: 'input' });
    specs.forEach((spec, i) => checkOne(input[i] as TensorLike | NestedArray, spec, labelOf(spec, i)));
    return;
  }
  const byName = input as Readonly<Record<string, TensorLike | NestedArray>>;
  for (const [i, spec] of specs.entries()) {
    if (spec.name === undefined || !Object.prototype.hasOwnProperty.call(byName, spec.name)) {
      bad(`Missing input ${describeValue(spec.name ?? `#${i}`)}; the model takes ${specs.map((s) => describeValue(s.name ?? '?')).join(', ')}.`, { field: 'input' });
    }
    checkOne(byName[spec.name]!, spec, labelOf(spec, i));
  }
  const extra = Object.keys(byName).filter((k) => !specs.some((s) => s.name === k));
  if (extra.length > 0) bad(`Unknown input ${describeValue(extra[0])}; the model takes ${specs.map((s) => describeValue(s.name ?? '?')).join(', ')}.`, { field: 'input' });
}
