/**
 * MLflow's formats in one place: the file-store layout, the YAML dialect PyYAML writes, Python
 * float and JSON text, MLmodel files, mlflow-export-import's JSON layout and the hostile-zip guard.
 * @module
 */
export * from './float-text.js';
export { dumpYaml, yamlFloat, YamlFloat, type DumpYamlOptions, type YamlValue } from './yaml-emitter.js';
export { parseYaml, type ParseYamlOptions } from './yaml-reader.js';
export { pythonJson, parsePythonJson, type PythonJsonOptions } from './python-json.js';
export * from './mlmodel.js';
export { openZip, DEFAULT_ZIP_LIMITS, entryNameProblem, type ZipLimits, type ZipEntry, type ZipSource, GuardedZip } from './zip-guard.js';
export * from './mlproject.js';
