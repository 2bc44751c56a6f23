/**
 * Builds the browser bundles of the viewer with Vite (build time only; `vite` is a dev
 * dependency): `<outDir>/ui/` (the `edgeflow ui` page: index.html + assets) and
 * `<outDir>/report.js` (one self-contained ES module for `exportReport`).
 *
 * `npm run build` runs it as `tsx src/cli/build-viewer.ts dist/viewer`; tests call
 * {@link buildViewer} on a temp folder.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Where {@link buildViewer} put things. */
export interface BuiltViewer {
  /** Folder of the `edgeflow ui` page. */
  readonly uiDir: string;
  /** Path of the report bundle. */
  readonly reportFile: string;
  /** Its text. */
  readonly reportScript: string;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Options of {@link buildViewer}. */
export interface BuildViewerOptions {
  /** Build the `edgeflow ui` page (default true). */
  readonly ui?: boolean;
}

/** Builds the viewer bundles into `outDir`. */
export async function buildViewer(outDir: string, options: BuildViewerOptions = {}): Promise<BuiltViewer> {
  const out = resolve(outDir);
  const common = { configFile: false as const, logLevel: 'error' as const };
  if (options.ui !== false) await build({
    ...common,
    root: join(HERE, 'viewer'),
    base: './',
    build: { outDir: join(out, 'ui'), emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
    worker: { format: 'es' },
  });
  await build({
    ...common,
    build: {
      outDir: out,
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      reportCompressedSize: false,
      lib: { entry: join(HERE, '..', 'report', 'report-main.ts'), formats: ['es'], fileName: () => 'report.js' },
      rolldownOptions: { output: { codeSplitting: false } },
    },
    worker: { format: 'es' },
  });
  const reportFile = join(out, 'report.js');
  return { uiDir: join(out, 'ui'), reportFile, reportScript: await readFile(reportFile, 'utf8') };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2] ?? join(HERE, '..', '..', 'dist', 'viewer');
  const built = await buildViewer(target);
  process.stdout.write(`viewer built: ${built.uiDir}, ${built.reportFile}\n`);
}
