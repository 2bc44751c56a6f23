/**
 * `logModel(…, { loggedModel: true })`: MLflow 3's `Model.log` (mlflow3-models-and-inputs.md §7)
 * for TF.js — a logged model in the run's experiment, linked to the run as an output, with the
 * run's metrics at that step, its files under the model's own artifact location.
 * @module
 */
import type { TrackingClient } from '../core/client.js';
import { formatUtcTimeCreated, serializeMLmodel, type MLModel } from '../core/formats/mlmodel.js';
import { SystemTag } from '../core/system-tags.js';
import { TFJS_FLAVOR, saveModelFiles, tfjsFlavorOf, type LogModelOptions, type LoggedModelInfo, type SavableModel } from './log-model.js';

/** Run-context tags MLflow copies onto a logged model (`_create_logged_model`). */
const CONTEXT_TAGS = [SystemTag.USER, SystemTag.SOURCE_NAME, SystemTag.SOURCE_TYPE, SystemTag.SOURCE_GIT_COMMIT] as const;

/** The run's metric points at `step`, to copy onto the model (MLflow re-logs them with the model id). */
async function metricsAtStep(client: TrackingClient, runId: string, keys: readonly string[], step: number): Promise<{ key: string; value: number; timestamp: number; step: number }[]> {
  const out: { key: string; value: number; timestamp: number; step: number }[] = [];
  for (const key of keys) {
    const history = await client.getMetricHistory(runId, key);
    for (let i = 0; i < history.steps.length; i++) {
      if (history.steps[i] === step) out.push({ key, value: history.values[i]!, timestamp: history.timestamps[i]!, step });
    }
  }
  return out;
}

/**
 * Logs a TF.js model as an MLflow 3 logged model: creates it (PENDING) in the run's experiment
 * (name, source run, given params overridden by the run's params, given tags plus the run-context
 * tags), records it as a run output at `step`, copies the run's metrics at that step to it, writes
 * the files and `MLmodel` (`model_uuid` = `model_id` = the id, `artifact_path` = the model's
 * artifact location) to the model's artifacts and finalizes it READY — FAILED when a step fails.
 * Writes no `mlflow.loggedModels` or `mlflow.log-model.history` tag (MLflow 3.6 writes neither).
 */
export async function logLoggedModel(client: TrackingClient, runId: string, model: SavableModel, name: string, options: LogModelOptions): Promise<LoggedModelInfo> {
  const run = await client.getRun(runId);
  const step = options.step ?? 0;
  const tags: Record<string, string> = { ...options.tags };
  for (const key of CONTEXT_TAGS) if (run.data.tags[key] !== undefined) tags[key] = run.data.tags[key]!;
  const created = await client.createLoggedModel(run.info.experimentId, {
    name,
    sourceRunId: run.info.runId,
    ...(options.modelType === undefined ? {} : { modelType: options.modelType }),
    params: { ...options.params, ...run.data.params },
    tags,
  });
  const { modelId } = created;
  let mlmodel: MLModel;
  try {
    await client.logOutputs(runId, [{ modelId, step }]);
    const points = await metricsAtStep(client, runId, Object.keys(run.data.metrics), step);
    for (let i = 0; i < points.length; i += 1000) {
      await client.logBatch(runId, { metrics: points.slice(i, i + 1000).map((p) => ({ ...p, modelId })) });
    }
    const saved = await saveModelFiles((path, data) => client.logLoggedModelArtifact(modelId, path, data), model, options);
    mlmodel = {
      artifactPath: created.artifactLocation,
      flavors: { [TFJS_FLAVOR]: tfjsFlavorOf(saved) },
      modelUuid: modelId,
      modelId,
      runId,
      utcTimeCreated: formatUtcTimeCreated(new Date()),
      ...(saved.signature ? { signature: saved.signature } : {}),
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      ...(saved.savedInputExampleInfo ? { savedInputExampleInfo: saved.savedInputExampleInfo } : {}),
      extra: saved.extra,
    };
    await client.logLoggedModelArtifact(modelId, 'MLmodel', serializeMLmodel(mlmodel));
    await client.finalizeLoggedModel(modelId, 'READY');
  } catch (error) {
    await client.finalizeLoggedModel(modelId, 'FAILED').catch(() => undefined);
    throw error;
  }
  const modelUri = `models:/${modelId}`;
  const registeredModelVersion = options.registeredModelName === undefined ? undefined : await client.registerModel(modelUri, options.registeredModelName);
  return {
    modelId,
    modelUri,
    runId,
    artifactPath: created.artifactLocation,
    modelUuid: modelId,
    utcTimeCreated: mlmodel.utcTimeCreated!,
    mlmodel,
    ...(registeredModelVersion === undefined ? {} : { registeredModelVersion }),
  };
}
