/**
 * zod schemas of dataset inputs, with MLflow's limits (`_validate_dataset`, `_validate_input_tag`),
 * enforced when writing (mlflow3-models-and-inputs.md §1.2).
 * @module
 */
import { z } from 'zod';
import {
  MAX_DATASET_DIGEST_LENGTH,
  MAX_DATASET_NAME_LENGTH,
  MAX_DATASET_PROFILE_LENGTH,
  MAX_DATASET_SCHEMA_LENGTH,
  MAX_DATASET_SOURCE_LENGTH,
  MAX_INPUT_TAG_KEY_LENGTH,
  MAX_INPUT_TAG_VALUE_LENGTH,
} from '../limits.js';
import { textSchema } from '../schemas.js';

/** A dataset as written: every field text within MLflow's limits. */
export const datasetSchema = z
  .object({
    name: textSchema.min(1).max(MAX_DATASET_NAME_LENGTH),
    digest: textSchema.max(MAX_DATASET_DIGEST_LENGTH),
    sourceType: textSchema,
    source: textSchema.max(MAX_DATASET_SOURCE_LENGTH),
    schema: textSchema.max(MAX_DATASET_SCHEMA_LENGTH).nullable(),
    profile: textSchema.max(MAX_DATASET_PROFILE_LENGTH).nullable(),
  })
  .strict();

/** An input tag (`mlflow.data.context`, …). */
export const inputTagSchema = z
  .object({ key: textSchema.min(1).max(MAX_INPUT_TAG_KEY_LENGTH), value: textSchema.max(MAX_INPUT_TAG_VALUE_LENGTH) })
  .strict();

/** What `logInputs` writes. */
export const logInputsSchema = z
  .object({
    datasets: z.array(z.object({ dataset: datasetSchema, tags: z.array(inputTagSchema) }).strict()).optional(),
    models: z.array(z.object({ modelId: textSchema.min(1) }).strict()).optional(),
  })
  .strict();

/** Options of `run.logInput(dataset, options)`. */
export const logInputOptionsSchema = z
  .object({ context: textSchema.max(MAX_INPUT_TAG_VALUE_LENGTH).optional(), tags: z.record(z.string(), z.string()).optional() })
  .strict();
