import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as storage from '../../src/storage/index.js';
import * as bundle from '../../src/storage/bundle/index.js';
import * as node from '../../src/node/index.js';
import * as tfjs from '../../src/tfjs/index.js';
import * as projects from '../../src/projects/index.js';

describe('public entry points', () => {
  it('the root entry has the client, the module-level API, errors, search, registry and the store registry', () => {
    for (const name of [
      'TrackingClient', 'ActiveRun', 'EdgeflowError', 'isEdgeflowError', 'ErrorCode', 'openStore', 'registerStoreScheme',
      'setTrackingUri', 'setExperiment', 'startRun', 'endRun', 'logMetric', 'logParam', 'flush',
      'parseRunFilter', 'compileRunFilter', 'searchRunList', 'RegistryService', 'ModelStage', 'parseRunsUri',
    ]) {
      expect(root, name).toHaveProperty(name);
    }
  });

  it('each subpath exposes its part', () => {
    expect(storage).toHaveProperty('openStore');
    for (const name of ['exportBundle', 'exportBundleTo', 'importBundle', 'BundleStore']) expect(bundle, name).toHaveProperty(name);
    expect(node).toHaveProperty('FileStore');
    for (const name of ['trackingCallback', 'fitWithTracking', 'logModel', 'loadModel']) expect(tfjs, name).toHaveProperty(name);
    for (const name of ['loadProject', 'runProject', 'parseMLproject']) expect(projects, name).toHaveProperty(name);
  });
});
