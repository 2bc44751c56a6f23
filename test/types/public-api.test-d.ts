/**
 * Type tests of the public API, checked by `tsc -p tsconfig.json` (`npm run typecheck`, part of
 * `npm test`), never run: what users import from the root and the subpaths has the signatures the
 * README promises. A changed signature fails the type check.
 */
import { expectTypeOf } from 'vitest';
import {
  EdgeflowError,
  TrackingClient,
  isEdgeflowError,
  openStore,
  parseRunId,
  registerStoreScheme,
  startRun,
  logMetric,
  endRun,
  flush,
  type ActiveRun,
  type EdgeflowErrorOptions,
  type ErrorCode,
  type ErrorDetails,
  type Experiment,
  type ModelRegistryClient,
  type ExperimentId,
  type MetricSeries,
  type ModelVersion,
  type Page,
  type RegisteredModel,
  type Run,
  type RunId,
  type RunInfo,
  type RunStatus,
  type Store,
  type StoreOpener,
  type TrackingClientOptions,
} from '../../src/index.js';
import { BundleStore, exportBundle, exportBundleTo, importBundle, type ExportSummary, type ImportReport } from '../../src/storage/bundle/index.js';
import { openIdbStore, type BrowserStore } from '../../src/storage/idb/index.js';
import { FileStore } from '../../src/node/index.js';
import { loadModel, logModel, type LoadedModel, type LoggedModelInfo } from '../../src/tfjs/index.js';
import type {
  ArtifactBrowser,
  CompareRuns,
  ExperimentList,
  MetricChart,
  ModelRegistry,
  RunDetails,
  RunOpenDetail,
  RunTable,
  Sparkline,
  StoreProvider,
  SyncStatus,
  Viewer,
} from '../../src/components/index.js';
import type { MirrorStatusSource } from '../../src/storage/mirror/contract.js';

declare const client: TrackingClient;
declare const run: ActiveRun;
declare const store: Store;

// ---------------------------------------------------------------------------------- the client

expectTypeOf<TrackingClient>().toExtend<ModelRegistryClient>();
expectTypeOf(TrackingClient).constructorParameters.toEqualTypeOf<[store: Store, options?: TrackingClientOptions]>();
expectTypeOf(client.createExperiment).parameter(0).toEqualTypeOf<string>();
expectTypeOf(client.createExperiment).returns.resolves.toEqualTypeOf<ExperimentId>();
expectTypeOf(client.getExperiment).returns.resolves.toEqualTypeOf<Experiment>();
expectTypeOf(client.getExperimentByName).returns.resolves.toEqualTypeOf<Experiment | null>();
expectTypeOf(client.createRun).returns.resolves.toEqualTypeOf<Run>();
expectTypeOf(client.getRun).parameters.toEqualTypeOf<[runId: string]>();
expectTypeOf(client.setTerminated).returns.resolves.toEqualTypeOf<RunInfo>();
expectTypeOf(client.searchRuns).parameter(0).toEqualTypeOf<string | readonly string[]>();
expectTypeOf(client.searchRuns).returns.resolves.toEqualTypeOf<Page<Run>>();
expectTypeOf(client.searchExperiments).returns.resolves.toEqualTypeOf<Page<Experiment>>();
expectTypeOf(client.getMetricHistory).returns.resolves.toEqualTypeOf<MetricSeries>();
// Logging is synchronous: checked at once, queued, no promise per point.
expectTypeOf(client.logMetric).returns.toEqualTypeOf<void>();
expectTypeOf(client.logParam).returns.toEqualTypeOf<void>();
expectTypeOf(client.setTag).returns.toEqualTypeOf<void>();
expectTypeOf(client.logMetric).toBeCallableWith('r', 'loss', 0.5, 3);
expectTypeOf(client.logMetric).toBeCallableWith('r', 'loss', 0.5, { step: 3, timestamp: 1 });
expectTypeOf(client.logBatch).returns.resolves.toEqualTypeOf<void>();
expectTypeOf(client.downloadArtifact).returns.resolves.toEqualTypeOf<Uint8Array>();
expectTypeOf(client.startRun).returns.resolves.toEqualTypeOf<ActiveRun>();
expectTypeOf(client.withRun<number>).returns.resolves.toEqualTypeOf<number>();
expectTypeOf(client.flush).parameters.toEqualTypeOf<[runId?: string]>();
expectTypeOf(client.subscribe).returns.toEqualTypeOf<() => void>();
// The registry half.
expectTypeOf(client.createRegisteredModel).returns.resolves.toEqualTypeOf<RegisteredModel>();
expectTypeOf(client.createModelVersion).returns.resolves.toEqualTypeOf<ModelVersion>();
expectTypeOf(client.getModelVersionByAlias).returns.resolves.toEqualTypeOf<ModelVersion>();
expectTypeOf(client.resolveModelUri).returns.resolves.toHaveProperty('path').toEqualTypeOf<string>();
expectTypeOf<Extract<Awaited<ReturnType<typeof client.resolveModelUri>>, { runId: RunId }>['runId']>().toEqualTypeOf<RunId>();

