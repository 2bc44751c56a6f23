/**
 * The live mirror (`edgeflow/storage/mirror`): `mirrorTo` follows a local store and pushes what is
 * logged to an MLflow server as it happens, with a durable outbox, backoff while offline, and one
 * sender among the tabs of an origin.
 * @module edgeflow/storage/mirror
 */
export { mirrorTo, type Mirror, type MirrorOptions, type MirrorSent } from './mirror.js';
export { MemoryMirrorJournal } from './memory-journal.js';
export { idbMirrorJournal } from './idb-journal.js';
export { webLocksMirrorLock } from './web-lock.js';
export type {
  JournalCommit,
  JournalValue,
  MirrorJournal,
  MirrorLock,
  MirrorState,
  MirrorStatus,
  MirrorStatusSource,
} from './contract.js';
