/**
 * Registry mirroring: makes a registered model on a server match the local one — the model, its
 * description and tags, each version (created once, its run mapped to the server's copy), the
 * versions' descriptions, tags and stages, and the aliases.
 *
 * Journal keys (`ctx.journal`), the model name URI-encoded so that a name holding `/` stays apart:
 * - `registry/<name>`: this mirror keeps the server's model `<name>` (so deleting the local model
 *   deletes it there; a server model this mirror never touched is left alone);
 * - `registry/<name>/<localVersion>`: `{ remoteVersion }`, the server's number of that version.
 *
 * A version is created on the server with the tag `edgeflow.origin.version` = `<name>/<version>`:
 * after a crash between the creation and the journal's commit (or an answer lost on the way), the
 * next push finds it by that tag (and its run) instead of creating it twice.
 *
 * Not mirrored: a version's MLflow 3 `model_id` (a local logged model means nothing to the server),
 * its run link and user (the server records its own).
 * @module
 */
import type { Page } from '../../core/entities.js';
import { EdgeflowError, describeValue, isEdgeflowError } from '../../core/errors.js';
import { DELETED_STAGE, type ModelStage, type ModelVersion, type ModelVersionRecord, type RegisteredModelRecord } from '../../core/registry/entities.js';
import { parseRunsUri } from '../../core/registry/registry-client.js';
import type { RegistryStore } from '../../core/registry/registry-store.js';
import { orUndefinedIfMissing } from '../../core/store-reads.js';
import type { Dict } from '../../core/entities.js';
import type { MirrorJournal } from './contract.js';

/** The tag of a version the mirror created: `<local model name>/<local version>`. */
export const ORIGIN_VERSION_TAG = 'edgeflow.origin.version';

/** What {@link pushRegisteredModel} needs of the mirror. */
export interface RegistryPushContext {
  /** The server's run id of a local run id, or undefined when that run is not mirrored (yet). */
  targetRunId(localRunId: string): Promise<string | undefined>;
  /** Where the version mapping is kept, under keys starting with `registry/`. */
  readonly journal: MirrorJournal;
}

/**
 * Makes the registered model `name` of `remote` match the one of `local`: creates it (with its
 * description and tags) when missing, sets what differs and deletes what the local model no longer
 * has. Each local version is created on `remote` once, its `runs:/<run>/…` source and run id
 * pointing at the server's copy of the run; a version whose run is not mirrored yet is left for a
 * later call. Versions and models deleted locally are deleted on `remote` (models only when this
 * mirror keeps them). Calling it again changes nothing; after a failure part-way, calling it again
 * completes the work without duplicates.
 * @throws `INVALID_PARAMETER_VALUE` for an empty name; the stores' errors as they come
 */
export async function pushRegisteredModel(local: RegistryStore, remote: RegistryStore, name: string, ctx: RegistryPushContext): Promise<void> {
  if (typeof name !== 'string' || name.length === 0) {
    throw EdgeflowError.invalidParameterValue(`Invalid registered model name ${describeValue(name)}.`, { details: { field: 'name' } });
  }
  const modelKey = `registry/${encodeURIComponent(name)}`;
  const [record] = await local.exportRegisteredModels([name]);
  if (record === undefined || record.name !== name) {
    await removeModel(remote, name, ctx.journal, modelKey);
    return;
  }
  await pushModel(remote, record, ctx.journal, modelKey);
  const mapping = await readMapping(ctx.journal, modelKey);
  const remoteVersions = new Map((await versionsOf(remote, name)).map((v) => [v.version, v]));
  const live = record.versions.filter((v) => v.currentStage !== DELETED_STAGE).sort((a, b) => a.version - b.version);
  const liveNumbers = new Set(live.map((v) => v.version));
  for (const [localVersion, remoteVersion] of mapping) {
    if (liveNumbers.has(localVersion)) continue;
    await ignoreMissing(remote.deleteModelVersion(name, remoteVersion));
    await ctx.journal.commit({ delete: [`${modelKey}/${localVersion}`] });
    mapping.delete(localVersion);
  }
  for (const version of live) {
    let current = remoteVersions.get(mapping.get(version.version) ?? 0);
    if (current === undefined) {
      current = await createVersion(remote, name, version, remoteVersions, ctx);
      if (current === undefined) continue;
      await ctx.journal.commit({ put: [[`${modelKey}/${version.version}`, { remoteVersion: current.version }]] });
      mapping.set(version.version, current.version);
    }
    await pushVersionFields(remote, name, version, current);
  }
  await pushAliases(remote, record, mapping);
}

/** Deletes the server's model `name` when this mirror keeps it, and forgets it. */
async function removeModel(remote: RegistryStore, name: string, journal: MirrorJournal, modelKey: string): Promise<void> {
  if ((await journal.get(modelKey)) === undefined) return;
  await ignoreMissing(remote.deleteRegisteredModel(name));
  const versions = await journal.entries(`${modelKey}/`);
  await journal.commit({ delete: [modelKey, ...versions.map(([key]) => key)] });
}

