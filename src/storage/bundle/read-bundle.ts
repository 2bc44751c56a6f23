/**
 * Reading a bundle zip into records: open it through the zip guard, detect the layout (MLflow file
 * store with or without an `mlruns/` folder, or mlflow-export-import) and parse every metadata file.
 * Shared by the importer and the read-only {@link BundleStore}; artifacts stay in the zip.
 * @module
 */
import { parseInput } from '../../core/schemas.js';
import { EdgeflowError, isEdgeflowError } from '../../core/errors.js';
import { applyApiRules, EXPORT_IMPORT_ENTRIES, FILE_STORE_ENTRIES, type TruncatedValue } from '../../core/formats/api-rules.js';
import { asResourceExhausted, DecodeBudget, metadataCost } from '../../core/formats/decode-budget.js';
import { readBundleOptionsSchema } from './bundle-options.js';
import { readExportImportTree, isExportImportLayout } from '../../core/formats/export-import-layout.js';
import { readFileStoreTree, type FileStoreSnapshot, type TreeFile } from '../../core/formats/file-store/index.js';
import { DEFAULT_ZIP_LIMITS, openZip, type GuardedZip, type ZipLimits, type ZipSource } from '../../core/formats/zip-guard.js';

/** Which layout a bundle uses. */
export const BundleLayout = { MLFLOW: 'mlflow', EXPORT_IMPORT: 'export-import' } as const;
export type BundleLayout = (typeof BundleLayout)[keyof typeof BundleLayout];

/** Progress of a bundle operation. */
export interface BundleProgress {
  readonly phase: 'read' | 'write' | 'rollback' | 'export';
  /** Items (runs, or entries while exporting) done so far. */
  readonly done: number;
  /** Items in total, when known. */
  readonly total?: number;
}

/**
 * Limits of reading a bundle: the zip guard's, and the memory its metadata may take decoded. The
 * metadata (every `meta.yaml`, param, tag and JSON file) is held at once while a bundle opens, so
 * it is charged before anything is inflated: each file's inflated bytes twice (bytes and text; JSON
 * eight times, for its parsed objects) plus 256 bytes, and each metric point 24 bytes (its float64
 * columns) before they are allocated. Metric files are read one at a time: a metric file's bytes
 * and text are charged while it is read and given back once its points are in columns.
 */
export interface BundleLimits extends ZipLimits {
  /** Most bytes the bundle's decoded metadata may take. Default 512 MiB. */
  readonly maxDecodedBytes: number;
}

/** Default {@link BundleLimits}: a browser tab survives any bundle within them. */
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = Object.freeze({ ...DEFAULT_ZIP_LIMITS, maxDecodedBytes: 512 * 1024 ** 2 });

/** Options for reading a bundle. */
export interface ReadBundleOptions {
  /** Overrides of {@link DEFAULT_BUNDLE_LIMITS}. */
  readonly limits?: Partial<BundleLimits>;
  /** Longest metric line accepted. Default 4096. */
  readonly maxLineLength?: number;
  /** See `ReadTreeOptions.onMismatch`; default `'reject'`. */
  readonly onMismatch?: 'skip' | 'reject';
  readonly onProgress?: (progress: BundleProgress) => void;
}

/** A parsed bundle: its records, layout, and the open zip to read artifacts from. */
export interface ParsedBundle {
  readonly layout: BundleLayout;
  /** The records, as the tracking API would store them (see `applyApiRules`). */
  readonly snapshot: FileStoreSnapshot;
  /** Param and tag values truncated to the API's limits, as MLflow's client truncates them. */
  readonly truncated: readonly TruncatedValue[];
  readonly zip: GuardedZip;
  /** Prefix stripped from entry names (e.g. `mlruns/`), to map tree paths back to entries. */
  readonly prefix: string;
  /** The decoded-size budget, charged with the metadata held: charge what is decoded later to it. */
  readonly budget: DecodeBudget;
}

