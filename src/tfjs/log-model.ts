/**
 * `logModel`: saves a TF.js model into a run's artifacts through a custom IO handler and writes
 * the `MLmodel` file (spec §3) with a `tfjs` flavor, as MLflow 2's `log_model` lays a model out.
 * @module
 */
import { parseInput } from '../core/schemas.js';
import { logModelOptionsSchema } from './options.js';
import type { io } from '@tensorflow/tfjs';
import type { TrackingClient } from '../core/client.js';
import { EdgeflowError, describeValue } from '../core/errors.js';
import type { ModelVersion } from '../core/registry/entities.js';
import { formatUtcTimeCreated, serializeMLmodel, type MLModel, type ModelSignature } from '../core/formats/mlmodel.js';
import { parsePythonJson, pythonJson } from '../core/formats/python-json.js';
import { SystemTag } from '../core/system-tags.js';
import { assertArtifactPath } from '../core/validation.js';
import { modelArtifactsToFiles } from './model-files.js';
import { logLoggedModel } from './log-logged-model.js';
import { inferTensorSignature, type NestedArray, type TensorInfoLike } from './signature.js';

/** Name of the flavor edgeflow writes and reads. */
export const TFJS_FLAVOR = 'tfjs';
/** Name of the TF.js model file inside the model directory. */
export const MODEL_JSON = 'model.json';

/** A TF.js model `logModel` can save: `tf.LayersModel` (incl. `Sequential`) or `tf.GraphModel`. */
export interface SavableModel {
  save(handlerOrUrl: io.IOHandler, config?: io.SaveConfig): Promise<io.SaveResult>;
  readonly inputs: readonly TensorInfoLike[];
  readonly outputs: readonly TensorInfoLike[];
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];
}

/** Where a model is logged: an `ActiveRun`, or any `{client, runId}`. */
export interface RunTarget {
  readonly client: TrackingClient;
  readonly runId: string;
}

/** A tensor (read with `arraySync`), a nested array, or a map of them by input name. */
export type InputExample =
  | NestedArray
  | { arraySync(): unknown }
  | Readonly<Record<string, NestedArray | { arraySync(): unknown }>>;

/** Options of {@link logModel}. */
export interface LogModelOptions {
  /** The signature to write; default: inferred from the model's inputs/outputs; `false`: none. */
  readonly signature?: ModelSignature | false;
  /** Saved as `input_example.json` (+ `serving_input_example.json`) of type `ndarray`. */
  readonly inputExample?: InputExample;
  /** Registers the logged model as a new version of this registered model (created when missing). */
  readonly registeredModelName?: string;
  /** Free user mapping written as the MLmodel `metadata` field. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Saves the optimizer state too (layers models; TF.js `includeOptimizer`). */
  readonly includeOptimizer?: boolean;
  /** `tfjs_version` of the flavor; default: read from the saved model's `generatedBy`/`convertedBy`. */
  readonly tfjsVersion?: string;
  /**
   * MLflow 3: log the model as a logged model (`models:/<model_id>`, files under the model, the run
   * linked through its outputs) instead of into the run's artifacts with MLflow 2's history tag.
   * Needs a store that holds logged models. Default false.
   */
  readonly loggedModel?: boolean;
  /** MLflow 3: the logged model's name; default the artifact path. */
  readonly name?: string;
  /** MLflow 3: the step of the run output; the run's metrics at this step are copied to the model. Default 0. */
  readonly step?: number;
  /** MLflow 3: params of the logged model (the run's params override them, as in MLflow). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** MLflow 3: tags of the logged model (plus the run's user/source tags). */
  readonly tags?: Readonly<Record<string, string>>;
  /** MLflow 3: free text such as `classifier`. */
  readonly modelType?: string;
}

/** What {@link logModel} logged. */
export interface LoggedModelInfo {
  readonly runId: string;
  /** The folder in the run's artifacts; with `loggedModel`, the logged model's artifact location. */
  readonly artifactPath: string;
  /** `runs:/<run_id>/<artifact_path>`; with `loggedModel`, `models:/<model_id>`. */
  readonly modelUri: string;
  /** With `loggedModel`: the logged model's id (`m-…`). */
  readonly modelId?: string;
  readonly modelUuid: string;
  readonly utcTimeCreated: string;
  /** The MLmodel as written. */
  readonly mlmodel: MLModel;
  /** The registered model version, when `registeredModelName` was given. */
  readonly registeredModelVersion?: ModelVersion;
}

