/**
 * Builds `edgeflow/browser` with Vite (build time only; `vite` is a dev dependency): one
 * self-contained, minified ES module `<outDir>/edgeflow.js` (Lit in its production build, uPlot,
 * comlink, idb, fflate, zod, yaml, marked and DOMPurify bundled; no import specifier left for
 * the page to resolve) and its one sibling, the IndexedDB worker `edgeflow-idb-worker.js`, each
 * with a source map.
 *
 * `npm run build` runs it as `tsx src/cli/build-browser.ts dist/browser`; tests call
 * {@link buildBrowser} on a temp folder.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';
import { SIBLING_WORKER_FILE } from '../storage/idb/start-sibling-worker.js';

/** File name of the module a page loads. */
export const BROWSER_FILE = 'edgeflow.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(SRC, '..');
const START_WORKER = join(SRC, 'storage', 'idb', 'start-worker.ts');
const START_SIBLING_WORKER = join(SRC, 'storage', 'idb', 'start-sibling-worker.ts');

/** Where {@link buildBrowser} put things, and what they weigh. */
export interface BuiltBrowser {
  /** Path of `edgeflow.js`. */
  readonly file: string;
  /** Path of the worker file next to it. */
  readonly workerFile: string;
  /** Bytes of `edgeflow.js`, raw and gzipped (level 9). */
  readonly size: { readonly raw: number; readonly gzip: number };
  /** Bytes of the worker file, raw and gzipped. */
  readonly workerSize: { readonly raw: number; readonly gzip: number };
}

/** In the one-file build the worker is the sibling file, started cross-origin through a blob. */
const siblingWorker: Plugin = {
  name: 'edgeflow-sibling-worker',
  enforce: 'pre',
  async resolveId(source, importer, options) {
    if (!source.includes('start-worker')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved?.id === START_WORKER ? START_SIBLING_WORKER : null;
  },
};

/** One minified, self-contained ES module of `entry` named `fileName` in `outDir`. */
async function buildOne(entry: string, outDir: string, fileName: string, plugins: Plugin[]): Promise<Rolldown.OutputChunk> {
  const output = await build({
    configFile: false,
    logLevel: 'error',
    mode: 'production',
    plugins,
    define: { 'process.env.NODE_ENV': '"production"' },
    // Lit's production build even when NODE_ENV says otherwise (vitest sets `test`).
    resolve: { conditions: ['module', 'browser', 'production'] },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      sourcemap: true,
      reportCompressedSize: false,
      lib: { entry, formats: ['es'], fileName: () => fileName },
      // Vite leaves whitespace in ES libraries; this file is for pages, not for other bundlers.
      rolldownOptions: {
        output: {
          codeSplitting: false,
          minify: true,
          // Sources named from the package root (`src/…`, `node_modules/…`), not from this machine's folders.
          sourcemapPathTransform: (source, mapFile) => relative(ROOT, resolve(dirname(mapFile), source)),
        },
      },
    },
  });
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => ('output' in o ? o.output : [])).filter((c) => c.type === 'chunk');
  const chunk = chunks.find((c) => c.fileName === fileName);
  if (chunk === undefined || chunks.length !== 1) throw new Error(`build-browser: expected one chunk ${fileName}, got ${chunks.map((c) => c.fileName).join(', ')}`);
  if (chunk.imports.length > 0) throw new Error(`build-browser: ${fileName} still imports ${chunk.imports.join(', ')}`);
  return chunk;
}

async function sizeOf(file: string): Promise<{ raw: number; gzip: number }> {
  const bytes = await readFile(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Builds `edgeflow.js` and its worker into `outDir` (created if missing; other files are left alone). */
export async function buildBrowser(outDir: string): Promise<BuiltBrowser> {
  const out = resolve(outDir);
  await buildOne(join(SRC, 'storage', 'idb', 'idb.worker.ts'), out, SIBLING_WORKER_FILE, []);
  await buildOne(join(SRC, 'browser.ts'), out, BROWSER_FILE, [siblingWorker]);
  const file = join(out, BROWSER_FILE);
  const workerFile = join(out, SIBLING_WORKER_FILE);
  return { file, workerFile, size: await sizeOf(file), workerSize: await sizeOf(workerFile) };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildBrowser(process.argv[2] ?? join(SRC, '..', 'dist', 'browser'));
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(
    `browser build: ${built.file} ${kb(built.size.raw)} (gzip ${kb(built.size.gzip)}), ` +
      `${built.workerFile} ${kb(built.workerSize.raw)} (gzip ${kb(built.workerSize.gzip)})\n`,
  );
}
