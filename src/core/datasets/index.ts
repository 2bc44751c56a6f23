/**
 * MLflow 3 dataset inputs and run inputs/outputs.
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