// ------------------------------------------------------------------------------ the run handle

expectTypeOf(run.runId).toEqualTypeOf<RunId>();
expectTypeOf(run.experimentId).toEqualTypeOf<ExperimentId>();
expectTypeOf(run.info).toEqualTypeOf<RunInfo>();
expectTypeOf(run.logMetric).returns.toEqualTypeOf<void>();
expectTypeOf(run.logMetrics).toBeCallableWith({ loss: 0.1, acc: 0.9 }, 5);
expectTypeOf(run.logParams).toBeCallableWith({ lr: 0.01, optimizer: 'adam', layers: 3n, nesterov: true });
expectTypeOf(run.logDict).returns.resolves.toEqualTypeOf<void>();
expectTypeOf(run.startChildRun).returns.resolves.toEqualTypeOf<ActiveRun>();
expectTypeOf(run.end).parameter(0).toEqualTypeOf<RunStatus | undefined>();
expectTypeOf(run).toHaveProperty(Symbol.asyncDispose);

// ------------------------------------------------------------------------------------ entities

expectTypeOf<RunInfo['status']>().toEqualTypeOf<RunStatus>();
expectTypeOf<RunStatus>().toEqualTypeOf<'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'>();
expectTypeOf<MetricSeries['steps']>().toEqualTypeOf<Float64Array>();
expectTypeOf<Run['data']['params']>().toExtend<Readonly<Record<string, string>>>();
// Ids are branded: only the parsers and generators make them; a plain string is not one.
expectTypeOf<string>().not.toExtend<RunId>();
expectTypeOf<RunId>().toExtend<string>();
expectTypeOf<ExperimentId>().not.toEqualTypeOf<RunId>();
expectTypeOf(parseRunId).returns.toEqualTypeOf<RunId>();

// -------------------------------------------------------------------------------------- errors

expectTypeOf(new EdgeflowError('RESOURCE_DOES_NOT_EXIST', 'gone').code).toEqualTypeOf<ErrorCode>();
expectTypeOf<ErrorCode>().toEqualTypeOf<(typeof ErrorCode)[keyof typeof ErrorCode]>();
expectTypeOf<'RESOURCE_EXHAUSTED'>().toExtend<ErrorCode>();
expectTypeOf<'NOT_A_CODE'>().not.toExtend<ErrorCode>();
expectTypeOf(isEdgeflowError).guards.toEqualTypeOf<EdgeflowError>();
// @ts-expect-error a code MLflow does not have
isEdgeflowError(new Error('x'), 'NOT_FOUND');
// Every factory takes one options object: details and cause.
expectTypeOf(EdgeflowError.invalidParameterValue).parameter(1).toEqualTypeOf<EdgeflowErrorOptions | undefined>();
expectTypeOf<EdgeflowErrorOptions>().toEqualTypeOf<{ readonly details?: ErrorDetails; readonly cause?: unknown }>();

// ------------------------------------------------------------------------- stores and openStore

