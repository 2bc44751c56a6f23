/**
 * MLflow's formats in one place: the file-store layout, the YAML dialect PyYAML writes, Python
 * float and JSON text, MLmodel files, mlflow-export-import's JSON layout and the hostile-zip guard.
 * @module edgeflow/core/formats
 */
export { formatPythonFloat, formatYamlFloat, parsePythonFloat, parseMetricValue } from './float-text.js';
export { dumpYaml, yamlFloat, YamlFloat, type DumpYamlOptions, type YamlValue } from './yaml-emitter.js';
export { parseYaml, type ParseYamlOptions } from './yaml-reader.js';
export { pythonJson, parsePythonJson, type PythonJsonOptions } from './python-json.js';
export {
  COLUMN_TYPES,
  parseMLmodel,
  serializeMLmodel,
  schemaToJson,
  paramsToJson,
  formatUtcTimeCreated,
  type ColumnSpec,
  type ColumnType,
  type DataType,
  type MLModel,
  type ModelSignature,
  type ObjectProperty,
  type ParamSpec,
  type Schema,
  type TensorSpec,
} from './mlmodel.js';
export { openZip, DEFAULT_ZIP_LIMITS, entryNameProblem, type ZipLimits, type ZipEntry, type ZipSource, GuardedZip } from './zip-guard.js';
export {
  PROJECT_PARAMETER_TYPES,
  parseMLproject,
  shellQuote,
  formatPythonTemplate,
  scriptEntryPoint,
  pythonStr,
  pythonStringRepr,
  type DockerEnvironment,
  type KnownParameterType,
  type MLProjectSpec,
  type ProjectEntryPoint,
  type ProjectEnvironment,
  type ProjectParameter,
  type ScriptRuntime,
} from './mlproject.js';
