/**
 * TensorFlow.js support: a training callback that logs into a run, `logModel`/`loadModel` with a
 * `tfjs` MLmodel flavor, and tensor signatures. `@tensorflow/tfjs` is an optional peer
 * dependency: this module only uses its types, the models you pass, and (for `loadModel` without
 * `{ tf }`) a dynamic import.
 * @module edgeflow/tfjs
 */
export {
  trackingCallback,
  trainingParams,
  countTrainableParams,
  type TrackingCallback,
  type TrackingCallbackOptions,
} from './callback.js';
export { datasetFromTensors, type TensorsDatasetOptions, type TensorsInput } from './dataset.js';
export { fitWithTracking, fitDatasetWithTracking, type FitWithTrackingOptions, type TrackedFit } from './fit-with-tracking.js';
export {
  logModel,
  TFJS_FLAVOR,
  MODEL_JSON,
  type LogModelOptions,
  type LoggedModelInfo,
  type InputExample,
  type RunTarget,
  type SavableModel,
} from './log-model.js';
export { tfjsProbe, TFJS_BACKEND_TAG, type TfMemorySource } from './system-metrics.js';
export { loadModel, readTfjsFlavor, type LoadModelOptions, type LoadedModel, type TfLoader, type TfjsFlavor } from './load-model.js';
export { modelArtifactsToFiles, readModelArtifacts, DEFAULT_SHARD_BYTES, type ModelFiles } from './model-files.js';
export {
  inferTensorSignature,
  checkInput,
  numpyDtype,
  type ModelInput,
  type NestedArray,
  type SignatureSource,
  type TensorInfoLike,
  type TensorLike,
} from './signature.js';
