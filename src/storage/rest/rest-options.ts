/**
 * The options of `RestStore`, checked with zod when it is made: a retry count of -1, a timeout
 * given as text or a batch limit of 0 (which could never send a batch) fail there, naming the
 * field, instead of at the first request.
 * @module
 */
import { z } from 'zod';
import { functionSchema, positiveIntSchema } from '../../core/schemas.js';

/** Longest wait `setTimeout` honours (ms); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const msSchema = z.number().int().min(0).max(MAX_TIMER_MS);

/** The options of `new RestStore`. */
export const restStoreOptionsSchema = z
  .object({
    baseUrl: z.string().regex(/^https?:\/\/[^/\s]/iu, 'an http(s) URL, e.g. http://127.0.0.1:5000'),
    headers: functionSchema().optional(),
    fetch: functionSchema().optional(),
    timeoutMs: msSchema.min(1).optional(),
    retries: z.number().int().min(0).max(100).optional(),
    backoffMs: msSchema.optional(),
    maxBackoffMs: msSchema.optional(),
    credentials: z.enum(['omit', 'same-origin', 'include']).optional(),
    artifacts: z.literal('proxy').optional(),
    batchLimits: z
      .object({ metrics: positiveIntSchema, params: positiveIntSchema, tags: positiveIntSchema, total: positiveIntSchema, bytes: positiveIntSchema })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
