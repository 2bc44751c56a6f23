/**
 * MLflow 3 dataset inputs: entities, builders with MLflow's digests, and their validation.
 * @module
 */
export {
  DATASET_CONTEXT_TAG,
  NO_RUN_INPUTS,
  NO_RUN_OUTPUTS,
  type Dataset,
  type DatasetInput,
  type DatasetSummary,
  type LogInputsInput,
  type ModelInput,
  type ModelOutput,
  type RunInputs,
  type RunOutputs,
} from './entities.js';
export {
  codeSource,
  datasetFromArrays,
  datasetFromRecords,
  httpSource,
  localSource,
  uriSource,
  type ArraysDatasetOptions,
  type DatasetSource,
  type RecordsDatasetOptions,
} from './builders.js';
export type { ArrayData, ArrayScalar, ArraysInput, NestedArray, NumericTypedArray, ShapedArray } from './ndarray.js';
export type { DataRecord } from './records.js';
export { md5Hex } from './md5.js';
