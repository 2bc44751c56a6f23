/**
 * Entry of the dedicated worker that runs the IndexedDB store off the main thread. Started by
 * `openIdbStore()` as `new Worker(new URL('./idb.worker.js', import.meta.url), {type: 'module'})`.
 * @module
 */
import { expose } from 'comlink';
import { installTransferHandlers } from '../wire/transfer-handlers.js';
import { IdbWorkerApi } from './worker-api.js';

installTransferHandlers();
expose(new IdbWorkerApi());
