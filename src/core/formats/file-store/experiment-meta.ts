/**
 * The experiment `meta.yaml` of MLflow's file store: its reader and the exact bytes MLflow writes.
 * @module
 */
import type { Dict, Experiment } from '../../entities.js';
import { describeValue } from '../../errors.js';
import { dumpYaml, type YamlValue } from '../yaml-dialect.js';
import { asMapping, brandExperimentId, fail, field, idString, optionalMs, stage, str } from './fields.js';

/**
 * The content of an experiment `meta.yaml`: the experiment without its tags (they live in
 * `tags/`). `creationTime`/`lastUpdateTime` are null in legacy files (MLflow < 1.29).
 */
export type ExperimentMeta = Omit<Experiment, 'tags'>;

/**
 * Reads an experiment `meta.yaml` (already parsed YAML). Accepts legacy files without times, an
 * integer `experiment_id` (converted to its decimal string) and ignores the stale `tags:` mapping
 * MLflow writes on rewrites, and any unknown key.
 * @throws `INVALID_PARAMETER_VALUE` naming `entry` on a missing or mistyped field.
 */
export function readExperimentMeta(data: unknown, entry: string): ExperimentMeta {
  const map = asMapping(data, entry);
  const experimentId = brandExperimentId(idString(map, 'experiment_id', entry), entry);
  const name = str(map, 'name', entry);
  if (name === '') fail(entry, 'field "name" must not be empty.');
  const artifactLocation = field(map, 'artifact_location');
  if (artifactLocation !== undefined && artifactLocation !== null && typeof artifactLocation !== 'string') {
    fail(entry, `field "artifact_location" must be a string (got ${describeValue(artifactLocation)}).`);
  }
  return {
    experimentId,
    name,
    artifactLocation: artifactLocation ?? '',
    lifecycleStage: stage(map, entry),
    creationTime: optionalMs(map, 'creation_time', entry),
    lastUpdateTime: optionalMs(map, 'last_update_time', entry),
  };
}

/** Options of {@link serializeExperimentMeta}. */
export interface ExperimentMetaWriteOptions {
  /**
   * Write the stale `tags:` mapping MLflow adds whenever it rewrites the file (rename, delete,
   * restore). Absent: no `tags` key, as MLflow writes a new experiment.
   */
  readonly staleTags?: Dict<string>;
}

/** The exact bytes (as text) MLflow writes for an experiment `meta.yaml`. */
export function serializeExperimentMeta(meta: ExperimentMeta, options: ExperimentMetaWriteOptions = {}): string {
  const doc: Record<string, YamlValue> = {
    artifact_location: meta.artifactLocation,
    creation_time: meta.creationTime,
    experiment_id: meta.experimentId,
    last_update_time: meta.lastUpdateTime,
    lifecycle_stage: meta.lifecycleStage,
    name: meta.name,
  };
  if (options.staleTags) doc.tags = { ...options.staleTags };
  return dumpYaml(doc);
}
