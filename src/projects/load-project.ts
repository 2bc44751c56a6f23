/**
 * `loadProject` for browsers, workers and Node: from an object of files, or from a zip (bytes,
 * Blob/File, or a URL to fetch) read through the hostile-zip guard. Node adds folders
 * (`edgeflow/node/projects`).
 * @module
 */
import { EdgeflowError, describeValue } from '../core/errors.js';
import { openZip, type GuardedZip, type ZipLimits } from '../core/formats/zip-guard.js';
import { projectFromFiles, type Project, type ProjectFiles } from './project.js';

/** Files given directly: path → text or bytes. */
export type ProjectFileMap = Readonly<Record<string, string | Uint8Array>>;

/** What {@link loadProject} reads. */
export type ProjectSource = ProjectFileMap | Uint8Array | ArrayBuffer | Blob | URL;

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /** Name when the MLproject has none (default: the zip or URL file name without `.zip`). */
  readonly name?: string;
  /** `mlflow.source.name` of its runs (default: the URL, or the name). */
  readonly source?: string;
  /** Limits for reading a zip (defaults of the zip guard). */
  readonly zipLimits?: Partial<ZipLimits>;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, path: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw EdgeflowError.invalidParameterValue(`Project file ${describeValue(path)} is not valid UTF-8 text.`, { details: { entry: path } });
  }
}

function missing(path: string): never {
  throw EdgeflowError.resourceDoesNotExist(`The project has no file ${describeValue(path)}.`, { details: { entry: path } });
}

/** {@link ProjectFiles} over an object of files. */
export function filesFromMap(map: ProjectFileMap): ProjectFiles {
  const entries = new Map<string, string | Uint8Array>();
  for (const [rawPath, content] of Object.entries(map)) {
    const path = rawPath.replace(/^(?:\.\/)+/u, '');
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw EdgeflowError.invalidParameterValue(`Project file ${describeValue(rawPath)} must be a string or a Uint8Array.`, { details: { entry: rawPath } });
    }
    entries.set(path, content);
  }
  const get = (path: string): string | Uint8Array => entries.get(path) ?? missing(path);
  return {
    rootNames: () => [...new Set([...entries.keys()].map((p) => p.split('/')[0]!))],
    has: async (path) => entries.has(path),
    readText: async (path) => {
      const content = get(path);
      return typeof content === 'string' ? content : decode(content, path);
    },
    readBytes: async (path) => {
      const content = get(path);
      return typeof content === 'string' ? new TextEncoder().encode(content) : content;
    },
    paths: () => [...entries.keys()],
  };
}

/**
 * {@link ProjectFiles} over a checked zip. When the root holds no `MLproject` and every entry sits in
 * one top folder (as GitHub's "Download ZIP" makes them), that folder is the project root.
 */
export function filesFromZip(zip: GuardedZip): ProjectFiles {
  const names = zip.files.map((e) => e.name);
  let prefix = '';
  const tops = new Set(zip.entries.map((e) => e.name.split('/')[0]!));
  const hasRootMLproject = names.some((n) => !n.includes('/') && n.toLowerCase() === 'mlproject');
  if (!hasRootMLproject && tops.size === 1 && names.every((n) => n.includes('/'))) prefix = `${[...tops][0]}/`;
  const inside = names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  const set = new Set(inside);
  const entry = (path: string): string => (set.has(path) ? prefix + path : missing(path));
  return {
    rootNames: () => [...new Set(inside.map((p) => p.split('/')[0]!))],
    has: async (path) => set.has(path),
    readText: async (path) => zip.readText(entry(path)),
    readBytes: async (path) => zip.read(entry(path)),
    paths: () => inside,
  };
}

function zipName(text: string): string | undefined {
  const last = decodeURIComponent(text.split(/[/\\]/u).filter(Boolean).at(-1) ?? '');
  const name = last.replace(/\.zip$/iu, '');
  return name === '' ? undefined : name;
}

function isFileMap(value: unknown): value is ProjectFileMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Loads a project from an object of files (`{'MLproject': '…', 'train.js': '…'}`), a zip (bytes,
 * Blob/File) or a URL of a zip. Zips are read through the hostile-zip guard: nothing is extracted.
 * A project without `MLproject` gets MLflow's defaults: its name from the zip, no declared entry
 * points, and script names (`train.py`, `run.sh`, `train.js`) runnable as entry points.
 * @throws `INVALID_PARAMETER_VALUE` for a hostile zip or a malformed MLproject (naming the key);
 * `RESOURCE_DOES_NOT_EXIST` when a URL cannot be fetched
 * @example
 * ```ts
 * const project = await loadProject(new URL('/projects/demo.zip', location.href));
 * const result = await runProject(project, { parameters: { alpha: '0.3' }, experimentName: 'demo' });
 * ```
 */
export async function loadProject(source: ProjectSource, options: LoadProjectOptions = {}): Promise<Project> {
  if (source instanceof URL) {
    let response: Response;
    try {
      response = await fetch(source);
    } catch (cause) {
      throw new EdgeflowError('RESOURCE_DOES_NOT_EXIST', `Could not fetch project ${describeValue(source.href)}.`, { cause, details: { uri: source.href } });
    }
    if (!response.ok) {
      throw EdgeflowError.resourceDoesNotExist(`Could not fetch project ${describeValue(source.href)}: HTTP ${response.status}.`, { details: { uri: source.href } });
    }
    const blob = await response.blob();
    return loadZip(blob, { ...options, name: options.name ?? zipName(source.pathname), source: options.source ?? source.href });
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer || (typeof Blob !== 'undefined' && source instanceof Blob)) {
    const fileName = typeof File !== 'undefined' && source instanceof File ? zipName(source.name) : undefined;
    return loadZip(source, { ...options, name: options.name ?? fileName });
  }
  if (typeof source === 'string') {
    throw EdgeflowError.invalidParameterValue(
      `loadProject(${describeValue(source)}): give a URL object for a zip to fetch, or use loadProject from 'edgeflow/node/projects' for a folder or zip path.`,
      { details: { field: 'source' } },
    );
  }
  if (!isFileMap(source)) throw EdgeflowError.invalidParameterValue(`loadProject: unsupported source ${describeValue(source)}.`, { details: { field: 'source' } });
  return projectFromFiles(filesFromMap(source), options);
}

async function loadZip(input: Uint8Array | ArrayBuffer | Blob, options: LoadProjectOptions & { name?: string | undefined }): Promise<Project> {
  const zip = await openZip(input, options.zipLimits);
  return projectFromFiles(filesFromZip(zip), {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.source === undefined ? {} : { source: options.source }),
  });
}
