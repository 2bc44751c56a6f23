import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as rootInNode from '../../src/index.node.js';
import * as core from '../../src/core/index.js';
import * as storage from '../../src/storage/index.js';
import * as bundle from '../../src/storage/bundle/index.js';
import * as node from '../../src/node/index.js';
import * as tfjs from '../../src/tfjs/index.js';
import * as projects from '../../src/projects/index.js';

/** The root's part of the core (`edgeflow/core` has these too). */
const ROOT_CORE = [
  // client, run handle, errors
  'TrackingClient', 'ModelRegistryClient', 'ActiveRun', 'EdgeflowError', 'ErrorCode', 'isEdgeflowError',
  // entities and tags
  'RunStatus', 'LifecycleStage', 'ViewType', 'ModelStage', 'ModelVersionStatus', 'SystemTag', 'SourceType',
  'DEFAULT_EXPERIMENT_ID', 'DEFAULT_EXPERIMENT_NAME', 'parseExperimentId', 'parseRunId', 'limits',
  // filter boxes
  'parseRunFilter', 'compileRunFilter', 'parseExperimentFilter',
  // MLflow 3
  'LoggedModelStatus', 'DATASET_CONTEXT_TAG',
  'datasetFromArrays', 'datasetFromRecords', 'localSource', 'httpSource', 'uriSource', 'codeSource',
];
/** The store registry (`edgeflow/storage` has it too). */
const STORE_REGISTRY = ['openStore', 'registerStoreScheme', 'defaultTrackingUri'];
/** The module-level `mlflow.*`-style API. */
const FLUENT = [
  'setTrackingUri', 'getTrackingUri', 'setTrackingStore', 'getClient', 'setExperiment', 'startRun', 'endRun', 'activeRun',
  'logParam', 'logParams', 'logMetric', 'logMetrics', 'setTag', 'setTags', 'logArtifact', 'logText', 'logDict', 'logImage', 'flush',
];
/** Browser system metrics (`system/…`). */
const SYSTEM_METRICS = ['startSystemMetrics', 'SystemMetricsSampler', 'browserProbes', 'jsHeapProbe', 'longTaskProbe', 'frameRateProbe'];
/** The live mirror to an MLflow server. */
const MIRROR = ['mirrorTo'];
/** The root entry's runtime exports, as documented (README "API reference"): nothing more, nothing less. */
const ROOT_EXPORTS = [...ROOT_CORE, ...STORE_REGISTRY, ...FLUENT, ...SYSTEM_METRICS, ...MIRROR];

/** Internals that the old `export *` leaked into the root: helpers, record codecs, the registry's rule service. */
const INTERNALS = [
  'dict', 'hasKey', 'describeValue', 'RUN_STATUS_NUMBER', 'HTTP_STATUS_OF_CODE', 'DELETED_STAGE',
  'RegistryService', 'toModelVersion', 'toRegisteredModel', 'recordsFromRegistryReads',
  'assertAlias', 'assertModelName', 'parseStage', 'parseVersion',
];

/** What a Store implementation needs besides the root's exports: in `edgeflow/core`, not in the root. */
const STORE_KIT = [
  'newRunId', 'newExperimentId', 'isVisibleIn', 'compareMetricRecency', 'TERMINAL_RUN_STATUSES',
  'searchRunList', 'searchExperimentList', 'searchModelVersionList', 'searchRegisteredModelList',
  'keyProblem', 'artifactPathProblem', 'stringifyValue', 'randomRunName', 'MODEL_STAGES', 'parseRunsUri',
  'NO_RUN_INPUTS', 'NO_RUN_OUTPUTS',
];

describe('public entry points', () => {
  it('the root entry has exactly the documented runtime exports', () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT_EXPORTS].sort());
  });

  it('the root entry as Node resolves it has the same exports', () => {
    expect(Object.keys(rootInNode).sort()).toEqual([...ROOT_EXPORTS].sort());
  });

  it('no internal is exported by the root or by edgeflow/core', () => {
    for (const name of INTERNALS) {
      expect(root, name).not.toHaveProperty(name);
      expect(core, name).not.toHaveProperty(name);
    }
  });

  it('edgeflow/core has the root core plus what a Store implementation needs', () => {
    expect(Object.keys(core).sort()).toEqual([...ROOT_CORE, ...STORE_KIT].sort());
    for (const name of STORE_KIT) expect(root, name).not.toHaveProperty(name);
  });

  it('each subpath exposes its part', () => {
    expect(Object.keys(storage).sort()).toEqual([...STORE_REGISTRY].sort());
    for (const name of ['exportBundle', 'exportBundleTo', 'importBundle', 'BundleStore']) expect(bundle, name).toHaveProperty(name);
    expect(node).toHaveProperty('FileStore');
    for (const name of ['trackingCallback', 'fitWithTracking', 'logModel', 'loadModel']) expect(tfjs, name).toHaveProperty(name);
    for (const name of ['loadProject', 'runProject', 'parseMLproject']) expect(projects, name).toHaveProperty(name);
  });
});
