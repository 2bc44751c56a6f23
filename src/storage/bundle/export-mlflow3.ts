/**
 * The MLflow 3 part of an `mlruns/` export (mlflow3-models-and-inputs.md §1): a run's `inputs/` and
 * `outputs/` records, the experiment's `datasets/` records and its logged models under
 * `models/<model_id>/` (meta, params, tags, metric lines, files), in the bytes MLflow writes.
 * @module
 */
import type { Dataset } from '../../core/datasets/entities.js';
import { dict, type Run } from '../../core/entities.js';
import { filesOfListing } from '../../core/store-reads.js';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { LoggedModelMetric } from '../../core/logged-models/entities.js';
import type { LoggedModelRecord, LoggedModelStore } from '../../core/logged-models/logged-model-store.js';
import {
  datasetFolder,
  datasetId,
  datasetInputId,
  findKeyPathConflict,
  loggedModelFolder,
  metaPath,
  modelInputId,
  runInputFolder,
  runOutputFolder,
  serializeDatasetRecord,
  serializeInputRecord,
  serializeLoggedModelMeta,
  serializeModelMetricFile,
  serializeOutputRecord,
} from '../../core/formats/file-store/index.js';

/** A text file of the tree. */
export interface TreeText {
  readonly path: string;
  readonly text: string;
}

/**
 * The input and output records of a run (in `runFolderPath`), and the dataset records they need,
 * added to `datasets` by folder id (the first record of a dataset wins, as MLflow writes it once).
 */
export function runLinkFiles(run: Run, runFolderPath: string, datasets: Map<string, Dataset>): TreeText[] {
  const out: TreeText[] = [];
  const runId = run.info.runId;
  for (const { dataset, tags } of run.inputs?.datasetInputs ?? []) {
    const id = datasetId(dataset.name, dataset.digest);
    if (!datasets.has(id)) datasets.set(id, dataset);
    const record = { kind: 'dataset' as const, datasetId: id, tags: dict(tags.map((t) => [t.key, t.value] as const)) };
    out.push({ path: metaPath(runInputFolder(runFolderPath, datasetInputId(id, runId))), text: serializeInputRecord(record) });
  }
  for (const { modelId } of run.inputs?.modelInputs ?? []) {
    out.push({ path: metaPath(runInputFolder(runFolderPath, modelInputId(modelId, runId))), text: serializeInputRecord({ kind: 'model', modelId }) });
  }
  for (const output of run.outputs?.modelOutputs ?? []) {
    out.push({ path: metaPath(runOutputFolder(runFolderPath, output.modelId)), text: serializeOutputRecord(output) });
  }
  return out;
}

/** The `datasets/<id>/meta.yaml` records of an experiment folder. */
export function datasetFiles(experimentFolderPath: string, datasets: ReadonlyMap<string, Dataset>): TreeText[] {
  return [...datasets].map(([id, dataset]) => ({ path: metaPath(datasetFolder(experimentFolderPath, id)), text: serializeDatasetRecord(dataset) }));
}

/**
 * The files of a logged model in an experiment folder: `meta.yaml`, `params/<key>`, `tags/<key>`
 * and one `metrics/<key>` file of lines in logging order.
 * @throws `INVALID_PARAMETER_VALUE` when keys cannot coexist as files or a metric line has no run.
 */
export function loggedModelFiles(record: LoggedModelRecord, experimentFolderPath: string): TreeText[] {
  const folder = loggedModelFolder(experimentFolderPath, record.modelId);
  const byKey = new Map<string, LoggedModelMetric[]>();
  for (const line of record.metricLines) {
    let lines = byKey.get(line.key);
    if (lines === undefined) byKey.set(line.key, (lines = []));
    lines.push(line);
  }
  for (const [what, keys] of [['param', Object.keys(record.params)], ['tag', Object.keys(record.tags)], ['metric', [...byKey.keys()]]] as const) {
    const conflict = findKeyPathConflict(keys);
    if (conflict) {
      throw EdgeflowError.invalidParameterValue(
        `Cannot export logged model ${record.modelId}: ${what} keys ${describeValue(conflict[0])} and ${describeValue(conflict[1])} cannot both be files.`,
        { details: { modelId: record.modelId } },
      );
    }
  }
  return [
    { path: metaPath(folder), text: serializeLoggedModelMeta(record) },
    ...Object.entries(record.params).map(([key, value]) => ({ path: `${folder}/params/${key}`, text: value })),
    ...Object.entries(record.tags).map(([key, value]) => ({ path: `${folder}/tags/${key}`, text: value })),
    ...[...byKey].map(([key, lines]) => ({ path: `${folder}/metrics/${key}`, text: serializeModelMetricFile(lines) })),
  ];
}

/**
 * The logged models of these experiments (deleted ones only with `includeDeleted`), by experiment,
 * checked so that every one can be written as files — before the export writes anything. A store
 * without logged models has none.
 */
export async function planLoggedModelExport(
  store: { readonly loggedModels?: LoggedModelStore },
  experimentIds: readonly string[],
  includeDeleted: boolean,
): Promise<Map<string, LoggedModelRecord[]>> {
  const byExperiment = new Map<string, LoggedModelRecord[]>();
  if (store.loggedModels === undefined || experimentIds.length === 0) return byExperiment;
  for (const record of await store.loggedModels.exportLoggedModels(experimentIds)) {
    if (record.lifecycleStage === 'deleted' && !includeDeleted) continue;
    loggedModelFiles(record, '');
    const list = byExperiment.get(record.experimentId) ?? [];
    list.push(record);
    byExperiment.set(record.experimentId, list);
  }
  return byExperiment;
}

/** Where an export writes entries. */
export interface TreeSink {
  text(path: string, text: string): void;
  file(path: string, bytes: Uint8Array): void;
}

/**
 * Writes an experiment's dataset records and logged models (with their files unless
 * `includeArtifacts` is false; a deleted model's files are not reachable and not written). `experimentLocation`: the experiment's artifact location as
 * exported, or null to keep each model's stored location.
 * @returns the number of model files written.
 */
export async function writeExperimentMlflow3(
  store: { readonly loggedModels?: LoggedModelStore },
  folder: string,
  records: readonly LoggedModelRecord[],
  datasets: ReadonlyMap<string, Dataset>,
  experimentLocation: string | null,
  includeArtifacts: boolean,
  sink: TreeSink,
): Promise<number> {
  for (const file of datasetFiles(folder, datasets)) sink.text(file.path, file.text);
  let files = 0;
  for (const stored of records) {
    const record =
      experimentLocation === null ? stored : { ...stored, artifactLocation: `${experimentLocation.replace(/\/+$/u, '')}/models/${stored.modelId}/artifacts` };
    for (const file of loggedModelFiles(record, folder)) sink.text(file.path, file.text);
    // The files of a deleted model are out of reach (the store answers as if it did not exist).
    if (!includeArtifacts || store.loggedModels === undefined || record.lifecycleStage === 'deleted') continue;
    for (const { path } of await filesOfListing((p) => store.loggedModels!.listLoggedModelArtifacts(record.modelId, p))) {
      sink.file(`${loggedModelFolder(folder, record.modelId)}/artifacts/${path}`, await store.loggedModels.getLoggedModelArtifact(record.modelId, path));
      files++;
    }
  }
  return files;
}
