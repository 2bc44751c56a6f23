/**
 * The run `meta.yaml` of MLflow's file store: its reader and the exact bytes MLflow writes.
 * @module
 */
import { RUN_STATUS_NUMBER, type Dict, type RunInfo, type RunStatus } from '../../entities.js';
import { describeValue } from '../../errors.js';
import { dumpYaml, type YamlValue } from '../yaml-dialect.js';
import { asMapping, brandExperimentId, brandRunId, fail, field, idString, optionalMs, stage } from './fields.js';

/** The content of a run `meta.yaml`: exactly a run's info. */
export type RunMeta = RunInfo;


const STATUS_OF_NUMBER: ReadonlyMap<number, RunStatus> = new Map(
  (Object.entries(RUN_STATUS_NUMBER) as [RunStatus, number][]).map(([k, v]) => [v, k]),
);

/**
 * Reads a run `meta.yaml`. `run_id`, `experiment_id`, `user_id` and `start_time` are required,
 * `end_time` may be null; `status` is MLflow's integer (RUNNING when missing); `run_uuid` and the
 * legacy fields (`source_*`, `entry_point_name`, `tags: []`) are ignored. An empty `run_name` is
 * returned as '' — the caller takes the name from tag `mlflow.runName` ({@link resolveRunName}).
 * @throws `INVALID_PARAMETER_VALUE` naming `entry` on a missing or mistyped field.
 */
export function readRunMeta(data: unknown, entry: string): RunMeta {
  const map = asMapping(data, entry);
  const runId = brandRunId(idString(map, 'run_id', entry), entry);
  const experimentId = brandExperimentId(idString(map, 'experiment_id', entry), entry);
  const userIdValue = field(map, 'user_id');
  if (userIdValue !== null && typeof userIdValue !== 'string') {
    fail(entry, `field "user_id" must be a string (got ${describeValue(userIdValue)}).`);
  }
  const startTime = optionalMs(map, 'start_time', entry);
  if (startTime === null) fail(entry, 'field "start_time" is required.');
  const statusValue = field(map, 'status');
  let status: RunStatus = 'RUNNING';
  if (statusValue !== undefined && statusValue !== null) {
    const known = typeof statusValue === 'number' ? STATUS_OF_NUMBER.get(statusValue) : undefined;
    if (known === undefined) fail(entry, `field "status" must be an integer 1–5 (got ${describeValue(statusValue)}).`);
    status = known;
  }
  const runName = field(map, 'run_name');
  if (runName !== undefined && runName !== null && typeof runName !== 'string') {
    fail(entry, `field "run_name" must be a string (got ${describeValue(runName)}).`);
  }
  const artifactUri = field(map, 'artifact_uri');
  if (artifactUri !== undefined && artifactUri !== null && typeof artifactUri !== 'string') {
    fail(entry, `field "artifact_uri" must be a string (got ${describeValue(artifactUri)}).`);
  }
  return {
    runId,
    experimentId,
    runName: runName ?? '',
    userId: userIdValue ?? '',
    status,
    startTime,
    endTime: optionalMs(map, 'end_time', entry),
    artifactUri: artifactUri ?? '',
    lifecycleStage: stage(map, entry),
    deletedTime: optionalMs(map, 'deleted_time', entry),
  };
}

/** The run name MLflow shows: `run_name` from meta, else tag `mlflow.runName`, else ''. */
export function resolveRunName(meta: RunMeta, tags: Dict<string>): string {
  if (meta.runName !== '') return meta.runName;
  const tag = Object.prototype.hasOwnProperty.call(tags, 'mlflow.runName') ? tags['mlflow.runName'] : undefined;
  return tag ?? '';
}

/**
 * The exact bytes (as text) MLflow writes for a run `meta.yaml`, with the legacy fields
 * (`entry_point_name: ''`, `source_name: ''`, `source_type: 4`, `source_version: ''`, `tags: []`).
 * `deleted_time` is written for deleted runs; for active ones it is `null` in the first write of a
 * new run (`fresh`) and omitted in every rewrite, as MLflow does (it reads both).
 */
export function serializeRunMeta(meta: RunMeta, options: { readonly fresh?: boolean } = {}): string {
  const doc: Record<string, YamlValue> = {
    artifact_uri: meta.artifactUri,
    end_time: meta.endTime,
    entry_point_name: '',
    experiment_id: meta.experimentId,
    lifecycle_stage: meta.lifecycleStage,
    run_id: meta.runId,
    run_name: meta.runName,
    source_name: '',
    source_type: 4,
    source_version: '',
    start_time: meta.startTime,
    status: RUN_STATUS_NUMBER[meta.status],
    tags: [],
    user_id: meta.userId,
  };
  if (meta.lifecycleStage === 'deleted') doc.deleted_time = meta.deletedTime;
  else if (options.fresh) doc.deleted_time = null;
  return dumpYaml(doc);
}
