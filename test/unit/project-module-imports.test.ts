import { describe, expect, it } from 'vitest';
import { assertSelfContainedModule, scanModuleImports } from '../../src/projects/module-imports.js';
import { isEdgeflowError } from '../../src/core/errors.js';

const specs = async (source: string): Promise<(string | null)[]> => (await scanModuleImports(source)).map((i) => i.specifier);

describe('scanModuleImports', () => {
  it('finds every static import form', async () => {
    const source = `
import a from './a.js';
import * as b from "b";
import { c, d as e } from './c.js'
import f, { g } from 'g'
import 'side-effect';
import json from './x.json' with { type: 'json' };
export * from './re.js';
export * as ns from './ns.js';
export { h, i as j } from "./h.js";
export { "string name" as k } from './k.js';
`;
    expect(await specs(source)).toEqual(['./a.js', 'b', './c.js', 'g', 'side-effect', './x.json', './re.js', './ns.js', './h.js', './k.js']);
  });

  it('finds dynamic imports, literal or computed', async () => {
    const imports = await scanModuleImports("const m = await import('./m.js');\nconst n = import(`n`);\nimport(name);\nimport('./o.js', { with: {} });");
    expect(imports.map((i) => [i.kind, i.specifier, i.line])).toEqual([
      ['dynamic', './m.js', 1],
      ['dynamic', 'n', 2],
      ['dynamic', null, 3],
      ['dynamic', './o.js', 4],
    ]);
  });

  it('ignores imports in comments, strings, templates and regexes', async () => {
    const source = [
      "// import x from './comment.js'",
      "/* import('./block.js') */",
      "const s = \"import y from './string.js'\";",
      "const t = 'export * from \\'./escaped.js\\'';",
      'const u = `import z from "./template.js" ${"}"} import("./tpl2.js")`;',
      "const r = /import\\(['\"]x['\"]\\)/g.test(s);",
      "const cls = /[/]import('cls')/;",
      'const d = 4 / 2 / 1; // import("./div.js")',
    ].join('\n');
    expect(await specs(source)).toEqual([]);
  });

  it('finds imports inside template substitutions', async () => {
    expect(await specs('const a = `x ${await import("./in-tpl.js")} y`;')).toEqual(['./in-tpl.js']);
  });

  it('is not fooled by import.meta, members, keys, methods and local exports', async () => {
    const source = `
const url = import.meta.url;
obj.import('./member.js');
obj?.import('./optional.js');
const o = { import: 1, export: 2 };
class A { import() { return 1; } }
export const x = 1;
export default function f() {}
export { x as y };
const from = 'z';
`;
    expect(await specs(source)).toEqual([]);
  });

  it('skips a hashbang line', async () => {
    expect(await specs("#!/usr/bin/env node\nimport a from './a.js';")).toEqual(['./a.js']);
  });

  it('reports unterminated literals with their line', async () => {
    await expect(scanModuleImports("const s = 'open")).rejects.toThrow(/unterminated string.* at line 1/u);
    await expect(scanModuleImports('const a = 1;\nconst t = `open')).rejects.toThrow(/at line 2/u);
    await expect(scanModuleImports("import x from 'y")).rejects.toSatisfy((e) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE'));
  });
});

describe('assertSelfContainedModule', () => {
  it('accepts a module without imports or with absolute URL imports', async () => {
    await expect(assertSelfContainedModule("export default () => 1;\nimport x from 'https://esm.sh/x@1';", 'a.js')).resolves.toBeUndefined();
  });

  it.each([
    ["import { h } from './helper.js';", './helper.js'],
    ["import _ from 'lodash';", 'lodash'],
    ["export * from '../up.js';", '../up.js'],
    ["await import('node:fs');", 'node:fs'],
  ])('rejects %s', async (source, specifier) => {
    try {
      await assertSelfContainedModule(`// header\n${source}`, 'train.js');
      throw new Error('expected an error');
    } catch (error) {
      expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
      const e = error as Error & { details?: Record<string, unknown> };
      expect(e.message).toContain(`train.js:2:`);
      expect(e.message).toContain(JSON.stringify(specifier));
      expect(e.message).toContain('self-contained');
      expect(e.details).toMatchObject({ entry: 'train.js', line: 2, specifier });
    }
  });

  it('rejects a computed dynamic import', async () => {
    await expect(assertSelfContainedModule('await import(url);', 'x.js')).rejects.toThrow(/computed specifier/u);
  });
});
