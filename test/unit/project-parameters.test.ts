import { describe, expect, it } from 'vitest';
import { formatPythonTemplate, parseMLproject, scriptEntryPoint, shellQuote } from '../../src/core/formats/mlproject.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { formatCommand, resolveParameters } from '../../src/projects/parameters.js';

// Spec §4's example.
const SPEC = parseMLproject(`
name: demo_project
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      data_path: path
      label: {type: string, default: "my label"}
    command: "python train.py --alpha {alpha} --data {data_path} --label {label}"
  validate:
    command: "python validate.py"
  typed:
    parameters:
      f: float
      i: int
      b: bool
      u: uri
      s: string
    command: "run {f} {i} {b} {u} {s}"
  braces:
    parameters:
      x: {type: string, default: "a b"}
    command: "echo {{literal}} {x} {{{x}}} }}"
`);
const main = SPEC.entryPoints['main']!;
const typedEntry = SPEC.entryPoints['typed']!;

function errorOf(fn: () => unknown): Error & { details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    expect(isEdgeflowError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    return error as Error & { details?: Record<string, unknown> };
  }
  throw new Error('expected an error');
}

describe('shellQuote (POSIX shlex.quote)', () => {
  it.each([
    ['0.5', '0.5'],
    ['', "''"],
    ['my label', "'my label'"],
    ["it's", `'it'"'"'s'`],
    ['a/b.c:d,e@f%g+h=i-j_k', 'a/b.c:d,e@f%g+h=i-j_k'],
    ['$HOME', "'$HOME'"],
    ['x;rm -rf /', "'x;rm -rf /'"],
    ['é', "'é'"],
    ["'", `''"'"''`],
  ])('%j → %s', (input, expected) => expect(shellQuote(input)).toBe(expected));
});

describe('formatCommand: MLflow substitution and quoting', () => {
  it("spec §4's golden example", () => {
    expect(formatCommand(main, { alpha: '0.5', data_path: 'data.csv', label: 'my label', x: '1 2' })).toBe(
      "python train.py --alpha 0.5 --data data.csv --label 'my label' --x '1 2'",
    );
  });
  it('fills defaults (the float default as Python writes it)', () => {
    expect(formatCommand(main, { data_path: 'd' })).toBe("python train.py --alpha 0.5 --data d --label 'my label'");
  });
  it("quotes an embedded ' as '\"'\"'", () => {
    expect(formatCommand(main, { data_path: "it's here", label: "a'b" })).toBe(`python train.py --alpha 0.5 --data 'it'"'"'s here' --label 'a'"'"'b'`);
  });
  it('appends extra parameters in the order given, quoted', () => {
    expect(formatCommand(SPEC.entryPoints['validate']!, { z: 'last one', a: 1, flag: true })).toBe("python validate.py --z 'last one' --a 1 --flag True");
  });
  it('keeps doubled braces literal', () => {
    expect(formatCommand(SPEC.entryPoints['braces']!, {})).toBe("echo {literal} 'a b' {'a b'} }");
  });
  it('numbers given from JS follow Python str()', () => {
    expect(formatCommand(main, { alpha: 1e-7, data_path: 'd' })).toBe("python train.py --alpha 1e-07 --data d --label 'my label'");
  });
});

describe('formatPythonTemplate errors (where Python raises)', () => {
  it.each([
    ['echo }', /single '\}'/u],
    ['echo {', /unclosed/u],
    ['echo {missing}', /not a declared parameter/u],
    ['echo {0}', /positional/u],
    ['echo {}', /positional/u],
    ['echo {x:>5}', /format spec/u],
    ['echo {x!r}', /conversion/u],
    ['echo {x.y}', /attribute/u],
    // Python would substitute these (README lists the supported subset): refused, never half-done.
    ['echo {x[0]}', /index access/u],
    ['echo {x!a}', /conversion/u],
  ])('%s', (template, re) => {
    expect(errorOf(() => formatPythonTemplate(template, { x: 'a' })).message).toMatch(re);
  });
  it('accepts {x!s}', () => expect(formatPythonTemplate('{x!s}', { x: 'a' })).toBe('a'));
});

