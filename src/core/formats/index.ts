/**
 * MLflow's formats in one place: the file-store layout, the YAML dialect PyYAML writes, Python
 * float and JSON text, MLmodel files, mlflow-export-import's JSON layout and the hostile-zip guard.
 * @module
 */
export * from './float-text.js';
export { dumpYaml, parseYaml, yamlFloat, YamlFloat, type DumpYamlOptions, type ParseYamlOptions, type YamlValue } from './yaml-dialect.js';
export { pythonJson, parsePythonJson, type PythonJsonOptions } from './python-json.js';
export * from './mlmodel.js';
export { openZip, DEFAULT_ZIP_LIMITS, entryNameProblem, type ZipLimits, type ZipEntry, type ZipSource, GuardedZip } from './zip-guard.js';
export * from './mlproject.js';
