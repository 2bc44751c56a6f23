/**
 * zod schemas of the public entry points: the single source of truth for what the client accepts.
 * Rules shared with hot paths (keys, values) come from `validation.ts`; a zod issue's path and
 * code go into the `details` of the `INVALID_PARAMETER_VALUE` thrown by {@link parseInput}.
 * @module
 */
import { z } from 'zod';
import { RunStatus, ViewType } from './entities.js';
import { EdgeflowError } from './errors.js';
import { MAX_ARTIFACT_LOCATION_LENGTH, MAX_EXPERIMENT_NAME_LENGTH, MAX_RUN_NAME_LENGTH, MAX_SEARCH_MAX_RESULTS } from './limits.js';
import { keyProblem } from './validation.js';

/** A metric/param/tag key (MLflow's rule). */
export const keySchema = z.string().superRefine((key, ctx) => {
  const problem = keyProblem(key);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `key ${JSON.stringify(key)} ${problem}` });
});

const timestampSchema = z.number().int().nonnegative();
/** Any number, NaN and ±Infinity included (MLflow accepts them as metric values). */
const metricValueSchema = z.custom<number>((v) => typeof v === 'number', 'must be a number (NaN and ±Infinity allowed)');
const stepSchema = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

/** Any value a param or tag accepts before it is turned into a string. */
export const loggableValueSchema = z.union([z.string(), z.number(), z.boolean(), z.bigint(), z.null(), z.undefined()]);

export const tagsInputSchema = z.record(z.string(), loggableValueSchema);

export const experimentNameSchema = z.string().min(1).max(MAX_EXPERIMENT_NAME_LENGTH);

export const createExperimentOptionsSchema = z
  .object({
    artifactLocation: z
      .string()
      .min(1)
      .max(MAX_ARTIFACT_LOCATION_LENGTH)
      .refine((s) => !s.startsWith('runs:'), "the 'runs:' scheme is not allowed for an artifact location")
      .optional(),
    tags: tagsInputSchema.optional(),
  })
  .strict();

export const createRunOptionsSchema = z
  .object({
    startTime: timestampSchema.optional(),
    runName: z.string().max(MAX_RUN_NAME_LENGTH).optional(),
    tags: tagsInputSchema.optional(),
    userId: z.string().optional(),
  })
  .strict();

export const runStatusSchema = z.enum(Object.values(RunStatus) as [RunStatus, ...RunStatus[]]);

export const updateRunOptionsSchema = z
  .object({
    status: runStatusSchema.optional(),
    endTime: timestampSchema.nullable().optional(),
    runName: z.string().max(MAX_RUN_NAME_LENGTH).optional(),
  })
  .strict();

export const viewTypeSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.enum(Object.values(ViewType) as [ViewType, ...ViewType[]]),
);

const searchCommon = {
  filter: z.string().optional(),
  orderBy: z.array(z.string()).optional(),
  viewType: viewTypeSchema.optional(),
  maxResults: z.number().int().min(1).max(MAX_SEARCH_MAX_RESULTS).optional(),
  pageToken: z.string().optional(),
};

export const searchRunsOptionsSchema = z.object(searchCommon).strict();
export const searchExperimentsOptionsSchema = z.object(searchCommon).strict();

export const metricInputSchema = z
  .object({
    key: keySchema,
    value: metricValueSchema,
    timestamp: timestampSchema.optional(),
    step: stepSchema.optional(),
  })
  .strict();

export const keyValueInputSchema = z.object({ key: keySchema, value: loggableValueSchema }).strict();

export const logBatchInputSchema = z
  .object({
    metrics: z.array(metricInputSchema).optional(),
    params: z.array(keyValueInputSchema).optional(),
    tags: z.array(keyValueInputSchema).optional(),
  })
  .strict();

/** Parses `value` with `schema`, or throws `INVALID_PARAMETER_VALUE` naming each offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
  const described = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw EdgeflowError.invalidParameterValue(`Invalid ${what}: ${described}`, { issues });
}