function newModelUuid(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '');
}

function versionFrom(text: string | null | undefined): string | undefined {
  return text == null ? undefined : /v?(\d+\.\d+\.\d+[\w.-]*)/u.exec(text)?.[1];
}

function toExampleValue(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { arraySync?: unknown }).arraySync === 'function') {
    return (value as { arraySync(): unknown }).arraySync();
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toExampleValue(v)]));
  }
  return value;
}

/** Per-run chain so concurrent `logModel` calls append to the history tag one at a time. */
const historyChains = new Map<string, Promise<unknown>>();

async function appendHistory(target: RunTarget, mlmodel: MLModel): Promise<void> {
  const run = await target.client.getRun(target.runId);
  const current = run.data.tags[SystemTag.LOG_MODEL_HISTORY];
  let history: unknown[] = [];
  if (current !== undefined) {
    const parsed = parsePythonJson(current, SystemTag.LOG_MODEL_HISTORY);
    if (Array.isArray(parsed)) history = parsed;
  }
  // MLflow's Model.get_tags_dict(): these keys in this order, each flavor minus its `config`.
  const flavors: Record<string, unknown> = {};
  for (const [name, config] of Object.entries(mlmodel.flavors)) {
    flavors[name] = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'config'));
  }
  history.push({
    run_id: mlmodel.runId,
    artifact_path: mlmodel.artifactPath,
    utc_time_created: mlmodel.utcTimeCreated,
    model_uuid: mlmodel.modelUuid,
    flavors,
  });
  target.client.setTag(target.runId, SystemTag.LOG_MODEL_HISTORY, pythonJson(history));
}

/** What {@link saveModelFiles} wrote, for the MLmodel file. */
export interface SavedModelFiles {
  readonly format: 'layers-model' | 'graph-model';
  readonly tfjsVersion: string | undefined;
  readonly signature: ModelSignature | undefined;
  readonly extra: Record<string, unknown>;
  readonly savedInputExampleInfo: Record<string, unknown> | undefined;
}

/**
 * Saves a TF.js model's files (model.json, weight shards, input example) through `write`, which
 * takes a path relative to the model directory.
 */
export async function saveModelFiles(write: (path: string, data: Uint8Array | string) => Promise<void>, model: SavableModel, options: LogModelOptions): Promise<SavedModelFiles> {
  if (typeof model?.save !== 'function') {
    throw EdgeflowError.invalidParameterValue(`logModel: expected a TF.js LayersModel or GraphModel (got ${describeValue(model)}).`, { details: { field: 'model' } });
  }
  // Filled in by the save handler (a holder object: the compiler does not track closure writes).
  const saved: { format?: string; tfjsVersion?: string } = {};
  const handler: io.IOHandler = {
    save: async (artifacts) => {
      const out = modelArtifactsToFiles(artifacts, Array.isArray((model as { layers?: unknown }).layers) ? 'layers-model' : 'graph-model');
      saved.format = out.format;
      const version = options.tfjsVersion ?? versionFrom(out.format === 'graph-model' ? artifacts.convertedBy : artifacts.generatedBy) ??
        versionFrom(artifacts.generatedBy);
      if (version !== undefined) saved.tfjsVersion = version;
      const files = [write(MODEL_JSON, out.modelJson)];
      for (const [name, bytes] of out.weightFiles) files.push(write(name, bytes));
      await Promise.all(files);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: out.modelJson.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: out.weightBytes,
        },
      };
    },
  };
  await model.save(handler, options.includeOptimizer ? { includeOptimizer: true } : undefined);
  const { format, tfjsVersion } = saved;
  if (format !== 'layers-model' && format !== 'graph-model') {
    throw EdgeflowError.invalidParameterValue(`logModel: unsupported TF.js model format ${describeValue(format)}.`, { details: { field: 'model' } });
  }
  const extra: Record<string, unknown> = {};
  const signature = options.signature === false ? undefined : options.signature ?? inferTensorSignature(model);
  if (signature) {
    extra.is_signature_from_type_hint = false;
    extra.type_hint_from_example = false;
  }
  let savedInputExampleInfo: Record<string, unknown> | undefined;
  if (options.inputExample !== undefined) {
    const example = toExampleValue(options.inputExample);
    await write('input_example.json', pythonJson(example));
    await write('serving_input_example.json', pythonJson({ inputs: example }, { indent: 2 }));
    savedInputExampleInfo = { artifact_path: 'input_example.json', serving_input_path: 'serving_input_example.json', type: 'ndarray' };
  }
  return { format, tfjsVersion, signature, extra, savedInputExampleInfo };
}

