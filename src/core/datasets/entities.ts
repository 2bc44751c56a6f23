/**
 * MLflow 3 dataset inputs and run inputs/outputs (mlflow3-models-and-inputs.md §1.2–§1.4, §2, §3.3).
 *
 * A run lists the datasets it read (with input tags such as `mlflow.data.context`), the logged
 * models it read, and the logged models it produced. Datasets are identified by (name, digest).
 * @module
 */
import type { KeyValue } from '../entities.js';

/** MLflow's `Dataset` entity: every field is text, `schema` and `profile` are JSON text or null. */
export interface Dataset {
  /** `dataset` when the caller gave none. ≤ 500 characters when written. */
  readonly name: string;
  /** 8 hex characters when computed by MLflow's rules; any string ≤ 36 when given. */
  readonly digest: string;
  /** `local`, `http`, `s3`, `code`, … */
  readonly sourceType: string;
  /** JSON text describing the source, e.g. `{"url": "https://…"}`. */
  readonly source: string;
  /** JSON text (`{"mlflow_tensorspec": …}` or `{"mlflow_colspec": …}`), or null. */
  readonly schema: string | null;
  /** JSON text, e.g. `{"num_rows": 2, "num_elements": 6}`, or null. */
  readonly profile: string | null;
}

/** A dataset a run read, with the input's tags (`mlflow.data.context` among them). */
export interface DatasetInput {
  readonly dataset: Dataset;
  readonly tags: readonly KeyValue[];
}

/** A logged model a run read. */
export interface ModelInput {
  readonly modelId: string;
}

/** A logged model a run produced, at a step. */
export interface ModelOutput {
  readonly modelId: string;
  readonly step: number;
}

/** MLflow's `RunInputs`. */
export interface RunInputs {
  readonly datasetInputs: readonly DatasetInput[];
  readonly modelInputs: readonly ModelInput[];
}

/** MLflow's `RunOutputs`. */
export interface RunOutputs {
  readonly modelOutputs: readonly ModelOutput[];
}

/** A run with neither inputs nor outputs. */
export const NO_RUN_INPUTS: RunInputs = Object.freeze({ datasetInputs: Object.freeze([]), modelInputs: Object.freeze([]) });
/** A run that produced no logged model. */
export const NO_RUN_OUTPUTS: RunOutputs = Object.freeze({ modelOutputs: Object.freeze([]) });

/** The input tag that holds a dataset's role in a run (`training`, `eval`, `test`, …). */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/** What {@link Store.logInputs} writes. Written once per (run, dataset) and (run, model): first wins. */
export interface LogInputsInput {
  readonly datasets?: readonly DatasetInput[];
  readonly models?: readonly ModelInput[];
}

/** One row of MLflow's `search-datasets`: a distinct (experiment, name, digest, context). */
export interface DatasetSummary {
  readonly experimentId: string;
  readonly name: string;
  readonly digest: string;
  /** Absent when the input has no context tag. */
  readonly context?: string;
}
