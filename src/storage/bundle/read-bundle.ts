/**
 * Reading a bundle zip into records: open it through the zip guard, detect the layout (MLflow file
 * store with or without an `mlruns/` folder, or mlflow-export-import) and parse every metadata file.
 * Shared by the importer and the read-only {@link BundleStore}; artifacts stay in the zip.
 * @module
 */
import { EdgeflowError, isEdgeflowError } from '../../core/errors.js';
import { readExportImportTree, isExportImportLayout } from '../../core/formats/export-import-layout.js';
import { readFileStoreTree, type FileStoreSnapshot, type TreeFile } from '../../core/formats/file-store-layout.js';
import { openZip, type GuardedZip, type ZipLimits, type ZipSource } from '../../core/formats/zip-guard.js';

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

/** Options for reading a bundle. */
export interface ReadBundleOptions {
  readonly limits?: Partial<ZipLimits>;
  /** Longest metric line accepted. Default 4096. */
  readonly maxLineLength?: number;
  /** See `ReadTreeOptions.onMismatch`; default `'reject'`. */
  readonly onMismatch?: 'skip' | 'reject';
  readonly onProgress?: (progress: BundleProgress) => void;
}

/** A parsed bundle: its records, layout, and the open zip to read artifacts from. */
export interface ParsedBundle {
  readonly layout: BundleLayout;
  readonly snapshot: FileStoreSnapshot;
  readonly zip: GuardedZip;
  /** Prefix stripped from entry names (e.g. `mlruns/`), to map tree paths back to entries. */
  readonly prefix: string;
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
 * Opens and parses a bundle. Nothing but metadata, params, tags and metric files is inflated.
 * @throws `INVALID_PARAMETER_VALUE` naming the offending entry.
 */
export async function readBundle(
  input: Blob | Uint8Array | ArrayBuffer | ZipSource,
  options: ReadBundleOptions = {},
): Promise<ParsedBundle> {
  const zip = await openZip(input, options.limits);
  const entries = zip.files.filter((e) => !e.name.startsWith('__MACOSX/'));
  const all: TreeFile[] = entries.map((e) => ({ path: e.name, size: e.size }));
  const hasMeta = all.some((f) => f.path === 'meta.yaml' || f.path.endsWith('/meta.yaml'));
  let done = 0;
  const onRun = (): void => options.onProgress?.({ phase: 'read', done: ++done });
  if (!hasMeta && isExportImportLayout(all)) {
    const snapshot = await readExportImportTree(all, (path) => zip.read(path), { onRun });
    return { layout: 'export-import', snapshot, zip, prefix: '' };
  }
  if (!hasMeta) {
    throw EdgeflowError.invalidParameterValue(
      'The zip holds no MLflow data: no meta.yaml (MLflow file store) and no experiment.json (mlflow-export-import).',
      { entry: '' },
    );
  }
  const prefix = fileStorePrefix(all);
  const files = all.map((f) => ({ path: f.path.slice(prefix.length), size: f.size }));
  try {
    const snapshot = await readFileStoreTree(files, (path) => zip.read(prefix + path), {
      onMismatch: options.onMismatch,
      maxLineLength: options.maxLineLength,
      onRun,
    });
    return { layout: 'mlflow', snapshot, zip, prefix };
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
