/**
 * Placeholder of slice M2's registry pusher, with its agreed signature, so that the mirror compiles
 * before M2's file lands (the merge takes M2's file).
 * @module
 */
import { EdgeflowError } from '../../core/errors.js';
import type { RegistryStore } from '../../core/registry/registry-store.js';
import type { MirrorJournal } from './contract.js';

/** What the registry pusher needs from the mirror. */
export interface RegistryPushContext {
  /** The server's run id of a local run id, or undefined when that run is not mirrored (yet). */
  targetRunId(localRunId: string): Promise<string | undefined>;
  readonly journal: MirrorJournal;
}

/**
 * Pushes one registered model (and its versions) from `local` to `remote`.
 * @throws `NOT_IMPLEMENTED` until slice M2's pusher is merged
 */
export async function pushRegisteredModel(local: RegistryStore, remote: RegistryStore, name: string, ctx: RegistryPushContext): Promise<void> {
  void local;
  void remote;
  void ctx;
  throw new EdgeflowError('NOT_IMPLEMENTED', `Mirroring registered model ${JSON.stringify(name)} needs the registry pusher (slice M2).`);
}
