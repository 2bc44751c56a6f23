/**
 * The package's entry points, as users import them: every subpath of the README's "API reference"
 * table resolves through the package name (`edgeflow/...`, Node's self-reference over package.json
 * `exports`) and, from source, has the export the table names; the old names are aliases of the
 * same files; and package.json exports nothing the table does not list.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);

/** One row of the README's subpath table. */
interface DocumentedEntry {
  readonly specifier: string;
  readonly aliases: readonly string[];
  /** The export the table names for it (none for the side-effect entry). */
  readonly example: string | undefined;
}

/** The rows of the table under "## API reference": `edgeflow/x` (alias `edgeflow/y`) | … | `example`. */
function documentedEntries(readme: string): DocumentedEntry[] {
  const section = readme.slice(readme.indexOf('## API reference'), readme.indexOf('\n## ', readme.indexOf('## API reference') + 1));
  const rows = section.split('\n').filter((line) => line.startsWith('| `edgeflow'));
  return rows.map((row) => {
    const cells = row.split('|').map((cell) => cell.trim());
    const names = [...cells[1]!.matchAll(/`(edgeflow[^`]*)`/gu)].map((m) => m[1]!);
    const example = /^`(\w+)`$/u.exec(cells[3]!)?.[1];
    return { specifier: names[0]!, aliases: names.slice(1), example };
  });
}

/** What Node resolves each specifier to, through the package name, from the package's own folder. */
async function resolveThroughPackageName(specifiers: readonly string[]): Promise<Record<string, string>> {
  const script = `const out = {}; for (const s of ${JSON.stringify(specifiers)}) out[s] = import.meta.resolve(s); console.log(JSON.stringify(out));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(ROOT) });
  return JSON.parse(stdout) as Record<string, string>;
}

/** The built one-file browser entry comes from this source; every other `dist/x.js` from `src/x.ts`. */
const BUILT_FROM: Readonly<Record<string, string>> = { 'dist/browser/edgeflow.js': 'src/browser.ts' };

/** The source file behind a resolved `dist/` file. */
function sourceOf(resolved: string): URL {
  const relative = resolved.slice(ROOT.href.length);
  return new URL(BUILT_FROM[relative] ?? relative.replace(/^dist\//u, 'src/').replace(/\.js$/u, '.ts'), ROOT);
}

let entries: DocumentedEntry[];
let exportsMap: Record<string, unknown>;
let resolved: Record<string, string>;

beforeAll(async () => {
  entries = documentedEntries(await readFile(new URL('README.md', ROOT), 'utf8'));
  exportsMap = (JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { exports: Record<string, unknown> }).exports;
  resolved = await resolveThroughPackageName(entries.flatMap((e) => [e.specifier, ...e.aliases]));
});

describe('package entry points', () => {
  it('the README documents the subpaths package.json exports, and no others', () => {
    expect(entries.length).toBeGreaterThan(10);
    const documented = entries.flatMap((e) => [e.specifier, ...e.aliases]).map((s) => `.${s.slice('edgeflow'.length)}`);
    expect(Object.keys(exportsMap).filter((key) => key !== './package.json').sort()).toEqual(documented.sort());
  });

  it('each subpath is named after the src/ folder or file that holds it', () => {
    for (const { specifier } of entries) {
      const inSrc = sourceOf(resolved[specifier]!).href.slice(new URL('src/', ROOT).href.length);
      const sub = specifier.slice('edgeflow/'.length);
      if (specifier === 'edgeflow') expect(inSrc).toBe('index.node.ts');
      else expect(inSrc === `${sub}.ts` || inSrc.startsWith(`${sub}/`), `${specifier} → src/${inSrc}`).toBe(true);
    }
  });

  it('the old names resolve to the same files as the new ones', () => {
    const aliased = entries.filter((e) => e.aliases.length > 0);
    expect(aliased.map((e) => e.specifier).sort()).toEqual(['edgeflow/core/formats', 'edgeflow/storage/bundle']);
    for (const { specifier, aliases } of aliased) {
      for (const alias of aliases) {
        expect(resolved[alias], alias).toBe(resolved[specifier]);
        expect(exportsMap[`.${alias.slice('edgeflow'.length)}`], alias).toEqual(exportsMap[`.${specifier.slice('edgeflow'.length)}`]);
      }
    }
  });

  it('each subpath, imported from its source, has the export the README names', async () => {
    for (const { specifier, example } of entries) {
      const source = sourceOf(resolved[specifier]!);
      expect(existsSync(source), `${specifier} → ${source.href}`).toBe(true);
      const module = (await import(/* @vite-ignore */ pathToFileURL(fileURLToPath(source)).href)) as Record<string, unknown>;
      if (example === undefined) expect(Object.keys(module), specifier).toEqual([]);
      else expect(module[example], `${specifier} exports ${example}`).toBeDefined();
    }
  });
});
