/**
 * Change events between tabs: every change a store commits is posted on a `BroadcastChannel` named
 * after the database, and changes posted by stores in other tabs (or other workers of this tab)
 * come back to local subscribers (Dexie's `enable-broadcast`). The changes of one commit go in one
 * message (a group of 400 run creations and batches posts once, not 800 times).
 * @module
 */
import type { StoreChange } from '../../core/store.js';

/** The channel name of a database. */
export function channelNameOf(dbName: string): string {
  return `edgeflow-idb:${dbName}`;
}

/** A store's end of its database's change channel. A no-op where `BroadcastChannel` is missing. */
export class ChangeBroadcast {
  readonly #channel: BroadcastChannel | undefined;

  constructor(dbName: string, onForeignChange: (change: StoreChange) => void) {
    if (typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(channelNameOf(dbName));
    this.#channel.onmessage = (event: MessageEvent<readonly StoreChange[] | StoreChange>) => {
      // A tab running edgeflow from before the changes of a commit were sent together posts one change a message.
      for (const change of Array.isArray(event.data) ? event.data : [event.data]) onForeignChange(change);
    };
  }

  /** Tells the other contexts about the changes of one commit, in order. */
  post(changes: readonly StoreChange[]): void {
    if (changes.length > 0) this.#channel?.postMessage(changes);
  }

  close(): void {
    this.#channel?.close();
  }
}
