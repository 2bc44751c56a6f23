import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { YamlFloat, dumpYaml, parseYaml, yamlFloat, type YamlValue } from '../../src/core/formats/yaml-dialect.js';
import { isEdgeflowError } from '../../src/core/errors.js';

interface GoldenCase {
  readonly doc: unknown;
  readonly allowUnicode: boolean;
  readonly text: string;
}

const golden = JSON.parse(
  readFileSync(new URL('../fixtures/yaml-dialect/pyyaml-golden.json', import.meta.url), 'utf8'),
) as { pyyaml: string; cases: GoldenCase[] };

/** Turns the tagged JSON of make-golden.py back into dumpYaml input. */
function untag(value: unknown): YamlValue {
  if (Array.isArray(value)) return value.map(untag);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if ('$int' in record) return BigInt(record.$int as string);
    if ('$float' in record) {
      const text = record.$float as string;
      return yamlFloat(text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));
    }
    const out: Record<string, YamlValue> = Object.create(null) as Record<string, YamlValue>;
    for (const [k, v] of record.$map as [string, unknown][]) out[k] = untag(v);
    return out;
  }
  return value as YamlValue;
}

describe('dumpYaml reproduces PyYAML safe_dump', () => {
  it('has a golden table made by real PyYAML', () => {
    expect(golden.cases.length).toBeGreaterThan(300);
  });
  for (const [i, c] of golden.cases.entries()) {
    it(`case ${i} (allowUnicode=${c.allowUnicode}): ${JSON.stringify(c.text).slice(0, 60)}`, () => {
      expect(dumpYaml(untag(c.doc), { allowUnicode: c.allowUnicode })).toBe(c.text);
    });
  }
});

