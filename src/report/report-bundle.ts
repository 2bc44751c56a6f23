/**
 * What a report carries: the selected runs as a zip bundle (MLflow's file-store layout, the same
 * bytes `exportBundle` writes) with as many of their artifacts as `maxBytes` allows, and a small
 * JSON record saying what was left out. The page opens the bundle from a Blob; no network.
 * @module
 */
import { z } from 'zod';
import type { Run } from '../core/entities.js';
import { EdgeflowError } from '../core/errors.js';
import type { ExperimentId, RunId } from '../core/ids.js';
import { parseInput } from '../core/schemas.js';
import type { Store } from '../core/store.js';
import { artifactFiles, collectPages } from '../core/store-reads.js';
import { formatBytes } from '../components/internal/format.js';
import { exportBundle } from '../storage/bundle/export-bundle.js';

/** Id of the `<script type="application/json">` element with the {@link ReportInfo}. */
export const REPORT_INFO_ID = 'edgeflow-report';
/** Id of the `<script type="application/octet-stream">` element with the base64 zip bundle. */
export const REPORT_BUNDLE_ID = 'edgeflow-report-bundle';
/** Default {@link ReportOptions.maxBytes}: 25 MiB of artifacts. */
export const DEFAULT_REPORT_MAX_BYTES = 25 * 1024 * 1024;

/** What to put in a report. */
export interface ReportOptions {
  /** Experiments whose active runs are included; default every active experiment. */
  readonly experimentIds?: readonly string[];
  /** Exactly these runs (their experiments come along); wins over `experimentIds` for runs. */
  readonly runIds?: readonly string[];
  /** Page title; default `edgeflow report`. */
  readonly title?: string;
  /** Embed the runs' artifacts (images, text, models) so they preview offline. Default true. */
  readonly includeArtifacts?: boolean;
  /** The most artifact bytes embedded (default 25 MiB); artifacts past it are left out, or the export refused. */
  readonly maxBytes?: number;
  /** Above `maxBytes`: `'trim'` (default) leaves artifacts out and the page says which; `'refuse'` throws `RESOURCE_EXHAUSTED`. */
  readonly oversize?: 'trim' | 'refuse';
}

/** An artifact left out of a report. */
export interface OmittedArtifact {
  readonly runId: string;
  readonly runName: string;
  readonly path: string;
  readonly bytes: number;
}

/** What the page is told besides the bundle. */
export interface ReportInfo {
  readonly format: 'edgeflow-report';
  readonly version: 2;
  readonly title: string;
  /** ms */
  readonly createdAt: number;
  /** `all` artifacts embedded, `some` (see `omitted`), or `none` (`includeArtifacts: false`). */
  readonly artifacts: 'all' | 'some' | 'none';
  readonly maxBytes: number;
  readonly omitted: readonly OmittedArtifact[];
}

/** A report's content. */
export interface ReportContent {
  readonly info: ReportInfo;
  /** The zip bundle. */
  readonly bundle: Uint8Array;
}

const optionsSchema = z
  .object({
    experimentIds: z.array(z.string()).optional(),
    runIds: z.array(z.string()).optional(),
    title: z.string().optional(),
    includeArtifacts: z.boolean().optional(),
    maxBytes: z.number().int().nonnegative().optional(),
    oversize: z.enum(['trim', 'refuse']).optional(),
  })
  .loose();

/** The runs of the report and what `exportBundle` is asked for (the experiments, or exactly the runs). */
async function selection(store: Store, options: ReportOptions): Promise<{ runs: Run[]; ids: { experimentIds: ExperimentId[] } | { runIds: RunId[] } }> {
  if (options.runIds !== undefined) {
    const runs = await Promise.all(options.runIds.map((id) => store.getRun(id as RunId)));
    return { runs, ids: { runIds: runs.map((r) => r.info.runId) } };
  }
  const experimentIds = (options.experimentIds ?? (await collectPages((pageToken) => store.searchExperiments({ maxResults: 1000, pageToken }))).map((e) => e.experimentId)) as ExperimentId[];
  for (const id of experimentIds) await store.getExperiment(id);
  const runs = experimentIds.length === 0 ? [] : await collectPages((pageToken) => store.searchRuns({ experimentIds, maxResults: 1000, pageToken }));
  return { runs, ids: { experimentIds } };
}

