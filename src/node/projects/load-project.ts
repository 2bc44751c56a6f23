/**
 * `loadProject` for Node: folders and zip files on disk, plus everything the browser-safe
 * `loadProject` reads (objects of files, zip bytes, Blobs, `http(s):` URLs).
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeflowError, describeValue } from '../../core/errors.js';
import { loadProject as loadPortable, type LoadProjectOptions, type ProjectSource } from '../../projects/load-project.js';
import { projectFromFiles, type Project, type ProjectFiles } from '../../projects/project.js';

/** {@link ProjectFiles} over a folder on disk (its root listed once); paths may not leave it. */
export async function filesFromFolder(directory: string): Promise<ProjectFiles> {
  const root = resolve(directory);
  const names = await readdir(root);
  const full = (path: string): string => {
    const target = resolve(root, path);
    if (target !== root && !target.startsWith(root + sep)) {
      throw EdgeflowError.invalidParameterValue(`Project path ${describeValue(path)} leaves the project folder.`, { details: { entry: path } });
    }
    return target;
  };
  return {
    rootNames: () => names,
    has: async (path) => existsSync(full(path)),
    readText: async (path) => readFile(full(path), 'utf8'),
    readBytes: async (path) => new Uint8Array(await readFile(full(path))),
  };
}

/**
 * Loads a project from a folder (`./demo/project`), a zip file path (`./demo.zip`), a `file:` URL,
 * or anything the portable `loadProject` reads (object of files, zip bytes or Blob, `http(s):` URL).
 * A folder's runs get its absolute path as `mlflow.source.name`, as `mlflow run` records it.
 * @throws `RESOURCE_DOES_NOT_EXIST` for a missing path; `INVALID_PARAMETER_VALUE` for a malformed
 * MLproject (naming the key) or a hostile zip
 */
export async function loadProject(source: string | ProjectSource, options: LoadProjectOptions = {}): Promise<Project> {
  let path: string | undefined;
  if (typeof source === 'string') path = resolve(source);
  else if (source instanceof URL && source.protocol === 'file:') path = fileURLToPath(source);
  if (path === undefined) return loadPortable(source as ProjectSource, options);
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new EdgeflowError('RESOURCE_DOES_NOT_EXIST', `No project at ${describeValue(path)}.`, { cause, details: { path } });
  }
  if (info.isDirectory()) {
    return projectFromFiles(await filesFromFolder(path), { name: options.name ?? basename(path), source: options.source ?? path, directory: path });
  }
  return loadPortable(new Uint8Array(await readFile(path)), {
    ...options,
    name: options.name ?? basename(path).replace(/\.zip$/iu, ''),
    source: options.source ?? path,
  });
}
