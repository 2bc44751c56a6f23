/**
 * The options of the bundle entry points, checked with zod before anything is read or written: a
 * misspelled policy or a limit given as text must not quietly become a default, or switch a
 * hostile-zip guard off (a limit compared with `NaN` never trips).
 * @module
 */
import { z } from 'zod';
import { entryNameProblem } from '../../core/formats/zip-guard.js';
import { functionSchema, positiveIntSchema } from '../../core/schemas.js';

const bundleLimitsSchema = z
  .object({
    maxEntries: positiveIntSchema,
    maxEntryBytes: positiveIntSchema,
    maxTotalBytes: positiveIntSchema,
    maxPathLength: positiveIntSchema,
    maxPathDepth: positiveIntSchema,
    maxDecodedBytes: positiveIntSchema,
  })
  .partial()
  .strict();

const readFields = {
  limits: bundleLimitsSchema.optional(),
  maxLineLength: positiveIntSchema.optional(),
  onMismatch: z.enum(['skip', 'reject']).optional(),
  onProgress: functionSchema().optional(),
};

/** The options of `readBundle`. */
export const readBundleOptionsSchema = z.object(readFields).strict();

/** The options of `BundleStore.open`. */
export const bundleStoreOptionsSchema = z.object({ ...readFields, historyCacheBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

/** The options of `importBundle`. */
export const importBundleOptionsSchema = z
  .object({
    ...readFields,
    onConflict: z.enum(['skip', 'replace', 'new-ids']).optional(),
    includeModels: z.boolean().optional(),
  })
  .strict();

/** The options of `exportBundle`/`exportBundleTo`. */
export const exportBundleOptionsSchema = z
  .object({
    experimentIds: z.array(z.string()).optional(),
    runIds: z.array(z.string()).optional(),
    includeDeleted: z.boolean().optional(),
    includeArtifacts: z.boolean().optional(),
    artifactFilter: functionSchema().optional(),
    includeModels: z.boolean().optional(),
    format: z.enum(['mlflow', 'export-import']).optional(),
    artifactRoot: z.string().nullable().optional(),
    rootFolder: z
      .string()
      .superRefine((root, context) => {
        const problem = root === '' ? undefined : entryNameProblem(`${root}/`);
        if (problem) context.addIssue({ code: 'custom', message: `rootFolder ${problem}` });
      })
      .optional(),
    output: z.enum(['blob', 'bytes']).optional(),
    mtime: z.date().refine((d) => !Number.isNaN(d.getTime()), 'mtime must be a valid Date').optional(),
    onProgress: functionSchema().optional(),
  })
  .strict();
