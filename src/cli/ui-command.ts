/**
 * `edgeflow ui <bundle.zip | mlruns dir>`: serves the edgeflow viewer over a local `mlruns/`
 * folder (FileStore) or a zip bundle (BundleStore) on 127.0.0.1, read-only unless `--write`.
 * The page talks MLflow's REST API to this server through `RestStore`. A random token is made at
 * each launch and printed in the URL (`--token`, `--no-token`); see `node/http-guard.ts`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../core/store.js';
import { BundleStore } from '../storage/bundle/bundle-store.js';
import { FileStore } from '../node/file-store.js';
import { UsageError, type Command } from './command.js';
import { startUiServer } from './ui-server.js';

/** Where `npm run build` puts the page (`dist/viewer/ui`, next to `dist/cli`). */
export const DEFAULT_VIEWER_DIR = fileURLToPath(new URL('../viewer/ui/', import.meta.url));

/** Opens what `edgeflow ui` serves: a folder as a FileStore, a file as a read-only bundle. */
export async function openUiSource(source: string, write: boolean): Promise<Store> {
  let info;
  try {
    info = await stat(source);
  } catch {
    throw new UsageError(`'${source}' does not exist: give an mlruns folder or a bundle .zip.`);
  }
  if (info.isDirectory()) return FileStore.open(source);
  if (write) throw new UsageError('--write needs an mlruns folder: zip bundles are read-only.');
  return BundleStore.open(new Uint8Array(await readFile(source)));
}

function parsePort(value: unknown): number {
  if (value === undefined) return 5000;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/u.test(value) || port > 65535) throw new UsageError(`--port must be a number 0–65535, got '${String(value)}'.`);
  return port;
}

function parseOrigins(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((origin) => {
    let url: URL;
    try {
      url = new URL(String(origin));
    } catch {
      throw new UsageError(`--cors-origin must be an origin such as https://your.app, got '${String(origin)}'.`);
    }
    if (url.origin === 'null' || `${url.origin}/` !== url.href.replace(/\/?$/u, '/')) {
      throw new UsageError(`--cors-origin must be an origin (scheme, host, port) without a path, got '${String(origin)}'.`);
    }
    return url.origin;
  });
}

const MIB = 1024 * 1024;

function parseUploadLimit(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/u.test(value) || Number(value) < 1 || Number(value) > 1024 * 1024) {
    throw new UsageError(`--max-upload-mb must be a whole number of MiB from 1 to 1048576, got '${String(value)}'.`);
  }
  return Number(value) * MIB;
}

/** The token to ask for: `--token`'s, a fresh random one, or none with `--no-token`. */
function chooseToken(value: unknown, disabled: boolean): string | undefined {
  if (disabled) {
    if (value !== undefined) throw new UsageError('give either --token or --no-token, not both.');
    return undefined;
  }
  if (value === undefined) return randomBytes(24).toString('base64url');
  if (typeof value !== 'string' || !/^[A-Za-z0-9._~-]{16,}$/u.test(value)) {
    throw new UsageError('--token must be at least 16 characters of A-Z, a-z, 0-9, ".", "_", "~" or "-".');
  }
  return value;
}

function parseAllowedHosts(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((entry) => {
    const name = String(entry).trim().toLowerCase();
    if (!/^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/u.test(name)) {
      throw new UsageError(`--allowed-host must be a host name, optionally with a port (mlflow.internal:5000), got '${String(entry)}'.`);
    }
    return name;
  });
}

/** The `ui` command. */
export const uiCommand: Command = {
  name: 'ui',
  summary: 'Serve the edgeflow viewer over an mlruns folder or a bundle zip (read-only unless --write)',
  usage: 'edgeflow ui <bundle.zip | mlruns dir> [--port N] [--host 127.0.0.1] [--write] [--cors-origin URL]… [--allowed-host NAME]… [--token T | --no-token]',
  help: [
    '  --port N            Port to listen on (default 5000; 0 = any free port)',
    '  --host ADDRESS      Address to listen on (default 127.0.0.1; other addresses expose your runs)',
    '  --write             Allow changes to an mlruns folder: runs, experiments, artifacts, the model registry',
    '  --cors-origin URL   Let pages from this origin call the REST API (repeatable), e.g. https://your.app',
    '  --allowed-host NAME Answer requests for this Host name too, e.g. mlflow.internal[:5000] (repeatable);',
    '                      by default only 127.0.0.1, localhost, [::1] and --host are answered',
    '  --token TEXT        The token requests must carry (default: a new random one, shown in the URL)',
    '  --no-token          Ask for no token: any program or user on this machine can reach the server',
    '  --max-upload-mb N   Largest artifact upload with --write, in MiB (default 256)',
    '  --title TEXT        Page title (default: the folder or file name)',
    '  --viewer-dir DIR    Serve the viewer page from DIR instead of the built-in one (development)',
  ].join('\n'),
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    write: { type: 'boolean' },
    'cors-origin': { type: 'string', multiple: true },
    'allowed-host': { type: 'string', multiple: true },
    token: { type: 'string' },
    'no-token': { type: 'boolean' },
    'max-upload-mb': { type: 'string' },
    title: { type: 'string' },
    'viewer-dir': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give an mlruns folder or a bundle .zip.' : `expected one source, got ${positionals.length}.`);
    const source = resolve(positionals[0]!);
    const port = parsePort(values['port']);
    const host = typeof values['host'] === 'string' ? values['host'] : '127.0.0.1';
    const write = values['write'] === true;
    const corsOrigins = parseOrigins(values['cors-origin']);
    const allowedHosts = parseAllowedHosts(values['allowed-host']);
    const token = chooseToken(values['token'], values['no-token'] === true);
    const maxUploadBytes = parseUploadLimit(values['max-upload-mb']);
    const viewerDir = typeof values['viewer-dir'] === 'string' ? resolve(values['viewer-dir']) : DEFAULT_VIEWER_DIR;
    const store = await openUiSource(source, write);
    try {
      await stat(resolve(viewerDir, 'index.html'));
    } catch {
      await store.close();
      throw new Error(`The viewer page is missing in ${viewerDir}; build it with \`npm run build\`.`);
    }
    const title = typeof values['title'] === 'string' ? values['title'] : basename(source);
    const server = await startUiServer({
      store,
      viewerDir,
      title,
      readOnly: !write,
      host,
      port,
      corsOrigins,
      allowedHosts,
      ...(token === undefined ? {} : { token }),
      ...(maxUploadBytes === undefined ? {} : { maxUploadBytes }),
      localPaths: [...new Set([source, await realpath(source)])],
      onInternalError: (error) => io.stderr(`edgeflow ui: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    });
    const exposed = host !== '127.0.0.1' && host !== 'localhost' && host !== '::1';
    if (exposed) io.stderr(`warning: listening on ${host}: anyone who can reach it${token === undefined ? '' : ' and has the token'} can read${write ? ' and change' : ''} these runs.\n`);
    if (token === undefined) io.stderr(`warning: --no-token: any program or user on this machine can read${write ? ' and change' : ''} these runs.\n`);
    io.stdout(`edgeflow ui: serving ${source} (${write ? 'read-write' : 'read-only'}) at ${server.pageUrl}\n`);
    await io.interrupted;
    await server.close();
    await store.close();
    return 0;
  },
};
