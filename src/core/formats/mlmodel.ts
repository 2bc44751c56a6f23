/**
 * The `MLmodel` file (spec §3): parse and validate, typed signatures (column- and tensor-based),
 * and write one as MLflow does (PyYAML without `allow_unicode`, keys sorted, signature JSON with
 * Python's separators).
 * @module
 */
import { EdgeflowError, describeValue } from '../errors.js';
import { pythonJson } from './python-json.js';
import { dumpYaml, type YamlValue } from './yaml-emitter.js';
import { parseYaml } from './yaml-reader.js';

/** Scalar column types of a column-based schema. */
export const COLUMN_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A column data type: a scalar, or a composite (`array`, `object`, `map`, `any`, `sparkml_vector`). */
export type DataType =
  | { readonly type: ColumnType }
  | { readonly type: 'array'; readonly items: DataType }
  | { readonly type: 'object'; readonly properties: readonly ObjectProperty[] }
  | { readonly type: 'map'; readonly values: DataType }
  | { readonly type: 'any' }
  | { readonly type: 'sparkml_vector' };

/** A property of an `object` type. */
export interface ObjectProperty {
  readonly name: string;
  readonly dtype: DataType;
  readonly required: boolean;
}

/** A column of a column-based schema. `required` defaults to true in older files. */
export interface ColumnSpec {
  readonly kind: 'column';
  readonly name?: string;
  readonly dtype: DataType;
  readonly required: boolean;
}

/** A tensor of a tensor-based schema; `-1` in `shape` is a variable dimension. */
export interface TensorSpec {
  readonly kind: 'tensor';
  readonly name?: string;
  /** NumPy dtype name (`float32`, `int64`, `str`, …). */
  readonly dtype: string;
  readonly shape: readonly number[];
}

/** A schema: all column-based or all tensor-based. */
export type Schema =
  | { readonly kind: 'columns'; readonly columns: readonly ColumnSpec[] }
  | { readonly kind: 'tensors'; readonly tensors: readonly TensorSpec[] };

/** An inference parameter of a signature. */
export interface ParamSpec {
  readonly name: string;
  readonly type: string;
  readonly default: unknown;
  readonly shape: readonly number[] | null;
}

/** A model signature: `inputs`, `outputs` (null when absent) and inference `params`. */
export interface ModelSignature {
  readonly inputs: Schema | null;
  readonly outputs: Schema | null;
  readonly params: readonly ParamSpec[] | null;
}

