/**
 * `edgeflow run`: runs an MLflow project (folder or zip) as a tracked run, like `mlflow run` with
 * `--env-manager local`. Arguments are parsed with `node:util` `parseArgs`.
 * @module
 */
import { defaultProjectTrackingUri, loadProject, runProject } from '../node/projects/index.js';
import { UsageError, type Command } from './command.js';

/** Parses repeated `-P key=value` into an object (MLflow's rules: `=` required, no repeats). */
export function parseParamList(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`Invalid format for -P parameter: '${item}'. Use -P name=value.`);
    const key = item.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new UsageError(`Repeated parameter: '${key}'.`);
    out[key] = item.slice(eq + 1);
  }
  return out;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The `run` command: `edgeflow run <dir|zip> -e <entry> -P key=value … [--experiment-name|--experiment-id]
 * [--run-name] [--tracking-uri]`. Exit code 0 when the run FINISHED, 1 when it FAILED or the project
 * cannot run (unknown entry point, bad parameters), 2 for bad arguments. Ctrl-C stops the entry
 * point (the child's process group) and ends the run FAILED.
 */
export const runCommand: Command = {
  name: 'run',
  summary: 'Run an MLflow project (folder or zip) as a tracked run',
  usage: 'edgeflow run <dir|zip> [-e ENTRY] [-P key=value ...] [--experiment-name NAME | --experiment-id ID] [--run-name NAME]',
  help: [
    '  -e, --entry-point NAME   Entry point, or a script (train.js, train.py) (default: main)',
    '  -P, --param-list K=V     A parameter; repeat for several (-P alpha=0.5 -P "label=a b")',
    '  --experiment-name NAME   Experiment by name (created when unknown)',
    '  --experiment-id ID       Experiment by id',
    '  --run-name NAME          Name of the run',
    '  --tracking-uri URI       Store to log into (default: $MLFLOW_TRACKING_URI, else file:./mlruns)',
    '',
    'Module entry points run in this process; command entry points run in a shell with',
    'MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_ID and MLFLOW_TRACKING_URI set, so their logging joins the run.',
    'Parameter types are checked before anything runs (float, int, bool, uri, path).',
  ].join('\n'),
  options: {
    'entry-point': { type: 'string', short: 'e' },
    'param-list': { type: 'string', short: 'P', multiple: true },
    'experiment-name': { type: 'string' },
    'experiment-id': { type: 'string' },
    'run-name': { type: 'string' },
    'tracking-uri': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give a project folder or zip.' : `expected one project, got ${positionals.length}.`);
    const experimentName = text(values['experiment-name']);
    const experimentId = text(values['experiment-id']);
    if (experimentName !== undefined && experimentId !== undefined) throw new UsageError('give --experiment-name or --experiment-id, not both.');
    const list = values['param-list'];
    const parameters = parseParamList(Array.isArray(list) ? list.map(String) : []);
    const runName = text(values['run-name']);
    const project = await loadProject(positionals[0]!);
    const controller = new AbortController();
    void io.interrupted.then(() => controller.abort());
    const result = await runProject(project, {
      entryPoint: text(values['entry-point']) ?? 'main',
      parameters,
      store: text(values['tracking-uri']) ?? defaultProjectTrackingUri(),
      ...(experimentName === undefined ? {} : { experimentName }),
      ...(experimentId === undefined ? {} : { experimentId }),
      ...(runName === undefined ? {} : { runName }),
      onOutput: (chunk, stream) => (stream === 'stdout' ? io.stdout : io.stderr)(chunk),
      signal: controller.signal,
    });
    if (result.command !== undefined) io.stderr(`=== Ran command '${result.command}' in run with ID '${result.runId}' ===\n`);
    if (result.status === 'FINISHED') {
      io.stderr(`=== Run (ID '${result.runId}') succeeded ===\n`);
      return 0;
    }
    io.stderr(`=== Run (ID '${result.runId}') failed: ${result.error ?? 'unknown error'} ===\n`);
    return 1;
  },
};
