/**
 * The options of the bundle entry points, checked with zod before anything is read or written: a
 * misspelled policy or a limit given as text must not quietly become a default, or switch a
 * hostile-zip guard off (a limit compared with `NaN` never trips).
 * @module
 */
import { z } from 'zod';
import { entryNameProblem } from '../../core/formats/zip-guard.js';
import { functionSchema, parseInput, positiveIntSchema } from '../../core/schemas.js';

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

const readBundleOptionsSchema = z.object(readFields).strict();

const bundleStoreOptionsSchema = z.object({ ...readFields, historyCacheBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

const importBundleOptionsSchema = z
  .object({
    ...readFields,
    onConflict: z.enum(['skip', 'replace', 'new-ids']).optional(),
    includeModels: z.boolean().optional(),
  })
  .strict();

const exportBundleOptionsSchema = z
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

/**
 * Throws `INVALID_PARAMETER_VALUE` naming each offending field unless `options` are valid options
 * of `readBundle`.
 */
export function checkReadBundleOptions(options: unknown): void {
  parseInput(readBundleOptionsSchema, options, 'bundle read options');
}

/** Throws `INVALID_PARAMETER_VALUE` naming each offending field unless `options` are valid options of `BundleStore.open`. */
export function checkBundleStoreOptions(options: unknown): void {
  parseInput(bundleStoreOptionsSchema, options, 'BundleStore options');
}

/** Throws `INVALID_PARAMETER_VALUE` naming each offending field unless `options` are valid options of `importBundle`. */
export function checkImportBundleOptions(options: unknown): void {
  parseInput(importBundleOptionsSchema, options, 'bundle import options');
}

/** Throws `INVALID_PARAMETER_VALUE` naming each offending field unless `options` are valid options of `exportBundle`/`exportBundleTo`. */
export function checkExportBundleOptions(options: unknown): void {
  parseInput(exportBundleOptionsSchema, options, 'bundle export options');
}
