/**
 * TF.js model artifacts ↔ files: `model.json` (the layers/graph JSON format TF.js writes and
 * `tf.loadLayersModel`/`tf.loadGraphModel` read) plus `groupN-shardXofY.bin` weight files, so a
 * model logged to a run can be loaded back from any store without TF.js' own storage.
 * @module
 */
import type { io } from '@tensorflow/tfjs';
import { EdgeflowError, describeValue } from '../core/errors.js';

/** TF.js' converter shards weights at 4 MiB; so do we. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** The files of a saved model: `model.json` text and the weight shards by relative path. */
export interface ModelFiles {
  readonly modelJson: string;
  readonly weightFiles: ReadonlyMap<string, Uint8Array>;
  /** `layers-model` or `graph-model`. */
  readonly format: string;
  readonly weightBytes: number;
}

function concatBuffers(parts: readonly ArrayBuffer[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out;
}

/**
 * Turns what a TF.js save handler receives into `model.json` and weight shards, as TF.js'
 * `browserFiles`/`http` handlers lay them out (`weightsManifest` with one group of shards).
 * @param format Used when the artifacts carry none (`layers-model` for layers models).
 * @throws `INVALID_PARAMETER_VALUE` for a binary (GraphDef) topology, which model.json cannot hold
 */
export function modelArtifactsToFiles(artifacts: io.ModelArtifacts, format: string, shardBytes = DEFAULT_SHARD_BYTES): ModelFiles {
  if (artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer) {
    throw EdgeflowError.invalidParameterValue(
      'logModel: the model has no JSON topology (binary GraphDef models cannot be written as model.json).',
      { details: { field: 'model' } },
    );
  }
  const data = artifacts.weightData;
  const weights = data === undefined ? new Uint8Array(0) : concatBuffers(Array.isArray(data) ? data : [data as ArrayBuffer]);
  const count = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
  const weightFiles = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    weightFiles.set(`group1-shard${i + 1}of${count}.bin`, weights.subarray(i * shardBytes, Math.min(weights.byteLength, (i + 1) * shardBytes)));
  }
  const resolvedFormat = artifacts.format ?? format;
  // Key order as TF.js' getModelJSONForModelArtifacts writes it.
  const json: Record<string, unknown> = {
    modelTopology: artifacts.modelTopology,
    format: resolvedFormat,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [...weightFiles.keys()], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.signature != null) json.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) json.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) json.initializerSignature = artifacts.initializerSignature;
  if (artifacts.trainingConfig != null) json.trainingConfig = artifacts.trainingConfig;
  return { modelJson: JSON.stringify(json), weightFiles, format: resolvedFormat, weightBytes: weights.byteLength };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(where: string, message: string): never {
  throw EdgeflowError.invalidParameterValue(`${where}: ${message}`, { details: { entry: where } });
}

/**
 * A relative path inside the model directory, joined to `dir`. Rejects absolute paths, URLs and
 * `..`, so a hostile model.json cannot read other artifacts of the run.
 */
export function joinModelPath(dir: string, relative: unknown, where: string): string {
  if (typeof relative !== 'string' || relative === '') fail(where, `expected a relative file path, got ${describeValue(relative)}.`);
  const parts = relative.split('/');
  if (relative.startsWith('/') || /^[a-z][a-z0-9+.-]*:/iu.test(relative) || relative.includes('\\') ||
    parts.some((p) => p === '..' || p === '')) {
    fail(where, `${describeValue(relative)} must be a relative path inside the model directory.`);
  }
  return dir === '' ? relative : `${dir}/${relative}`;
}

/**
 * Reads `model.json` and its weight shards back into TF.js model artifacts (the input of
 * `tf.io.fromMemory` or a `{load}` handler).
 * @param read Reads one artifact file by path.
 * @param modelJsonPath Artifact path of `model.json`.
 * @param where Name for error messages (the model URI).
 * @throws `INVALID_PARAMETER_VALUE` for a malformed model.json or manifest
 */
export async function readModelArtifacts(
  read: (path: string) => Promise<Uint8Array>,
  modelJsonPath: string,
  where: string,
): Promise<io.ModelArtifacts> {
  const jsonWhere = `${where}: ${modelJsonPath}`;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await read(modelJsonPath)));
  } catch (cause) {
    if (cause instanceof EdgeflowError) throw cause;
    throw new EdgeflowError('INVALID_PARAMETER_VALUE', `${jsonWhere}: not valid JSON (${(cause as Error).message}).`, { cause, details: { entry: modelJsonPath } });
  }
  if (!isRecord(json)) fail(jsonWhere, 'model.json must hold a JSON object.');
  if (!isRecord(json.modelTopology)) fail(jsonWhere, '"modelTopology" must be an object.');
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) fail(jsonWhere, '"weightsManifest" must be a list of weight groups.');
  const dir = modelJsonPath.includes('/') ? modelJsonPath.slice(0, modelJsonPath.lastIndexOf('/')) : '';
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const [g, group] of manifest.entries()) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      fail(jsonWhere, `weightsManifest[${g}] must have "paths" and "weights" lists.`);
    }
    for (const path of group.paths) shards.push(await read(joinModelPath(dir, path, `${jsonWhere} weightsManifest[${g}].paths`)));
    weightSpecs.push(...(group.weights as io.WeightsManifestEntry[]));
  }
  const weights = concatBuffers(shards.map((s) => s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength) as ArrayBuffer));
  const artifacts: io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weights.buffer as ArrayBuffer,
  };
  if (typeof json.format === 'string') artifacts.format = json.format;
  if (typeof json.generatedBy === 'string') artifacts.generatedBy = json.generatedBy;
  if (typeof json.convertedBy === 'string' || json.convertedBy === null) artifacts.convertedBy = json.convertedBy;
  if (isRecord(json.trainingConfig)) artifacts.trainingConfig = json.trainingConfig as unknown as io.TrainingConfig;
  if (isRecord(json.signature)) artifacts.signature = json.signature;
  if (isRecord(json.userDefinedMetadata)) artifacts.userDefinedMetadata = json.userDefinedMetadata as Record<string, object>;
  if (isRecord(json.modelInitializer)) artifacts.modelInitializer = json.modelInitializer;
  if (isRecord(json.initializerSignature)) artifacts.initializerSignature = json.initializerSignature;
  return artifacts;
}
