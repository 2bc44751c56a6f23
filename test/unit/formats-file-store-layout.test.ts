import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  findKeyPathConflict,
  parseMetricFile,
  readExperimentMeta,
  readModelVersionMeta,
  readRegisteredModelMeta,
  readRunMeta,
  readYamlEntry,
  resolveRunName,
  serializeExperimentMeta,
  encodeMetricFile,
  serializeModelVersionMeta,
  serializeRegisteredModelMeta,
  serializeRunMeta,
  registeredModelFiles,
} from '../../src/core/formats/file-store/index.js';
import { dict } from '../../src/core/entities.js';
import { isEdgeflowError } from '../../src/core/errors.js';
import { fixtureBytes } from '../fixtures/bundle-helpers/helpers.js';

const files = unzipSync(fixtureBytes('mlflow/mlruns-small.zip'));
const text = (name: string): string => new TextDecoder().decode(files[name]);
const entries = (re: RegExp): string[] => Object.keys(files).filter((n) => re.test(n));

function expectInvalid(fn: () => unknown, entry: string): void {
  try {
    fn();
  } catch (e) {
    expect(isEdgeflowError(e, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((e as Error).message).toContain(entry);
    return;
  }
  throw new Error('expected INVALID_PARAMETER_VALUE');
}

describe('golden: bytes MLflow wrote in mlruns-small.zip', () => {
  it.each(entries(/^mlruns\/(\.trash\/)?\d+\/meta\.yaml$/u))('experiment meta %s', (name) => {
    const source = text(name);
    const meta = readExperimentMeta(readYamlEntry(files[name]!, name), name);
    const stale = /\ntags:/u.test(source) ? { staleTags: dict<string>() } : {};
    expect(serializeExperimentMeta(meta, stale)).toBe(source);
  });

  it.each(entries(/^mlruns\/(\.trash\/)?\d+\/[0-9a-f]{32}\/meta\.yaml$/u))('run meta %s', (name) => {
    const meta = readRunMeta(readYamlEntry(files[name]!, name), name);
    expect(serializeRunMeta(meta)).toBe(text(name));
  });

  it.each(entries(/\/metrics\/[^/]+$/u))('metric file %s', (name) => {
    const points = parseMetricFile('k', text(name), name);
    expect(encodeMetricFile(points)).toEqual(files[name]);
  });

  it('registry meta files', () => {
    const modelName = 'mlruns/models/DemoModel/meta.yaml';
    const model = readRegisteredModelMeta(readYamlEntry(files[modelName]!, modelName), modelName);
    expect(serializeRegisteredModelMeta({ ...model, tags: dict(), aliases: dict([['champion', 1]]), versions: [] })).toBe(text(modelName));
    const versionFiles = entries(/version-\d+\/meta\.yaml$/u);
    expect(versionFiles).toHaveLength(2);
    for (const name of versionFiles) {
      const v = readModelVersionMeta(readYamlEntry(files[name]!, name), name);
      expect(serializeModelVersionMeta(v.name, { ...v.version, tags: dict() })).toBe(text(name));
    }
  });

  it('every registry file of a model, from one core record (registeredModelFiles)', () => {
    const modelName = 'mlruns/models/DemoModel/meta.yaml';
    const meta = readRegisteredModelMeta(readYamlEntry(files[modelName]!, modelName), modelName);
    const versions = entries(/version-\d+\/meta\.yaml$/u)
      .map((name) => readModelVersionMeta(readYamlEntry(files[name]!, name), name).version)
      .sort((a, b) => a.version - b.version)
      .map((v) => ({ ...v, tags: v.version === 1 ? dict([['k', 'v']]) : dict<string>() }));
    const written = registeredModelFiles({ ...meta, tags: dict([['owner', 'alice']]), aliases: dict([['champion', 1]]), versions });
    const expected = entries(/^mlruns\/models\/.+[^/]$/u).sort();
    expect(written.map((f) => `mlruns/${f.path}`).sort()).toEqual(expected);
    for (const f of written) expect(f.text, f.path).toBe(text(`mlruns/${f.path}`));
  });
});

describe('registry records: quirks and refusals', () => {
  const yaml = (s: string): unknown => readYamlEntry(new TextEncoder().encode(s), 'v/meta.yaml');
  const version =
    "creation_timestamp: 5\ncurrent_stage: Deleted_Internal\ndescription: ''\nname: M\nrun_id: ''\nrun_link: ''\nsource: s3://b/m\nstatus: READY\nuser_id: ''\nversion: '3'\n";

  it("reads '' like null, a string version, Deleted_Internal, and a missing last update time", () => {
    const v = readModelVersionMeta(yaml(version), 'v/meta.yaml');
    expect(v.name).toBe('M');
    expect(v.version).toMatchObject({ version: 3, currentStage: 'Deleted_Internal', description: null, runId: null, runLink: null, userId: null, lastUpdatedTimestamp: 5 });
    // Writing it back gives MLflow's form: null for absent strings, an int version.
    expect(serializeModelVersionMeta('M', { ...v.version, tags: dict() })).toContain('\nrun_id: null\n');
    expect(serializeModelVersionMeta('M', { ...v.version, tags: dict() })).toMatch(/\nversion: 3\n$/u);
  });

  it('accepts stages in any case (stored canonical) and older model files without deployment keys', () => {
    expect(readModelVersionMeta(yaml(version.replace('Deleted_Internal', 'production')), 'v').version.currentStage).toBe('Production');
    expect(readRegisteredModelMeta(yaml('creation_timestamp: 1\nname: M\naliases:\n  stale: \'9\'\n'), 'm')).toEqual({
      name: 'M',
      creationTimestamp: 1,
      lastUpdatedTimestamp: 1,
      description: null,
    });
  });

  it('refuses bad stages, statuses, versions, names and missing sources, naming the file', () => {
    expectInvalid(() => readModelVersionMeta(yaml(version.replace('Deleted_Internal', 'Gone')), 'v/meta.yaml'), 'current_stage');
    expectInvalid(() => readModelVersionMeta(yaml(version.replace('status: READY', 'status: DONE')), 'v/meta.yaml'), 'status');
    expectInvalid(() => readModelVersionMeta(yaml(version.replace("version: '3'", 'version: 0')), 'v/meta.yaml'), 'version');
    expectInvalid(() => readModelVersionMeta(yaml(version.replace('source: s3://b/m\n', '')), 'v/meta.yaml'), 'source');
    expectInvalid(() => readRegisteredModelMeta(yaml('creation_timestamp: 1\nname: a%b\n'), 'm/meta.yaml'), 'm/meta.yaml');
    expectInvalid(() => readRegisteredModelMeta(yaml("creation_timestamp: 1\nname: '..'\n"), 'm/meta.yaml'), 'm/meta.yaml');
  });

  it('refuses to write a model whose files cannot exist (alias to a missing or deleted version, a/b tag keys)', () => {
    const base = { name: 'M', creationTimestamp: 1, lastUpdatedTimestamp: 1, description: null, tags: dict<string>(), aliases: dict<number>(), versions: [] };
    const v = { ...readModelVersionMeta(yaml(version), 'v').version, tags: dict<string>() };
    expect(() => registeredModelFiles({ ...base, aliases: dict([['champion', 1]]) })).toThrow(/version 1, which does not exist/u);
    expect(() => registeredModelFiles({ ...base, versions: [v], aliases: dict([['champion', 3]]) })).toThrow(/which is deleted/u);
    expect(() => registeredModelFiles({ ...base, tags: dict([['a', '1'], ['a/b', '2']]) })).toThrow(/"a" and "a\/b"/u);
    expect(() => registeredModelFiles({ ...base, name: 'x/y' })).toThrow(/Invalid registered model name/u);
  });
});

describe('readers accept MLflow quirks', () => {
  it('legacy experiment meta: integer id, no times, stale tags ignored', () => {
    const meta = readExperimentMeta(
      readYamlEntry(new TextEncoder().encode('artifact_location: /x/1\nexperiment_id: 1\nlifecycle_stage: active\nname: old\ntags:\n  a: b\n'), 'm'),
      'm',
    );
    expect(meta).toEqual({ experimentId: '1', name: 'old', artifactLocation: '/x/1', lifecycleStage: 'active', creationTime: null, lastUpdateTime: null });
  });

  it('run meta: run_uuid ignored, missing status/stage default, empty run_name falls back to the tag', () => {
    const yaml = "artifact_uri: ''\nend_time: null\nexperiment_id: '5'\nrun_id: abc\nrun_uuid: abc\nrun_name: ''\nstart_time: 1\nuser_id: u\n";
    const meta = readRunMeta(readYamlEntry(new TextEncoder().encode(yaml), 'r'), 'r');
    expect(meta.status).toBe('RUNNING');
    expect(meta.lifecycleStage).toBe('active');
    expect(resolveRunName(meta, dict([['mlflow.runName', 'from-tag']]))).toBe('from-tag');
  });

  it('metric lines with 2, 3 and 5 fields; 5-field lines read step 0 as MLflow does; case-insensitive specials', () => {
    const m = parseMetricFile('k', '1 0.5\n2 NaN 3\n3 -Infinity 7 train abc123\n4 5 -2\n', 'f');
    expect(Array.from(m.steps)).toEqual([0, 3, 0, -2]);
    expect(m.datasets).toEqual([undefined, undefined, { name: 'train', digest: 'abc123' }, undefined]);
    expect(Array.from(m.values)).toEqual([0.5, NaN, -Infinity, 5]);
    expect(Array.from(m.timestamps)).toEqual([1, 2, 3, 4]);
  });

  it('rejects malformed metric lines naming the file and line', () => {
    expectInvalid(() => parseMetricFile('k', '1 2 3 4\n', 'metrics/k'), 'metrics/k line 1');
    expectInvalid(() => parseMetricFile('k', '1 2 3\n\n4 5 6\n', 'metrics/k'), 'metrics/k line 2');
    expectInvalid(() => parseMetricFile('k', 'x 2 3\n', 'metrics/k'), 'metrics/k line 1');
    expectInvalid(() => parseMetricFile('k', '1 abc 3\n', 'metrics/k'), 'metrics/k line 1');
    expectInvalid(() => parseMetricFile('k', `1 2 ${'9'.repeat(30)}\n`, 'metrics/k'), 'metrics/k line 1');
    expectInvalid(() => parseMetricFile('k', `1 2 3${' '.repeat(5000)}\n`, 'metrics/k'), 'longer than');
  });

  it('rejects wrong types naming the file and field', () => {
    const bad = (yaml: string): unknown => readYamlEntry(new TextEncoder().encode(yaml), 'meta.yaml');
    expectInvalid(() => readRunMeta(bad("experiment_id: '1'\nrun_id: abc\nstart_time: soon\nuser_id: u\n"), 'meta.yaml'), 'start_time');
    expectInvalid(() => readRunMeta(bad("experiment_id: '1'\nrun_id: abc\nstart_time: 1\nstatus: 9\nuser_id: u\n"), 'meta.yaml'), 'status');
    expectInvalid(() => readExperimentMeta(bad('experiment_id: [1]\nname: x\n'), 'meta.yaml'), 'experiment_id');
    expectInvalid(() => readExperimentMeta(bad("experiment_id: '1'\nname: x\nlifecycle_stage: gone\n"), 'meta.yaml'), 'lifecycle_stage');
    expectInvalid(() => readYamlEntry(new Uint8Array([0x61, 0x3a, 0x20, 0xff]), 'meta.yaml'), 'UTF-8');
    expectInvalid(() => readYamlEntry(new TextEncoder().encode('a: [\n'), 'x/meta.yaml'), 'x/meta.yaml');
  });

  it('finds keys that cannot coexist as files', () => {
    expect(findKeyPathConflict(['a', 'b', 'a/b'])).toEqual(['a', 'a/b']);
    expect(findKeyPathConflict(['x/y/z', 'x/y'])).toEqual(['x/y', 'x/y/z']);
    expect(findKeyPathConflict(['a/b', 'a/c', 'ab'])).toBeUndefined();
  });
});
