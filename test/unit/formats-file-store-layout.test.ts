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
  serializeMetricFile,
  serializeModelVersionMeta,
  serializeRegisteredModelMeta,
  serializeRunMeta,
} from '../../src/core/formats/file-store-layout.js';
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
    expect(serializeMetricFile(points)).toBe(text(name));
  });

  it('registry meta files', () => {
    const modelName = 'mlruns/models/DemoModel/meta.yaml';
    const model = readRegisteredModelMeta(readYamlEntry(files[modelName]!, modelName), modelName);
    expect(serializeRegisteredModelMeta({ ...model, tags: dict(), aliases: dict([['champion', '1']]), versions: [] })).toBe(text(modelName));
    for (const name of entries(/version-\d+\/meta\.yaml$/u)) {
      const v = readModelVersionMeta(readYamlEntry(files[name]!, name), name);
      expect(serializeModelVersionMeta({ ...v, tags: dict() })).toBe(text(name));
    }
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

  it('metric lines with 2, 3 and 5 fields; the real step of 5-field lines; case-insensitive specials', () => {
    const m = parseMetricFile('k', '1 0.5\n2 NaN 3\n3 -Infinity 7 train abc123\n4 5 -2\n', 'f');
    expect(Array.from(m.steps)).toEqual([0, 3, 7, -2]);
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
