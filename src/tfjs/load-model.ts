/**
 * `loadModel`: resolves a model URI, reads and validates its `MLmodel` file and `tfjs` flavor,
 * and loads the TF.js model from the run's artifacts through an in-memory IO handler.
 * @module
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { io } from '@tensorflow/tfjs';
import type { TrackingClient } from '../core/client.js';
import { EdgeflowError, describeValue, isEdgeflowError } from '../core/errors.js';
import { parseMLmodel, type MLModel, type ModelSignature } from '../core/formats/mlmodel.js';
import type { RunId } from '../core/ids.js';
import { MODEL_JSON, TFJS_FLAVOR } from './log-model.js';
import { joinModelPath, readModelArtifacts } from './model-files.js';
import { checkInput, type ModelInput } from './signature.js';

/** The parts of the `tf` namespace `loadModel` uses. */
export type TfLoader = Pick<typeof tfjs, 'loadLayersModel' | 'loadGraphModel' | 'tensor'>;

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The `@tensorflow/tfjs` namespace; default: `import('@tensorflow/tfjs')` (pass it in browsers). */
  readonly tf?: TfLoader;
}

/** The `tfjs` flavor of an MLmodel file. */
export interface TfjsFlavor {
  readonly modelFormat: 'layers-model' | 'graph-model';
  /** Path of model.json relative to the model directory. */
  readonly modelJson: string;
  readonly tfjsVersion?: string;
}

/** A loaded model with its MLmodel and signature. */
export interface LoadedModel {
  readonly model: tfjs.LayersModel | tfjs.GraphModel;
  readonly flavor: TfjsFlavor;
  readonly mlmodel: MLModel;
  /** The MLmodel signature, if it has one. */
  readonly signature: ModelSignature | undefined;
  /** Where the model was read from: the run (null for a logged model without a source run). */
  readonly runId: RunId | null;
  /** The folder in the run's artifacts, or in the logged model's. */
  readonly artifactPath: string;
  /** MLflow 3: the logged model whose files were read (`models:/<model_id>`). */
  readonly loggedModelId?: string;
  /**
   * Checks an input (tensor, nested array, list or map by name) against the signature's dtype and
   * shape. @throws `INVALID_PARAMETER_VALUE` saying what was expected
   */
  checkInput(input: ModelInput): void;
  /** {@link LoadedModel.checkInput}, then `model.predict` (nested arrays become tensors of the signature's dtype). */
  predict(input: ModelInput): tfjs.Tensor | tfjs.Tensor[] | tfjs.NamedTensorMap;
}

function bad(message: string, details?: Record<string, unknown>): never {
  throw EdgeflowError.invalidParameterValue(message, { details });
}

/** Where a model's files are, and how to read one (a path relative to the run's or logged model's artifacts). */
interface ModelLocation {
  readonly runId: RunId | null;
  readonly path: string;
  readonly loggedModelId?: string;
  readonly read: (path: string) => Promise<Uint8Array>;
  readonly description: string;
}

async function locate(client: TrackingClient, uri: string): Promise<ModelLocation> {
  if (typeof uri !== 'string' || uri === '') bad(`loadModel: expected a model URI such as "runs:/<run_id>/model", got ${describeValue(uri)}.`, { field: 'uri' });
  const resolved = await client.resolveModelUri(uri);
  if ('loggedModelId' in resolved) {
    const model = await client.getLoggedModel(resolved.loggedModelId);
    return {
      runId: model.sourceRunId as RunId | null,
      path: resolved.path,
      loggedModelId: model.modelId,
      read: (p) => client.downloadLoggedModelArtifact(model.modelId, p),
      description: `logged model ${model.modelId}`,
    };
  }
  const { runId, path } = resolved;
  return { runId, path, read: (p) => client.downloadArtifact(runId, p), description: `run ${runId}` };
}

/**
 * Validates the `tfjs` flavor of a parsed MLmodel.
 * @param file Name for error messages.
 * @throws `INVALID_PARAMETER_VALUE` when the flavor is missing or its fields have the wrong types
 */
export function readTfjsFlavor(mlmodel: MLModel, file: string): TfjsFlavor {
  const flavor = Object.prototype.hasOwnProperty.call(mlmodel.flavors, TFJS_FLAVOR) ? mlmodel.flavors[TFJS_FLAVOR] : undefined;
  if (flavor === undefined) {
    const names = Object.keys(mlmodel.flavors).map((n) => describeValue(n)).join(', ') || 'none';
    bad(`${file}: the model has no "${TFJS_FLAVOR}" flavor (flavors: ${names}), so TF.js cannot load it.`, { entry: file });
  }
  const format = flavor.model_format;
  if (format !== 'layers-model' && format !== 'graph-model') {
    bad(`${file}: flavors.${TFJS_FLAVOR}.model_format must be "layers-model" or "graph-model" (got ${describeValue(format)}).`, { entry: file });
  }
  const modelJson = flavor.model_json ?? MODEL_JSON;
  if (typeof modelJson !== 'string' || modelJson === '') {
    bad(`${file}: flavors.${TFJS_FLAVOR}.model_json must be a relative path string (got ${describeValue(modelJson)}).`, { entry: file });
  }
  const version = flavor.tfjs_version;
  if (version !== undefined && version !== null && typeof version !== 'string' && typeof version !== 'number') {
    bad(`${file}: flavors.${TFJS_FLAVOR}.tfjs_version must be a string (got ${describeValue(version)}).`, { entry: file });
  }
  return {
    modelFormat: format,
    modelJson,
    ...(version !== undefined && version !== null ? { tfjsVersion: String(version) } : {}),
  };
}