/** A parsed `MLmodel` file. */
export interface MLModel {
  readonly flavors: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly artifactPath?: string;
  readonly runId?: string;
  readonly modelUuid?: string;
  readonly modelId?: string | null;
  readonly mlflowVersion?: string;
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]`, naive UTC. */
  readonly utcTimeCreated?: string;
  readonly signature?: ModelSignature;
  readonly modelSizeBytes?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly savedInputExampleInfo?: Readonly<Record<string, unknown>>;
  /**
   * Every other top-level key, preserved as read (`is_signature_from_type_hint`,
   * `type_hint_from_example`, `prompts`, `env_vars`, `resources`, `databricks_runtime`, unknown keys…).
   */
  readonly extra: Readonly<Record<string, unknown>>;
}

function fail(file: string, message: string): never {
  throw EdgeflowError.invalidParameterValue(`${file}: ${message}`, { details: { entry: file } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function own(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

// ------------------------------------------------------------------------------------------------
// Schema JSON

function parseDataType(value: unknown, where: string): DataType {
  if (!isRecord(value)) fail(where, `type must be an object (got ${describeValue(value)}).`);
  const type = own(value, 'type');
  if ((COLUMN_TYPES as readonly unknown[]).includes(type)) return { type: type as ColumnType };
  switch (type) {
    case 'array':
      return { type: 'array', items: parseDataType(own(value, 'items'), `${where}.items`) };
    case 'map':
      return { type: 'map', values: parseDataType(own(value, 'values'), `${where}.values`) };
    case 'any':
      return { type: 'any' };
    case 'sparkml_vector':
      return { type: 'sparkml_vector' };
    case 'object': {
      const properties = own(value, 'properties');
      if (!isRecord(properties)) fail(where, '"properties" of an object type must be an object.');
      return {
        type: 'object',
        properties: Object.entries(properties).map(([name, prop]) => ({
          name,
          dtype: parseDataType(prop, `${where}.properties.${name}`),
          required: isRecord(prop) && own(prop, 'required') === false ? false : true,
        })),
      };
    }
    default:
      fail(where, `unknown column type ${describeValue(type)}.`);
  }
}

function parseSchema(json: unknown, file: string, field: string): Schema | null {
  if (json === null || json === undefined) return null;
  if (typeof json !== 'string') fail(file, `signature.${field} must be a JSON string or null (got ${describeValue(json)}).`);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    fail(file, `signature.${field} is not valid JSON: ${describeValue(json)}.`);
  }
  if (!Array.isArray(data)) fail(file, `signature.${field} must be a JSON array.`);
  const where = `signature.${field}`;
  const isTensor = data.map((entry) => isRecord(entry) && own(entry, 'type') === 'tensor');
  if (isTensor.some((t) => t) && !isTensor.every((t) => t)) {
    fail(file, `${where} mixes column-based and tensor-based entries.`);
  }
  if (data.length > 0 && isTensor[0]) {
    return {
      kind: 'tensors',
      tensors: data.map((entry: Record<string, unknown>, i) => {
        const spec = own(entry, 'tensor-spec');
        if (!isRecord(spec)) fail(file, `${where}[${i}] needs a "tensor-spec" object.`);
        const dtype = own(spec, 'dtype');
        const shape = own(spec, 'shape');
        if (typeof dtype !== 'string') fail(file, `${where}[${i}].tensor-spec.dtype must be a string.`);
        if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d))) {
          fail(file, `${where}[${i}].tensor-spec.shape must be a list of integers.`);
        }
        const name = own(entry, 'name');
        if (name !== undefined && name !== null && typeof name !== 'string') fail(file, `${where}[${i}].name must be a string.`);
        return { kind: 'tensor', ...(typeof name === 'string' ? { name } : {}), dtype, shape: shape as number[] };
      }),
    };
  }
  return {
    kind: 'columns',
    columns: data.map((entry: unknown, i) => {
      if (!isRecord(entry)) fail(file, `${where}[${i}] must be an object.`);
      let dtype: DataType;
      try {
        dtype = parseDataType(entry, `${where}[${i}]`);
      } catch (e) {
        if (e instanceof EdgeflowError) fail(file, e.message);
        throw e;
      }
      const name = own(entry, 'name');
      if (name !== undefined && name !== null && typeof name !== 'string') fail(file, `${where}[${i}].name must be a string.`);
      const required = own(entry, 'required');
      if (required !== undefined && typeof required !== 'boolean') fail(file, `${where}[${i}].required must be a boolean.`);
      return { kind: 'column', ...(typeof name === 'string' ? { name } : {}), dtype, required: required ?? true };
    }),
  };
}

function parseParams(json: unknown, file: string): ParamSpec[] | null {
  if (json === null || json === undefined) return null;
  if (typeof json !== 'string') fail(file, `signature.params must be a JSON string or null (got ${describeValue(json)}).`);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    fail(file, `signature.params is not valid JSON: ${describeValue(json)}.`);
  }
  if (!Array.isArray(data)) fail(file, 'signature.params must be a JSON array.');
  return data.map((entry: unknown, i) => {
    if (!isRecord(entry)) fail(file, `signature.params[${i}] must be an object.`);
    const name = own(entry, 'name');
    const type = own(entry, 'type') ?? own(entry, 'dtype');
    const shape = own(entry, 'shape') ?? null;
    if (typeof name !== 'string') fail(file, `signature.params[${i}].name must be a string.`);
    if (typeof type !== 'string') fail(file, `signature.params[${i}].type must be a string.`);
    if (shape !== null && (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d)))) {
      fail(file, `signature.params[${i}].shape must be null or a list of integers.`);
    }
    return { name, type, default: own(entry, 'default') ?? null, shape: shape as number[] | null };
  });
}

function dataTypeToJson(dtype: DataType): Record<string, unknown> {
  switch (dtype.type) {
    case 'array':
      return { type: 'array', items: dataTypeToJson(dtype.items) };
    case 'map':
      return { type: 'map', values: dataTypeToJson(dtype.values) };
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const p of dtype.properties) properties[p.name] = { ...dataTypeToJson(p.dtype), required: p.required };
      return { type: 'object', properties };
    }
    default:
      return { type: dtype.type };
  }
}

/** A schema as MLflow's `Schema.to_json()` writes it. */
export function schemaToJson(schema: Schema): string {
  if (schema.kind === 'tensors') {
    return pythonJson(
      schema.tensors.map((t) => ({
        ...(t.name !== undefined ? { name: t.name } : {}),
        type: 'tensor',
        'tensor-spec': { dtype: t.dtype, shape: t.shape },
      })),
    );
  }
  return pythonJson(
    schema.columns.map((c) => ({
      ...dataTypeToJson(c.dtype),
      ...(c.name !== undefined ? { name: c.name } : {}),
      required: c.required,
    })),
  );
}

/** Inference params as MLflow's `ParamSchema.to_json()` writes them. */
export function paramsToJson(params: readonly ParamSpec[]): string {
  return pythonJson(params.map((p) => ({ name: p.name, default: p.default, shape: p.shape, type: p.type })));
}

// ------------------------------------------------------------------------------------------------
// MLmodel

const TYPED_KEYS = new Set([
  'flavors',
  'artifact_path',
  'run_id',
  'model_uuid',
  'model_id',
  'mlflow_version',
  'utc_time_created',
  'signature',
  'model_size_bytes',
  'metadata',
  'saved_input_example_info',
]);

function optionalString(map: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = own(map, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(file, `"${key}" must be a string (got ${describeValue(value)}).`);
  return value;
}

/**
 * Parses and validates an `MLmodel` file. `flavors` must be a mapping of mappings; signature
 * fields must be JSON strings of the documented shapes; known fields must have their types.
 * Unknown top-level keys are kept in `extra`.
 * @param file Name for error messages.
 * @throws `INVALID_PARAMETER_VALUE` naming `file` and the field.
 */
export function parseMLmodel(text: string, file = 'MLmodel'): MLModel {
  const data = parseYaml(text, file);
  if (!isRecord(data)) fail(file, 'an MLmodel file must be a YAML mapping.');
  const flavors = own(data, 'flavors');
  if (flavors === undefined || flavors === null) fail(file, 'missing required field "flavors".');
  if (!isRecord(flavors)) fail(file, '"flavors" must be a mapping of flavor name to configuration.');
  for (const [name, config] of Object.entries(flavors)) {
    if (!isRecord(config)) fail(file, `flavor ${describeValue(name)} must be a mapping (got ${describeValue(config)}).`);
  }
  const pyfunc = own(flavors, 'python_function');
  if (isRecord(pyfunc) && typeof own(pyfunc, 'loader_module') !== 'string') {
    fail(file, 'flavor "python_function" needs a "loader_module" string.');
  }
  let signature: ModelSignature | undefined;
  const sig = own(data, 'signature');
  if (sig !== undefined && sig !== null) {
    if (!isRecord(sig)) fail(file, '"signature" must be a mapping with inputs, outputs and params.');
    signature = {
      inputs: parseSchema(own(sig, 'inputs'), file, 'inputs'),
      outputs: parseSchema(own(sig, 'outputs'), file, 'outputs'),
      params: parseParams(own(sig, 'params'), file),
    };
  }
  const size = own(data, 'model_size_bytes');
  if (size !== undefined && size !== null && (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)) {
    fail(file, `"model_size_bytes" must be a non-negative integer (got ${describeValue(size)}).`);
  }
  const metadata = own(data, 'metadata');
  if (metadata !== undefined && metadata !== null && !isRecord(metadata)) fail(file, '"metadata" must be a mapping.');
  const example = own(data, 'saved_input_example_info');
  if (example !== undefined && example !== null && !isRecord(example)) fail(file, '"saved_input_example_info" must be a mapping.');
  const modelId = own(data, 'model_id');
  if (modelId !== undefined && modelId !== null && typeof modelId !== 'string') fail(file, '"model_id" must be a string or null.');
  const created = own(data, 'utc_time_created');
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!TYPED_KEYS.has(k)) extra[k] = v;
  const artifactPath = optionalString(data, 'artifact_path', file);
  const runId = optionalString(data, 'run_id', file);
  const modelUuid = optionalString(data, 'model_uuid', file);
  const mlflowVersion = optionalString(data, 'mlflow_version', file);
  return {
    flavors: flavors as MLModel['flavors'],
    ...(artifactPath !== undefined ? { artifactPath } : {}),
    ...(runId !== undefined ? { runId } : {}),
    ...(modelUuid !== undefined ? { modelUuid } : {}),
    ...(modelId !== undefined ? { modelId: modelId as string | null } : {}),
    ...(mlflowVersion !== undefined ? { mlflowVersion } : {}),
    ...(created !== undefined && created !== null
      ? { utcTimeCreated: created instanceof Date ? formatUtcTimeCreated(created) : String(created) }
      : {}),
    ...(signature ? { signature } : {}),
    ...(typeof size === 'number' ? { modelSizeBytes: size } : {}),
    ...(isRecord(metadata) ? { metadata } : {}),
    ...(isRecord(example) ? { savedInputExampleInfo: example } : {}),
    extra,
  };
}

/** `utc_time_created` as MLflow writes it: `YYYY-MM-DD HH:MM:SS.ffffff`, microseconds omitted when 0. */
export function formatUtcTimeCreated(time: Date | number): string {
  const d = typeof time === 'number' ? new Date(time) : time;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const base = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${p(ms * 1000, 6)}`;
}