describe('resolveParameters', () => {
  it('lists every missing required parameter in one error', () => {
    const error = errorOf(() => resolveParameters(typedEntry, { s: 'x' }));
    expect(error.message).toContain("'f', 'i', 'b', 'u'");
    expect(error.details?.['missing']).toEqual(['f', 'i', 'b', 'u']);
  });

  it('types values strictly and converts them for module entry points', () => {
    const resolved = resolveParameters(typedEntry, { f: '-1.5e-3', i: '42', b: 'TRUE', u: 's3://b/k', s: 'text', extra: '9' });
    expect(resolved.values).toEqual({ f: -0.0015, i: 42, b: true, u: 's3://b/k', s: 'text', extra: '9' });
    expect(resolveParameters(typedEntry, { f: 2, i: 3, b: false, u: 'file:x', s: 's' }).values).toMatchObject({ f: 2, i: 3, b: false });
  });

  it.each([
    ['f', 'abc', 'float'],
    ['f', 'nan', 'float'],
    ['f', '1,5', 'float'],
    ['i', '1.5', 'int'],
    ['i', '9007199254740993', 'int'],
    ['b', 'yes', 'bool'],
    ['u', 'no-scheme/path', 'URI'],
  ])('rejects %s=%j', (name, value, word) => {
    const given = { f: '1', i: '1', b: 'true', u: 'https://x', s: 's', [name]: value };
    const error = errorOf(() => resolveParameters(typedEntry, given));
    expect(error.message).toContain(word);
    expect(error.details?.['invalid']).toEqual([name]);
    expect(error.details?.['keys']).toEqual([`entry_points.typed.parameters.${name}`]);
  });

  it('accepts an int up to 2^53 - 1 in size (the README’s limit), with a message naming it beyond', () => {
    const given = { f: '1', b: 'true', u: 'https://x', s: 's' };
    expect(resolveParameters(typedEntry, { ...given, i: '9007199254740991' }).values['i']).toBe(2 ** 53 - 1);
    expect(resolveParameters(typedEntry, { ...given, i: '-9007199254740991' }).values['i']).toBe(-(2 ** 53 - 1));
    expect(errorOf(() => resolveParameters(typedEntry, { ...given, i: '9007199254740992' })).message).toContain('2^53 - 1');
  });

  it('reports all ill-typed parameters at once', () => {
    const error = errorOf(() => resolveParameters(typedEntry, { f: 'x', i: 'y', b: 'true', u: 'https://x', s: 's' }));
    expect(error.details?.['invalid']).toEqual(['f', 'i']);
  });

  it('logs params as MLflow does: quoted, declared then extra, paths as given', () => {
    const resolved = resolveParameters(main, { data_path: 'rel/data.csv', x: '1 2' }, { resolvePath: (v) => `/abs/${v}` });
    expect(resolved.loggedParams).toEqual([
      { key: 'alpha', value: '0.5' },
      { key: 'data_path', value: 'rel/data.csv' },
      { key: 'label', value: "'my label'" },
      { key: 'x', value: "'1 2'" },
    ]);
    expect(formatCommand(main, resolved)).toBe("python train.py --alpha 0.5 --data /abs/rel/data.csv --label 'my label' --x '1 2'");
  });

  it('rejects values that are not scalars', () => {
    expect(errorOf(() => resolveParameters(main, { data_path: {} as unknown as string })).message).toContain('data_path');
  });

  it('a module entry point has no command', () => {
    const spec = parseMLproject('entry_points:\n  m: {module: a.js}\n');
    expect(errorOf(() => formatCommand(spec.entryPoints['m']!, {})).message).toContain('no command');
  });
});

describe('script entry points (MLflow fallback)', () => {
  it.each([
    ['train.py', 'node', 'python train.py'],
    ['my script.py', 'node', "python 'my script.py'"],
    ['run.sh', 'node', 'zsh run.sh'],
    ['train.js', 'node', 'node train.js'],
    ['train.mjs', 'node', 'node train.mjs'],
  ] as const)('%s in %s', (name, runtime, command) => {
    expect(scriptEntryPoint(name, runtime, 'zsh')).toMatchObject({ name, command, parameters: [] });
  });
  it('.js in browsers is the module default export', () => {
    expect(scriptEntryPoint('./src/train.js', 'browser')).toMatchObject({ module: 'src/train.js', export: 'default' });
  });
  it('other names are not runnable', () => {
    expect(scriptEntryPoint('train.txt', 'node')).toBeUndefined();
    expect(scriptEntryPoint('main', 'node')).toBeUndefined();
  });
});