expectTypeOf(openStore).parameters.toEqualTypeOf<[uri: string]>();
expectTypeOf(openStore).returns.resolves.toEqualTypeOf<Store>();
expectTypeOf(registerStoreScheme).parameter(1).toEqualTypeOf<StoreOpener>();
expectTypeOf(store.getMetricHistory).returns.resolves.toEqualTypeOf<MetricSeries>();
expectTypeOf(openIdbStore).returns.resolves.toEqualTypeOf<BrowserStore>();
expectTypeOf<BrowserStore>().toExtend<Store>();
expectTypeOf(FileStore.open).returns.resolves.toEqualTypeOf<FileStore>();
expectTypeOf<FileStore>().toExtend<Store>();
expectTypeOf<BundleStore>().toExtend<Store>();

// ---------------------------------------------------------------------------- the fluent API

expectTypeOf(startRun).returns.resolves.toEqualTypeOf<ActiveRun>();
expectTypeOf(logMetric).returns.toEqualTypeOf<void>();
expectTypeOf(endRun).parameters.toEqualTypeOf<[status?: RunStatus]>();
expectTypeOf(flush).returns.resolves.toEqualTypeOf<void>();

// ------------------------------------------------------------------------------------- bundles

expectTypeOf(exportBundle(store, { output: 'bytes' })).resolves.toEqualTypeOf<Uint8Array>();
expectTypeOf(exportBundle(store)).resolves.toEqualTypeOf<Blob | Uint8Array>();
expectTypeOf(exportBundleTo).returns.resolves.toEqualTypeOf<ExportSummary>();
expectTypeOf(importBundle).parameter(1).toEqualTypeOf<Blob | Uint8Array | ArrayBuffer>();
expectTypeOf(importBundle).returns.resolves.toEqualTypeOf<ImportReport>();
expectTypeOf(BundleStore.open).returns.resolves.toEqualTypeOf<BundleStore>();

// ---------------------------------------------------------------------------------------- tfjs

expectTypeOf(logModel).returns.resolves.toEqualTypeOf<LoggedModelInfo>();
expectTypeOf(loadModel).parameters.toExtend<[TrackingClient, string, ...unknown[]]>();
expectTypeOf(loadModel).returns.resolves.toEqualTypeOf<LoadedModel>();

// ---------------------------------------------------------------------------------- components

expectTypeOf<HTMLElementTagNameMap['ef-provider']>().toEqualTypeOf<StoreProvider>();
expectTypeOf<HTMLElementTagNameMap['ef-experiment-list']>().toEqualTypeOf<ExperimentList>();
expectTypeOf<HTMLElementTagNameMap['ef-run-table']>().toEqualTypeOf<RunTable>();
expectTypeOf<HTMLElementTagNameMap['ef-metric-chart']>().toEqualTypeOf<MetricChart>();
expectTypeOf<HTMLElementTagNameMap['ef-sparkline']>().toEqualTypeOf<Sparkline>();
expectTypeOf<HTMLElementTagNameMap['ef-run-details']>().toEqualTypeOf<RunDetails>();
expectTypeOf<HTMLElementTagNameMap['ef-artifact-browser']>().toEqualTypeOf<ArtifactBrowser>();
expectTypeOf<HTMLElementTagNameMap['ef-compare-runs']>().toEqualTypeOf<CompareRuns>();
expectTypeOf<HTMLElementTagNameMap['ef-model-registry']>().toEqualTypeOf<ModelRegistry>();
expectTypeOf<HTMLElementTagNameMap['ef-viewer']>().toEqualTypeOf<Viewer>();
expectTypeOf<HTMLElementTagNameMap['ef-sync-status']>().toEqualTypeOf<SyncStatus>();
expectTypeOf<SyncStatus['mirror']>().toEqualTypeOf<MirrorStatusSource | undefined>();
expectTypeOf<RunTable>().toExtend<HTMLElement>();
// Events are typed on every element.
expectTypeOf<HTMLElementEventMap['ef-run-open']>().toEqualTypeOf<CustomEvent<RunOpenDetail>>();
