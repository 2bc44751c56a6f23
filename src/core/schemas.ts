/**
 * zod schemas of the public entry points: the single source of truth for what the client accepts.
 * Rules shared with hot paths (keys, values) come from `validation.ts`; a zod issue's path and
 * code go into the `details` of the `INVALID_PARAMETER_VALUE` thrown by {@link parseInput}.
 * @module
 */
import { z } from 'zod';
import { RunStatus, ViewType } from './entities.js';
import { EdgeflowError, describeValue } from './errors.js';
import { MAX_ARTIFACT_LOCATION_LENGTH, MAX_EXPERIMENT_NAME_LENGTH, MAX_RUN_NAME_LENGTH, MAX_SEARCH_MAX_RESULTS } from './limits.js';
import { keyProblem, stepProblem, textProblem, timestampProblem } from './validation.js';

/** A metric/param/tag key (MLflow's rule). */
export const keySchema = z.string().superRefine(refineWith(keyProblem, 'key'));

/** A zod check that reports `problem(value)` (a rule of `validation.ts`) as the issue's message. */
function refineWith(problem: (value: never) => string | undefined, what: string) {
  return (value: unknown, ctx: z.RefinementCtx): void => {
    const found = problem(value as never);
    if (found !== undefined) ctx.addIssue({ code: 'custom', message: `${what} ${describeValue(value)} ${found}` });
  };
}

/** A time in ms: a safe integer number ≥ 0. */
export const timestampSchema = z.custom<number>().superRefine(refineWith(timestampProblem, 'timestamp'));
/** Any number, NaN and ±Infinity included (MLflow accepts them as metric values). */
const metricValueSchema = z.custom<number>((v) => typeof v === 'number', 'must be a number (NaN and ±Infinity allowed)');
/** A metric step: a safe integer number. */
const stepSchema = z.custom<number>().superRefine(refineWith(stepProblem, 'step'));
/** Text any store can keep (no lone surrogates). */
export const textSchema = z.string().superRefine(refineWith(textProblem, 'text'));

/**
 * Any value a param or tag accepts: {@link stringifyValue} decides, and names the key when it
 * cannot convert one.
 */
export const loggableValueSchema = z.unknown();

export const tagsInputSchema = z.record(z.string(), loggableValueSchema);

export const experimentNameSchema = textSchema.min(1).max(MAX_EXPERIMENT_NAME_LENGTH);

/** A run name: at most 250 characters of well-formed text. */
export const runNameSchema = textSchema.max(MAX_RUN_NAME_LENGTH);

export const createExperimentOptionsSchema = z
  .object({
    artifactLocation: textSchema
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
    runName: runNameSchema.optional(),
    tags: tagsInputSchema.optional(),
    userId: textSchema.optional(),
  })
  .strict();

export const runStatusSchema = z.enum(Object.values(RunStatus) as [RunStatus, ...RunStatus[]]);

export const updateRunOptionsSchema = z
  .object({
    status: runStatusSchema.optional(),
    endTime: timestampSchema.nullable().optional(),
    runName: runNameSchema.optional(),
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
    modelId: textSchema.min(1).optional(),
    datasetName: textSchema.min(1).optional(),
    datasetDigest: textSchema.optional(),
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

/** An object with these methods (zod cannot check their signatures), described as `description` in errors. */
export function withMethodsSchema<T>(names: readonly string[], description: string): z.ZodType<T> {
  return z.custom<T>((value) => hasMethods(value, names), description);
}

/** True when `value` is an object with a function under each of `names`. */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/** A callback option (zod cannot check its signature). */
export function functionSchema<F>(): z.ZodType<F> {
  return z.custom<F>((value) => typeof value === 'function', 'a function');
}

/** An `AbortSignal` option. */
export const abortSignalSchema = z.custom<AbortSignal>((s) => typeof AbortSignal !== 'undefined' && s instanceof AbortSignal, 'an AbortSignal');

/** A count, size or limit option: a positive safe integer. */
export const positiveIntSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

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
  throw EdgeflowError.invalidParameterValue(`Invalid ${what}: ${described}`, { details: { issues } });
}
