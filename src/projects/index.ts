/**
 * MLflow Projects for JavaScript (browsers, workers and Node): load an `MLproject` project, resolve
 * its typed parameters, and run an entry point as a tracked run. In browsers a module entry point
 * runs in a dedicated Worker; Node adds folders, in-process modules and shell commands
 * (`edgeflow/node/projects`).
 * @module edgeflow/projects
 */
import { z } from 'zod';
import { parseInput } from '../core/schemas.js';
import { runProjectOptionFields, runProjectWith, type ProjectRunResult, type RunProjectOptions } from './run-project.js';
import type { Project } from './project.js';
import { workerExecutor } from './worker-executor.js';

export {
  parseMLproject,
  shellQuote,
  formatPythonTemplate,
  scriptEntryPoint,
  PROJECT_PARAMETER_TYPES,
  type MLProjectSpec,
  type ProjectEntryPoint,
  type ProjectParameter,
  type ProjectEnvironment,
  type DockerEnvironment,
  type KnownParameterType,
} from '../core/formats/mlproject.js';
export { loadProject, filesFromMap, filesFromZip, type LoadProjectOptions, type ProjectSource, type ProjectFileMap } from './load-project.js';
export { projectFromFiles, getEntryPoint, type Project, type ProjectFiles, type ProjectOptions } from './project.js';
export {
  resolveParameters,
  formatCommand,
  ResolvedParameters,
  type ParameterInput,
  type TypedParameter,
  type ResolvedParameter,
  type ResolveParametersOptions,
} from './parameters.js';
export { scanModuleImports, assertSelfContainedModule, type ModuleImport } from './module-imports.js';
export { ProjectTag, projectRunTags, type RunProjectOptions, type ProjectRunResult, type ProjectExecutor, type PreparedEntryPoint } from './run-project.js';

/**
 * Runs an entry point of a project as a tracked run, in a browser: module entry points run in a
 * dedicated Worker. Entry point and parameters are checked first (nothing is created when they
 * are wrong); then a run is started with MLflow's project tags (`mlflow.source.type=PROJECT`,
 * `mlflow.project.entryPoint`, `mlflow.project.env=local`, `mlflow.project.backend=local`, …), the
 * parameters are logged shell-quoted as MLflow logs them, and the run ends FINISHED, or FAILED
 * with tag `edgeflow.project.error` when the entry point throws.
 * @returns the run's id, status and error; it does not reject when the entry point fails
 * @throws `INVALID_PARAMETER_VALUE` for an unknown entry point, missing or ill-typed parameters,
 * a module that imports relative or bare specifiers, a missing or non-function export;
 * `NOT_IMPLEMENTED` for a shell-command entry point
 * @example
 * ```ts
 * const project = await loadProject(zipFile);
 * const { runId, status } = await runProject(project, { parameters: { alpha: 0.3 }, experimentName: 'demo', store: 'idb:edgeflow' });
 * ```
 */
export async function runProject(project: Project, options: RunProjectOptions = {}): Promise<ProjectRunResult> {
  parseInput(z.object(runProjectOptionFields).strict(), options, 'runProject options');
  return runProjectWith(project, options, workerExecutor);
}
