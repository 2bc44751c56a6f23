/**
 * An MLflow 3 logged model's `models/<model_id>/meta.yaml` (mlflow3-models-and-inputs.md §1.5):
 * its reader, accepting what MLflow writes, and the exact bytes MLflow writes.
 * @module
 */
import type { LifecycleStage } from '../../entities.js';
import { EdgeflowError, describeValue } from '../../errors.js';
import type { LoggedModelStatus } from '../../logged-models/entities.js';
import type { LoggedModelRecord } from '../../logged-models/logged-model-store.js';
import { dumpYaml } from '../yaml-dialect.js';
import { asMapping, fail, field, idString, nullableStr, optionalMs, requiredMs, stage, str } from './fields.js';

/** What a logged model's `meta.yaml` holds: the record without params, tags and metrics (folders). */
export type LoggedModelMeta = Omit<LoggedModelRecord, 'params' | 'tags' | 'metricLines'>;

/** The integer MLflow's file store writes for each status (§3.2). */
export const LOGGED_MODEL_STATUS_NUMBER: Readonly<Record<LoggedModelStatus, number>> = {
  UNSPECIFIED: 0,
  PENDING: 1,
  READY: 2,
  FAILED: 3,
};

const STATUS_OF_NUMBER: ReadonlyMap<number, LoggedModelStatus> = new Map(
  (Object.entries(LOGGED_MODEL_STATUS_NUMBER) as [LoggedModelStatus, number][]).map(([k, v]) => [v, k]),
);

/**
 * Reads a logged model `meta.yaml`. A missing `lifecycle_stage` is active (MLflow drops the key on
 * finalize); unknown keys are ignored; `experiment_id` may be an integer. An unknown `status`
 * integer fails as it does for MLflow ("Unknown model status: 7").
 * @throws `INVALID_PARAMETER_VALUE` naming `entry` on a missing or mistyped field.
 */
export function readLoggedModelMeta(data: unknown, entry: string): LoggedModelMeta {
  const map = asMapping(data, entry);
  const modelId = str(map, 'model_id', entry);
  if (modelId === '') fail(entry, 'field "model_id" must not be empty.');
  const statusValue = field(map, 'status');
  const status = typeof statusValue === 'number' ? STATUS_OF_NUMBER.get(statusValue) : undefined;
  if (status === undefined) {
    throw EdgeflowError.invalidParameterValue(`${entry}: Unknown model status: ${describeValue(statusValue)}`, { details: { entry } });
  }
  const creationTimestamp = requiredMs(map, 'creation_timestamp', entry);
  const artifactLocation = str(map, 'artifact_location', entry);
  return {
    modelId,
    experimentId: idString(map, 'experiment_id', entry),
    name: str(map, 'name', entry),
    artifactLocation,
    creationTimestamp,
    lastUpdatedTimestamp: optionalMs(map, 'last_updated_timestamp', entry) ?? creationTimestamp,
    modelType: nullableStr(map, 'model_type', entry),
    sourceRunId: nullableStr(map, 'source_run_id', entry),
    status,
    statusMessage: nullableStr(map, 'status_message', entry),
    lifecycleStage: stage(map, entry),
  };
}

/**
 * The `lifecycle_stage` MLflow leaves in the file: `deleted` after delete; absent once finalized
 * (READY or FAILED: finalize rewrites the file without it); `active` in the first write.
 */
function storedStage(meta: LoggedModelMeta): LifecycleStage | undefined {
  if (meta.lifecycleStage === 'deleted') return 'deleted';
  return meta.status === 'READY' || meta.status === 'FAILED' ? undefined : 'active';
}

/** The exact bytes (as text) MLflow writes for a logged model `meta.yaml` in the model's state. */
export function serializeLoggedModelMeta(meta: LoggedModelMeta): string {
  const lifecycle = storedStage(meta);
  return dumpYaml({
    artifact_location: meta.artifactLocation,
    creation_timestamp: meta.creationTimestamp,
    experiment_id: meta.experimentId,
    last_updated_timestamp: meta.lastUpdatedTimestamp,
    ...(lifecycle === undefined ? {} : { lifecycle_stage: lifecycle }),
    model_id: meta.modelId,
    model_type: meta.modelType,
    name: meta.name,
    source_run_id: meta.sourceRunId,
    status: LOGGED_MODEL_STATUS_NUMBER[meta.status],
    status_message: meta.statusMessage,
  });
}
