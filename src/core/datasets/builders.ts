/**
 * Building MLflow `Dataset` entities from the data a JS user has, with MLflow's digest, profile and
 * schema (mlflow3-models-and-inputs.md §2): arrays like `mlflow.data.from_numpy`, records like
 * `mlflow.data.from_pandas`, and source descriptions as MLflow writes them.
 * @module
 */
import { z } from 'zod';
import { pythonJson } from '../formats/python-json.js';
import { parseInput } from '../schemas.js';
import { numpyProfile, numpySchema, tableProfile, tableSchema } from './describe.js';
import { numpyDigest, pandasDigest } from './digest.js';
import type { Dataset } from './entities.js';
import { toNdArrays, type ArraysInput, type NamedArrays } from './ndarray.js';
import { recordsToColumns, type DataRecord } from './records.js';
import { datasetSchema } from './schemas.js';

/** Where a dataset came from: MLflow's `source_type` and its JSON `source`. */
export interface DatasetSource {
  readonly sourceType: string;
  readonly source: string;
}

/** A local file or folder, kept as given (`{"uri": "data/train.csv"}`, type `local`). */
export function localSource(uri: string): DatasetSource {
  return { sourceType: 'local', source: pythonJson({ uri }) };
}

/** An `http(s)://` URL (`{"url": …}`, type `http`). */
export function httpSource(url: string): DatasetSource {
  if (!/^https?:\/\//i.test(url)) throw new TypeError(`not an http(s) URL: ${url}`);
  return { sourceType: 'http', source: pythonJson({ url }) };
}

/** An object-store URI such as `s3://bucket/key` (`{"uri": …}`, type = the URI scheme). */
export function uriSource(uri: string): DatasetSource {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1];
  if (!scheme) throw new TypeError(`not a URI with a scheme: ${uri}`);
  return { sourceType: scheme.toLowerCase(), source: pythonJson({ uri }) };
}

/** Data made by code (type `code`), described by the run-context tags (`mlflow.user`, …). */
export function codeSource(tags: Readonly<Record<string, string>> = {}): DatasetSource {
  return { sourceType: 'code', source: pythonJson({ tags }) };
}

const sourceSchema = z.object({ sourceType: z.string(), source: z.string() }).strict();
const commonOptions = {
  /** `dataset` when absent, as MLflow names an unnamed dataset. */
  name: z.string().optional(),
  source: sourceSchema.optional(),
  /** Your own digest instead of MLflow's. */
  digest: z.string().optional(),
};

/** Options of {@link datasetFromArrays}. */
export interface ArraysDatasetOptions {
  readonly name?: string;
  /** One array, or named arrays (hashed in sorted name order, described in the dict's order). */
  readonly features: ArraysInput;
  readonly targets?: ArraysInput;
  /** Default: {@link codeSource} without tags. */
  readonly source?: DatasetSource;
  readonly digest?: string;
}

/** Options of {@link datasetFromRecords}. */
export interface RecordsDatasetOptions {
  readonly name?: string;
  /** Rows of `{column: value}`; columns in order of first appearance, missing values are NaN. */
  readonly records: readonly DataRecord[];
  readonly source?: DatasetSource;
  readonly digest?: string;
}

const arraysOptionsSchema = z.object({ ...commonOptions, features: z.custom<ArraysInput>((v) => v != null), targets: z.custom<ArraysInput>().optional() }).strict();
const recordsOptionsSchema = z.object({ ...commonOptions, records: z.array(z.custom<DataRecord>()) }).strict();

function finish(fields: Dataset): Dataset {
  return Object.freeze(parseInput(datasetSchema, fields, 'dataset'));
}

function sourceOf(source: DatasetSource | undefined): DatasetSource {
  return source ?? codeSource();
}

/**
 * A dataset of arrays, as `mlflow.data.from_numpy` describes it: MLflow's NumPy digest, profile
 * (shape, size, nbytes) and tensor schema. Plain numbers are float64, bigints int64, typed arrays
 * keep their own dtype.
 * @throws INVALID_PARAMETER_VALUE for ragged or mixed arrays, or a name/digest over MLflow's limits
 */
export function datasetFromArrays(options: ArraysDatasetOptions): Dataset {
  const { features, targets, ...rest } = parseInput(arraysOptionsSchema, options, 'arrays dataset');
  return datasetFromNdArrays({ ...rest, features: toNdArrays(features, 'features'), ...(targets === undefined ? {} : { targets: toNdArrays(targets, 'targets') }) });
}

/** Options of {@link datasetFromNdArrays}: arrays already read as NumPy holds them. */
export interface NdArraysDatasetOptions extends Omit<ArraysDatasetOptions, 'features' | 'targets'> {
  readonly features: NamedArrays;
  readonly targets?: NamedArrays;
}

/** {@link datasetFromArrays} for arrays already read as NumPy holds them (the TF.js entry uses it). */
export function datasetFromNdArrays(options: NdArraysDatasetOptions): Dataset {
  const { name, features: f, targets: t, source, digest } = options;
  return finish({
    name: name ?? 'dataset',
    digest: digest ?? numpyDigest(f, t),
    ...sourceOf(source),
    schema: numpySchema(f, t),
    profile: numpyProfile(f, t),
  });
}

/**
 * A dataset of records, as `mlflow.data.from_pandas` describes the DataFrame pandas builds from
 * them: MLflow's pandas digest, profile (rows, elements) and column schema. Whole numbers are int64
 * (as pandas reads Python ints); a float column whose values are all whole hashes as int64.
 * @throws INVALID_PARAMETER_VALUE when a row is not an object, or a name/digest over MLflow's limits
 */
export function datasetFromRecords(options: RecordsDatasetOptions): Dataset {
  const { name, records, source, digest } = parseInput(recordsOptionsSchema, options, 'records dataset');
  const columns = recordsToColumns(records);
  return finish({
    name: name ?? 'dataset',
    digest: digest ?? pandasDigest(columns, records.length),
    ...sourceOf(source),
    schema: tableSchema(columns),
    profile: tableProfile(columns, records.length),
  });
}
