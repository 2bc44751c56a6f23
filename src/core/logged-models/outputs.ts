/**
 * Model outputs of a run (mlflow3-models-and-inputs.md §1.4): written once per (run, model), the
 * first step wins; the model id is not checked (as MLflow), so outputs survive a deleted model.
 * @module
 */
import type { ModelOutput } from '../datasets/entities.js';
import { EdgeflowError, describeValue } from '../errors.js';
import { stepProblem } from '../validation.js';

/**
 * `existing` with the outputs of new models appended (a model already listed keeps its first
 * step); the same array when nothing is new.
 * @throws `INVALID_PARAMETER_VALUE` for an empty model id or a step that is not a safe integer
 */
export function withModelOutputs(existing: readonly ModelOutput[], outputs: readonly ModelOutput[]): readonly ModelOutput[] {
  const seen = new Set(existing.map((o) => o.modelId));
  const added: ModelOutput[] = [];
  for (const { modelId, step } of outputs) {
    if (typeof modelId !== 'string' || modelId === '') {
      throw EdgeflowError.invalidParameterValue(`Invalid model id ${describeValue(modelId)} in a run output: it must be a non-empty string.`, { details: { field: 'model_id' } });
    }
    const problem = stepProblem(step);
    if (problem !== undefined) {
      throw EdgeflowError.invalidParameterValue(`Invalid step ${describeValue(step)} of output ${modelId}: it ${problem}.`, { details: { field: 'step', modelId } });
    }
    if (seen.has(modelId)) continue;
    seen.add(modelId);
    added.push({ modelId, step });
  }
  return added.length === 0 ? existing : [...existing, ...added];
}