/** The `tfjs` flavor of a saved model. */
export function tfjsFlavorOf(saved: SavedModelFiles): Record<string, unknown> {
  return { model_format: saved.format, model_json: MODEL_JSON, ...(saved.tfjsVersion !== undefined ? { tfjs_version: saved.tfjsVersion } : {}) };
}

/**
 * Logs a TF.js model to a run: `<artifactPath>/model.json` + `group1-shard*of*.bin` (TF.js' own
 * format), `<artifactPath>/MLmodel` with a `tfjs` flavor (`model_format`, `model_json`,
 * `tfjs_version`), a tensor signature inferred from the model unless given, an input example
 * when given; appends to run tag `mlflow.log-model.history`; optionally registers the model.
 *
 * @example
 * ```ts
 * const info = await logModel(run, model, 'model', { inputExample: [[0, 1]], registeredModelName: 'xor' });
 * info.modelUri; // runs:/<run_id>/model
 * ```
 * @throws `INVALID_PARAMETER_VALUE` for a bad artifact path or a model without a JSON topology;
 *   `NOT_IMPLEMENTED` for `registeredModelName` when the client has no model registry
 */
export async function logModel(target: RunTarget, model: SavableModel, artifactPath = 'model', options: LogModelOptions = {}): Promise<LoggedModelInfo> {
  parseInput(logModelOptionsSchema, options, 'logModel options');
  const path = assertArtifactPath(artifactPath).replace(/\/+$/u, '');
  const { client, runId } = target;
  if (options.registeredModelName !== undefined && client.store.registry === undefined) {
    throw new EdgeflowError('NOT_IMPLEMENTED', 'logModel: registeredModelName needs a store with a model registry; nothing was logged.');
  }
  if (options.loggedModel === true) return logLoggedModel(client, runId, model, options.name ?? path, options);
  const { signature, extra, savedInputExampleInfo, ...saved } = await saveModelFiles((p, data) => client.logArtifact(runId, `${path}/${p}`, data), model, options);
  const utcTimeCreated = formatUtcTimeCreated(new Date());
  const modelUuid = newModelUuid();
  const mlmodel: MLModel = {
    artifactPath: path,
    flavors: { [TFJS_FLAVOR]: tfjsFlavorOf({ signature, extra, savedInputExampleInfo, ...saved }) },
    modelUuid,
    runId,
    utcTimeCreated,
    ...(signature ? { signature } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    ...(savedInputExampleInfo ? { savedInputExampleInfo } : {}),
    extra,
  };
  await client.logArtifact(runId, `${path}/MLmodel`, serializeMLmodel(mlmodel));

  const previous = historyChains.get(runId) ?? Promise.resolve();
  const appended = previous.catch(() => undefined).then(() => appendHistory(target, mlmodel));
  historyChains.set(runId, appended);
  try {
    await appended;
  } finally {
    if (historyChains.get(runId) === appended) historyChains.delete(runId);
  }

  const modelUri = `runs:/${runId}/${path}`;
  const registeredModelVersion =
    options.registeredModelName === undefined ? undefined : await client.registerModel(modelUri, options.registeredModelName);
  return {
    runId,
    artifactPath: path,
    modelUri,
    modelUuid,
    utcTimeCreated,
    mlmodel,
    ...(registeredModelVersion !== undefined ? { registeredModelVersion } : {}),
  };
}
