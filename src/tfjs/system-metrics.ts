/**
 * TF.js memory as a system-metrics probe: bytes and tensors held by the backend (and GPU bytes on
 * WebGL), with the backend's name as the run tag `edgeflow.tfjs.backend`.
 * @module
 */
import type * as tfjs from '@tensorflow/tfjs';
import { BYTES_PER_MEGABYTE, type SystemProbe } from '../system-metrics/probes.js';

/** The part of the `tf` namespace the probe reads. */
export type TfMemorySource = Pick<typeof tfjs, 'memory' | 'getBackend'>;

/** Run tag holding the TF.js backend (`webgl`, `wasm`, `cpu`, …). */
export const TFJS_BACKEND_TAG = 'edgeflow.tfjs.backend';

/**
 * `system/tfjs_memory_megabytes`, `system/tfjs_num_tensors` and, where the backend reports it,
 * `system/tfjs_gpu_memory_megabytes`; pass it to `startSystemMetrics` with the browser probes.
 */
export function tfjsProbe(tf: TfMemorySource): SystemProbe {
  return {
    tags: () => ({ [TFJS_BACKEND_TAG]: tf.getBackend() }),
    sample() {
      const memory = tf.memory() as tfjs.MemoryInfo & { numBytesInGPU?: number };
      return {
        tfjs_memory_megabytes: memory.numBytes / BYTES_PER_MEGABYTE,
        tfjs_num_tensors: memory.numTensors,
        ...(typeof memory.numBytesInGPU === 'number' ? { tfjs_gpu_memory_megabytes: memory.numBytesInGPU / BYTES_PER_MEGABYTE } : {}),
      };
    },
  };
}
