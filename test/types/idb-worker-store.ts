/**
 * Type test, checked by `tsc -p tsconfig.json` (`npm run typecheck`), never run: the IndexedDB
 * worker forwards every method of the `Store` contract, and the page's comlink view of it answers
 * each with the `Store` method's arguments and result.
 */
import type { Remote } from 'comlink';
import { expectTypeOf } from 'vitest';
import type { Store } from '../../src/core/store.js';
import type { RegistryStore } from '../../src/core/registry/registry-store.js';
import type { LoggedModelStore } from '../../src/core/logged-models/logged-model-store.js';
import type { IdbWorkerApi, WorkerStore, WorkerStoreMethods } from '../../src/storage/idb/worker-api.js';

/**
 * The methods of `Store` (its data members and page-side event subscription aside). Dataset
 * inputs are left out until the IndexedDB store holds them (issue #15).
 */
type StoreMethodName = Exclude<keyof Store, 'capabilities' | 'registry' | 'subscribe' | 'loggedModels' | 'searchDatasets'>;

// Every Store method is a worker method, and the worker has the registry and the logged models as a whole.
expectTypeOf<Exclude<StoreMethodName, keyof WorkerStoreMethods>>().toEqualTypeOf<never>();
expectTypeOf<Exclude<StoreMethodName, keyof IdbWorkerApi>>().toEqualTypeOf<never>();
expectTypeOf<IdbWorkerApi>().toExtend<WorkerStore>();
expectTypeOf<IdbWorkerApi['registry']>().toExtend<RegistryStore>();
expectTypeOf<IdbWorkerApi['loggedModels']>().toExtend<LoggedModelStore>();
expectTypeOf<'logOutputs'>().toExtend<keyof IdbWorkerApi>();

// Through comlink, each takes the Store method's parameters and resolves to its result.
type Remoted = Remote<IdbWorkerApi>;
expectTypeOf<Parameters<Remoted['logBatch']>>().toEqualTypeOf<Parameters<Store['logBatch']>>();
expectTypeOf<Awaited<ReturnType<Remoted['getMetricHistory']>>>().toEqualTypeOf<Awaited<ReturnType<Store['getMetricHistory']>>>();
expectTypeOf<Parameters<Remoted['registry']['createModelVersion']>>().toEqualTypeOf<Parameters<RegistryStore['createModelVersion']>>();
expectTypeOf<Parameters<Remoted['loggedModels']['searchLoggedModels']>>().toEqualTypeOf<Parameters<LoggedModelStore['searchLoggedModels']>>();
expectTypeOf<Parameters<Remoted['logOutputs']>>().toEqualTypeOf<Parameters<NonNullable<Store['logOutputs']>>>();

// A worker that misses a Store method is not a WorkerStore: the compiler rejects it.
declare const missingDeleteTag: Omit<IdbWorkerApi, 'deleteTag'>;
// @ts-expect-error deleteTag (a Store method) is not forwarded
expectTypeOf(missingDeleteTag).toExtend<WorkerStore>();
