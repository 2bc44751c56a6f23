/**
 * MLflow's system tags (spec §7) that edgeflow reads or writes.
 * @module
 */
/** Keys of MLflow's system tags (`mlflow.*`) that edgeflow reads or writes. */
export const SystemTag = {
  RUN_NAME: 'mlflow.runName',
  USER: 'mlflow.user',
  SOURCE_NAME: 'mlflow.source.name',
  SOURCE_TYPE: 'mlflow.source.type',
  SOURCE_GIT_COMMIT: 'mlflow.source.git.commit',
  SOURCE_GIT_BRANCH: 'mlflow.source.git.branch',
  SOURCE_GIT_REPO_URL: 'mlflow.source.git.repoURL',
  PARENT_RUN_ID: 'mlflow.parentRunId',
  NOTE: 'mlflow.note.content',
  LOG_MODEL_HISTORY: 'mlflow.log-model.history',
  LOGGED_IMAGES: 'mlflow.loggedImages',
  PROJECT_ENTRY_POINT: 'mlflow.project.entryPoint',
  PROJECT_ENV: 'mlflow.project.env',
  PROJECT_BACKEND: 'mlflow.project.backend',
} as const;
/** One of the system tag keys above. */
export type SystemTag = (typeof SystemTag)[keyof typeof SystemTag];

/** Values of `mlflow.source.type`. */
export const SourceType = {
  NOTEBOOK: 'NOTEBOOK',
  JOB: 'JOB',
  PROJECT: 'PROJECT',
  LOCAL: 'LOCAL',
  UNKNOWN: 'UNKNOWN',
} as const;
/** One of the source types above. */
export type SourceType = (typeof SourceType)[keyof typeof SourceType];