/** The longest chain of folders shared by all files that is not itself a file-store root. */
function fileStorePrefix(files: readonly TreeFile[]): string {
  let prefix = '';
  for (;;) {
    const rest = files.map((f) => f.path.slice(prefix.length));
    const first = rest[0]?.split('/')[0];
    if (first === undefined || rest.some((p) => !p.startsWith(`${first}/`))) return prefix;
    // A folder holding meta.yaml directly is an experiment (a root holding one experiment); stop.
    if (rest.some((p) => p === `${first}/meta.yaml`)) return prefix;
    prefix += `${first}/`;
  }
}

/**
 * Opens and parses a bundle. Nothing but metadata, params, tags and metric files is inflated, each
 * charged to the decoded-size budget ({@link BundleLimits}) before it is. With `metricFiles:
 * 'list'`, a file-store bundle's metric files are only listed (`RunRecord.metricFiles`), not read.
 * @throws `INVALID_PARAMETER_VALUE` naming the offending entry; `RESOURCE_EXHAUSTED` naming it when
 * the budget would be passed, or when memory runs out anyway.
 */
export async function readBundle(
  input: Blob | Uint8Array | ArrayBuffer | ZipSource,
  options: ReadBundleOptions = {},
  metricFiles: 'parse' | 'list' = 'parse',
): Promise<ParsedBundle> {
  parseInput(readBundleOptionsSchema, options, 'bundle read options');
  try {
    return await readBundleWithin(input, options, metricFiles);
  } catch (error) {
    throw asResourceExhausted(error, 'the bundle');
  }
}

async function readBundleWithin(
  input: Blob | Uint8Array | ArrayBuffer | ZipSource,
  options: ReadBundleOptions,
  metricFiles: 'parse' | 'list',
): Promise<ParsedBundle> {
  const zip = await openZip(input, options.limits);
  const budget = new DecodeBudget(options.limits?.maxDecodedBytes ?? DEFAULT_BUNDLE_LIMITS.maxDecodedBytes);
  // `shownAs`: the name the tree reader uses (errors get the zip's prefix back in withEntryPrefix).
  const readMetadata = (path: string, shownAs = path): Promise<Uint8Array> => {
    budget.charge(metadataCost(path, zip.get(path)?.size ?? 0), shownAs, 'the file');
    return zip.read(path);
  };
  const entries = zip.files.filter((e) => !e.name.startsWith('__MACOSX/'));
  const all: TreeFile[] = entries.map((e) => ({ path: e.name, size: e.size }));
  const hasMeta = all.some((f) => f.path === 'meta.yaml' || f.path.endsWith('/meta.yaml'));
  let done = 0;
  const onRun = (): void => options.onProgress?.({ phase: 'read', done: ++done });
  if (!hasMeta && isExportImportLayout(all)) {
    const read = await readExportImportTree(all, (path) => readMetadata(path), { onRun, budget });
    return { layout: 'export-import', ...applyApiRules(read, EXPORT_IMPORT_ENTRIES), zip, prefix: '', budget };
  }
  if (!hasMeta) {
    throw EdgeflowError.invalidParameterValue(
      'The zip holds no MLflow data: no meta.yaml (MLflow file store) and no experiment.json (mlflow-export-import).',
      { details: { entry: '' } },
    );
  }
  const prefix = fileStorePrefix(all);
  const files = all.map((f) => ({ path: f.path.slice(prefix.length), size: f.size }));
  try {
    const read = await readFileStoreTree(files, (path) => readMetadata(prefix + path, path), {
      onMismatch: options.onMismatch,
      maxLineLength: options.maxLineLength,
      budget,
      onRun,
      metricFiles,
    });
    const { snapshot, truncated } = applyApiRules(read, FILE_STORE_ENTRIES);
    return { layout: 'mlflow', snapshot, truncated: truncated.map((t) => ({ ...t, entry: prefix + t.entry })), zip, prefix, budget };
  } catch (error) {
    throw withEntryPrefix(error, prefix);
  }
}

/** Errors of the tree reader name paths relative to the tree root; name the zip entry instead. */
function withEntryPrefix(error: unknown, prefix: string): unknown {
  if (prefix === '' || !isEdgeflowError(error)) return error;
  const entry = error.details?.entry;
  if (typeof entry !== 'string' || entry === '' || !error.message.startsWith(entry)) return error;
  return new EdgeflowError(error.code, prefix + error.message, {
    details: { ...error.details, entry: prefix + entry },
    cause: error,
  });
}