/** Chooses the artifacts that fit in `maxBytes`, in run and path order; the rest are omitted. */
async function planArtifacts(store: Store, runs: readonly Run[], maxBytes: number): Promise<{ keep: Set<string>; omitted: OmittedArtifact[] }> {
  const keep = new Set<string>();
  const omitted: OmittedArtifact[] = [];
  let total = 0;
  for (const run of runs) {
    for (const file of await artifactFiles(store, run.info.runId)) {
      const bytes = file.fileSize ?? (await store.getArtifact(run.info.runId, file.path)).length;
      if (total + bytes <= maxBytes) {
        total += bytes;
        keep.add(`${run.info.runId}/${file.path}`);
      } else {
        omitted.push({ runId: run.info.runId, runName: run.info.runName, path: file.path, bytes });
      }
    }
  }
  return { keep, omitted };
}

/**
 * Collects a report's bundle and info from `store`.
 * @throws `INVALID_PARAMETER_VALUE` for bad options; `RESOURCE_DOES_NOT_EXIST` for an unknown
 * experiment or run; `RESOURCE_EXHAUSTED` with `oversize: 'refuse'` when artifacts exceed `maxBytes`
 */
export async function collectReport(store: Store, options: ReportOptions = {}): Promise<ReportContent> {
  const parsed = parseInput(optionsSchema, options, 'report options');
  const includeArtifacts = parsed.includeArtifacts ?? true;
  const maxBytes = parsed.maxBytes ?? DEFAULT_REPORT_MAX_BYTES;
  const { runs, ids } = await selection(store, options);
  const plan = includeArtifacts ? await planArtifacts(store, runs, maxBytes) : { keep: new Set<string>(), omitted: [] };
  if (plan.omitted.length > 0 && parsed.oversize === 'refuse') {
    throw EdgeflowError.resourceExhausted(`The runs' artifacts exceed maxBytes (${formatBytes(maxBytes)}): ${omittedSummary(plan.omitted)}. Raise maxBytes, or use oversize: 'trim'.`);
  }
  const bundle = await exportBundle(store, {
    ...ids,
    includeDeleted: false,
    includeArtifacts,
    artifactFilter: (runId, path) => plan.keep.has(`${runId}/${path}`),
    output: 'bytes',
  });
  return {
    bundle,
    info: {
      format: 'edgeflow-report',
      version: 2,
      title: parsed.title ?? 'edgeflow report',
      createdAt: Date.now(),
      artifacts: !includeArtifacts ? 'none' : plan.omitted.length > 0 ? 'some' : 'all',
      maxBytes,
      omitted: plan.omitted,
    },
  };
}

function omittedSummary(omitted: readonly OmittedArtifact[]): string {
  const shown = omitted.slice(0, 20).map((a) => `${a.runName}: ${a.path} (${formatBytes(a.bytes)})`);
  return omitted.length > shown.length ? `${shown.join(', ')} and ${omitted.length - shown.length} more` : shown.join(', ');
}

/** What the page says about artifacts that are not in it (plain text), or undefined when all are. */
export function reportNotice(info: ReportInfo): string | undefined {
  if (info.artifacts === 'none') return 'Artifacts are not included in this report: runs show no artifacts here even when they have some.';
  if (info.omitted.length === 0) return undefined;
  const bytes = info.omitted.reduce((n, a) => n + a.bytes, 0);
  return `${info.omitted.length} artifact${info.omitted.length === 1 ? ' was' : 's were'} (${formatBytes(bytes)}) left out of this report to keep it under ${formatBytes(info.maxBytes)}: ${omittedSummary(info.omitted)}.`;
}

/** Standard padded base64 of `bytes` (in Node and browsers). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of standard base64 text (whitespace ignored). */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/gu, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
