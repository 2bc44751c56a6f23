export { idbMirrorJournal } from './idb-journal.js';
export { webLocksMirrorLock } from './web-lock.js';
