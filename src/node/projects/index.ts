/**
 * MLflow Projects in Node: load a project from a folder or zip, and run its entry points — modules
 * in-process, shell commands as child processes that log into the same run.
 * @module edgeflow/node/projects
 */
import { z } from 'zod';
import { functionSchema, parseInput } from '../../core/schemas.js';
import { openStore } from '../../storage/open-store.js';
import { runProjectOptionFields, runProjectWith, type ProjectRunResult, type RunProjectOptions } from '../../projects/run-project.js';
import { getEntryPoint, type Project } from '../../projects/project.js';
import { resolveParameters } from '../../projects/parameters.js';
import { nodeExecutor, type NodeExecutorOptions } from './node-executor.js';
// Registers the `file:` scheme of openStore.
import '../index.js';

export { loadProject, filesFromFolder } from './load-project.js';
export { nodeExecutor, resolvePathParameter, type NodeExecutorOptions } from './node-executor.js';
export * from '../../projects/index.js';
// The Node runProject replaces the browser one re-exported above.
export { runProject };

/** Options of the Node `runProject`. */
export interface NodeRunProjectOptions extends RunProjectOptions, NodeExecutorOptions {
  /**
   * The tracking URI command entry points log into (`MLFLOW_TRACKING_URI` of the child). Default:
   * `store` when it is a URI. Needed when `store`/`client` is given as an object.
   */
  readonly trackingUri?: string;
}

const nodeRunProjectOptionsSchema = z
  .object({
    ...runProjectOptionFields,
    trackingUri: z.string().min(1).optional(),
    onOutput: functionSchema().optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** The default store of project runs in Node: `MLFLOW_TRACKING_URI`, else `file:./mlruns` (MLflow's default). */
export function defaultProjectTrackingUri(): string {
  return process.env['MLFLOW_TRACKING_URI'] || 'file:./mlruns';
}

/**
 * Runs an entry point of a project as a tracked run, in Node. Module entry points are imported and
 * called in this process with `(params, run)`; command entry points run as child processes
 * (`spawn(command, {shell: true})` in the project folder, output streamed) with `MLFLOW_RUN_ID`,
 * `MLFLOW_EXPERIMENT_ID` and `MLFLOW_TRACKING_URI` set, and FAIL when they exit non-zero. Zip and
 * object projects are copied to a temp folder first. The store defaults to
 * {@link defaultProjectTrackingUri}.
 * @returns the run's id, status, command, exit code and error; it does not reject when the entry
 * point fails
 * @throws `INVALID_PARAMETER_VALUE` for an unknown entry point, missing or ill-typed parameters, a
 * missing `path`, a module without the export, a command with a store another process cannot
 * open; `NOT_IMPLEMENTED` for commands of `docker_env` projects
 * @example
 * ```ts
 * const project = await loadProject('./demo/project');
 * const result = await runProject(project, { entryPoint: 'cli', parameters: { alpha: '0.3' }, store: 'file:./mlruns' });
 * ```
 */
async function runProject(project: Project, options: NodeRunProjectOptions = {}): Promise<ProjectRunResult> {
  parseInput(nodeRunProjectOptionsSchema, options, 'runProject options');
  const executorOptions: NodeExecutorOptions = {
    ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  };
  const executor = nodeExecutor(executorOptions, options.trackingUri);
  if (options.client !== undefined || typeof options.store === 'object') return runProjectWith(project, options, executor);
  // Check entry point and parameters before a store (an `mlruns/` folder) is created.
  resolveParameters(getEntryPoint(project, options.entryPoint ?? 'main', 'node', executor.shell), options.parameters ?? {}, executor.parameterOptions);
  const uri = options.store ?? defaultProjectTrackingUri();
  const store = await openStore(uri);
  try {
    return await runProjectWith(project, { ...options, store }, nodeExecutor(executorOptions, options.trackingUri ?? uri));
  } finally {
    await store.close();
  }
}