async function importTf(): Promise<TfLoader> {
  // A variable specifier keeps bundlers from resolving the optional peer dependency.
  const specifier = '@tensorflow/tfjs';
  try {
    return (await import(/* @vite-ignore */ specifier)) as TfLoader;
  } catch (cause) {
    throw new EdgeflowError('INVALID_PARAMETER_VALUE', 'loadModel needs TensorFlow.js: pass { tf } (import * as tf from "@tensorflow/tfjs") or install @tensorflow/tfjs.', {
      cause,
      details: { field: 'tf' },
    });
  }
}

const TFJS_DTYPE: Readonly<Record<string, tfjs.DataType>> = { bool: 'bool', str: 'string', object: 'string', complex64: 'complex64' };

function tfDtype(numpy: string | undefined): tfjs.DataType | undefined {
  if (numpy === undefined) return undefined;
  return TFJS_DTYPE[numpy] ?? (/^(int|uint)/u.test(numpy) ? 'int32' : /^float/u.test(numpy) ? 'float32' : undefined);
}

/**
 * Loads a TF.js model logged with `logModel` (or any MLmodel directory with a `tfjs` flavor).
 * URIs: `runs:/<run_id>/<path>`, MLflow 3 `models:/<model_id>` (a logged model's files), and
 * through the client's registry `models:/<name>/<version>`, `models:/<name>@<alias>`,
 * `models:/<name>/<stage>`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * const { model, checkInput } = await loadModel(client, 'models:/xor@champion', { tf });
 * const x = tf.tensor2d([[0, 1]]);
 * checkInput(x);
 * (model.predict(x) as tf.Tensor).print();
 * ```
 * @throws `RESOURCE_DOES_NOT_EXIST` when there is no MLmodel at the URI; `INVALID_PARAMETER_VALUE`
 *   for a malformed MLmodel (missing flavors, no `tfjs` flavor, bad signature JSON, wrong types) or model.json
 */
export async function loadModel(client: TrackingClient, uri: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const location = await locate(client, uri);
  const { runId, path } = location;
  const where = uri.replace(/\/+$/u, '');
  const file = `${where}/MLmodel`;
  let text: string;
  try {
    text = new TextDecoder().decode(await location.read(path === '' ? 'MLmodel' : `${path}/MLmodel`));
  } catch (error) {
    if (!isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) throw error;
    throw new EdgeflowError('RESOURCE_DOES_NOT_EXIST', `No MLmodel file at ${describeValue(uri)} (${location.description}, artifact path ${describeValue(path)}).`, {
      cause: error,
      details: { uri },
    });
  }
  const mlmodel = parseMLmodel(text, file);
  const flavor = readTfjsFlavor(mlmodel, file);
  const modelJsonPath = joinModelPath(path, flavor.modelJson, `${file}: flavors.${TFJS_FLAVOR}.model_json`);
  const artifacts = await readModelArtifacts(location.read, modelJsonPath, where);
  if (artifacts.format !== undefined && artifacts.format !== flavor.modelFormat) {
    bad(`${where}: model.json has format ${describeValue(artifacts.format)} but the MLmodel says ${describeValue(flavor.modelFormat)}.`, { entry: modelJsonPath });
  }
  const tf = options.tf ?? (await importTf());
  const handler: io.IOHandler = { load: async () => artifacts };
  const model = flavor.modelFormat === 'layers-model' ? await tf.loadLayersModel(handler) : await tf.loadGraphModel(handler);
  const signature = mlmodel.signature;
  const check = (input: ModelInput): void => checkInput(signature, input);
  const specs = signature?.inputs?.kind === 'tensors' ? signature.inputs.tensors : [];
  /** Nested arrays become tensors of the signature's dtype; `created` collects them for disposal. */
  const toTensor = (value: unknown, i: number, created: tfjs.Tensor[]): unknown => {
    if (!Array.isArray(value) && typeof value !== 'number' && typeof value !== 'boolean') return value;
    const t = tf.tensor(value as number[], undefined, tfDtype(specs[i]?.dtype));
    created.push(t);
    return t;
  };
  return {
    model,
    flavor,
    mlmodel,
    signature,
    runId,
    artifactPath: path,
    ...(location.loggedModelId === undefined ? {} : { loggedModelId: location.loggedModelId }),
    checkInput: check,
    predict(input) {
      check(input);
      const created: tfjs.Tensor[] = [];
      let converted: unknown;
      if (Array.isArray(input) && (specs.length > 1 || input.some((v) => typeof v === 'object' && v !== null && 'dtype' in v))) converted = input.map((v, i) => toTensor(v, i, created));
      else if (typeof input === 'object' && input !== null && !Array.isArray(input) && !('dtype' in input)) {
        converted = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, toTensor(v, specs.findIndex((s) => s.name === k), created)]));
      } else converted = toTensor(input, 0, created);
      try {
        return model.predict(converted as tfjs.Tensor) as tfjs.Tensor | tfjs.Tensor[] | tfjs.NamedTensorMap;
      } finally {
        for (const t of created) t.dispose();
      }
    },
  };
}
