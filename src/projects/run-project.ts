/**
 * The runtime-independent part of running a project: entry point and parameters first (nothing is
 * created when they are wrong), then a run tagged as `mlflow run` tags project runs, the params
 * logged as MLflow logs them (shell-quoted), the entry point run by a runtime's executor, and the
 * run ended FINISHED or FAILED.
 * @module
 */
import { z } from 'zod';
import { TrackingClient, type LoggableValue } from '../core/client.js';
import { EdgeflowError, describeValue } from '../core/errors.js';
import type { ScriptRuntime } from '../core/formats/mlproject.js';
import type { ProjectEntryPoint } from '../core/formats/mlproject.js';
import type { ActiveRun } from '../core/run.js';
import { abortSignalSchema, withMethodsSchema } from '../core/schemas.js';
import type { Store } from '../core/store.js';
import { SourceType, SystemTag } from '../core/system-tags.js';
import { defaultTrackingUri, openStore } from '../storage/open-store.js';
import { resolveParameters, type ParameterInput, type ResolvedParameters, type ResolveParametersOptions } from './parameters.js';
import { getEntryPoint, type Project } from './project.js';

/** Tags edgeflow adds to project runs besides MLflow's (MLflow has no tag for the project name). */
export const ProjectTag = {
  /** The project's name. */
  NAME: 'edgeflow.project.name',
  /** The version given to `runProject` (e.g. a git commit or a package version). */
  VERSION: 'edgeflow.project.version',
  /** Why the run FAILED (error message, or the command's exit code). */
  ERROR: 'edgeflow.project.error',
} as const;

/** Options of `runProject`. */
export interface RunProjectOptions {
  /** Entry point name, or a script name (`train.js`, `train.py`). Default `main`. */
  readonly entryPoint?: string;
  /** Parameter values; strings as on the command line, or numbers/booleans. */
  readonly parameters?: Readonly<Record<string, ParameterInput | undefined>>;
  /** Experiment by id (wins over the name). Default: experiment `0`. */
  readonly experimentId?: string;
  /** Experiment by name; created when unknown. */
  readonly experimentName?: string;
  readonly runName?: string;
  /** Extra tags for the run. */
  readonly tags?: Readonly<Record<string, LoggableValue>>;
  /** Recorded as tag `edgeflow.project.version`. */
  readonly version?: string;
  /** Log through this client (it stays open). */
  readonly client?: TrackingClient;
  /**
   * Log into this store, or the store at this URI (opened and closed by `runProject`). Default: the
   * client's store, else `defaultTrackingUri()`.
   */
  readonly store?: Store | string;
  /** Stops the entry point (terminates the Worker / kills the child process); the run ends FAILED. */
  readonly signal?: AbortSignal;
}

/** The fields of {@link RunProjectOptions} as zod schemas, for each runtime's `runProject` to check (with its own fields). */
export const runProjectOptionFields = {
  entryPoint: z.string().min(1).optional(),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.bigint(), z.undefined()])).optional(),
  experimentId: z.string().min(1).optional(),
  experimentName: z.string().min(1).optional(),
  runName: z.string().optional(),
  tags: z.record(z.string(), z.unknown()).optional(),
  version: z.string().optional(),
  client: withMethodsSchema<TrackingClient>(['startRun', 'logBatch', 'flush'], 'a TrackingClient').optional(),
  store: z.union([z.string().min(1), withMethodsSchema<Store>(['createRun', 'logBatch', 'getRun'], 'a Store')]).optional(),
  signal: abortSignalSchema.optional(),
};

/** What `runProject` returns (it does not throw when the entry point fails: see `status`). */
export interface ProjectRunResult {
  readonly runId: string;
  readonly experimentId: string;
  readonly status: 'FINISHED' | 'FAILED';
  /** The entry point that ran. */
  readonly entryPoint: string;
  /** The resolved parameters (as logged: `loggedParams`; as the function got them: `values`). */
  readonly parameters: ResolvedParameters;
  /** The shell command, for command entry points. */
  readonly command?: string;
  /** The child's exit code, for command entry points run in Node. */
  readonly exitCode?: number | null;
  /** The error message when FAILED. */
  readonly error?: string;
}

/** What an executor does once the run exists. */
export interface PreparedEntryPoint {
  /** The shell command, for command entry points. */
  readonly command?: string;
  /** Runs the entry point; resolves with the exit code (commands), rejects when it fails. */
  run(run: ActiveRun, context: { readonly trackingUri: string | undefined; readonly signal?: AbortSignal }): Promise<{ exitCode?: number | null }>;
  /** Releases what `prepare` took (Worker, temp folder). */
  dispose(): Promise<void>;
}

