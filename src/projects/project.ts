/**
 * A loaded project: its `MLproject` spec (or MLflow's defaults when it has none), its files, and
 * the entry-point lookup MLflow does (declared names, then runnable script names).
 * @module
 */
import { EdgeflowError, describeValue } from '../core/errors.js';
import {
  parseMLproject,
  scriptEntryPoint,
  type MLProjectSpec,
  type ProjectEntryPoint,
  type ProjectEnvironment,
  type ScriptRuntime,
} from '../core/formats/mlproject.js';

/** Read access to the files of a project; paths are relative, `/`-separated. */
export interface ProjectFiles {
  /** Names of the entries at the project root (to find `MLproject` case-insensitively). */
  rootNames(): readonly string[];
  /** True when the file exists. */
  has(path: string): Promise<boolean>;
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
  /** Every file path, when the files are not on disk already (zips, objects); for copying them out. */
  paths?(): readonly string[];
}

/** A project ready to run. */
export interface Project {
  /** `name:` of the MLproject, else the folder or zip name. */
  readonly name: string;
  /** The parsed `MLproject` (an empty spec when the project has none). */
  readonly spec: MLProjectSpec;
  /** The file the spec came from (`MLproject`, `MLProject`, …), or undefined for MLflow's fallback. */
  readonly mlprojectFile: string | undefined;
  /**
   * The environment MLflow would use: the declared one, else `python_env.yaml` or `conda.yaml` when
   * present (as MLflow picks them), else `none`. edgeflow records it but never builds it.
   */
  readonly environment: ProjectEnvironment;
  /** Recorded as `mlflow.source.name` (folder path, zip URL or name). */
  readonly source: string;
  readonly files: ProjectFiles;
  /** Node: the folder on disk holding the files, when there is one. */
  readonly directory?: string;
}

/** Options of building a {@link Project}. */
export interface ProjectOptions {
  /** Project name when the MLproject has none. */
  readonly name?: string;
  /** `mlflow.source.name` of its runs. */
  readonly source?: string;
  /** Node: the folder holding the files. */
  readonly directory?: string;
}

/**
 * Builds a project from its files: finds `MLproject` at the root (any case), parses it, and
 * checks that a declared `python_env`/`conda_env` file exists (as MLflow does).
 * @throws `INVALID_PARAMETER_VALUE` naming the file and key of a malformed MLproject
 */
export async function projectFromFiles(files: ProjectFiles, options: ProjectOptions = {}): Promise<Project> {
  const mlprojectFile = files.rootNames().find((n) => n.toLowerCase() === 'mlproject');
  const label = options.source ?? options.name ?? 'project';
  const spec: MLProjectSpec =
    mlprojectFile === undefined
      ? { environment: { kind: 'none' }, entryPoints: Object.create(null) as Record<string, ProjectEntryPoint>, extra: Object.create(null) as Record<string, unknown> }
      : parseMLproject(await files.readText(mlprojectFile), `${label === 'project' ? '' : `${label}!`}${mlprojectFile}`);
  let environment = spec.environment;
  if (environment.kind === 'python_env' || environment.kind === 'conda_env') {
    const path = environment.path.replace(/^(?:\.\/)+/u, '');
    if (!(await files.has(path))) {
      throw EdgeflowError.invalidParameterValue(
        `${mlprojectFile}: ${environment.kind} names ${describeValue(environment.path)}, but the project has no such file.`,
        { details: { entry: mlprojectFile, key: environment.kind } },
      );
    }
  } else if (environment.kind === 'none' && spec.databricksSparkJob === undefined) {
    if (await files.has('python_env.yaml')) environment = { kind: 'python_env', path: 'python_env.yaml' };
    else if (await files.has('conda.yaml')) environment = { kind: 'conda_env', path: 'conda.yaml' };
  }
  return {
    name: spec.name ?? options.name ?? 'project',
    spec,
    mlprojectFile,
    environment,
    source: options.source ?? options.name ?? spec.name ?? 'project',
    files,
    ...(options.directory === undefined ? {} : { directory: options.directory }),
  };
}

/**
 * The entry point `name` of a project: a declared one, else (MLflow's fallback) a script name —
 * `.py`, `.sh`, `.R`, and edgeflow's `.js`/`.mjs`.
 * @throws `INVALID_PARAMETER_VALUE` naming the entry point and listing the declared ones
 */
export function getEntryPoint(project: Project, name: string, runtime: ScriptRuntime, shell?: string): ProjectEntryPoint {
  const declared = project.spec.entryPoints[name];
  if (declared !== undefined) return declared;
  const script = scriptEntryPoint(name, runtime, shell);
  if (script !== undefined) return script;
  const known = Object.keys(project.spec.entryPoints);
  throw EdgeflowError.invalidParameterValue(
    `Could not find entry point ${describeValue(name)} among ${known.length === 0 ? 'the (no) declared entry points' : `entry points ${known.map((k) => `'${k}'`).join(', ')}`} ` +
      `of project ${describeValue(project.name)}, or interpret it as a runnable script (.py, .sh, .R, .js, .mjs).`,
    { details: { field: 'entryPoint', entryPoint: name } },
  );
}