/** Creates the server's model when missing, then sets its description and tags. */
async function pushModel(remote: RegistryStore, record: RegisteredModelRecord, journal: MirrorJournal, modelKey: string): Promise<void> {
  let model = await orUndefinedIfMissing(remote.getRegisteredModel(record.name));
  if (model === undefined) {
    const tags = Object.entries(record.tags).map(([key, value]) => ({ key, value }));
    try {
      model = await remote.createRegisteredModel({ name: record.name, description: record.description, tags });
    } catch (error) {
      // Created meanwhile (another device, or our own earlier attempt whose answer was lost).
      if (!isEdgeflowError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
      model = await remote.getRegisteredModel(record.name);
    }
  }
  if ((await journal.get(modelKey)) === undefined) await journal.commit({ put: [[modelKey, { model: record.name }]] });
  if ((model.description ?? '') !== (record.description ?? '')) await remote.updateRegisteredModel(record.name, record.description);
  await pushTags(model.tags, record.tags, {
    set: (key, value) => remote.setRegisteredModelTag(record.name, { key, value }),
    delete: (key) => remote.deleteRegisteredModelTag(record.name, key),
  });
}

/**
 * The server's version of local `version`: one created earlier whose answer was lost (found by its
 * origin tag and run), or a new one. Undefined while the version's run is not mirrored yet.
 */
async function createVersion(
  remote: RegistryStore,
  name: string,
  version: ModelVersionRecord,
  remoteVersions: ReadonlyMap<number, ModelVersion>,
  ctx: RegistryPushContext,
): Promise<ModelVersion | undefined> {
  const runId = version.runId === null ? null : await ctx.targetRunId(version.runId);
  if (runId === undefined) return undefined;
  const source = await serverSource(version.source, ctx);
  if (source === undefined) return undefined;
  const origin = `${name}/${version.version}`;
  for (const candidate of remoteVersions.values()) {
    if (candidate.tags[ORIGIN_VERSION_TAG] === origin && (candidate.runId ?? '') === (runId ?? '')) return candidate;
  }
  const tags = Object.entries({ ...version.tags, [ORIGIN_VERSION_TAG]: origin }).map(([key, value]) => ({ key, value }));
  return remote.createModelVersion({ name, source, runId, description: version.description, tags });
}

/** `source` with a `runs:/<local run>/…` URI pointing at the server's run; undefined while that run is not mirrored. */
async function serverSource(source: string, ctx: RegistryPushContext): Promise<string | undefined> {
  if (!source.startsWith('runs:/')) return source;
  let parsed: ReturnType<typeof parseRunsUri>;
  try {
    parsed = parseRunsUri(source);
  } catch {
    return source;
  }
  const target = await ctx.targetRunId(parsed.runId);
  return target === undefined ? undefined : `runs:/${target}/${parsed.path}`;
}

/** Sets the description, tags and stage of the server's `current` version to those of local `version`. */
async function pushVersionFields(remote: RegistryStore, name: string, version: ModelVersionRecord, current: ModelVersion): Promise<void> {
  if ((current.description ?? '') !== (version.description ?? '')) await remote.updateModelVersion(name, current.version, version.description);
  const wanted = { ...version.tags, [ORIGIN_VERSION_TAG]: `${name}/${version.version}` };
  await pushTags(current.tags, wanted, {
    set: (key, value) => remote.setModelVersionTag(name, current.version, { key, value }),
    delete: (key) => remote.deleteModelVersionTag(name, current.version, key),
  });
  const stage = version.currentStage as ModelStage;
  if (current.currentStage !== stage) await remote.transitionModelVersionStage(name, current.version, stage, false);
}

/** Points the server's aliases where the local ones point (mapped), and removes the others. */
async function pushAliases(remote: RegistryStore, record: RegisteredModelRecord, mapping: ReadonlyMap<number, number>): Promise<void> {
  const { aliases } = await remote.getRegisteredModel(record.name);
  for (const [alias, localVersion] of Object.entries(record.aliases)) {
    const target = mapping.get(localVersion);
    if (target !== undefined && aliases[alias] !== target) await remote.setRegisteredModelAlias(record.name, alias, target);
  }
  for (const alias of Object.keys(aliases)) {
    if (record.aliases[alias] === undefined) await ignoreMissing(remote.deleteRegisteredModelAlias(record.name, alias));
  }
}

async function pushTags(
  current: Dict<string>,
  wanted: Dict<string>,
  write: { set(key: string, value: string): Promise<void>; delete(key: string): Promise<void> },
): Promise<void> {
  for (const [key, value] of Object.entries(wanted)) if (current[key] !== value) await write.set(key, value);
  for (const key of Object.keys(current)) if (wanted[key] === undefined) await ignoreMissing(write.delete(key));
}

/** local version → server version, from the journal. */
async function readMapping(journal: MirrorJournal, modelKey: string): Promise<Map<number, number>> {
  const mapping = new Map<number, number>();
  for (const [key, value] of await journal.entries(`${modelKey}/`)) {
    const remoteVersion = (value as { remoteVersion?: unknown } | null)?.remoteVersion;
    if (typeof remoteVersion === 'number') mapping.set(Number(key.slice(modelKey.length + 1)), remoteVersion);
  }
  return mapping;
}

/**
 * Every version of the server's model `name`. The filter quotes the name with a quote it does not
 * hold (filter strings have no escapes); a name holding both quotes (or a backslash) is found by
 * listing every version.
 */
async function versionsOf(remote: RegistryStore, name: string): Promise<ModelVersion[]> {
  const quote = name.includes('\\') ? undefined : !name.includes("'") ? "'" : !name.includes('"') ? '"' : undefined;
  const filter = quote === undefined ? '' : `name = ${quote}${name}${quote}`;
  const out: ModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page: Page<ModelVersion> = await remote.searchModelVersions({ filter, maxResults: 1000, ...(pageToken === undefined ? {} : { pageToken }) });
    out.push(...page.items.filter((v) => v.name === name));
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return out;
}

/** Awaits a deletion; already gone is fine. */
async function ignoreMissing(deletion: Promise<void>): Promise<void> {
  await orUndefinedIfMissing(deletion);
}
