/**
 * zod schemas of the logged-model entry points of the client.
 * @module
 */
import { z } from 'zod';
import { MAX_SEARCH_MAX_RESULTS } from '../limits.js';
import { tagsInputSchema, textSchema } from '../schemas.js';
import { LoggedModelStatus } from './entities.js';

/** A logged-model id as given to the client (`m-…`; other stores' ids are not assumed). */
export const modelIdSchema = textSchema.min(1).max(256);

export const createLoggedModelOptionsSchema = z
  .object({
    name: textSchema.optional(),
    modelType: textSchema.nullable().optional(),
    sourceRunId: textSchema.nullable().optional(),
    params: tagsInputSchema.optional(),
    tags: tagsInputSchema.optional(),
  })
  .strict();

export const loggedModelStatusSchema = z.enum(Object.values(LoggedModelStatus) as [LoggedModelStatus, ...LoggedModelStatus[]]);

const datasetFilterSchema = z.object({ datasetName: textSchema.min(1), datasetDigest: textSchema.optional() }).strict();

export const searchLoggedModelsOptionsSchema = z
  .object({
    filter: z.string().optional(),
    datasets: z.array(datasetFilterSchema).optional(),
    orderBy: z
      .array(z.object({ fieldName: textSchema.min(1), ascending: z.boolean().optional(), datasetName: textSchema.optional(), datasetDigest: textSchema.optional() }).strict())
      .optional(),
    maxResults: z.number().int().min(1).max(MAX_SEARCH_MAX_RESULTS).optional(),
    pageToken: z.string().optional(),
  })
  .strict();

export const modelOutputsSchema = z.array(z.object({ modelId: modelIdSchema, step: z.number().int().optional() }).strict()).min(1);

/** A dataset a metric was computed on: a `Dataset` (only name and digest are read) or `{name, digest}`. */
export const metricDatasetSchema = z.object({ name: textSchema.min(1), digest: textSchema }).passthrough();
