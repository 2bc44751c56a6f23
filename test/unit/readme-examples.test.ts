/**
 * The README's TypeScript examples type-check against the sources, imported the way users import
 * them: each `edgeflow…` specifier resolves through package.json's `exports` (its `types` file,
 * mapped from `dist/` back to `src/`), so a renamed export, a changed signature or a subpath the
 * package does not export fails here. Each ```ts block is its own module; the names a block uses
 * without defining them (a `client` from the first example, say) are declared once in PRELUDE.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The names README examples take from the examples before them, typed as those examples make them. */
const PRELUDE = `
import type { ActiveRun, Store, TrackingClient } from 'edgeflow';
declare global {
  const client: TrackingClient;
  const run: ActiveRun;
  const store: Store;
  const otherStore: Store;
  const experimentId: string;
  const id: string;
  function getToken(): Promise<string>;
}
export {};
`;

interface Example {
  readonly line: number;
  readonly code: string;
}

/** Every ```ts block of the README with the line its code starts on. */
function readmeExamples(): Example[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    examples.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return examples;
}

/** `paths` for each subpath of package.json's `exports`: `edgeflow/x` → the source of its types file. */
function exportPaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, { types?: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (!target.types) continue;
    const source = target.types.replace(/^\.\/dist\//, './src/').replace(/\.d\.ts$/, '.ts');
    paths[pkg.name + subpath.slice(1)] = [join(ROOT, source)];
  }
  return paths;
}

describe('README examples', () => {
  // Inside the repo, so the examples resolve their other packages (`@tensorflow/tfjs`) from node_modules.
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.readme-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the examples', () => {
    expect(readmeExamples().length).toBeGreaterThanOrEqual(10);
  });

  it('type-check against the exported API', () => {
    const examples = readmeExamples();
    const files = examples.map((example, index) => {
      const file = join(dir, `readme-line-${example.line}.ts`);
      // `export {}` makes a block without imports a module, so its top-level await and names stay its own.
      writeFileSync(file, `${example.code}\nexport {};\n`);
      return { file, example, index };
    });
    const prelude = join(dir, 'prelude.ts');
    writeFileSync(prelude, PRELUDE);

    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    });
    if (!config) throw new Error('tsconfig.json did not parse');
    const options: ts.CompilerOptions = { ...config.options, paths: exportPaths(), noUnusedLocals: false };
    const program = ts.createProgram([prelude, ...files.map((f) => f.file)], options);

    const problems = files.flatMap(({ file, example }) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        return `README.md:${example.line + at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
    expect(problems).toEqual([]);
  }, 180_000);
});
