/** What the mirror e2e page exposes as `window.mirrorPage` (shared by the page and the Node-side tests). */
import type { MirrorState, MirrorStatus } from '../../../src/storage/mirror/contract.js';
import type { StoreDigest } from '../../support/store-digest.js';

export interface MirrorPageApi {
  /** Opens the IndexedDB store `db` and starts `mirrorTo(store, new RestStore({baseUrl}), {id})` (backoff 100–1000 ms). */
  start(options: { db: string; baseUrl: string; id: string }): Promise<void>;
  /** The mirror's status now. */
  status(): MirrorStatus;
  /** Every state the mirror reported through `status` events, in order (consecutive repeats once). */
  states(): MirrorState[];
  /** The mirror's `status`, `error` and `sent` events as lines of text with their times (what a failing test prints). */
  events(): string[];
  /** Resolves with the status once the mirror is in one of `states`. */
  waitFor(states: readonly MirrorState[]): Promise<MirrorStatus>;
  /** The id of run `name` of experiment `experiment`, created (with params and tags) when missing. */
  run(experiment: string, name: string): Promise<string>;
  /** Logs steps `from`..`to`-1 of `keys` keys (`m0`…) to run `runId` (one non-finite value per key), then flushes the local store. */
  log(runId: string, from: number, to: number, keys: number): Promise<void>;
  /** Sets a tag and writes a text artifact on run `runId`. */
  annotate(runId: string, label: string): Promise<void>;
  /** Registers `runs:/<runId>/model` as a new version of model `name` (Staging, alias `newest`); returns its number. */
  register(runId: string, name: string): Promise<number>;
  /** Ends run `runId` as FINISHED. */
  end(runId: string): Promise<void>;
  /** `mirror.flush()`: resolves once everything logged so far is on the server; its error lists {@link MirrorPageApi.events}. */
  flush(timeoutMs: number): Promise<void>;
  /** The local store's {@link StoreDigest}. */
  digest(): Promise<StoreDigest>;
  /** `mirror.stop()`. */
  stop(): Promise<void>;
}

declare global {
  interface Window {
    mirrorPage: MirrorPageApi;
  }
}
