/**
 * A run's MLflow 3 inputs and outputs in the Node file store (mlflow3-models-and-inputs.md
 * §1.2–§1.4): `<experiment>/datasets/<md5(name+digest)>/meta.yaml` (written once per experiment),
 * `<run>/inputs/<input id>/meta.yaml` and `<run>/outputs/<model_id>/meta.yaml`, with the bytes of
 * the one layout module. Which inputs and outputs are new is decided by core's rules
 * (`addRunInputs`, `withModelOutputs`); this file only reads and writes the records.
 * @module
 */
import { join } from 'node:path';
import type { DatasetInput, ModelInput, ModelOutput, RunInputs, RunOutputs } from '../core/datasets/entities.js';
import {
  DATASETS_FOLDER,
  META_FILE,
  RUN_INPUTS_FOLDER,
  RUN_OUTPUTS_FOLDER,
  datasetId,
  datasetInputId,
  modelInputId,
  readDatasetRecord,
  readInputRecord,
  readOutputRecord,
  readYamlEntry,
  serializeDatasetRecord,
  serializeInputRecord,
  serializeOutputRecord,
} from '../core/formats/file-store/index.js';
import { EdgeflowError, describeValue } from '../core/errors.js';
import { exists, isFolderName, layoutPathOf, readIfExists, subfolders, writeFileAtomic } from './fs-helpers.js';

/** The folders below a run folder that hold its inputs and outputs (for the index's signatures). */
export const RUN_IO_FOLDERS = [RUN_INPUTS_FOLDER, RUN_OUTPUTS_FOLDER] as const;

async function readRecord(root: string, file: string): Promise<{ data: unknown; where: string } | undefined> {
  const bytes = await readIfExists(file);
  const where = layoutPathOf(root, file);
  const data = bytes === undefined || bytes.length === 0 ? null : readYamlEntry(bytes, where);
  return data === null ? undefined : { data, where };
}

/**
 * Reads a run's inputs and outputs as MLflow does: a dataset input whose dataset record is missing
 * is skipped, model inputs are kept without checking the model. Absent members mean none. Records
 * come in folder-name order (MLflow's is the listing order, which is not defined).
 * @param experimentFolder the run's experiment folder (where `datasets/` is)
 */
export async function readRunIo(root: string, experimentFolder: string, runFolder: string): Promise<{ inputs?: RunInputs; outputs?: RunOutputs }> {
  const datasetInputs: DatasetInput[] = [];
  const modelInputs: ModelInput[] = [];
  const inputsFolder = join(runFolder, RUN_INPUTS_FOLDER);
  for (const id of (await subfolders(inputsFolder)).sort()) {
    const meta = await readRecord(root, join(inputsFolder, id, META_FILE));
    if (meta === undefined) continue;
    const input = readInputRecord(meta.data, meta.where);
    if (input.kind === 'model') {
      modelInputs.push({ modelId: input.modelId });
      continue;
    }
    const dataset = await readRecord(root, join(experimentFolder, DATASETS_FOLDER, input.datasetId, META_FILE));
    if (dataset === undefined) continue;
    datasetInputs.push({ dataset: readDatasetRecord(dataset.data, dataset.where), tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })) });
  }
  const modelOutputs: ModelOutput[] = [];
  const outputsFolder = join(runFolder, RUN_OUTPUTS_FOLDER);
  for (const id of (await subfolders(outputsFolder)).sort()) {
    const meta = await readRecord(root, join(outputsFolder, id, META_FILE));
    if (meta !== undefined) modelOutputs.push(readOutputRecord(meta.data, meta.where));
  }
  return {
    ...(datasetInputs.length + modelInputs.length > 0 ? { inputs: { datasetInputs, modelInputs } } : {}),
    ...(modelOutputs.length > 0 ? { outputs: { modelOutputs } } : {}),
  };
}

/**
 * Writes the records of inputs new to the run: each dataset's record once per experiment (an
 * existing one is kept, as MLflow keeps it), then the input record.
 */
export async function writeRunInputs(experimentFolder: string, runFolder: string, runId: string, added: { datasets: readonly DatasetInput[]; models: readonly ModelInput[] }): Promise<void> {
  for (const { dataset, tags } of added.datasets) {
    const id = datasetId(dataset.name, dataset.digest);
    const datasetMeta = join(experimentFolder, DATASETS_FOLDER, id, META_FILE);
    if (!(await exists(datasetMeta))) await writeFileAtomic(datasetMeta, serializeDatasetRecord(dataset));
    const inputTags: Record<string, string> = {};
    for (const { key, value } of tags) inputTags[key] = value;
    await writeFileAtomic(join(runFolder, RUN_INPUTS_FOLDER, datasetInputId(id, runId), META_FILE), serializeInputRecord({ kind: 'dataset', datasetId: id, tags: inputTags }));
  }
  for (const { modelId } of added.models) {
    await writeFileAtomic(join(runFolder, RUN_INPUTS_FOLDER, modelInputId(modelId, runId), META_FILE), serializeInputRecord({ kind: 'model', modelId }));
  }
}

/**
 * Writes the output records of models new to the run.
 * @throws `INVALID_PARAMETER_VALUE` for a model id that cannot be a folder name (before any write)
 */
export async function writeRunOutputs(runFolder: string, added: readonly ModelOutput[]): Promise<void> {
  for (const { modelId } of added) {
    if (!isFolderName(modelId)) throw EdgeflowError.invalidParameterValue(`Invalid model id ${describeValue(modelId)} in a run output.`, { details: { modelId } });
  }
  for (const output of added) await writeFileAtomic(join(runFolder, RUN_OUTPUTS_FOLDER, output.modelId, META_FILE), serializeOutputRecord(output));
}
