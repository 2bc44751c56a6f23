/**
 * Placeholder of slice M2's IndexedDB journal, with its agreed signature, so that the mirror
 * compiles before M2's file lands (the merge takes M2's file).
 * @module
 */
import { EdgeflowError } from '../../core/errors.js';
import type { MirrorJournal } from './contract.js';

/**
 * A durable {@link MirrorJournal} in the IndexedDB database `name`.
 * @throws `NOT_IMPLEMENTED` until slice M2's journal is merged
 */
export function idbMirrorJournal(name: string): MirrorJournal {
  throw new EdgeflowError('NOT_IMPLEMENTED', `The IndexedDB mirror journal (${JSON.stringify(name)}) is slice M2’s; pass \`journal\` until it is merged.`);
}
