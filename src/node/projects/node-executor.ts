/**
 * Runs entry points in Node: module entry points in-process (dynamic `import()` of the file),
 * command entry points as child processes (`spawn` with `shell: true`) whose environment holds
 * `MLFLOW_RUN_ID`, `MLFLOW_EXPERIMENT_ID` and `MLFLOW_TRACKING_URI`, so the child's
 * `startRun()` (edgeflow's module API, or MLflow's Python client) joins the same run.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import type { ProjectEntryPoint, ProjectParameter } from '../../core/formats/mlproject.js';
import type { ActiveRun } from '../../core/run.js';
import { formatCommand, type ResolvedParameters } from '../../projects/parameters.js';
import type { Project } from '../../projects/project.js';
import type { PreparedEntryPoint, ProjectExecutor } from '../../projects/run-project.js';

/** Options of the Node executor. */
export interface NodeExecutorOptions {
  /** Receives the child's output as it comes; default: written to this process's stdout/stderr. */
  readonly onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Folder relative `path` parameter values are resolved against (MLflow: the caller's). Default `process.cwd()`. */
  readonly cwd?: string;
  /** Extra environment variables for command entry points. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * MLflow's `path` rule: a local value (no scheme, or `file:`) must exist and becomes absolute; a
 * remote URI is passed through unchanged (edgeflow does not download it, unlike MLflow).
 */
export function resolvePathParameter(value: string, parameter: ProjectParameter, cwd = process.cwd()): string {
  let local: string | undefined;
  if (/^file:/iu.test(value)) local = /^file:\/\//iu.test(value) ? fileURLToPath(value) : value.slice('file:'.length);
  else if (!/^[a-zA-Z][a-zA-Z0-9+.-]+:/u.test(value)) local = value;
  if (local === undefined) return value;
  const absolute = resolve(cwd, local);
  if (!existsSync(absolute)) {
    throw EdgeflowError.invalidParameterValue(
      `Got value ${describeValue(value)} for parameter ${describeValue(parameter.name)}, but no such file or directory was found.`,
      { details: { field: 'parameters', parameter: parameter.name } },
    );
  }
  return absolute;
}

/** The project's folder on disk, or a temp copy of its files (removed by `cleanup`). */
async function workingDirectory(project: Project): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  if (project.directory !== undefined) return { dir: project.directory, cleanup: async () => undefined };
  const paths = project.files.paths?.();
  if (paths === undefined) throw EdgeflowError.internalError('The project has neither a folder nor a file list.');
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-project-'));
  try {
    for (const path of paths) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await project.files.readBytes(path));
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function prepareModule(entryPoint: ProjectEntryPoint, parameters: ResolvedParameters, dir: string, cleanup: () => Promise<void>): Promise<PreparedEntryPoint> {
  const file = entryPoint.module!;
  const exportName = entryPoint.export ?? 'default';
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw EdgeflowError.invalidParameterValue(`entry_points.${entryPoint.name}.module names ${describeValue(file)}, but the project has no such file.`, { details: {
      key: `entry_points.${entryPoint.name}.module`,
    } });
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new EdgeflowError('INVALID_PARAMETER_VALUE', `${file}: cannot be imported: ${(cause as Error).message}`, { cause, details: { entry: file } });
  }
  const fn = namespace[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(namespace);
    throw EdgeflowError.invalidParameterValue(
      `${file}: export ${describeValue(exportName)} is ${fn === undefined ? 'missing' : `not a function (${typeof fn})`}; the module exports ${names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : 'nothing'}.`,
      { details: { entry: file, export: exportName, key: `entry_points.${entryPoint.name}.export` } },
    );
  }
  return {
    async run(run: ActiveRun) {
      await (fn as (params: unknown, run: ActiveRun) => unknown)(parameters.values, run);
      return {};
    },
    dispose: cleanup,
  };
}

/** A tracking URI a child process can open: `file:` URIs made absolute. */
function childTrackingUri(uri: string | undefined, entryPoint: string): string {
  if (uri === undefined || /^memory:/iu.test(uri) || /^idb:/iu.test(uri)) {
    throw EdgeflowError.invalidParameterValue(
      `Entry point ${describeValue(entryPoint)} runs as a child process, which logs through MLFLOW_TRACKING_URI; ` +
        `${uri === undefined ? 'no tracking URI is known' : `${describeValue(uri)} cannot be opened by another process`}. ` +
        "Use a file store (store: 'file:./mlruns') or a tracking server URI.",
      { details: { field: 'store' } },
    );
  }
  if (!/^file:/iu.test(uri)) return uri;
  const path = /^file:\/\//iu.test(uri) ? fileURLToPath(uri) : resolve(decodeURIComponent(uri.slice('file:'.length)) || '.');
  return pathToFileURL(path).href;
}

function prepareCommand(
  entryPoint: ProjectEntryPoint,
  parameters: ResolvedParameters,
  dir: string,
  cleanup: () => Promise<void>,
  trackingUri: string | undefined,
  options: NodeExecutorOptions,
): PreparedEntryPoint {
  const command = formatCommand(entryPoint, parameters);
  const uri = childTrackingUri(trackingUri, entryPoint.name);
  const output = options.onOutput ?? ((text, stream) => void (stream === 'stdout' ? process.stdout : process.stderr).write(text));
  return {
    command,
    async run(run: ActiveRun, context) {
      await run.flush(); // the child must see the run and its params
      return new Promise((resolvePromise, reject) => {
        // Its own process group, so an abort stops the shell and everything it started.
        const child = spawn(command, {
          shell: true,
          cwd: dir,
          env: { ...process.env, ...options.env, MLFLOW_RUN_ID: run.runId, MLFLOW_EXPERIMENT_ID: run.experimentId, MLFLOW_TRACKING_URI: uri },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: process.platform !== 'win32',
        });
        let aborted = false;
        const onAbort = (): void => {
          aborted = true;
          try {
            if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
            else child.kill('SIGTERM');
          } catch {
            // already gone
          }
        };
        if (context.signal?.aborted) onAbort();
        else context.signal?.addEventListener('abort', onAbort, { once: true });
        child.stdout.setEncoding('utf8').on('data', (text: string) => output(text, 'stdout'));
        child.stderr.setEncoding('utf8').on('data', (text: string) => output(text, 'stderr'));
        child.on('error', (error) => {
          context.signal?.removeEventListener('abort', onAbort);
          reject(error);
        });
        child.on('close', (code, signal) => {
          context.signal?.removeEventListener('abort', onAbort);
          if (code === 0 && !aborted) resolvePromise({ exitCode: 0 });
          else {
            const how = aborted ? 'was aborted' : code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
            reject(new EdgeflowError('INTERNAL_ERROR', `Command ${how}: ${command}`, { details: { exitCode: code, signal } }));
          }
        });
      });
    },
    dispose: cleanup,
  };
}

/** The Node {@link ProjectExecutor}. */
export function nodeExecutor(options: NodeExecutorOptions = {}, trackingUriOverride?: string): ProjectExecutor {
  return {
    runtime: 'node',
    shell: process.env['SHELL'] || 'bash',
    parameterOptions: { resolvePath: (value, parameter) => resolvePathParameter(value, parameter, options.cwd) },
    async prepare(project, entryPoint, parameters, trackingUri) {
      const isModule = entryPoint.module !== undefined;
      if (!isModule && project.environment.kind === 'docker_env') {
        throw new EdgeflowError('NOT_IMPLEMENTED', `Project ${describeValue(project.name)} runs its commands in Docker (docker_env); run it with \`mlflow run\`.`);
      }
      if (!isModule) childTrackingUri(trackingUriOverride ?? trackingUri, entryPoint.name); // fail before copying files
      const { dir, cleanup } = await workingDirectory(project);
      try {
        return isModule
          ? await prepareModule(entryPoint, parameters, dir, cleanup)
          : prepareCommand(entryPoint, parameters, dir, cleanup, trackingUriOverride ?? trackingUri, options);
      } catch (error) {
        await cleanup();
        throw error;
      }
    },
  };
}