function toYamlValue(value: unknown): YamlValue {
  if (value === undefined) return null;
  if (value instanceof Date) return formatUtcTimeCreated(value);
  if (Array.isArray(value)) return value.map(toYamlValue);
  if (isRecord(value)) {
    const out: Record<string, YamlValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toYamlValue(v);
    return out;
  }
  return value as YamlValue;
}

/**
 * Writes an `MLmodel` file as MLflow's `Model.save` does: keys sorted, non-ASCII escaped,
 * `artifact_path`/`run_id`/`mlflow_version` dropped when absent, signature fields as JSON text.
 * (A float inference-param default that is integral, such as `1.0`, is written `1`: JavaScript
 * numbers do not keep the distinction.)
 */
export function serializeMLmodel(model: MLModel): string {
  const doc: Record<string, YamlValue> = {};
  for (const [k, v] of Object.entries(model.extra)) doc[k] = toYamlValue(v);
  doc.flavors = toYamlValue(model.flavors);
  if (model.artifactPath !== undefined) doc.artifact_path = model.artifactPath;
  if (model.runId !== undefined) doc.run_id = model.runId;
  if (model.modelUuid !== undefined) doc.model_uuid = model.modelUuid;
  if (model.modelId !== undefined) doc.model_id = model.modelId;
  if (model.mlflowVersion !== undefined) doc.mlflow_version = model.mlflowVersion;
  if (model.utcTimeCreated !== undefined) doc.utc_time_created = model.utcTimeCreated;
  if (model.modelSizeBytes !== undefined) doc.model_size_bytes = model.modelSizeBytes;
  if (model.metadata !== undefined) doc.metadata = toYamlValue(model.metadata);
  if (model.savedInputExampleInfo !== undefined) doc.saved_input_example_info = toYamlValue(model.savedInputExampleInfo);
  if (model.signature) {
    doc.signature = {
      inputs: model.signature.inputs ? schemaToJson(model.signature.inputs) : null,
      outputs: model.signature.outputs ? schemaToJson(model.signature.outputs) : null,
      params: model.signature.params ? paramsToJson(model.signature.params) : null,
    };
  }
  return dumpYaml(doc, { allowUnicode: false });
}
