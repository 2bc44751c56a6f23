/**
 * MLflow 3 logged models (mlflow3-models-and-inputs.md §1.5, §1.6, §3.1, §3.2).
 *
 * A logged model lives in an experiment, has its own artifacts, params, tags and metrics, and is
 * linked to the run that produced it (`sourceRunId`, the run's outputs). Its URI is
 * `models:/<modelId>`.
 * @module
 */
import type { LifecycleStage, Metric } from '../entities.js';

/** MLflow's `LoggedModelStatus`, by its Python name (what search filters compare). */
export const LoggedModelStatus = {
  UNSPECIFIED: 'UNSPECIFIED',
  PENDING: 'PENDING',
  READY: 'READY',
  FAILED: 'FAILED',
} as const;
export type LoggedModelStatus = (typeof LoggedModelStatus)[keyof typeof LoggedModelStatus];

/** A metric of a logged model: one per (key, dataset) group, as MLflow reads them. */
export interface LoggedModelMetric extends Metric {
  readonly modelId: string;
  /** The run that logged it; null when unknown. */
  readonly runId: string | null;
  /** Both set, or both absent. */
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** MLflow's `LoggedModel`. */
export interface LoggedModel {
  /** `m-` + 32 lowercase hex characters. */
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  /** Where the model's files live: `<experiment artifact location>/models/<modelId>/artifacts`. */
  readonly artifactLocation: string;
  /** ms */
  readonly creationTimestamp: number;
  /** ms; changed only by finalize. */
  readonly lastUpdatedTimestamp: number;
  readonly modelType: string | null;
  readonly sourceRunId: string | null;
  readonly status: LoggedModelStatus;
  readonly statusMessage: string | null;
  readonly lifecycleStage: LifecycleStage;
  readonly tags: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  /** One entry per (key, dataset group): the line with the largest (step, timestamp, value). */
  readonly metrics: readonly LoggedModelMetric[];
}

/** A metric's link to a logged model and/or a dataset (MLflow 3's `Metric` fields). */
export interface MetricLink {
  readonly modelId?: string;
  /** Both set, or both absent (`INVALID_PARAMETER_VALUE` otherwise). */
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}
