/**
 * Whole registry records rebuilt from a registry's public reads, for backends that cannot hand out
 * their stored records (MLflow's REST API).
 * @module
 */
import { dict } from '../entities.js';
import { isEdgeflowError } from '../errors.js';
import type { ModelVersion, ModelVersionRecord, RegisteredModel, RegisteredModelRecord } from './entities.js';
import type { RegistryStore } from './registry-store.js';
import { collectPages } from '../store-reads.js';

function versionRecord(version: ModelVersion): ModelVersionRecord {
  const { name: _name, aliases: _aliases, ...stored } = version;
  return { ...stored, tags: dict(Object.entries(version.tags)) };
}

/**
 * Whole records rebuilt from a registry's public reads, for registries that cannot hand out their
 * stored records (MLflow's REST API): soft-deleted versions cannot be seen (and searches hide
 * prompts), so those are missing.
 * @internal
 */
export async function recordsFromRegistryReads(registry: RegistryStore, names?: readonly string[]): Promise<RegisteredModelRecord[]> {
  let models: RegisteredModel[];
  if (names === undefined) {
    models = await collectPages((pageToken) => registry.searchRegisteredModels({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) }));
  } else {
    models = [];
    for (const name of names) {
      try {
        models.push(await registry.getRegisteredModel(name));
      } catch (error) {
        if (!isEdgeflowError(error, 'RESOURCE_DOES_NOT_EXIST')) throw error;
      }
    }
  }
  if (models.length === 0) return [];
  const versions = await collectPages((pageToken) =>
    registry.searchModelVersions({ maxResults: 10_000, orderBy: ['name ASC', 'version_number ASC'], ...(pageToken ? { pageToken } : {}) }),
  );
  const byName = new Map<string, ModelVersionRecord[]>();
  for (const v of versions) {
    let list = byName.get(v.name);
    if (list === undefined) byName.set(v.name, (list = []));
    list.push(versionRecord(v));
  }
  return models.map((m) => ({
    name: m.name,
    creationTimestamp: m.creationTimestamp,
    lastUpdatedTimestamp: m.lastUpdatedTimestamp,
    description: m.description,
    tags: dict(Object.entries(m.tags)),
    aliases: dict(Object.entries(m.aliases)),
    versions: (byName.get(m.name) ?? []).sort((a, b) => a.version - b.version),
  }));
}

