/**
 * Paths of MLflow's file-store layout (`mlruns/`, spec §1–2), relative to the store root and
 * `/`-separated.
 * @module
 */
import type { LifecycleStage } from '../../entities.js';

/** Folder of deleted experiments. */
export const TRASH_FOLDER = '.trash';
/** Folder of the model registry (when the registry root is the tracking root). */
export const MODELS_FOLDER = 'models';
/** Name of every metadata file. */
export const META_FILE = 'meta.yaml';
/** Sub-folders of an experiment folder that are not runs (spec §1.1). */
export const RESERVED_EXPERIMENT_FOLDERS: ReadonlySet<string> = new Set(['tags', 'datasets', 'traces', 'models']);

/** Folder of an experiment's MLflow 3 logged models (`<experiment>/models/<model_id>`). */
export const LOGGED_MODELS_FOLDER = 'models';
/** Folder of an experiment's dataset records (`<experiment>/datasets/<dataset_id>`). */
export const DATASETS_FOLDER = 'datasets';
/** Folder of a run's dataset and model inputs (`<run>/inputs/<input_id>`). */
export const RUN_INPUTS_FOLDER = 'inputs';
/** Folder of a run's model outputs (`<run>/outputs/<model_id>`). */
export const RUN_OUTPUTS_FOLDER = 'outputs';

/** Kinds of raw-value and metric folders inside a run. */
export const RunFileKind = { METRICS: 'metrics', PARAMS: 'params', TAGS: 'tags', ARTIFACTS: 'artifacts' } as const;
export type RunFileKind = (typeof RunFileKind)[keyof typeof RunFileKind];

/** `<id>` for an active experiment, `.trash/<id>` for a deleted one. */
export function experimentFolder(experimentId: string, lifecycleStage: LifecycleStage): string {
  return lifecycleStage === 'deleted' ? `${TRASH_FOLDER}/${experimentId}` : experimentId;
}

/** `<experimentFolder>/<runId>`. */
export function runFolder(experimentFolderPath: string, runId: string): string {
  return `${experimentFolderPath}/${runId}`;
}

/** `<folder>/meta.yaml`. */
export function metaPath(folder: string): string {
  return `${folder}/${META_FILE}`;
}

/** `<runFolder>/<kind>/<key>`: keys with `/` become nested folders. */
export function runFilePath(runFolderPath: string, kind: RunFileKind, key: string): string {
  return `${runFolderPath}/${kind}/${key}`;
}

/** `<experimentFolder>/tags/<key>`. */
export function experimentTagPath(experimentFolderPath: string, key: string): string {
  return `${experimentFolderPath}/tags/${key}`;
}

/** `<experimentFolder>/models/<modelId>`: one MLflow 3 logged model. */
export function loggedModelFolder(experimentFolderPath: string, modelId: string): string {
  return `${experimentFolderPath}/${LOGGED_MODELS_FOLDER}/${modelId}`;
}

/** `<experimentFolder>/datasets/<datasetId>`. */
export function datasetFolder(experimentFolderPath: string, datasetId: string): string {
  return `${experimentFolderPath}/${DATASETS_FOLDER}/${datasetId}`;
}

/** `<runFolder>/inputs/<inputId>`. */
export function runInputFolder(runFolderPath: string, inputId: string): string {
  return `${runFolderPath}/${RUN_INPUTS_FOLDER}/${inputId}`;
}

/** `<runFolder>/outputs/<modelId>`. */
export function runOutputFolder(runFolderPath: string, modelId: string): string {
  return `${runFolderPath}/${RUN_OUTPUTS_FOLDER}/${modelId}`;
}

/** `models/<name>`. */
export function registeredModelFolder(name: string): string {
  return `${MODELS_FOLDER}/${name}`;
}

/** `models/<name>/version-<n>`. */
export function modelVersionFolder(name: string, version: number): string {
  return `${registeredModelFolder(name)}/version-${version}`;
}

/** The artifact location MLflow gives an experiment under an artifact root: `<root>/<id>`. */
export function defaultArtifactLocation(artifactRoot: string, experimentId: string): string {
  return `${artifactRoot.replace(/\/+$/u, '')}/${experimentId}`;
}

/** The artifact URI MLflow gives a run: `<experiment artifact location>/<runId>/artifacts`. */
export function defaultRunArtifactUri(experimentArtifactLocation: string, runId: string): string {
  return `${experimentArtifactLocation.replace(/\/+$/u, '')}/${runId}/artifacts`;
}

/**
 * The first pair of keys that cannot both be files in one folder (`a` and `a/b`: `a` would have to
 * be a file and a folder), or undefined. Keys are compared exactly (case-sensitive file systems).
 */
export function findKeyPathConflict(keys: Iterable<string>): readonly [string, string] | undefined {
  const files = new Set<string>();
  for (const key of keys) files.add(key);
  for (const key of files) {
    let slash = key.indexOf('/');
    while (slash !== -1) {
      const prefix = key.slice(0, slash);
      if (files.has(prefix)) return [prefix, key];
      slash = key.indexOf('/', slash + 1);
    }
  }
  return undefined;
}
