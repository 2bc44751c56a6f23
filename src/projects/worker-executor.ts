/**
 * Runs module entry points in browsers: in a dedicated module Worker, the module loaded from a
 * `blob:` URL (so it must be self-contained: checked before anything runs).
 *
 * The worker logs through a small message protocol back to the page's run, not through a client
 * of its own: the page's store may be one a worker cannot open (a `memory:` store lives in the
 * page; a REST store may need the page's credentials), one writer keeps the logging order, and the
 * page's client validates every call. Protocol (all plain structured-clone data):
 *
 * - page → worker `{type: 'load', moduleUrl, exportName}`; worker → `{type: 'ready'}` once the
 *   module is imported and the export is a function, else `{type: 'failed', phase: 'load', error}`.
 *   The run is started only after `ready`.
 * - page → worker `{type: 'start', params, run: {runId, experimentId, runName}}`.
 * - worker → page `{type: 'call', method, args, id?}` for each logging call of the run handle;
 *   calls with an `id` (artifacts, `flush`) are answered `{type: 'result', id, error?}`. The first
 *   logging error fails the run.
 * - worker → page `{type: 'done'}` or `{type: 'failed', phase: 'run', error: {name, message, stack}}`.
 * @module
 */
import type { ActiveRun } from '../core/run.js';
import { EdgeflowError, describeValue } from '../core/errors.js';
import type { ProjectEntryPoint } from '../core/formats/mlproject.js';
import { assertSelfContainedModule } from './module-imports.js';
import type { ResolvedParameters } from './parameters.js';
import type { Project } from './project.js';
import type { PreparedEntryPoint, ProjectExecutor } from './run-project.js';

/** Methods of the worker-side run handle that are forwarded to the page's run. */
const FIRE_AND_FORGET = ['logMetric', 'logMetrics', 'logParam', 'logParams', 'setTag', 'setTags', 'setNote'] as const;
const AWAITED = ['logText', 'logDict', 'logArtifact', 'flush'] as const;
type ForwardedMethod = (typeof FIRE_AND_FORGET)[number] | (typeof AWAITED)[number];
const FORWARDED = new Set<string>([...FIRE_AND_FORGET, ...AWAITED]);

/** Messages a project worker sends to the page. */
export type WorkerToPage =
  | { readonly type: 'ready' }
  | { readonly type: 'call'; readonly method: ForwardedMethod; readonly args: readonly unknown[]; readonly id?: number }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly phase: 'load' | 'run'; readonly error: { name?: string; message: string; stack?: string } };

/** Messages the page sends to a project worker. */
export type PageToWorker =
  | { readonly type: 'load'; readonly moduleUrl: string; readonly exportName: string }
  | { readonly type: 'start'; readonly params: Readonly<Record<string, unknown>>; readonly run: { runId: string; experimentId: string; runName: string } }
  | { readonly type: 'result'; readonly id: number; readonly error?: { name?: string; message: string } };

// The worker's bootstrap: plain JavaScript, shipped as its own blob: module.
const BOOTSTRAP = `
const FIRE = ${JSON.stringify(FIRE_AND_FORGET)};
const AWAIT = ${JSON.stringify(AWAITED)};
const pending = new Map();
let nextId = 0;
let fn;
const toError = (e) => ({ name: e && e.name ? String(e.name) : 'Error', message: e && e.message !== undefined ? String(e.message) : String(e), stack: e && e.stack ? String(e.stack) : undefined });
function makeRun(info) {
  const run = { info, runId: info.runId, experimentId: info.experimentId };
  for (const m of FIRE) run[m] = (...args) => { self.postMessage({ type: 'call', method: m, args }); };
  for (const m of AWAIT) run[m] = (...args) => new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    self.postMessage({ type: 'call', method: m, args, id });
  });
  return Object.freeze(run);
}
self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === 'result') {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (p) msg.error ? p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name || 'Error' })) : p.resolve(undefined);
  } else if (msg.type === 'load') {
    try {
      const mod = await import(msg.moduleUrl);
      fn = mod[msg.exportName];
      if (typeof fn !== 'function') {
        const names = Object.keys(mod);
        throw new TypeError('export ' + JSON.stringify(msg.exportName) + ' is ' + (fn === undefined ? 'missing' : 'not a function (' + typeof fn + ')') + '; the module exports ' + (names.length ? names.map((n) => JSON.stringify(n)).join(', ') : 'nothing'));
      }
      self.postMessage({ type: 'ready' });
    } catch (e) {
      self.postMessage({ type: 'failed', phase: 'load', error: toError(e) });
    }
  } else if (msg.type === 'start') {
    try {
      await fn(msg.params, makeRun(msg.run));
      self.postMessage({ type: 'done' });
    } catch (e) {
      self.postMessage({ type: 'failed', phase: 'run', error: toError(e) });
    }
  }
};
`;