/** How a runtime (browser Worker, Node process) runs entry points. */
export interface ProjectExecutor {
  readonly runtime: ScriptRuntime;
  /** `$SHELL` for `.sh` scripts. */
  readonly shell?: string;
  /** Options of parameter resolution (Node resolves `path` values). */
  readonly parameterOptions?: ResolveParametersOptions;
  /**
   * Checks and loads an entry point before any run exists (bad export, relative imports in a
   * browser module, a command where commands cannot run, …).
   */
  prepare(project: Project, entryPoint: ProjectEntryPoint, parameters: ResolvedParameters, trackingUri: string | undefined): Promise<PreparedEntryPoint>;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : describeValue(error);
}

async function openClient(options: RunProjectOptions): Promise<{ client: TrackingClient; trackingUri: string | undefined; owned: boolean }> {
  if (options.client !== undefined) {
    return { client: options.client, trackingUri: typeof options.store === 'string' ? options.store : undefined, owned: false };
  }
  if (typeof options.store === 'object') return { client: new TrackingClient(options.store), trackingUri: undefined, owned: false };
  const uri = options.store ?? defaultTrackingUri();
  return { client: new TrackingClient(await openStore(uri)), trackingUri: uri, owned: true };
}

/** The tags `mlflow run` sets (spec §4), plus edgeflow's project name/version. */
export function projectRunTags(project: Project, entryPoint: string, options: Pick<RunProjectOptions, 'version' | 'tags'> = {}): Record<string, LoggableValue> {
  return {
    [SystemTag.SOURCE_NAME]: project.source,
    [SystemTag.SOURCE_TYPE]: SourceType.PROJECT,
    [SystemTag.PROJECT_ENTRY_POINT]: entryPoint,
    // edgeflow never builds Python/conda/docker environments: it runs like `mlflow run --env-manager local`.
    [SystemTag.PROJECT_ENV]: 'local',
    [SystemTag.PROJECT_BACKEND]: 'local',
    [ProjectTag.NAME]: project.name,
    ...(options.version === undefined ? {} : { [ProjectTag.VERSION]: options.version }),
    ...options.tags,
  };
}

/**
 * Runs a project's entry point with a runtime's executor. Use `runProject` from `edgeflow/projects`
 * (browsers) or `edgeflow/node/projects` (Node) instead.
 * @internal
 */
export async function runProjectWith(project: Project, options: RunProjectOptions, executor: ProjectExecutor): Promise<ProjectRunResult> {
  const name = options.entryPoint ?? 'main';
  const entryPoint = getEntryPoint(project, name, executor.runtime, executor.shell);
  const parameters = resolveParameters(entryPoint, options.parameters ?? {}, executor.parameterOptions);
  const { client, trackingUri, owned } = await openClient(options);
  try {
    const prepared = await executor.prepare(project, entryPoint, parameters, trackingUri);
    let run: ActiveRun;
    try {
      run = await client.startRun({
        ...(options.experimentId === undefined ? {} : { experimentId: options.experimentId }),
        ...(options.experimentName === undefined ? {} : { experimentName: options.experimentName }),
        ...(options.runName === undefined ? {} : { runName: options.runName }),
        tags: projectRunTags(project, name, options),
      });
      const params = parameters.loggedParams;
      for (let i = 0; i < params.length; i += 100) await client.logBatch(run.runId, { params: params.slice(i, i + 100) });
    } catch (error) {
      await prepared.dispose();
      throw error;
    }
    let failure: unknown;
    let exitCode: number | null | undefined;
    let failed = false;
    try {
      if (options.signal?.aborted) throw EdgeflowError.invalidState('The project run was aborted before it started.');
      ({ exitCode } = await prepared.run(run, { trackingUri, ...(options.signal === undefined ? {} : { signal: options.signal }) }));
    } catch (error) {
      failed = true;
      failure = error;
      const code = error instanceof EdgeflowError ? error.details?.['exitCode'] : undefined;
      if (typeof code === 'number' || code === null) exitCode = code;
    } finally {
      await prepared.dispose();
    }
    if (failed) run.setTag(ProjectTag.ERROR, errorMessage(failure).slice(0, 8000));
    await run.end(failed ? 'FAILED' : 'FINISHED');
    return {
      runId: run.runId,
      experimentId: run.experimentId,
      status: failed ? 'FAILED' : 'FINISHED',
      entryPoint: name,
      parameters,
      ...(prepared.command === undefined ? {} : { command: prepared.command }),
      ...(exitCode === undefined ? {} : { exitCode }),
      ...(failed ? { error: errorMessage(failure) } : {}),
    };
  } finally {
    if (owned) await client.close();
  }
}
