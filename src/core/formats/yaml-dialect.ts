/**
 * The YAML dialect MLflow writes (spec §1.9), in two halves: the emitter (`yaml-emitter.ts`,
 * PyYAML's `safe_dump` byte for byte) and the reader (`yaml-reader.ts`, PyYAML's `safe_load`),
 * which share PyYAML's implicit resolvers (`yaml-resolvers.ts`). This module names both, for the
 * importers that use the dialect as one (the file-store layout, the tests).
 * @module
 */
export { YamlFloat, dumpYaml, yamlFloat, type DumpYamlOptions, type YamlValue } from './yaml-emitter.js';
export { parseYaml, type ParseYamlOptions } from './yaml-reader.js';
