/**
 * The options of the TF.js entry points (`trackingCallback`, `fitWithTracking`,
 * `fitDatasetWithTracking`, `logModel`), checked with zod before training starts or a file is
 * written: `logEveryNBatches: 0.5` or a misspelled `logModels` must not quietly log something else.
 * @module
 */
import { z } from 'zod';
import type { TrackingClient } from '../core/client.js';
import type { ActiveRun } from '../core/run.js';
import { withMethodsSchema } from '../core/schemas.js';

const textRecord = z.record(z.string(), z.string());

const logModelFields = {
  signature: z.union([z.literal(false), z.object({}).loose()]).optional(),
  inputExample: z.unknown().optional(),
  registeredModelName: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  includeOptimizer: z.boolean().optional(),
  tfjsVersion: z.string().min(1).optional(),
  loggedModel: z.boolean().optional(),
  name: z.string().min(1).optional(),
  step: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  tags: textRecord.optional(),
  modelType: z.string().optional(),
};

/** The options of `logModel`. */
export const logModelOptionsSchema = z.object(logModelFields).strict();

/** What `trackingCallback` takes besides the model (which `fitWithTracking` supplies itself). */
const callbackFields = {
  logParams: z.boolean().optional(),
  extraParams: z.record(z.string(), z.unknown()).optional(),
  logEpochMetrics: z.boolean().optional(),
  logEveryNBatches: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  logSummary: z.boolean().optional(),
  logModel: z.union([z.boolean(), z.object({ ...logModelFields, artifactPath: z.string().min(1).optional() }).strict()]).optional(),
  endRun: z.boolean().optional(),
};

/** The options of `trackingCallback`. */
export const trackingCallbackOptionsSchema = z
  .object({ ...callbackFields, model: withMethodsSchema<object>(['fit'], 'a TF.js LayersModel') })
  .strict();

/** The options of `fitWithTracking`/`fitDatasetWithTracking`. */
export const fitWithTrackingOptionsSchema = z
  .object({
    ...callbackFields,
    run: withMethodsSchema<ActiveRun>(['logMetric', 'end'], 'an ActiveRun').optional(),
    client: withMethodsSchema<TrackingClient>(['startRun'], 'a TrackingClient').optional(),
    startRun: z.object({}).loose().optional(),
    systemMetrics: z
      .union([
        z.boolean(),
        z.object({ intervalMs: z.number().finite().min(100).optional(), tf: withMethodsSchema<object>(['memory', 'getBackend'], 'the tf namespace (memory, getBackend)').optional() }).strict(),
      ])
      .optional(),
    logDatasets: z.boolean().optional(),
  })
  .strict();
