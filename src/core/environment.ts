/**
 * What edgeflow can learn about where it runs (user, source), without depending on the DOM or
 * Node typings at run time.
 * @module
 */
import { SourceType } from './system-tags.js';

interface NodeLikeProcess {
  readonly env: Record<string, string | undefined>;
  readonly argv?: readonly string[];
  readonly versions?: { readonly node?: string };
}

/** Node's `process` when running in Node, else undefined. */
export function nodeProcess(): NodeLikeProcess | undefined {
  const candidate = (globalThis as { process?: NodeLikeProcess }).process;
  return candidate?.versions?.node === undefined ? undefined : candidate;
}

/** The user recorded on runs: the OS login in Node, `unknown` elsewhere (as MLflow's default). */
export function defaultUserId(): string {
  const env = nodeProcess()?.env;
  return env?.['USER'] || env?.['USERNAME'] || env?.['LOGNAME'] || 'unknown';
}

/** `mlflow.source.name`/`mlflow.source.type` for a run started here. */
export function defaultSourceTags(): Record<string, string> {
  const proc = nodeProcess();
  if (proc !== undefined) {
    const script = proc.argv?.[1];
    return { 'mlflow.source.name': script ?? '<node>', 'mlflow.source.type': SourceType.LOCAL };
  }
  const location = (globalThis as { location?: { origin?: string; pathname?: string } }).location;
  const name = location?.origin !== undefined ? `${location.origin}${location.pathname ?? ''}` : '<browser>';
  return { 'mlflow.source.name': name, 'mlflow.source.type': SourceType.LOCAL };
}
