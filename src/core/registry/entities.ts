/**
 * Model Registry entities (spec §2, §8): registered models and their numbered versions, with
 * stages, aliases, tags, descriptions, who and when.
 * @module
 */
import type { Dict } from '../entities.js';

/** Deployment stage of a model version (deprecated by MLflow in favour of aliases, still supported). */
export const ModelStage = { NONE: 'None', STAGING: 'Staging', PRODUCTION: 'Production', ARCHIVED: 'Archived' } as const;
export type ModelStage = (typeof ModelStage)[keyof typeof ModelStage];

/** The stage of a soft-deleted version; such versions are invisible to reads and searches. */
export const DELETED_STAGE = 'Deleted_Internal';
/** What a stored version's stage can be. */
export type StoredModelStage = ModelStage | typeof DELETED_STAGE;

/** All visible stages, in MLflow's order. */
export const MODEL_STAGES: readonly ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];

/** Registration status of a model version. */
export const ModelVersionStatus = {
  PENDING_REGISTRATION: 'PENDING_REGISTRATION',
  FAILED_REGISTRATION: 'FAILED_REGISTRATION',
  READY: 'READY',
} as const;
export type ModelVersionStatus = (typeof ModelVersionStatus)[keyof typeof ModelVersionStatus];

/** One version of a registered model. */
export interface ModelVersion {
  readonly name: string;
  /** 1, 2, 3, … per model, never reused. */
  readonly version: number;
  /** ms */
  readonly creationTimestamp: number;
  /** ms */
  readonly lastUpdatedTimestamp: number;
  readonly userId: string | null;
  readonly currentStage: ModelStage;
  /** `''` when none was given (what MLflow's server gives). */
  readonly description: string | null;
  /** Where the model files are, as given (`runs:/<run_id>/model`, `models:/…`, a URL). */
  readonly source: string;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string | null;
  readonly tags: Dict<string>;
  /** Aliases pointing at this version. */
  readonly aliases: readonly string[];
  /** MLflow 3 logged-model id, if any. */
  readonly modelId: string | null;
  /** Resolved download location; equals `source` unless that was a `models:/` URI. */
  readonly storageLocation: string | null;
}

/** A registered model. */
export interface RegisteredModel {
  readonly name: string;
  /** ms */
  readonly creationTimestamp: number;
  /** ms */
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  readonly tags: Dict<string>;
  /** alias → version number */
  readonly aliases: Dict<number>;
  /** For each stage, its highest-numbered version. */
  readonly latestVersions: readonly ModelVersion[];
}

/**
 * A model version as stored (soft-deleted ones included): the version without what its model
 * record holds (`name`, `aliases`), in any stored stage.
 */
export interface ModelVersionRecord extends Omit<ModelVersion, 'name' | 'aliases' | 'currentStage'> {
  readonly currentStage: StoredModelStage;
}

/**
 * A registered model with all its versions, as one storage record: every registry operation reads
 * and writes one (rename: two) of these, so a backend can apply it atomically.
 */
export interface RegisteredModelRecord {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  readonly tags: Dict<string>;
  /** alias → version number */
  readonly aliases: Dict<number>;
  /** By version number, soft-deleted versions included. */
  readonly versions: readonly ModelVersionRecord[];
}
