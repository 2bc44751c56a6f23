/**
 * The text of a `logDict` artifact, written as MLflow's `log_dict` writes it: for a `.yaml` or
 * `.yml` file `yaml.dump(d, indent=2, default_flow_style=False)` (PyYAML: sorted keys, block style,
 * non-ASCII escaped, and every string that YAML 1.1 would read as something else quoted — `'yes'`,
 * `'off'`, `'1:20'`, `'2024-01-01'`, `'~'`), for any other file `json.dump(d, indent=2)`.
 * @module
 */
import { EdgeflowError, describeValue } from './errors.js';
import { pythonJson } from './formats/python-json.js';
import { dumpYaml, yamlFloat, type YamlValue } from './formats/yaml-emitter.js';

/** Deepest nesting `logDict` writes (PyYAML and Python's json recurse, too). */
const MAX_DICT_DEPTH = 200;

/**
 * True when MLflow writes `artifactFile` as YAML: Python's `os.path.splitext` gives `.yaml` or
 * `.yml` (case-sensitive; a name that is only an extension, like `.yaml`, has none).
 */
export function isYamlArtifact(artifactFile: string): boolean {
  const name = artifactFile.slice(artifactFile.lastIndexOf('/') + 1);
  const stem = name.replace(/^\.+/u, '');
  const dot = stem.lastIndexOf('.');
  const extension = dot === -1 ? '' : stem.slice(dot);
  return extension === '.yaml' || extension === '.yml';
}

/**
 * The artifact text for `value` (see the module comment).
 * @throws `INVALID_PARAMETER_VALUE` naming the path inside `value` of anything Python's `json` and
 * PyYAML could not hold: functions, symbols, circular references, `Map`s, `Set`s and other
 * class instances without `toJSON`, nesting deeper than 200; for YAML, a value that is not an
 * object or an array.
 */
export function dictArtifactText(value: unknown, artifactFile: string): string {
  const yaml = isYamlArtifact(artifactFile);
  const data = plainData(value, yaml, artifactFile);
  if (!yaml) return pythonJson(data, { indent: 2 });
  if (typeof data !== 'object' || data === null) {
    throw EdgeflowError.invalidParameterValue(
      `logDict: ${describeValue(artifactFile)} is written as YAML, so the value must be an object or an array (got ${describeValue(value)}).`,
      { details: { field: 'value', artifactFile } },
    );
  }
  return dumpYaml(data, { allowUnicode: false, sortKeys: true });
}

/**
 * `value` as JSON would see it (a `toJSON()` result in place of its object, `undefined` properties
 * left out, `undefined` array items as null), checked to be data. `-0` becomes a YAML float.
 */
function plainData(value: unknown, yaml: boolean, artifactFile: string): YamlValue {
  const ancestors: object[] = [];
  const refuse = (path: string, reason: string): never => {
    throw EdgeflowError.invalidParameterValue(`logDict: cannot write ${path} of ${describeValue(artifactFile)}: ${reason}.`, { details: {
      field: 'value',
      path,
      artifactFile,
    } });
  };
  const convert = (item: unknown, path: string, fromToJson = false): YamlValue => {
    if (item === null || item === undefined) return null;
    if (typeof item === 'string' || typeof item === 'boolean' || typeof item === 'bigint') return item;
    if (typeof item === 'number') return yaml && Object.is(item, -0) ? yamlFloat(item) : item;
    if (typeof item !== 'object') return refuse(path, `a ${typeof item} is not data`);
    if (!fromToJson && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      let json: unknown;
      try {
        json = (item as { toJSON: (key: string) => unknown }).toJSON('');
      } catch (cause) {
        return refuse(path, `its toJSON() failed (${cause instanceof Error ? cause.message : String(cause)})`);
      }
      return convert(json, path, true);
    }
    if (ancestors.includes(item)) return refuse(path, 'it contains itself (a circular reference)');
    if (ancestors.length >= MAX_DICT_DEPTH) return refuse(path, `it is nested deeper than ${MAX_DICT_DEPTH} levels`);
    ancestors.push(item);
    let out: YamlValue;
    if (Array.isArray(item)) {
      out = item.map((element, index) => convert(element, `${path}[${index}]`));
    } else {
      const prototype: unknown = Object.getPrototypeOf(item);
      if (prototype !== Object.prototype && prototype !== null) {
        const kind = (item as { constructor?: { name?: unknown } }).constructor?.name;
        return refuse(path, `a ${typeof kind === 'string' ? kind : 'class instance'} is not a plain object or array`);
      }
      const record: Record<string, YamlValue> = {};
      for (const [key, element] of Object.entries(item)) {
        if (element !== undefined) record[key] = convert(element, `${path}.${key}`);
      }
      out = record;
    }
    ancestors.pop();
    return out;
  };
  return convert(value, 'value');
}
