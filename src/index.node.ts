/**
 * The root entry (`edgeflow`) as Node resolves it (the `node` export condition): the same exports,
 * with the Node entry loaded first so that `openStore('file:./mlruns')` and
 * `MLFLOW_TRACKING_URI=file:…` work without importing `edgeflow/node`.
 * @module
 */
import './node/index.js';

export * from './index.js';
