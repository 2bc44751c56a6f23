/** logDict writes what mlflow.log_dict writes: PyYAML's yaml.dump for .yaml/.yml, Python's json.dump otherwise. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { parseYaml } from '../../src/core/formats/yaml-dialect.js';
import { dictArtifactText, isYamlArtifact } from '../../src/core/log-dict.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

interface GoldenCase {
  readonly name: string;
  readonly doc: unknown;
  readonly yaml: string;
  readonly json: string;
}

const golden = JSON.parse(readFileSync(new URL('../fixtures/log-dict/log-dict-golden.json', import.meta.url), 'utf8')) as {
  pyyaml: string;
  cases: GoldenCase[];
};

/** The document of make-golden.py as a JavaScript value (tagged floats and big ints restored). */
function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record['$int'] === 'string') return BigInt(record['$int']);
  if (typeof record['$float'] === 'string') {
    const text = record['$float'];
    return text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, untag(v)]));
}

/** What PyYAML's safe_load gives back, as JavaScript values (ints beyond 2^53 as bigint). */
function readBack(text: string): unknown {
  return parseYaml(text, 'x.yaml');
}

describe('logDict text, golden cases from PyYAML and Python json', () => {
  it('has golden cases made by real PyYAML', () => {
    expect(golden.pyyaml).toMatch(/^6\./u);
    expect(golden.cases.length).toBe(7);
  });

  for (const c of golden.cases) {
    it(`${c.name}: YAML as yaml.dump, read back unchanged`, () => {
      const doc = untag(c.doc);
      const text = dictArtifactText(doc, 'config.yaml');
      expect(text).toBe(c.yaml);
      expect(dictArtifactText(doc, 'dir/config.yml')).toBe(c.yaml);
      expect(readBack(text)).toEqual(doc);
    });
    it(`${c.name}: JSON as json.dump(indent=2)`, () => {
      expect(dictArtifactText(untag(c.doc), 'config.json')).toBe(c.json);
      expect(dictArtifactText(untag(c.doc), 'config.txt')).toBe(c.json);
    });
  }

  it('quotes the strings of the issue, so they read back as strings', () => {
    const text = dictArtifactText({ answer: 'yes', switch: 'off', time: '1:20', day: '2024-01-01', nothing: '~' }, 'x.yaml');
    expect(text).toBe("answer: 'yes'\nday: '2024-01-01'\nnothing: '~'\nswitch: 'off'\ntime: '1:20'\n");
    expect(readBack(text)).toEqual({ answer: 'yes', switch: 'off', time: '1:20', day: '2024-01-01', nothing: '~' });
  });
});

describe('logDict values', () => {
  it('sees values as JSON does: toJSON results, no undefined properties, undefined list items as null', () => {
    const value = { when: new Date(0), gone: undefined, list: [undefined, 1], custom: { toJSON: () => ({ b: 1, a: [2] }) } };
    expect(readBack(dictArtifactText(value, 'x.yaml'))).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [null, 1], custom: { a: [2], b: 1 } });
    expect(JSON.parse(dictArtifactText(value, 'x.json'))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('refuses what is not data with INVALID_PARAMETER_VALUE naming where it is', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = { back: circular };
    let deep: unknown = 'leaf';
    for (let i = 0; i < 250; i++) deep = [deep];
    class Point {
      constructor(readonly x: number) {}
    }
    const cases: [unknown, string][] = [
      [circular, 'value.self.back'],
      [{ f: () => 1 }, 'value.f'],
      [{ s: [Symbol('x')] }, 'value.s[0]'],
      [{ m: new Map([['a', 1]]) }, 'value.m'],
      [{ set: new Set([1]) }, 'value.set'],
      [{ p: new Point(1) }, 'value.p'],
      [{ bad: { toJSON: () => { throw new Error('nope'); } } }, 'value.bad'],
      [{ deep }, 'value.deep'],
    ];
    for (const file of ['x.yaml', 'x.json']) {
      for (const [value, path] of cases) {
        let caught: unknown;
        try {
          dictArtifactText(value, file);
        } catch (error) {
          caught = error;
        }
        expect(isEdgeflowError(caught, 'INVALID_PARAMETER_VALUE'), `${file} ${path}: ${String(caught)}`).toBe(true);
        expect((caught as Error).message).toContain(path);
      }
    }
  });

  it('writes a scalar at the top as JSON, but refuses it as YAML (a YAML artifact holds a mapping or a list)', () => {
    expect(dictArtifactText('yes', 'x.json')).toBe('"yes"');
    expect(dictArtifactText(NaN, 'x.json')).toBe('NaN');
    expect(() => dictArtifactText('yes', 'x.yaml')).toThrow(/must be an object or an array/u);
  });

  it('picks YAML by the extension as Python splitext does (case-sensitive)', () => {
    for (const yes of ['a.yaml', 'a.yml', 'dir/a.b.yaml', 'a..yml', '.hidden.yaml']) expect(isYamlArtifact(yes), yes).toBe(true);
    for (const no of ['a.YAML', 'a.Yml', '.yaml', 'dir/.yml', '..yaml', 'a.yaml.json', 'dir.yaml/a', 'a.json', 'yaml']) {
      expect(isYamlArtifact(no), no).toBe(false);
    }
  });
});

describe('client.logDict', () => {
  it('stores the YAML and JSON texts, and refuses bad values before writing anything', async () => {
    const client = new TrackingClient(new MemoryStore());
    const run = await client.startRun();
    const config = { optimizer: 'adam', amsgrad: 'no', schedule: '1:20', start: '2024-01-01', layers: [64, 'off'] };
    await run.logDict(config, 'config.yaml');
    await run.logDict(config, 'config.json');
    expect(await client.loadText(run.runId, 'config.yaml')).toBe(
      "amsgrad: 'no'\nlayers:\n- 64\n- 'off'\noptimizer: adam\nschedule: '1:20'\nstart: '2024-01-01'\n",
    );
    expect(await client.loadText(run.runId, 'config.json')).toBe(
      '{\n  "optimizer": "adam",\n  "amsgrad": "no",\n  "schedule": "1:20",\n  "start": "2024-01-01",\n  "layers": [\n    64,\n    "off"\n  ]\n}',
    );
    await expect(run.logDict({ f: () => 1 }, 'bad.yaml')).rejects.toSatisfy((e) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE'));
    await expect(run.logDict({ a: 1 }, '../escape.yaml')).rejects.toSatisfy((e) => isEdgeflowError(e, 'INVALID_PARAMETER_VALUE'));
    expect((await client.listArtifacts(run.runId)).map((f) => f.path).sort()).toEqual(['config.json', 'config.yaml']);
  });
});