function describeFailure(error: { name?: string; message: string }): string {
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

async function forward(run: ActiveRun, method: ForwardedMethod, args: readonly unknown[]): Promise<void> {
  const target = run as unknown as Record<ForwardedMethod, (...a: unknown[]) => unknown>;
  await target[method](...args);
}

class WorkerEntryPoint implements PreparedEntryPoint {
  readonly #worker: Worker;
  readonly #urls: string[];
  readonly #params: Readonly<Record<string, unknown>>;
  #listener: ((message: WorkerToPage) => void) | undefined;
  #crash: ((message: string) => void) | undefined;

  constructor(worker: Worker, urls: string[], params: Readonly<Record<string, unknown>>) {
    this.#worker = worker;
    this.#urls = urls;
    this.#params = params;
    worker.onmessage = (event: MessageEvent<WorkerToPage>) => this.#listener?.(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#crash?.(event.message || 'the worker failed to load the module (syntax error or blocked import?)');
    };
    worker.onmessageerror = () => this.#crash?.('a message from the worker could not be read');
  }

  /** Imports the module in the worker and checks the export (before any run exists). */
  load(moduleUrl: string, exportName: string, file: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (message: string): void =>
        reject(EdgeflowError.invalidParameterValue(`${file}: cannot run export ${describeValue(exportName)}: ${message}`, { details: { entry: file, export: exportName } }));
      this.#crash = fail;
      this.#listener = (message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') fail(describeFailure(message.error));
      };
      this.#post({ type: 'load', moduleUrl, exportName });
    });
  }

  run(run: ActiveRun, context: { readonly signal?: AbortSignal }): Promise<{ exitCode?: number | null }> {
    return new Promise((resolve, reject) => {
      let loggingError: unknown;
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        context.signal?.removeEventListener('abort', onAbort);
        if (error === undefined && loggingError === undefined) resolve({});
        else reject(error ?? loggingError);
      };
      const onAbort = (): void => {
        this.#worker.terminate();
        finish(EdgeflowError.invalidState('The project run was aborted.'));
      };
      context.signal?.addEventListener('abort', onAbort);
      let chain: Promise<void> = Promise.resolve();
      this.#crash = (message) => finish(new Error(message));
      this.#listener = (message) => {
        if (message.type === 'call') {
          if (!FORWARDED.has(message.method)) return;
          // Calls are applied in the order the worker made them.
          chain = chain.then(async () => {
            let error: unknown;
            try {
              await forward(run, message.method, message.args);
            } catch (e) {
              error = e;
              loggingError ??= e;
            }
            if (message.id !== undefined) {
              const err = error instanceof Error ? { name: error.name, message: error.message } : error === undefined ? undefined : { message: String(error) };
              this.#post({ type: 'result', id: message.id, ...(err === undefined ? {} : { error: err }) });
            }
          });
        } else if (message.type === 'done') {
          void chain.then(() => finish());
        } else if (message.type === 'failed') {
          void chain.then(() => finish(new Error(describeFailure(message.error))));
        }
      };
      this.#post({ type: 'start', params: this.#params, run: { runId: run.runId, experimentId: run.experimentId, runName: run.info.runName } });
    });
  }

  async dispose(): Promise<void> {
    this.#worker.terminate();
    for (const url of this.#urls) URL.revokeObjectURL(url);
  }

  #post(message: PageToWorker): void {
    this.#worker.postMessage(message);
  }
}

/** Runs module entry points in a Worker; command entry points cannot run in browsers. */
export const workerExecutor: ProjectExecutor = {
  runtime: 'browser',
  async prepare(project: Project, entryPoint: ProjectEntryPoint, parameters: ResolvedParameters): Promise<PreparedEntryPoint> {
    if (entryPoint.module === undefined) {
      throw new EdgeflowError(
        'NOT_IMPLEMENTED',
        `Entry point ${describeValue(entryPoint.name)} is a shell command; browsers can run module entry points only (declare "module:" and "export:" in the MLproject).`,
        { details: { entryPoint: entryPoint.name } },
      );
    }
    if (typeof Worker === 'undefined') {
      throw new EdgeflowError('NOT_IMPLEMENTED', 'This runtime has no Worker; in Node, use runProject from edgeflow/node/projects.');
    }
    const file = entryPoint.module;
    const source = await project.files.readText(file);
    await assertSelfContainedModule(source, file);
    const moduleUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const bootstrapUrl = URL.createObjectURL(new Blob([BOOTSTRAP], { type: 'text/javascript' }));
    const worker = new Worker(bootstrapUrl, { type: 'module', name: `edgeflow project ${project.name}:${entryPoint.name}` });
    const prepared = new WorkerEntryPoint(worker, [moduleUrl, bootstrapUrl], parameters.values);
    try {
      await prepared.load(moduleUrl, entryPoint.export ?? 'default', file);
    } catch (error) {
      await prepared.dispose();
      throw error;
    }
    return prepared;
  },
};
