/**
 * MLflow's validation limits (spec §5), in one place.
 * @module
 */
/** Longest metric, param or tag key, in characters. */
export const MAX_ENTITY_KEY_LENGTH = 250;
/** Longest param value, in characters; longer values are cut, with a warning, as MLflow does. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Longest run tag value, in characters; longer values are cut, with a warning, as MLflow does. */
export const MAX_TAG_VALUE_LENGTH = 8000;
/** Longest experiment tag value, in characters; longer values are refused. */
export const MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;
/** Longest experiment name, in characters. */
export const MAX_EXPERIMENT_NAME_LENGTH = 500;
/** Longest experiment artifact location, in characters. */
export const MAX_ARTIFACT_LOCATION_LENGTH = 2048;
/** Longest run name, in characters. */
export const MAX_RUN_NAME_LENGTH = 250;
/** Most metrics in one `logBatch`. */
export const MAX_METRICS_PER_BATCH = 1000;
/** Most params in one `logBatch`. */
export const MAX_PARAMS_PER_BATCH = 100;
/** Most tags in one `logBatch`. */
export const MAX_TAGS_PER_BATCH = 100;
/** Most metrics, params and tags together in one `logBatch`. */
export const MAX_ENTITIES_PER_BATCH = 1000;
/** Page size of a search that names none. */
export const DEFAULT_SEARCH_MAX_RESULTS = 1000;
/** Largest page size a search may ask for. */
export const MAX_SEARCH_MAX_RESULTS = 50_000;
/** Longest artifact path, in characters. */
export const MAX_ARTIFACT_PATH_LENGTH = 1024;
/** Longest LIKE / ILIKE pattern a search filter may hold (MLflow's stores set none; edgeflow refuses longer ones). */
export const MAX_LIKE_PATTERN_LENGTH = 10_000;
/** MLflow's dataset limits (`_validate_dataset`), enforced when writing; longer values are read as they are. */
export const MAX_DATASET_NAME_LENGTH = 500;
export const MAX_DATASET_DIGEST_LENGTH = 36;
export const MAX_DATASET_SOURCE_LENGTH = 65_535;
export const MAX_DATASET_SCHEMA_LENGTH = 1_048_575;
export const MAX_DATASET_PROFILE_LENGTH = 16_777_215;
export const MAX_INPUT_TAG_KEY_LENGTH = 255;
export const MAX_INPUT_TAG_VALUE_LENGTH = 500;
/** `search-datasets` takes 1 to 20 experiment ids. */
export const MAX_SEARCH_DATASETS_EXPERIMENTS = 20;