describe('parseYaml (YAML 1.1, as PyYAML safe_load)', () => {
  it('reads YAML 1.1 scalars', () => {
    const data = parseYaml("a: yes\nb: 'yes'\nc: 0o17\nd: 1:20\ne: '1'\nf: ~\ng: .nan\nh: 1.0e+20\n__proto__: x\n", 'f') as Record<string, unknown>;
    expect(data.a).toBe(true);
    expect(data.b).toBe('yes');
    expect(data.c).toBe('0o17');
    expect(data.d).toBe(80);
    expect(data.e).toBe('1');
    expect(data.f).toBeNull();
    expect(data.g).toBeNaN();
    expect(data.h).toBe(1e20);
    expect(Object.getPrototypeOf(data)).toBeNull();
    expect(Object.keys(data)).toContain('__proto__');
  });

  it('reads flat mappings (as MLflow writes every run meta.yaml) exactly as the full parser does', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const keys = ['run_id', 'status', 'tags', 'a', '_x', '__proto__', 'yes', 'null', 'On', 'key1', 'x'.repeat(1001), '1a', '-k', 'a-b', 'a b'];
    const values = [
      "''", "'0'", "'it''s'", "'a # b'", "''''", "'unclosed", "'a' b", '[]', '{}', 'null', '~', 'Null', 'yes', 'NO', 'true', 'off', '0', '-7', '1700000000000',
      '12345678901234567890', '0o17', '017', '0x1F', '1_000', '1:20', '1.5', '-1.0e+20', '1e5', '.nan', '-.inf', '2024-01-01', '2024-1-1 10:00:00', 'active',
      'mlruns/0/abc/artifacts', 'file:///tmp/mlruns/0', 'mlflow-artifacts:/x', 'abc:', 'a:b', '-', '-x', '--', '~user', '.hidden', '@x', '`x', '!tag x', '&a x',
      '*a', 'a #c', '#c', '"q"', 'a,b', '[1]', 'é', 'x ', '',
    ];
    const outcome = (source: string): unknown => {
      try {
        return { value: parseYaml(source, 'm.yaml') };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    let read = 0;
    for (let doc = 0; doc < 3000; doc++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () => `${pick(keys)}: ${pick(values)}`);
      const text = lines.join('\n') + (random() < 0.8 ? '\n' : '');
      // A comment line first sends the same document through the parser.
      const viaParser = outcome(`# parsed\n${text}`);
      expect(outcome(text), JSON.stringify(text)).toEqual(viaParser);
      if ('value' in (viaParser as object)) read++;
    }
    expect(read).toBeGreaterThan(300);
  });

  it('reads back exactly what PyYAML wrote, for every golden case', () => {
    const plain = (v: YamlValue): unknown => {
      if (v instanceof YamlFloat) return v.value;
      if (Array.isArray(v)) return v.map(plain);
      if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x as YamlValue)]));
      return v;
    };
    for (const c of golden.cases) {
      // NEL/LS/PS are line breaks only to PyYAML's reader (YAML 1.1); MLflow meta files never hold them.
      if (/[\u0085\u2028\u2029]/u.test(c.text)) continue;
      expect(JSON.parse(JSON.stringify(parseYaml(c.text, 'golden'), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))).toEqual(
        JSON.parse(JSON.stringify(plain(untag(c.doc)), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))),
      );
    }
  });

  it('resolves plain scalars with PyYAML\'s patterns, not YAML 1.2 or yaml\'s 1.1 schema', () => {
    const data = parseYaml(
      'run: 29923948327343579934e02974131434\nexp: 1e5\nhex: 0x1F\noct: 017\nsexa: 190:20:30\nfl: 1_000.5\ntagged: !!str 5\nint: !!int "7"\nd: 2024-01-02\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n',
      'f',
    ) as Record<string, unknown>;
    expect(data.run).toBe('29923948327343579934e02974131434');
    expect(data.exp).toBe('1e5');
    expect(data.hex).toBe(31);
    expect(data.oct).toBe(15);
    expect(data.sexa).toBe(685230);
    expect(data.fl).toBe(1000.5);
    expect(data.tagged).toBe('5');
    expect(data.int).toBe(7);
    expect(data.d).toEqual(new Date(Date.UTC(2024, 0, 2)));
    expect({ ...(data.m as object) }).toEqual({ x: 1, y: 2 });
    expect(() => parseYaml('a: !!python/name:os.system x\n', 'evil.yaml')).toThrow(/evil\.yaml.*unsupported YAML tag/u);
  });

  it.each(['a: [', 'a: 1\na: 2', 'a: *x', 'a: &a [*a]', '\t- x', 'a: b: c'])('rejects %j naming the file', (text) => {
    try {
      parseYaml(text, 'mlruns/1/meta.yaml');
    } catch (e) {
      expect(isEdgeflowError(e, 'INVALID_PARAMETER_VALUE')).toBe(true);
      expect((e as Error).message).toContain('mlruns/1/meta.yaml');
      return;
    }
    throw new Error('expected a rejection');
  });

  it('refuses alias bombs', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`;
    expect(() => parseYaml(bomb, 'bomb.yaml')).toThrow(/bomb\.yaml/u);
  });
});

/** The INVALID_PARAMETER_VALUE message `run` throws, or fails the test. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(isEdgeflowError(e, 'INVALID_PARAMETER_VALUE'), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected INVALID_PARAMETER_VALUE');
}

describe('parseYaml bounds work and memory for hostile documents', () => {
  it('refuses alias fan-out (one anchor, 45,000 aliases) by the alias count', () => {
    const fanOut = `a: &x v\nb: [${Array(45_000).fill('*x').join(', ')}]\n`;
    expect(refusal(() => parseYaml(fanOut, 'fan.yaml'))).toMatch(/fan\.yaml: more than 1000 aliases/u);
  });

  it('still reads a few aliases, sharing the anchored value as PyYAML does', () => {
    const doc = parseYaml('a: &x {k: 1}\nb: *x\nc: [*x, *x]\n', 'ok.yaml') as Record<string, unknown>;
    expect(doc.b).toBe(doc.a);
    expect(doc.c).toEqual([doc.a, doc.a]);
  });

  it('charges every alias with the size of what it names (nodes and text)', () => {
    const wide = `a: &x [${Array(2_000).fill('v').join(', ')}]\nb: [${Array(30).fill('*x').join(', ')}]\n`;
    expect(refusal(() => parseYaml(wide, 'wide.yaml'))).toMatch(/more than 50000 nodes/u);
    const long = `a: &x ${'t'.repeat(1_000_000)}\nb: [${Array(20).fill('*x').join(', ')}]\n`;
    expect(refusal(() => parseYaml(long, 'long.yaml'))).toMatch(/characters of text/u);
  });

  it('refuses anchors and aliases outright when maxAliases is 0 (MLflow meta files)', () => {
    expect(refusal(() => parseYaml('a: &x 1\nb: 2\n', 'm.yaml', { maxAliases: 0 }))).toMatch(/m\.yaml: anchor "x"/u);
    expect(parseYaml('a: "*x &y"\nb: c*d\n', 'm.yaml', { maxAliases: 0 })).toEqual({ a: '*x &y', b: 'c*d' });
  });

  it('refuses an alias that names no earlier anchor', () => {
    expect(refusal(() => parseYaml('a: *nowhere\n', 'u.yaml'))).toMatch(/u\.yaml/u);
  });

  it('keeps PyYAML base-60 semantics for reasonable numbers and refuses huge ones before any work', () => {
    expect(parseYaml('a: 1:20\nb: -1:0:0\nc: 1:30.5\n', 'b.yaml')).toEqual({ a: 80, b: -3600, c: 90.5 });
    expect(parseYaml(`a: 1${':59'.repeat(63)}\n`, 'b.yaml')).toEqual({ a: expect.any(BigInt) as unknown });
    // 500,000 groups (a 2.3 KB zip that took 55 s) and 100 groups: refused before any arithmetic.
    expect(refusal(() => parseYaml(`start_time: 1${':0'.repeat(500_000)}\n`, 'run/meta.yaml'))).toMatch(/run\/meta\.yaml: a number of 1000001 characters/u);
    expect(refusal(() => parseYaml(`start_time: 1${':0'.repeat(100)}\n`, 'run/meta.yaml'))).toMatch(/run\/meta\.yaml: a base-60 number of more than 64 groups/u);
    expect(refusal(() => parseYaml(`start_time: 1${':0'.repeat(64)}.5\n`, 'f.yaml'))).toMatch(/base-60/u);
  });

  it('refuses integers longer than Python converts (4300 digits), in every notation', () => {
    expect(parseYaml(`a: ${'9'.repeat(4300)}\n`, 'i.yaml')).toEqual({ a: BigInt('9'.repeat(4300)) });
    for (const text of ['9'.repeat(4301), `0x${'f'.repeat(4300)}`, `0b${'1'.repeat(4300)}`, `!!int ${'7'.repeat(5000)}`]) {
      expect(refusal(() => parseYaml(`a: ${text}\n`, 'i.yaml'))).toMatch(/i\.yaml: a number of \d+ characters is too long/u);
    }
  });

  it('refuses documents over maxLength before parsing, and nesting past maxDepth', () => {
    expect(refusal(() => parseYaml(`a: ${'x'.repeat(100)}\n`, 'l.yaml', { maxLength: 50 }))).toMatch(/l\.yaml: the document has 104 characters/u);
    expect(refusal(() => parseYaml(`${'['.repeat(300)}${']'.repeat(300)}`, 'd.yaml'))).toMatch(/d\.yaml: nesting deeper than 200/u);
    expect(refusal(() => parseYaml(`${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'd.yaml'))).toMatch(/d\.yaml/u);
  });

  it('checks duplicate keys of a wide mapping in linear time (and still finds them)', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: v`);
    expect(Object.keys(parseYaml(keys.join('\n'), 'w.yaml', { maxNodes: 100_000 }) as object)).toHaveLength(40_000);
    expect(refusal(() => parseYaml([...keys.slice(0, 1000), 'k7: again'].join('\n'), 'w.yaml'))).toMatch(/duplicate key "k7"/u);
  });
});
