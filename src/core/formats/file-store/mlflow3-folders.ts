/**
 * Reads the MLflow 3 folders of a file-store tree (mlflow3-models-and-inputs.md §1): an
 * experiment's `models/` (logged models) and `datasets/`, and a run's `inputs/` and `outputs/`.
 * @module
 */
import type { DatasetInput, Dataset, ModelInput, ModelOutput, RunInputs, RunOutputs } from '../../datasets/entities.js';
import { describeValue } from '../../errors.js';
import type { LoggedModelMetric } from '../../logged-models/entities.js';
import type { LoggedModelRecord } from '../../logged-models/logged-model-store.js';
import { keyProblem } from '../../validation.js';
import type { DecodeBudget } from '../decode-budget.js';
import { fail } from './fields.js';
import { readLoggedModelMeta } from './logged-model-meta.js';
import { parseModelMetricFile } from './metric-file.js';
import { META_FILE, RUN_INPUTS_FOLDER, RUN_OUTPUTS_FOLDER, RunFileKind } from './paths.js';
import { decodeUtf8, readYamlEntry } from './raw-values.js';
import { readDatasetRecord, readInputRecord, readOutputRecord } from './run-io-records.js';
import { filesBelow, listArtifacts, pathsBelow, readRawValues, type ArtifactEntry, type FolderNode, type ReadTreeFile } from './tree-nodes.js';

/** A logged model read from a tree, with its files. */
export interface LoggedModelEntry {
  /** `<experiment folder>/models/<model_id>`. */
  readonly folder: string;
  readonly record: LoggedModelRecord;
  /** Files under `artifacts/`, read on demand. */
  readonly artifacts: readonly ArtifactEntry[];
}

/** What the MLflow 3 folder readers report into: skipped folders, unread files, id mismatches. */
export interface Mlflow3ReadContext {
  readonly read: ReadTreeFile;
  readonly skipped: { path: string; reason: string }[];
  readonly unread: string[];
  /** Rejects or skips (reported) a record whose id disagrees with its folder. */
  readonly mismatch: (path: string, reason: string) => void;
  readonly maxLineLength?: number;
  readonly budget?: DecodeBudget;
}

async function readMeta(node: FolderNode, read: ReadTreeFile): Promise<{ data: unknown; path: string } | undefined> {
  const file = node.files.get(META_FILE);
  if (!file || file.size === 0) return undefined;
  const data = readYamlEntry(await read(file.path), file.path);
  return data === null ? undefined : { data, path: file.path };
}

/**
 * Reads `<experiment>/datasets/<id>/meta.yaml` records by folder id. A folder without a record is
 * skipped (reported); its dataset inputs are then skipped as MLflow skips them.
 */
export async function readDatasetFolders(folder: string, node: FolderNode | undefined, context: Mlflow3ReadContext): Promise<Map<string, Dataset>> {
  const datasets = new Map<string, Dataset>();
  for (const [id, child] of node?.folders ?? []) {
    const meta = await readMeta(child, context.read);
    if (meta === undefined) context.skipped.push({ path: `${folder}/${id}`, reason: 'no meta.yaml' });
    else datasets.set(id, readDatasetRecord(meta.data, meta.path));
    for (const [name, file] of child.files) if (name !== META_FILE) context.unread.push(file.path);
    for (const grandChild of child.folders.values()) context.unread.push(...pathsBelow(grandChild));
  }
  for (const file of node?.files.values() ?? []) context.unread.push(file.path);
  return datasets;
}

/**
 * Reads `<experiment>/models/<model_id>/` folders as MLflow's logged-model reader does: a folder
 * without `meta.yaml` (a "ghost" left by a metric logged to an unknown model) is skipped (reported);
 * a model id that differs from its folder, or an experiment id that differs from the experiment's,
 * goes to `context.mismatch`. Params and tags are raw value files (nested keys as folders); every
 * metric line is kept.
 * @throws `INVALID_PARAMETER_VALUE` naming the file on a malformed record.
 */
