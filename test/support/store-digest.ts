/**
 * A store's tracking data as plain JSON, for the mirror's scenario tests: what a local store holds
 * and what the server received compare with `toEqual`, in Node and in a page (a page returns its
 * digest to the Node side through `page.evaluate`).
 *
 * Runs are keyed by where they were first logged (the `edgeflow.origin.runId` tag a copy under
 * another id carries, else the run's id), so a run the server holds twice shows up as a repeated key,
 * and server-assigned ids, experiment ids and artifact URIs drop out. Model versions are keyed the
 * same way (`edgeflow.origin.version`), their `runs:/` sources by the run's origin.
 */
import type { Run } from '../../src/core/entities.js';
import type { Store } from '../../src/core/store.js';
import { artifactFiles, collectPages } from '../../src/core/store-reads.js';
import { ORIGIN_VERSION_TAG } from '../../src/storage/mirror/registry-pusher.js';
import { ORIGIN_RUN_ID_TAG } from '../../src/storage/sync/sync-runs.js';

/** One run, without the ids a server assigns. */
export interface RunDigest {
  /** Where the run was first logged. */
  readonly origin: string;
  readonly experiment: string;
  readonly runName: string;
  readonly userId: string;
  readonly status: string;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly lifecycleStage: string;
  readonly params: Record<string, string>;
  /** Tags without the origin tag. */
  readonly tags: Record<string, string>;
  /** Every history in logging order, as `[step, timestamp, value]` (values as strings: NaN and ±Infinity survive JSON). */
  readonly metrics: Record<string, Array<[number, number, string]>>;
  /** Artifact files: path → bytes as hex. */
  readonly artifacts: Record<string, string>;
}

/** A model version, keyed by where it was first registered (`<name>/<version>`). */
export interface VersionDigest {
  readonly origin: string;
  readonly stage: string;
  readonly description: string | null;
  /** With the run id of a `runs:/` source replaced by the run's origin. */
  readonly source: string;
  /** Tags without the origin tag. */
  readonly tags: Record<string, string>;
}

/** A registered model; aliases name the origins of their versions. */
export interface ModelDigest {
  readonly name: string;
  readonly description: string | null;
  readonly tags: Record<string, string>;
  readonly aliases: Record<string, string>;
  readonly versions: VersionDigest[];
}

/** A store's runs, sorted by origin, then name, and its registered models by name. */
export interface StoreDigest {
  readonly runs: RunDigest[];
  /** Metric points over every run. */
  readonly points: number;
  readonly models: ModelDigest[];
}

/** Options of {@link storeDigest}. */
export interface StoreDigestOptions {
  /** Only experiments with these names (default all). */
  readonly experiments?: readonly string[];
  /** Leave out metric histories and artifact bytes (only their counts matter then). */
  readonly shallow?: boolean;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** A run's digest, and how many metric points it has. */
async function runDigest(store: Store, run: Run, experiment: string, shallow: boolean): Promise<[RunDigest, number]> {
  const { [ORIGIN_RUN_ID_TAG]: origin, ...tags } = run.data.tags;
  const metrics: Record<string, Array<[number, number, string]>> = {};
  let points = 0;
  for (const key of Object.keys(run.data.metrics).sort()) {
    const series = await store.getMetricHistory(run.info.runId, key);
    points += series.values.length;
    metrics[key] = shallow ? [] : Array.from(series.values, (value, i) => [series.steps[i]!, series.timestamps[i]!, String(value)]);
  }
  const artifacts: Record<string, string> = {};
  for (const file of await artifactFiles(store, run.info.runId)) {
    artifacts[file.path] = shallow ? String(file.fileSize ?? '') : hex(await store.getArtifact(run.info.runId, file.path));
  }
  const { runName, userId, status, startTime, endTime, lifecycleStage } = run.info;
  const digest = { origin: origin ?? run.info.runId, experiment, runName, userId, status, startTime, endTime, lifecycleStage, params: { ...run.data.params }, tags, metrics, artifacts };
  return [digest, points];
}

/** Reads every run (active and deleted) of `store` into a {@link StoreDigest}. */
export async function storeDigest(store: Store, options: StoreDigestOptions = {}): Promise<StoreDigest> {
  const experiments = await collectPages((pageToken) => store.searchExperiments({ viewType: 'ALL', maxResults: 1000, ...(pageToken === undefined ? {} : { pageToken }) }));
  const runs: RunDigest[] = [];
  const originOfRun = new Map<string, string>();
  let points = 0;
  for (const experiment of experiments) {
    if (options.experiments !== undefined && !options.experiments.includes(experiment.name)) continue;
    const found = await collectPages((pageToken) =>
      store.searchRuns({ experimentIds: [experiment.experimentId], viewType: 'ALL', maxResults: 1000, ...(pageToken === undefined ? {} : { pageToken }) }),
    );
    for (const run of found) {
      const [digest, count] = await runDigest(store, run, experiment.name, options.shallow ?? false);
      runs.push(digest);
      originOfRun.set(run.info.runId, digest.origin);
      points += count;
    }
  }
  runs.sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.runName.localeCompare(b.runName)));
  return { runs, points, models: await modelDigests(store, originOfRun) };
}

/** Every registered model of `store` (none without a registry), versions by origin. */
async function modelDigests(store: Store, originOfRun: ReadonlyMap<string, string>): Promise<ModelDigest[]> {
  const registry = store.registry;
  if (registry === undefined) return [];
  const models = await collectPages((pageToken) => registry.searchRegisteredModels({ maxResults: 1000, ...(pageToken === undefined ? {} : { pageToken }) }));
  const out: ModelDigest[] = [];
  for (const model of models.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const found = await collectPages((pageToken) =>
      registry.searchModelVersions({ filter: `name = '${model.name}'`, maxResults: 1000, ...(pageToken === undefined ? {} : { pageToken }) }),
    );
    const originOfVersion = new Map(found.map((v) => [v.version, v.tags[ORIGIN_VERSION_TAG] ?? `${v.name}/${v.version}`]));
    const versions = found.map((v): VersionDigest => {
      const { [ORIGIN_VERSION_TAG]: _origin, ...tags } = v.tags;
      const source = v.source.replace(/^runs:\/([^/]+)/u, (_whole, runId: string) => `runs:/${originOfRun.get(runId) ?? runId}`);
      return { origin: originOfVersion.get(v.version)!, stage: v.currentStage, description: v.description, source, tags };
    });
    versions.sort((a, b) => (a.origin < b.origin ? -1 : 1));
    const aliases = Object.fromEntries(Object.entries(model.aliases).map(([alias, version]) => [alias, originOfVersion.get(version) ?? String(version)]));
    out.push({ name: model.name, description: model.description, tags: { ...model.tags }, aliases, versions });
  }
  return out;
}