export async function readLoggedModelFolders(
  folder: string,
  node: FolderNode | undefined,
  experimentId: string,
  context: Mlflow3ReadContext,
): Promise<LoggedModelEntry[]> {
  const out: LoggedModelEntry[] = [];
  for (const [modelId, child] of node?.folders ?? []) {
    const modelFolder = `${folder}/${modelId}`;
    const meta = await readMeta(child, context.read);
    if (meta === undefined) {
      context.skipped.push({ path: modelFolder, reason: 'no meta.yaml (MLflow skips such a model folder)' });
      continue;
    }
    const info = readLoggedModelMeta(meta.data, meta.path);
    if (info.modelId !== modelId) {
      context.mismatch(meta.path, `model_id ${describeValue(info.modelId)} does not match its folder ${describeValue(modelId)}.`);
      continue;
    }
    if (info.experimentId !== experimentId) {
      context.mismatch(meta.path, `experiment_id ${describeValue(info.experimentId)} does not match the experiment folder ${describeValue(experimentId)}.`);
      continue;
    }
    const metricLines: LoggedModelMetric[] = [];
    for (const { file, key } of filesBelow(child.folders.get(RunFileKind.METRICS))) {
      const problem = keyProblem(key);
      if (problem !== undefined) fail(file.path, `invalid metric key ${describeValue(key)}: it ${problem}.`);
      const text = decodeUtf8(await context.read(file.path), file.path);
      metricLines.push(...parseModelMetricFile(key, modelId, text, file.path, { maxLineLength: context.maxLineLength, budget: context.budget }));
    }
    const record: LoggedModelRecord = {
      ...info,
      params: await readRawValues(child.folders.get(RunFileKind.PARAMS), context.read),
      tags: await readRawValues(child.folders.get(RunFileKind.TAGS), context.read),
      metricLines,
    };
    out.push({ folder: modelFolder, record, artifacts: listArtifacts(child.folders.get(RunFileKind.ARTIFACTS)) });
    for (const [name, file] of child.files) if (name !== META_FILE) context.unread.push(file.path);
    for (const [name, grandChild] of child.folders) {
      if (!(Object.values(RunFileKind) as string[]).includes(name)) context.unread.push(...pathsBelow(grandChild));
    }
  }
  for (const file of node?.files.values() ?? []) context.unread.push(file.path);
  return out;
}

/**
 * Reads a run's `inputs/` and `outputs/` folders. A dataset input whose dataset record is missing
 * is skipped (reported), as MLflow skips it with a warning; model inputs are kept without checking
 * that the model exists, as MLflow does. Absent members mean none.
 */
export async function readRunInputsOutputs(
  runFolderPath: string,
  node: FolderNode,
  datasets: ReadonlyMap<string, Dataset>,
  context: Mlflow3ReadContext,
): Promise<{ inputs?: RunInputs; outputs?: RunOutputs }> {
  const datasetInputs: DatasetInput[] = [];
  const modelInputs: ModelInput[] = [];
  for (const [id, child] of node.folders.get(RUN_INPUTS_FOLDER)?.folders ?? []) {
    const path = `${runFolderPath}/${RUN_INPUTS_FOLDER}/${id}`;
    const meta = await readMeta(child, context.read);
    if (meta === undefined) {
      context.skipped.push({ path, reason: 'no meta.yaml' });
      continue;
    }
    const input = readInputRecord(meta.data, meta.path);
    if (input.kind === 'model') {
      modelInputs.push({ modelId: input.modelId });
      continue;
    }
    const dataset = datasets.get(input.datasetId);
    if (dataset === undefined) {
      context.skipped.push({ path, reason: `its dataset ${input.datasetId} has no record in datasets/ (MLflow skips it)` });
      continue;
    }
    datasetInputs.push({ dataset, tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })) });
  }
  const modelOutputs: ModelOutput[] = [];
  for (const [id, child] of node.folders.get(RUN_OUTPUTS_FOLDER)?.folders ?? []) {
    const meta = await readMeta(child, context.read);
    if (meta === undefined) context.skipped.push({ path: `${runFolderPath}/${RUN_OUTPUTS_FOLDER}/${id}`, reason: 'no meta.yaml' });
    else modelOutputs.push(readOutputRecord(meta.data, meta.path));
  }
  return {
    ...(datasetInputs.length + modelInputs.length > 0 ? { inputs: { datasetInputs, modelInputs } } : {}),
    ...(modelOutputs.length > 0 ? { outputs: { modelOutputs } } : {}),
  };
}
